"""Scale data: fill a PostgreSQL database with the ecosystem at its real size, valid for the app.

PostgreSQL only (COPY and set-wise ``INSERT ... SELECT``; needs a superuser role, because the load
runs with ``session_replication_role = replica`` so foreign keys are not checked row by row: the
generator writes them consistent). The database named by ``--database-url`` is dropped and created
(``--replace`` is required when it exists), migrated to head with every installed plugin, the
regions, M-Bazar's categories, the cores' fields and the loan products seeded by the app's own
services, every module switched on nationwide; then, by default:

- 1,000,000 members (valid national codes, unique mobiles ``0912xxxxxxx``, one password hashed
  once: ``GENERATED_PASSWORD`` below), each with a main account;
- 50,000 cores in real places (not provinces), led by members, most of them active, each active
  core with a booth in M-Bazar; 1,000,000 products in the seeded categories (integer rials), with
  the search index built set-wise;
- 2,000,000 orders (one checkout each, one or two lines) in every state, with their events;
- 200,000 loans in every state; paid-out loans have an earmarked account and their schedule,
  paid instalments one payment each;
- 5,000,000 ledger transfers: a top-up of every member, the loan fund, the loans paid out, every
  order's payment into escrow, the sales and refunds out of it, the repayments, and transfers
  between members to make up the number; each posted with its two entries (``balance_after``
  the running balance), every account's balance the sum of its entries, nothing below zero.

    .venv/bin/python bench/generate.py [--database-url URL] [--replace] [--scale 0.01]
        [--members N --cores N --products N --orders N --loans N --transfers N] [--verify] [--json]

``--scale`` multiplies every default size. Prints the time and rows per second of each table.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
import psycopg
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bazaar_search import RARE, WORDS  # noqa: E402 (the catalogue's vocabulary, in search_key form)

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/resalat_scale"
GENERATED_PASSWORD = "scale-pass-1404"  # noqa: S105 (every generated member's password)
DEFAULTS = {
    "members": 1_000_000,
    "cores": 50_000,
    "products": 1_000_000,
    "orders": 2_000_000,
    "loans": 200_000,
    "transfers": 5_000_000,
}
# Main accounts are numbered after the system accounts the app opens first.
ACCOUNT_OFFSET = 1000
MOBILE_PREFIX = "0912"

FIRST_NAMES = [
    "علی",
    "محمد",
    "حسین",
    "رضا",
    "مهدی",
    "زهرا",
    "فاطمه",
    "مریم",
    "زینب",
    "سکینه",
    "جعفر",
    "صادق",
    "کاظم",
    "حسن",
    "عباس",
    "مرتضی",
    "مصطفی",
    "احمد",
    "محمود",
    "اکبر",
    "اصغر",
    "رقیه",
    "معصومه",
    "طاهره",
    "نرگس",
    "لیلا",
    "سمیه",
    "اعظم",
    "صدیقه",
    "کبری",
]
LAST_NAMES = [
    "صفرنیا",
    "احمدی",
    "محمدی",
    "حسینی",
    "رضایی",
    "کریمی",
    "موسوی",
    "جعفری",
    "کاظمی",
    "رحیمی",
    "قاسمی",
    "نوری",
    "مرادی",
    "سلیمانی",
    "یوسفی",
    "عباسی",
    "حیدری",
    "زارعی",
    "کرمانی",
    "یزدی",
    "زنجانی",
    "بلوچی",
    "خراسانی",
    "شیرازی",
    "تبریزی",
]


# --- helpers ---------------------------------------------------------------------------------------


def check_digit(body: str) -> str:
    """The national code with ``body`` (nine digits) and its check digit (identity's rule)."""
    total = sum(int(body[i]) * (10 - i) for i in range(9))
    r = total % 11
    return body + str(r if r < 2 else 11 - r)


def national_code(i: int) -> str:
    # 100000000 + i never has ten equal digits, which the app refuses.
    return check_digit(f"{100_000_000 + i:09d}")


def admin_conninfo(url: str) -> str:
    return (
        make_url(url).set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    )


def conninfo(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


class Run:
    """The connection the load runs on, the timings per table and the progress bar."""

    def __init__(self, conn: psycopg.Connection[Any], bar: Any, quiet: bool) -> None:
        self.conn = conn
        self.bar = bar
        self.quiet = quiet
        self.tables: dict[str, dict[str, float]] = {}

    def sql(self, statement: str, params: Any = None) -> int:
        # Always with parameters, so every statement writes a literal % as %%.
        cur = self.conn.execute(statement, params or {})
        return cur.rowcount

    def scalar(self, statement: str, params: Any = None) -> Any:
        row = self.conn.execute(statement, params or {}).fetchone()
        return row[0] if row else None

    @contextmanager
    def table(self, name: str) -> Iterator[dict[str, int]]:
        """Time one table's load; the body puts the rows it wrote in ``counter["rows"]``."""
        counter = {"rows": 0}
        started = time.perf_counter()
        yield counter
        self.conn.commit()
        seconds = time.perf_counter() - started
        entry = self.tables.setdefault(name, {"rows": 0, "seconds": 0.0})
        entry["rows"] += counter["rows"]
        entry["seconds"] += seconds

    def advance(self, rows: int) -> None:
        self.bar.update(rows)


def chunks(first: int, last: int, size: int) -> Iterator[tuple[int, int]]:
    lo = first
    while lo <= last:
        hi = min(last, lo + size - 1)
        yield lo, hi
        lo = hi + 1


CHUNK = 200_000


# --- the schema and what the app seeds --------------------------------------------------------------


def create_database(url: str, replace: bool) -> None:
    name = make_url(url).database
    with psycopg.connect(admin_conninfo(url), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists and not replace:
            raise click.UsageError(f"the database {name} exists: pass --replace to drop and fill it again")
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def make_app(url: str) -> Any:
    from resalat_core.app import create_app

    media = os.path.join(tempfile.gettempdir(), "resalat-generate-media")
    return create_app({"database_url": url, "bazaar_media_dir": media})


def seed_with_the_app(url: str) -> dict[str, Any]:
    """Migrate and seed through the app's own services; returns what the generator needs."""
    from resalat_bazaar import services as bazaar
    from resalat_cores.services.registry import ensure_default_fields
    from resalat_loans import services as loans
    from resalat_loans.demo import CORES_PRODUCT, PRODUCTS

    from resalat_core.members.passwords import hash_password
    from resalat_core.migrate import upgrade
    from resalat_core.plugins.activation import enable_everything
    from resalat_core.regions.services import load_regions
    from resalat_core.sdk import search_key
    from resalat_core.vocabulary import vocabulary
    from resalat_core.wallet.services import system_account

    app = make_app(url)
    with app.app_context():
        upgrade(app)
        db = app.extensions["resalat"].db
        with db.new_session() as s:
            load_regions(s)
            bazaar.ensure_categories(s)
            ensure_default_fields(s)
            for product in (*PRODUCTS, CORES_PRODUCT):
                loans.save_product(s, dict(product))
            enable_everything(s)
            # Every system account a loaded plugin declares, opened as the app opens them.
            for code in sorted(vocabulary().accounts):
                system_account(s, code)
            s.commit()
        core_names = [f"هسته {f} {w}" for f in ("خانوادگی", "روستایی", "زنان", "جوانان") for w in WORDS[:60]]
        seeded = {
            "password_hash": hash_password(GENERATED_PASSWORD),
            "core_names": core_names,
            "core_keys": [search_key(n) for n in core_names],
        }
        db.dispose()
    return seeded


def tune(run: Run) -> None:
    run.sql("SET session_replication_role = replica")
    run.sql("SET maintenance_work_mem = '512MB'")
    run.sql("SET work_mem = '512MB'")
    run.sql("SET synchronous_commit = off")
    run.conn.commit()


@contextmanager
def without_indexes(run: Run, tables: list[str]) -> Iterator[None]:
    """Drop the tables' secondary indexes and unique constraints, load, and build them again.

    Building an index once over the loaded rows is several times faster than keeping it up to
    date row by row. Primary keys stay (other tables' foreign keys depend on them).
    """
    constraints = run.conn.execute(
        "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
        "WHERE c.conrelid = ANY(%s::regclass[]) AND c.contype = 'u'",
        (tables,),
    ).fetchall()
    indexes = run.conn.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
        (tables,),
    ).fetchall()
    for table, name, _definition in constraints:
        run.sql(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        run.sql(f"DROP INDEX {name}")
    run.conn.commit()
    yield
    for _name, definition in indexes:
        run.sql(definition)
    for table, name, definition in constraints:
        run.sql(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    run.conn.commit()


# --- the generators ------------------------------------------------------------------------------------


def gen_members(run: Run, n: int, password_hash: str) -> None:
    regions = [r[0] for r in run.conn.execute("SELECT id FROM regions WHERE kind <> 'province' ORDER BY id")]
    with run.table("members") as counter, without_indexes(run, ["members"]):
        for lo, hi in chunks(1, n, 50_000):
            lines = []
            for i in range(lo, hi + 1):
                name = f"{FIRST_NAMES[i % len(FIRST_NAMES)]} {LAST_NAMES[(i // 7) % len(LAST_NAMES)]}"
                day = 1 + i % 28
                month = 1 + (i // 28) % 12
                region = regions[(i * 7919) % len(regions)]
                lines.append(
                    f"{i}\t{national_code(i)}\t{MOBILE_PREFIX}{i:07d}\t{name}\t{region}"
                    f"\t{password_hash}\tfa\tt\t1\t2022-{month:02d}-{day:02d} 10:00:00\n"
                )
            with run.conn.cursor().copy(
                "COPY members (id, national_code, mobile, name, region_id, password_hash, language, "
                "is_active, session_version, created_at) FROM STDIN"
            ) as copy:
                copy.write("".join(lines))
            counter["rows"] += hi - lo + 1
            run.advance(hi - lo + 1)


def gen_cores(run: Run, members: int, cores: int, seeded: dict[str, Any]) -> int:
    """Cores led by every ``members // cores``-th member; returns how many booths (active cores)."""
    stride = max(1, members // cores)
    params = {
        "n": cores,
        "stride": stride,
        "members": members,
        "names": seeded["core_names"],
        "keys": seeded["core_keys"],
    }
    with (
        run.table("cores +members +history") as counter,
        without_indexes(run, ["cores", "cores_members", "cores_status_changes"]),
    ):
        counter["rows"] += run.sql(
            "INSERT INTO cores (id, code, name, name_search, leader_id, field_id, region_id, existed_before, "
            "status, description, created_at, approved_at) "
            "SELECT i, CASE WHEN i %% 20 < 17 THEN 'GEN-' || upper(f.codes[1 + i %% f.n]) || '-' "
            "  || lpad(i::text, 6, '0') END, "
            "(%(names)s::text[])[1 + i %% array_length(%(names)s::text[], 1)], "
            "(%(keys)s::text[])[1 + i %% array_length(%(keys)s::text[], 1)], "
            "m.id, f.ids[1 + i %% f.n], m.region_id, i %% 3 <> 0, "
            "CASE WHEN i %% 20 < 16 THEN 'active' WHEN i %% 20 = 16 THEN 'suspended' ELSE 'candidate' END, "
            "'', now() - make_interval(days => 30 + i %% 600), "
            "CASE WHEN i %% 20 < 17 THEN now() - make_interval(days => i %% 30) END "
            "FROM generate_series(1, %(n)s) i "
            "CROSS JOIN (SELECT array_agg(id ORDER BY id) ids, array_agg(code ORDER BY id) codes, "
            "  count(*)::int n FROM cores_fields) f "
            "JOIN members m ON m.id = 1 + ((i - 1) * %(stride)s) %% %(members)s",
            params,
        )
        run.advance(cores)
        counter["rows"] += run.sql(
            "INSERT INTO cores_members (core_id, member_id, name, national_code, mobile, relation, "
            "created_at) "
            "SELECT c.id, m.id, m.name, m.national_code, m.mobile, 'leader', c.created_at "
            "FROM cores c JOIN members m ON m.id = c.leader_id"
        )
        counter["rows"] += run.sql(
            "INSERT INTO cores_status_changes (core_id, from_status, to_status, reason, actor_id, at) "
            "SELECT id, NULL, 'candidate', '', leader_id, created_at FROM cores"
        )
        counter["rows"] += run.sql(
            "INSERT INTO cores_status_changes (core_id, from_status, to_status, reason, actor_id, at) "
            "SELECT id, 'candidate', 'active', '', NULL, approved_at FROM cores WHERE approved_at IS NOT NULL"
        )
        counter["rows"] += run.sql(
            "INSERT INTO cores_status_changes (core_id, from_status, to_status, reason, actor_id, at) "
            "SELECT id, 'active', 'suspended', 'بازبینی راهنما', NULL, approved_at + interval '1 day' "
            "FROM cores WHERE status = 'suspended'"
        )
    with run.table("bazaar_booths") as counter:
        counter["rows"] = run.sql(
            "INSERT INTO bazaar_booths (id, owner_id, core_id, name, description, region_id, "
            "delivery_options, "
            "status, hidden, created_at, updated_at) "
            "SELECT row_number() OVER (ORDER BY c.id), c.leader_id, c.id, 'غرفه ' || c.name, '', "
            "c.region_id, "
            "'[\"pickup\", \"post\"]', 'open', false, c.approved_at, c.approved_at "
            "FROM cores c WHERE c.status = 'active'"
        )
    return int(run.scalar("SELECT count(*) FROM bazaar_booths"))


def _bazaar_search_migration() -> Any:
    """M-Bazar's search-index migration, read from its file as its ``reindex`` reads it."""
    import importlib.util

    import resalat_bazaar

    path = Path(resalat_bazaar.__file__).parent / "migrations" / "versions"
    found = sorted(path.glob("*_search_filters_in_index.py"))
    spec = importlib.util.spec_from_file_location("bazaar_search_index_migration", found[0])
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def gen_products(run: Run, products: int, booths: int) -> None:
    """Product ``p`` belongs to booth ``(p - 1) % booths + 1``: orders pick a booth's products by it."""
    with run.table("bazaar_products") as counter:
        with without_indexes(run, ["bazaar_products"]):
            for lo, hi in chunks(1, products, CHUNK):
                counter["rows"] += run.sql(
                    "INSERT INTO bazaar_products (id, booth_id, category_id, kind, title, description, "
                    "price, "
                    "stock, unit, listed, hidden, search_title, search_text, created_at, updated_at) "
                    "SELECT i, (i - 1) %% %(booths)s + 1, c.ids[1 + ((i * 7) %% array_length(c.ids, 1))], "
                    "'goods', t.title, t.body, 10000 + ((i::bigint * 7919) %% 100000) * 100, 1000000, "
                    "'piece', "
                    "true, i %% 500 = 0, t.title, t.body, now() - make_interval(secs => i), now() "
                    "FROM generate_series(%(lo)s::int, %(hi)s::int) i, "
                    # Products sit in the leaves of the category tree, as sellers file them.
                    "(SELECT array_agg(id ORDER BY id) ids FROM bazaar_categories x WHERE NOT EXISTS "
                    "  (SELECT 1 FROM bazaar_categories y WHERE y.parent_id = x.id)) c, "
                    "LATERAL (SELECT "
                    "  w[1 + ((i * 31) %% n)] || ' ' || w[1 + ((i * 17 + 5) %% n)] || ' ' "
                    "    || w[1 + ((i / 7 * 13) %% n)] "
                    "    || CASE WHEN i %% 1000 = 0 THEN ' ' || %(rare)s ELSE '' END AS title, "
                    "  w[1 + ((i * 11 + 3) %% n)] || ' ' || w[1 + ((i * 23 + 1) %% n)] || ' ' "
                    "    || w[1 + ((i * 5) %% n)] || ' ' || w[1 + ((i * 29 + 7) %% n)] AS body "
                    "  FROM (SELECT %(words)s::text[] w, %(n_words)s n) v) t",
                    {
                        "lo": lo,
                        "hi": hi,
                        "booths": booths,
                        "words": list(WORDS),
                        "n_words": len(WORDS),
                        "rare": RARE,
                    },
                )
                run.conn.commit()
                run.advance(hi - lo + 1)
        run.sql("UPDATE bazaar_products SET hidden_reason = 'بازبینی نظارت' WHERE hidden")
    with run.table("bazaar_products_fts") as counter:
        # M-Bazar's own statements (its search migration's, as `bazaar reindex` runs them), so
        # the generated index is the one the app keeps: words, prefixes and the filters' columns.
        search = _bazaar_search_migration()
        run.sql("DROP INDEX IF EXISTS bazaar_products_fts_search")
        for statement in search.PG_REBUILD:
            counter["rows"] = run.sql(statement)
        run.sql(search.INDEX)


ORDER_STATUS = (
    "CASE WHEN i % 20 < 10 THEN 'completed' WHEN i % 20 < 12 THEN 'delivered' WHEN i % 20 < 14 THEN "
    "'shipped' "
    "WHEN i % 20 < 16 THEN 'accepted' WHEN i % 20 < 18 THEN 'placed' ELSE 'refunded' END"
).replace("%", "%%")


def gen_orders(run: Run, members: int, products: int, booths: int, orders: int) -> None:
    tables = ["bazaar_checkouts", "bazaar_orders", "bazaar_order_items", "bazaar_order_events"]
    params: dict[str, Any] = {"members": members, "products": products, "booths": booths, "orders": orders}
    with run.table("orders +checkouts +lines +events") as counter, without_indexes(run, tables):
        for lo, hi in chunks(1, orders, CHUNK):
            params.update(lo=lo, hi=hi)
            # One or two lines from the order's booth: booth b sells products b, b + booths, ...
            items = run.sql(
                "INSERT INTO bazaar_order_items (order_id, product_id, category_id, title, unit, "
                "unit_price, quantity) "
                "SELECT o.i, p.id, p.category_id, p.title, p.unit, p.price, 1 + (o.i + k) %% 3 "
                "FROM (SELECT i, (i * 31) %% %(booths)s + 1 AS b FROM generate_series(%(lo)s::int, "
                "%(hi)s::int) i) o "
                "CROSS JOIN LATERAL generate_series(1, 1 + o.i %% 2) k "
                "JOIN bazaar_products p ON p.id = o.b + %(booths)s * "
                "  ((o.i::bigint * 7919 + k * 104729) %% ((%(products)s - o.b) / %(booths)s + 1))",
                params,
            )
            status = ORDER_STATUS
            count = run.sql(
                "INSERT INTO bazaar_checkouts (id, buyer_id, key, total, funding, created_at) "
                "SELECT t.order_id, buyer(t.order_id), 'gen:' || t.order_id, t.total, 'main', "
                "  now() - make_interval(mins => (%(orders)s - t.order_id)::int) "
                "FROM (SELECT order_id, sum(unit_price * quantity) total FROM bazaar_order_items "
                "  WHERE order_id BETWEEN %(lo)s AND %(hi)s GROUP BY order_id) t".replace(
                    "buyer(t.order_id)", "(t.order_id - 1) %% %(members)s + 1"
                ),
                params,
            )
            run.sql(
                "INSERT INTO bazaar_orders (id, checkout_id, buyer_id, booth_id, seller_id, status, total, "
                "paid_main, paid_earmarked, paid_other, delivery, delivery_fee, address, note, tracking, "
                "cancel_reason, created_at, updated_at, accepted_at, shipped_at, delivered_at, completed_at, "
                "cancelled_at) "
                f"SELECT c.id, c.id, c.buyer_id, b.id, b.owner_id, s.status, c.total, c.total, 0, 0, "
                f"'pickup', 0, "
                "'', '', '', CASE WHEN s.status = 'refunded' THEN 'ناموجود بودن کالا' END, c.created_at, "
                "c.created_at + interval '5 days', "
                "CASE WHEN s.status IN ('accepted', 'shipped', 'delivered', 'completed') "
                "  THEN c.created_at + interval '1 day' END, "
                "CASE WHEN s.status IN ('shipped', 'delivered', 'completed') THEN c.created_at + interval "
                "'2 days' END, "
                "CASE WHEN s.status IN ('delivered', 'completed') THEN c.created_at + interval '4 days' END, "
                "CASE WHEN s.status = 'completed' THEN c.created_at + interval '5 days' END, "
                "CASE WHEN s.status = 'refunded' THEN c.created_at + interval '1 day' END "
                "FROM bazaar_checkouts c "
                "JOIN bazaar_booths b ON b.id = (c.id * 31) %% %(booths)s + 1 "
                f"CROSS JOIN LATERAL (SELECT {status.replace('i %% 20', 'c.id %% 20')} AS status) s "
                "WHERE c.id BETWEEN %(lo)s AND %(hi)s",
                params,
            )
            events = run.sql(
                "INSERT INTO bazaar_order_events (order_id, from_status, to_status, actor_id, note, at) "
                "SELECT id, NULL, 'placed', buyer_id, '', created_at FROM bazaar_orders "
                "WHERE id BETWEEN %(lo)s AND %(hi)s "
                "UNION ALL "
                "SELECT id, 'placed', status, seller_id, '', updated_at FROM bazaar_orders "
                "WHERE id BETWEEN %(lo)s AND %(hi)s AND status <> 'placed'",
                params,
            )
            run.conn.commit()
            counter["rows"] += count * 2 + items + events
            run.advance(count)


def gen_loans(run: Run, members: int, loans: int) -> None:
    stride = max(1, members // max(1, loans))
    params = {"n": loans, "stride": stride, "members": members}
    tables = ["loans_loans", "loans_instalments", "loans_payments", "loans_events"]
    with run.table("loans +schedules +payments +events") as counter, without_indexes(run, tables):
        # Statuses by l % 20: 2 requested, 1 rejected, 1 cancelled, 12 disbursed, 4 repaid.
        counter["rows"] += run.sql(
            "INSERT INTO loans_loans (id, member_id, product_id, region_id, request_key, amount, fee_bps, "
            "fee, "
            "instalments, points_used, purpose, status, reason, decided_at, disbursed_on, repaid_at, bucket, "
            "created_at) "
            "SELECT l, m.id, p.id, m.region_id, 'gen:' || l, a.amount, p.fee_bps, "
            "(a.amount * p.fee_bps + 5000) / 10000, a.n, 0, 'سرمایه در گردش', s.status, "
            "CASE WHEN s.status = 'rejected' THEN 'امتیاز مرات کافی نیست' ELSE '' END, "
            "CASE WHEN s.status IN ('rejected', 'disbursed', 'repaid') THEN d.on_day::timestamp END, "
            "CASE WHEN s.status IN ('disbursed', 'repaid') THEN d.on_day END, "
            "CASE WHEN s.status = 'repaid' THEN (d.on_day + make_interval(months => a.n))::timestamp END, "
            "'current', d.on_day::timestamp - interval '3 days' "
            "FROM generate_series(1, %(n)s) l "
            "JOIN members m ON m.id = 1 + ((l - 1)::bigint * %(stride)s) %% %(members)s "
            "JOIN LATERAL (SELECT * FROM loans_products ORDER BY id OFFSET l %% (SELECT count(*) FROM "
            "loans_products) "
            "  LIMIT 1) p ON true "
            "CROSS JOIN LATERAL (SELECT "
            "  least(p.amount_max, p.amount_min * (1 + l %% 4)) AS amount, "
            "  greatest(p.instalments_min, least(p.instalments_max, (ARRAY[12, 18, 24])[1 + l %% 3])) AS "
            "n) a "
            "CROSS JOIN LATERAL (SELECT CASE WHEN l %% 20 < 2 THEN 'requested' WHEN l %% 20 = 2 THEN "
            "'rejected' "
            "  WHEN l %% 20 = 3 THEN 'cancelled' WHEN l %% 20 < 16 THEN 'disbursed' ELSE 'repaid' END AS "
            "status) s "
            # Running loans were paid out 1 .. n-1 months ago, repaid ones over n months ago.
            "CROSS JOIN LATERAL (SELECT (current_date - make_interval(months => CASE WHEN s.status = "
            "'repaid' "
            "  THEN a.n + 1 + l %% 12 ELSE 1 + (l * 7) %% greatest(1, a.n - 1) END, days => l %% 28))::date "
            "  AS on_day) d",
            params,
        )
        run.advance(loans // 2)
        # The schedule (schedules.schedule_for, instalment_rounding 10,000 rials).
        counter["rows"] += run.sql(
            "INSERT INTO loans_instalments "
            "(loan_id, seq, due_on, principal, fee, paid_at, paid_on, payment_id) "
            "SELECT l.id, k, d.due_on, "
            "CASE WHEN k = l.instalments THEN l.amount - u.p * (l.instalments - 1) ELSE u.p END, "
            "CASE WHEN k = l.instalments THEN l.fee - u.f * (l.instalments - 1) ELSE u.f END, "
            "CASE WHEN d.paid THEN d.due_on + interval '9 hours' END, CASE WHEN d.paid THEN d.due_on END, "
            "CASE WHEN d.paid THEN l.id END "
            "FROM loans_loans l "
            "CROSS JOIN LATERAL (SELECT "
            "  l.amount / l.instalments / pu * pu AS p, l.fee / l.instalments / fu * fu AS f FROM (SELECT "
            "  CASE WHEN l.amount / l.instalments >= 10000 THEN 10000 ELSE 1 END AS pu, "
            "  CASE WHEN l.fee / l.instalments >= 10000 THEN 10000 ELSE 1 END AS fu) r) u "
            "CROSS JOIN LATERAL generate_series(1, l.instalments) k "
            # Paid: everything due for most loans, some instalments short for a fifth of them.
            "CROSS JOIN LATERAL (SELECT (l.disbursed_on + make_interval(months => k))::date AS due_on) m "
            "CROSS JOIN LATERAL (SELECT m.due_on, l.status = 'repaid' OR m.due_on <= current_date - "
            "  CASE WHEN l.id %% 10 = 4 THEN 20 WHEN l.id %% 10 = 9 THEN 75 ELSE 0 END AS paid) d "
            "WHERE l.status IN ('disbursed', 'repaid')"
        )
        counter["rows"] += run.sql(
            "INSERT INTO loans_payments (id, loan_id, key, amount, instalments, created_at) "
            "SELECT loan_id, loan_id, 'gen:' || loan_id, sum(principal + fee), count(*), max(paid_at) "
            "FROM loans_instalments WHERE paid_at IS NOT NULL GROUP BY loan_id"
        )
        run.sql(
            "UPDATE loans_loans l SET bucket = CASE WHEN o.days <= 30 THEN '1-30' WHEN o.days <= 60 THEN "
            "'31-60' "
            "WHEN o.days <= 90 THEN '61-90' ELSE '90+' END "
            "FROM (SELECT loan_id, current_date - min(due_on) AS days FROM loans_instalments "
            "  WHERE paid_at IS NULL AND due_on < current_date GROUP BY loan_id) o "
            "WHERE o.loan_id = l.id AND l.status = 'disbursed'"
        )
        counter["rows"] += run.sql(
            "INSERT INTO loans_events (loan_id, kind, note, actor_id, at) "
            "SELECT id, 'requested', '', member_id, created_at FROM loans_loans "
            "UNION ALL SELECT id, CASE WHEN status = 'repaid' THEN 'disbursed' ELSE status END, reason, "
            "NULL, "
            "  coalesce(decided_at, created_at + interval '1 day') FROM loans_loans WHERE status <> "
            "'requested' "
            "UNION ALL SELECT id, 'repaid', '', NULL, repaid_at FROM loans_loans WHERE status = 'repaid'"
        )
        run.advance(loans - loans // 2)


# --- the ledger ----------------------------------------------------------------------------------------


def account_ids(run: Run) -> dict[str, int]:
    return {
        code.removeprefix("system:"): i
        for i, code in run.conn.execute("SELECT id, code FROM wallet_accounts WHERE kind = 'system'")
    }


def gen_ledger(run: Run, members: int, transfers: int) -> dict[str, int]:
    """Transfers in id order: top-ups, the loan fund, disbursals, purchases, sales and refunds,
    repayments, then transfers between members; entries and balances computed from them."""
    system = account_ids(run)
    main = f"{ACCOUNT_OFFSET} + %s"  # the main account of member m
    earmarked_base = ACCOUNT_OFFSET + members + 1000
    params: dict[str, Any] = {
        "members": members,
        "cash_in": system["cash_in"],
        "fund": system["loan_fund"],
        "escrow": system["escrow"],
        "off": ACCOUNT_OFFSET,
        "ebase": earmarked_base,
    }
    counts: dict[str, int] = {}
    fp = (
        "encode(sha256(convert_to(format('[%%s, %%s, %%s, \"%%s\", %%s, false]', d, c, amount, purpose, "
        "coalesce('\"' || reference || '\"', 'null')), 'UTF8')), 'hex')"
    )

    def insert(kind: str, select: str, extra: dict[str, Any] | None = None) -> int:
        """``select`` yields (n, d, c, amount, purpose, reference, params, happened) ordered by n from 1."""
        first = int(run.scalar("SELECT coalesce(max(id), 0) FROM wallet_transfers")) + 1
        rows = run.sql(
            "INSERT INTO wallet_transfers (id, key, fingerprint, debit_account_id, credit_account_id, "
            "amount, "
            "purpose, reference, params, state, created_at) "
            f"SELECT %(first)s + n - 1, 'gen:{kind}:' || n, {fp}, d, c, amount, purpose, reference, params, "
            f"'posted', happened FROM ({select}) x",
            {**params, **(extra or {}), "first": first},
        )
        counts[kind] = rows
        run.conn.commit()
        run.advance(rows)
        return rows

    with run.table("wallet_accounts") as counter:
        counter["rows"] += run.sql(
            "INSERT INTO wallet_accounts (id, code, kind, owner_id, non_negative, posted, pending_debits, "
            "pending_credits, created_at) "
            f"SELECT {main % 'id'}, 'member:' || id || ':main', 'member_main', id, true, 0, 0, 0, created_at "
            "FROM members"
        )
        counter["rows"] += run.sql(
            "INSERT INTO wallet_accounts (id, code, kind, owner_id, non_negative, posted, pending_debits, "
            "pending_credits, purpose, params, spend_rules, created_at) "
            "SELECT %(ebase)s + l.id, 'loan:' || l.id, 'earmarked', l.member_id, true, 0, 0, 0, 'loan', "
            "json_build_object('loan', l.id, 'product', p.name_fa), "
            "(coalesce(p.spend_rules::jsonb, '{}') || '{\"purposes\": [\"bazaar_purchase\"]}')::json, "
            "l.decided_at FROM loans_loans l JOIN loans_products p ON p.id = l.product_id "
            "WHERE l.status IN ('disbursed', 'repaid')",
            params,
        )
        run.sql(
            "UPDATE loans_loans SET account_id = %(ebase)s + id WHERE status IN ('disbursed', 'repaid')",
            params,
        )

    with run.table("wallet_transfers") as counter, without_indexes(run, ["wallet_transfers"]):
        # Ids 1 .. members + 1 are kept for the top-ups and the fund, written last: their amounts
        # are what each account pays out afterwards (plus a margin), so no balance dips below zero.
        run.sql(
            "INSERT INTO wallet_transfers (id, key, fingerprint, debit_account_id, credit_account_id, "
            "amount, "
            "purpose, state, created_at) VALUES (%(n)s, 'gen:placeholder', '', 1, 2, 1, 'top_up', "
            "'posted', now())",
            {"n": members + 1},
        )
        insert(
            "disbursal",
            "SELECT row_number() OVER (ORDER BY id) n, %(fund)s d, %(ebase)s + id c, amount, "
            "'loan_disbursal' purpose, 'loan:' || id reference, json_build_object('loan', id) params, "
            "decided_at AS happened FROM loans_loans WHERE status IN ('disbursed', 'repaid')",
        )
        insert(
            "purchase",
            f"SELECT o.id n, {main % 'o.buyer_id'} d, %(escrow)s c, o.total amount, 'bazaar_purchase' "
            f"purpose, "
            "'bazaar:order:' || o.id reference, json_build_object('order', o.id, 'booth', b.name) params, "
            "o.created_at AS happened FROM bazaar_orders o JOIN bazaar_booths b ON b.id = o.booth_id",
        )
        insert(
            "sale_refund",
            "SELECT row_number() OVER (ORDER BY o.id) n, %(escrow)s d, "
            f"CASE WHEN o.status = 'completed' THEN {main % 'o.seller_id'} ELSE {main % 'o.buyer_id'} END c, "
            "o.total amount, CASE WHEN o.status = 'completed' THEN 'bazaar_sale' ELSE 'bazaar_refund' END "
            "purpose, "
            "'bazaar:order:' || o.id reference, json_build_object('order', o.id, 'booth', b.name) params, "
            "coalesce(o.completed_at, o.cancelled_at) AS happened "
            "FROM bazaar_orders o JOIN bazaar_booths b ON b.id = o.booth_id "
            "WHERE o.status IN ('completed', 'refunded')",
        )
        insert(
            "repayment",
            f"SELECT row_number() OVER (ORDER BY p.id) n, {main % 'l.member_id'} d, %(fund)s c, p.amount, "
            "'loan_repayment' purpose, 'loan:' || l.id reference, json_build_object('loan', l.id) params, "
            "p.created_at AS happened FROM loans_payments p JOIN loans_loans l ON l.id = p.loan_id",
        )
        done = members + 1 + sum(counts.values())
        fill = max(0, transfers - done)
        insert(
            "member_transfer",
            f"SELECT j n, {main % '((j - 1) %% %(members)s + 1)'} d, {main % '(j %% %(members)s + 1)'} c, "
            "10000 + (j::bigint * 7919) %% 100 * 10000 amount, 'member_transfer' purpose, NULL reference, "
            "NULL::json params, now() - make_interval(secs => %(fill)s - j) AS happened FROM "
            "generate_series(1, %(fill)s) j",
            {"fill": fill},
        )
        run.sql("DELETE FROM wallet_transfers WHERE key = 'gen:placeholder'")
        # The top-ups (ids 1 .. members): each member's outflow plus a margin, credited first.
        run.sql(
            "INSERT INTO wallet_transfers (id, key, fingerprint, debit_account_id, credit_account_id, "
            "amount, "
            "purpose, reference, params, state, created_at) "
            f"SELECT n, 'gen:top_up:' || n, {fp}, d, c, amount, purpose, reference, params, 'posted', "
            f"happened FROM ("
            f"SELECT m.id n, %(cash_in)s d, {main % 'm.id'} c, "
            "coalesce(o.out, 0) + 1000000 * (1 + m.id %% 50) amount, 'top_up' purpose, NULL reference, "
            "NULL::json params, m.created_at AS happened FROM members m LEFT JOIN (SELECT debit_account_id "
            "a, sum(amount) out "
            f"  FROM wallet_transfers WHERE debit_account_id > %(off)s GROUP BY 1) o ON o.a = "
            f"{main % 'm.id'}) x",
            params,
        )
        counts["top_up"] = members
        run.advance(members)
        # The fund: what the loans paid out, before the first of them.
        run.sql(
            "INSERT INTO wallet_transfers (id, key, fingerprint, debit_account_id, credit_account_id, "
            "amount, "
            "purpose, reference, params, state, created_at) "
            f"SELECT n, 'gen:loan_funding', {fp}, d, c, amount, purpose, reference, params, 'posted', "
            f"happened FROM ("
            "SELECT %(n)s n, %(cash_in)s d, %(fund)s c, greatest(1, coalesce(sum(amount), 0)) amount, "
            "'loan_funding' purpose, NULL reference, NULL::json params, now() - interval '5 years' AS "
            "happened "
            "FROM wallet_transfers WHERE purpose = 'loan_disbursal') x",
            {**params, "n": members + 1},
        )
        counts["loan_funding"] = 1
        counter["rows"] = int(run.scalar("SELECT count(*) FROM wallet_transfers"))
    with run.table("wallet_entries") as counter, without_indexes(run, ["wallet_entries"]):
        counter["rows"] = run.sql(
            "INSERT INTO wallet_entries (id, transfer_id, account_id, amount, balance_after, created_at) "
            "SELECT id, transfer_id, account_id, amount, "
            "sum(amount) OVER (PARTITION BY account_id ORDER BY id), created_at FROM ("
            "SELECT id * 2 - 1 id, id transfer_id, debit_account_id account_id, -amount amount, created_at "
            "FROM wallet_transfers UNION ALL "
            "SELECT id * 2, id, credit_account_id, amount, created_at FROM wallet_transfers) e"
        )
        run.advance(counter["rows"] // 4)
    with run.table("wallet_accounts"), without_indexes(run, ["wallet_accounts"]):
        run.sql(
            "UPDATE wallet_accounts a SET posted = s.total FROM (SELECT account_id, sum(amount) total "
            "FROM wallet_entries GROUP BY account_id) s WHERE s.account_id = a.id"
        )
    return counts


def set_sequences(run: Run) -> int:
    """Every id sequence past the largest id, so the app's own inserts follow the generated rows."""
    rows = run.conn.execute(
        "SELECT c.table_name, pg_get_serial_sequence(quote_ident(c.table_name), c.column_name) "
        "FROM information_schema.columns c WHERE c.table_schema = 'public' AND c.column_name = 'id' "
        "AND pg_get_serial_sequence(quote_ident(c.table_name), c.column_name) IS NOT NULL"
    ).fetchall()
    for table, sequence in rows:
        run.sql(f"SELECT setval('{sequence}', (SELECT coalesce(max(id), 0) + 1 FROM \"{table}\"), false)")
    run.conn.commit()
    return len(rows)


# --- the command -----------------------------------------------------------------------------------------


def sizes_from(args: argparse.Namespace) -> dict[str, int]:
    sizes = {}
    for name, default in DEFAULTS.items():
        given = getattr(args, name)
        sizes[name] = int(given) if given is not None else max(1, math.ceil(default * args.scale))
    if sizes["members"] < sizes["cores"] or sizes["products"] < sizes["cores"]:
        raise SystemExit("error: give at least as many members and products as cores")
    return sizes


def generate(url: str, sizes: dict[str, int], *, replace: bool, quiet: bool = False) -> dict[str, Any]:
    started = time.perf_counter()
    create_database(url, replace)
    seeded = seed_with_the_app(url)
    setup_seconds = time.perf_counter() - started
    # Rows the bar counts: members, cores, products, orders, loans, transfers, a quarter of entries.
    total = (
        sizes["members"]
        + sizes["cores"]
        + sizes["products"]
        + sizes["orders"]
        + sizes["loans"]
        + sizes["transfers"]
        + sizes["transfers"] // 2
    )
    with (
        psycopg.connect(conninfo(url)) as conn,
        click.progressbar(length=total, label="generating", file=sys.stderr) as bar,
    ):
        run = Run(conn, bar, quiet)
        tune(run)
        gen_members(run, sizes["members"], seeded["password_hash"])
        booths = gen_cores(run, sizes["members"], sizes["cores"], seeded)
        gen_products(run, sizes["products"], max(1, booths))
        gen_orders(run, sizes["members"], sizes["products"], max(1, booths), sizes["orders"])
        gen_loans(run, sizes["members"], sizes["loans"])
        counts = gen_ledger(run, sizes["members"], sizes["transfers"])
        with run.table("sequences, vacuum analyze") as counter:
            counter["rows"] = set_sequences(run)
        conn.autocommit = True
        with run.table("sequences, vacuum analyze"):
            # What autovacuum would do next: statistics for the planner, visibility for index scans.
            conn.execute("VACUUM (ANALYZE)")
            # An index built over rows updated after their load is marked usable only by
            # transactions younger than itself (indcheckxmin): while any older transaction runs on
            # the server, the planner scans the whole table instead (seen: M-Hesam's accounts read
            # by a sequential scan of a million rows). Rebuilt after the vacuum, it is usable at once.
            stale = conn.execute(
                "SELECT i.indexrelid::regclass::text FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid"
                " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE i.indcheckxmin AND n.nspname = 'public'"
            ).fetchall()
            for (index,) in stale:
                conn.execute(f"REINDEX INDEX {index}")  # noqa: S608 (names read from the catalogue)
        reference = reference_rate(conn)
        size = int(conn.execute("SELECT pg_database_size(current_database())").fetchone()[0])  # type: ignore[index]
    return {
        "database": make_url(url).database,
        "sizes": sizes,
        "setup_seconds": round(setup_seconds, 1),
        "seconds": round(time.perf_counter() - started, 1),
        "tables": {
            k: {"rows": int(v["rows"]), "seconds": round(v["seconds"], 2)} for k, v in run.tables.items()
        },
        "transfers": counts,
        "database_bytes": size,
        "rows": sum(int(v["rows"]) for v in run.tables.values()),
        "reference_rows_per_second": round(reference),
        "password": GENERATED_PASSWORD,
        "mobile_of_member_1": f"{MOBILE_PREFIX}{1:07d}",
    }


def reference_rate(conn: psycopg.Connection[Any]) -> float:
    """Rows per second of the plainest load on the same server in the same run: one
    ``INSERT ... SELECT generate_series`` of a million narrow rows into a table without indexes."""
    conn.execute("CREATE TEMP TABLE generate_reference (id int, code text, amount bigint, at timestamp)")
    started = time.perf_counter()
    conn.execute(
        "INSERT INTO generate_reference "
        "SELECT i, 'ref:' || i, i * 10, now() FROM generate_series(1, 1000000) i"
    )
    seconds = time.perf_counter() - started
    conn.execute("DROP TABLE generate_reference")
    return 1_000_000 / seconds


def verify(url: str) -> dict[str, Any]:
    """``resalat wallet verify``'s check, on the generated ledger."""
    from resalat_core.wallet.services import verify as ledger_verify

    app = make_app(url)
    started = time.perf_counter()
    with app.app_context():
        db = app.extensions["resalat"].db
        with db.new_session() as s:
            report = ledger_verify(s, batch=5000)
        db.dispose()
    return {
        "ok": not report.problems,
        "problems": report.problems[:20],
        "accounts": report.accounts,
        "transfers": report.transfers,
        "seconds": round(time.perf_counter() - started, 1),
    }


def print_table(result: dict[str, Any]) -> None:
    print(f"database {result['database']}: {result['database_bytes'] / 2**30:.2f} GiB")
    print(f"{'table':<36}{'rows':>12}{'seconds':>10}{'rows/s':>12}")
    print(f"{'set-up (migrate, seed)':<36}{'':>12}{result['setup_seconds']:>10.1f}{'':>12}")
    for name, t in result["tables"].items():
        rate = t["rows"] / t["seconds"] if t["seconds"] else 0
        print(f"{name:<36}{t['rows']:>12,}{t['seconds']:>10.1f}{rate:>12,.0f}")
    rate = result["rows"] / result["seconds"]
    print(f"{'total':<36}{result['rows']:>12,}{result['seconds']:>10.1f}{rate:>12,.0f}")
    target = 15 * 60
    ref = result["reference_rows_per_second"]
    print()
    print(f"{'figure':<30}{'measured':>12}{'reference':>12}{'ratio':>8}{'target':>10}  met")
    met = "met" if result["seconds"] < target else "not met"
    print(
        f"{'generation, seconds':<30}{result['seconds']:>12.1f}{'':>12}{'':>8}{'< ' + str(target):>10}  {met}"
    )
    print(f"{'rows per second':<30}{rate:>12,.0f}{ref:>12,.0f}{rate / ref:>8.2f}{'':>10}  -")
    print("  (reference: one INSERT ... SELECT of a million narrow rows, no indexes, same server and run)")
    if "verify" in result:
        v = result["verify"]
        print(
            f"wallet verify: {'ok' if v['ok'] else 'PROBLEMS'} ({v['accounts']:,} accounts, "
            f"{v['transfers']:,} transfers, {v['seconds']} s)"
        )
        for problem in v["problems"]:
            print(f"  {problem}")
    print(f"sign in as {result['mobile_of_member_1']} (any member 0912NNNNNNN) with {result['password']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=os.environ.get("RESALAT_SCALE_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--replace", action="store_true", help="drop the database first when it exists")
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies every default size")
    for name, default in DEFAULTS.items():
        parser.add_argument(f"--{name}", type=int, default=None, help=f"default {default:,} × scale")
    parser.add_argument("--verify", action="store_true", help="run the ledger's verify afterwards")
    parser.add_argument("--json", action="store_true", help="print a JSON summary instead of the table")
    args = parser.parse_args(argv)
    if not make_url(args.database_url).drivername.startswith("postgresql"):
        parser.error("the generator writes with PostgreSQL's COPY: give a postgresql URL")
    result = generate(args.database_url, sizes_from(args), replace=args.replace, quiet=args.json)
    if args.verify:
        result["verify"] = verify(args.database_url)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print_table(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())

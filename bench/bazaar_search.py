"""M-Bazar on PostgreSQL: catalogue search latency at 10k, 100k and 1M products, and checkouts per second.

Everything runs in a throwaway database that the script creates and drops. Each figure is printed
beside a reference measured in the same run, so the ratio is what to compare across machines:

- search: the service's own search (full-text index, ranked, filtered, paged: the count, the page
  and its photos) against the same query shape answered by a plain ``ILIKE '%word%'`` scan of
  the same columns, and against a primary-key lookup of one product through the same ORM;
- checkout: whole checkouts per second (cart read, stock taken by a conditional UPDATE, an order,
  a ledger transfer into escrow, the seller's notification, the cart emptied), each client its
  own process and connection, against bare ledger transfers per second by the same clients.

    .venv/bin/python bench/bazaar_search.py [--sizes 10000,100000,1000000] [--queries 60]
        [--ref-queries 12] [--clients 1,8] [--seconds 8] [--json]

Products are generated with one ``INSERT ... SELECT generate_series`` per size step (titles from
a Persian vocabulary), the search index is rebuilt set-wise, not through the ORM.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import and_, or_, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SERVER = os.environ.get("RESALAT_BENCH_SERVER", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
BOOTHS = 500
PER_PAGE = 20

# What cores sell and buy; every word is already in search_key form (no ZWNJ, Persian Yeh/Kaf).
VOCABULARY = (
    "زعفران سرگل نگین پوشال قاینات پاریز عسل موم کندو زنبور گوسفند بز بره میش افشاری سانن "
    "یونجه جو علوفه کاه سبوس پشم نخ پنبه کرباس رومیزی دستمال پارچه رنگ روناس پیراهن بلوچی "
    "سوزن دوزی چادر روسری شال گلیم گبه قالی فرش جاجیم کیت پنل خورشیدی اینورتر باتری سازه "
    "نصب تعمیر دامپزشکی واکسن آموزش حمل بسته بندی جعبه شیشه ظرف کره پنیر ماست دوغ شیر روغن "
    "حیوانی محلی ارگانیک طبیعی دستباف سنتی اردکان یزد زنجان همدان کرمان سیستان بلوچستان خراسان "
    "درجه یک ممتاز صادراتی خانگی کوچک بزرگ سفید قرمز سبز آبی مشکی طلایی کهنه نو تازه خشک تر "
    "کیلویی گرمی مثقالی بسته ای عمده خرده فروشی قیمت مناسب هدیه سوغات بادام گردو پسته کشمش "
    "انجیر خرما انار سیب گلاب عرق نعنا بیدمشک زیره سیاه دانه کنجد ارده شیره خرمالو چای "
    "دمنوش گیاهی دارویی نهال بذر کود کمپوست سم آبیاری قطره ای پمپ لوله شیلنگ بیل داس چرخ "
    "خیاطی دار بافندگی قیچی سوزن دکمه زیپ دستگاه آسیاب سبد حصیر چوبی سفالی مسی برنجی"
)
WORDS = tuple(VOCABULARY.split())
# A word that only one product in a thousand carries: a selective query.
RARE = "بیدمشکی"


def _admin_conninfo() -> str:
    return make_url(SERVER).set(drivername="postgresql").render_as_string(hide_password=False)


def _check_vocabulary() -> None:
    from resalat_core.sdk import search_key

    wrong = [w for w in (*WORDS, RARE) if search_key(w) != w]
    assert not wrong, f"not in search_key form: {wrong}"


def create_database() -> tuple[str, str]:
    name = f"resalat_bench_bazaar_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(_admin_conninfo(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name, make_url(SERVER).set(database=name).render_as_string(hide_password=False)


def drop_database(name: str) -> None:
    with psycopg.connect(_admin_conninfo(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def make_app(url: str) -> Any:
    from resalat_core.app import create_app

    media = os.path.join(tempfile.gettempdir(), "resalat-bench-media")
    return create_app({"database_url": url, "bazaar_media_dir": media})


def prepare(app: Any) -> dict[str, Any]:
    """Migrate, load regions, open booths; returns the seller and booth ids."""
    from resalat_bazaar import services

    from resalat_core.migrate import upgrade
    from resalat_core.regions.services import load_regions
    from resalat_core.sdk import Registration, national_code_with_check_digit, register_member

    with app.app_context():
        upgrade(app)
        db = app.extensions["resalat"].db
        with db.new_session() as s:
            load_regions(s)
            services.ensure_categories(s)
            seller = register_member(
                s,
                Registration(
                    national_code=national_code_with_check_digit("009000001"),
                    mobile="09139000001",
                    name="فروشنده‌ی محک",
                    region="zanjan/zanjan",
                    password="bench-pass-1404",  # noqa: S106 (a throwaway database)
                ),
            )
            s.flush()
            s.execute(
                text(
                    "INSERT INTO bazaar_booths (owner_id, name, description, region_id, delivery_options, "
                    "status, hidden, created_at, updated_at) "
                    "SELECT :owner, 'غرفه ' || i, '', r.ids[1 + (i % array_length(r.ids, 1))], "
                    "'[\"pickup\", \"post\"]', 'open', false, now(), now() "
                    "FROM generate_series(1, :n) i, (SELECT array_agg(id ORDER BY id) ids FROM regions) r"
                ),
                {"owner": seller.id, "n": BOOTHS},
            )
            return {"seller_id": seller.id}


def grow(app: Any, first: int, last: int) -> float:
    """Insert products ``first..last`` (ids of generate_series) and index them; returns seconds."""
    started = time.perf_counter()
    db = app.extensions["resalat"].db
    with db.engine.begin() as conn:
        conn.execute(text("SET LOCAL maintenance_work_mem = '256MB'"))
        conn.execute(text("ALTER TABLE bazaar_products DISABLE TRIGGER bazaar_products_fts_sync"))
        conn.execute(text("DROP INDEX IF EXISTS bazaar_products_fts_document"))
        conn.execute(
            text(
                "INSERT INTO bazaar_products (booth_id, category_id, kind, title, description, price, stock, "
                "unit, listed, hidden, search_title, search_text, created_at, updated_at) "
                "SELECT b.ids[1 + (i % array_length(b.ids, 1))], "
                "c.ids[1 + ((i * 7) % array_length(c.ids, 1))], 'goods', t.title, t.body, "
                "10000 + ((CAST(i AS bigint) * 7919) % 100000) * 100, 1000000, 'piece', true, false, "
                "t.title, t.body, now() - make_interval(secs => i), now() "
                "FROM generate_series(CAST(:first AS int), CAST(:last AS int)) i, "
                "(SELECT array_agg(id ORDER BY id) ids FROM bazaar_booths) b, "
                "(SELECT array_agg(id ORDER BY id) ids FROM bazaar_categories) c, "
                "LATERAL (SELECT "
                "  w[1 + ((i * 31) % n)] || ' ' || w[1 + ((i * 17 + 5) % n)] || ' ' "
                "    || w[1 + ((i / 7 * 13) % n)] "
                "    || CASE WHEN i % 1000 = 0 THEN ' ' || :rare ELSE '' END AS title, "
                "  w[1 + ((i * 11 + 3) % n)] || ' ' || w[1 + ((i * 23 + 1) % n)] || ' ' "
                "    || w[1 + ((i * 5) % n)] || ' ' || w[1 + ((i * 29 + 7) % n)] AS body "
                "  FROM (SELECT CAST(:words AS text[]) w, :n_words n) v) t"
            ),
            {"first": first, "last": last, "words": list(WORDS), "n_words": len(WORDS), "rare": RARE},
        )
        conn.execute(
            text(
                "INSERT INTO bazaar_products_fts (product_id, document) SELECT p.id, "
                "setweight(to_tsvector('simple', p.search_title), 'A') || "
                "setweight(to_tsvector('simple', p.search_text), 'B') "
                "FROM bazaar_products p "
                "WHERE p.id > COALESCE((SELECT max(product_id) FROM bazaar_products_fts), 0)"
            )
        )
        conn.execute(
            text("CREATE INDEX bazaar_products_fts_document ON bazaar_products_fts USING gin (document)")
        )
        conn.execute(text("ALTER TABLE bazaar_products ENABLE TRIGGER bazaar_products_fts_sync"))
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        # What autovacuum would do in production: fresh statistics for the planner.
        conn.execute(text("VACUUM ANALYZE"))
    return time.perf_counter() - started


def query_mix(rng: random.Random) -> list[dict[str, str]]:
    """The searches buyers make: one word, two, a prefix, a rare word, with filters."""
    word = rng.choice(WORDS)
    other = rng.choice(WORDS)
    return [
        {"q": word},
        {"q": f"{word} {other}"},
        {"q": word[:3]},
        {"q": RARE},
        {"q": word, "category": "livestock"},
        {"q": word, "region": "zanjan", "min_price": "100000", "max_price": "5000000"},
    ]


def _timed(fn: Any) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def measure_search(app: Any, queries: int, ref_queries: int, max_id: int, seed: int) -> dict[str, Any]:
    from resalat_bazaar import services
    from resalat_bazaar.models import Product

    from resalat_core.sdk import paginate

    rng = random.Random(seed)
    fts_ms: list[float] = []
    ilike_ms: list[float] = []
    pk_ms: list[float] = []
    hits: list[int] = []
    with app.app_context():
        session = app.extensions["resalat"].db.session()

        def run_fts(args: dict[str, str]) -> None:
            filters = services.read_search_filters(session, args)
            hits.append(services.search(session, filters, 1, PER_PAGE).total)

        def run_ilike(args: dict[str, str]) -> None:
            filters = services.read_search_filters(session, args)
            terms = filters.terms
            filters.q, filters.sort = "", "newest"
            stmt = services.search_query(session, filters).where(
                and_(
                    *(
                        or_(Product.search_title.ilike(f"%{t}%"), Product.search_text.ilike(f"%{t}%"))
                        for t in terms
                    )
                )
            )
            paginate(session, stmt, 1, PER_PAGE)

        def run_pk() -> None:
            session.get(Product, rng.randint(1, max_id))

        run_fts({"q": "زعفران"})  # warm the caches and the categories
        while len(fts_ms) < queries:
            for args in query_mix(rng):
                fts_ms.append(_timed(lambda a=args: run_fts(a)))
                session.expunge_all()
        while len(ilike_ms) < ref_queries:
            for args in query_mix(rng):
                ilike_ms.append(_timed(lambda a=args: run_ilike(a)))
                session.expunge_all()
        for _ in range(queries):
            pk_ms.append(_timed(run_pk))
            session.expunge_all()
        session.rollback()
    return {"fts": fts_ms, "ilike": ilike_ms, "pk": pk_ms, "median_hits": statistics.median(hits)}


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


# --- checkout throughput -------------------------------------------------------------------------


def _buyers(app: Any, n: int) -> list[int]:
    """``n`` funded buyers; returns their ids."""
    from resalat_core.sdk import Registration, ledger, national_code_with_check_digit, register_member

    ids = []
    with app.app_context():
        db = app.extensions["resalat"].db
        with db.new_session() as s:
            for i in range(n):
                member = register_member(
                    s,
                    Registration(
                        national_code=national_code_with_check_digit(f"0091{i:05d}"),
                        mobile=f"0913910{i:04d}",
                        name="خریدار محک",
                        region="zanjan/zanjan",
                        password="bench-pass-1404",  # noqa: S106 (a throwaway database)
                    ),
                )
                s.flush()
                ledger.transfer(
                    s,
                    f"bench:fund:{member.id}",
                    ledger.system_account(s, "cash_in"),
                    ledger.main_account(s, member),
                    10**13,
                    "bench_fund",
                )
                ids.append(member.id)
    return ids


def _checkout_client(
    url: str, kind: str, buyer_id: int, peer_id: int, max_id: int, go: Any, seconds: float, out: Any
) -> None:
    from resalat_bazaar import services

    from resalat_core.sdk import Member, ledger

    app = make_app(url)
    rng = random.Random(os.getpid())
    done = errors = 0
    with app.app_context():
        session = app.extensions["resalat"].db.session()
        buyer = session.get(Member, buyer_id)
        main = ledger.main_account(session, buyer)
        peer = ledger.main_account(session, session.get(Member, peer_id))
        session.commit()
        out.put("ready")
        go.wait()
        deadline = time.time() + seconds
        while time.time() < deadline:
            try:
                if kind == "checkout":
                    services.set_cart_quantity(session, buyer, rng.randint(1, max_id), 1)
                    services.checkout(session, buyer, services.CheckoutRequest(key=uuid.uuid4().hex))
                else:
                    ledger.transfer(session, uuid.uuid4().hex, main, peer, rng.randint(1, 10_000), "bench")
                session.commit()
                done += 1
            except Exception:  # noqa: BLE001 - counted, and a benchmark must finish
                session.rollback()
                errors += 1
    app.extensions["resalat"].db.dispose()
    out.put((done, errors))


def per_second(
    url: str, kind: str, buyers: list[int], clients: int, max_id: int, seconds: float
) -> tuple[float, int]:
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    go = ctx.Event()
    procs = [
        ctx.Process(
            target=_checkout_client,
            args=(url, kind, buyers[i], buyers[-1 - i], max_id, go, seconds, out),
        )
        for i in range(clients)
    ]
    for p in procs:
        p.start()
    # Every process builds its app and connects before any starts counting.
    assert all(out.get(timeout=180) == "ready" for _ in procs)
    go.set()
    results = [out.get(timeout=seconds + 180) for _ in procs]
    for p in procs:
        p.join()
    return sum(r[0] for r in results) / seconds, sum(r[1] for r in results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="catalogue sizes, ascending")
    parser.add_argument("--queries", type=int, default=60, help="searches timed per size")
    parser.add_argument("--ref-queries", type=int, default=12, help="ILIKE scans timed per size")
    parser.add_argument("--clients", default="1,8")
    parser.add_argument("--seconds", type=float, default=8.0, help="per checkout measurement")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    levels = [int(c) for c in args.clients.split(",")]

    _check_vocabulary()
    name, url = create_database()
    try:
        app = make_app(url)
        prepare(app)
        search_rows = []
        have = 0
        for size in sizes:
            built = grow(app, have + 1, size)
            have = size
            found = measure_search(app, args.queries, args.ref_queries, size, seed=size)
            fts_med, ilike_med, pk_med = (statistics.median(found[k]) for k in ("fts", "ilike", "pk"))
            search_rows.append(
                {
                    "products": size,
                    "build_s": round(built, 1),
                    "median_hits": found["median_hits"],
                    "search_median_ms": round(fts_med, 2),
                    "search_p95_ms": round(_p95(found["fts"]), 2),
                    "ilike_median_ms": round(ilike_med, 2),
                    "ilike_p95_ms": round(_p95(found["ilike"]), 2),
                    "pk_median_ms": round(pk_med, 3),
                    "ilike_over_search": round(ilike_med / fts_med, 1),
                    "search_over_pk": round(fts_med / pk_med, 1),
                }
            )
            print(f"... {size} products measured", file=sys.stderr)
        app.extensions["resalat"].db.dispose()
        buyers = _buyers(app, 2 * max(levels))
        checkout_rows = []
        for n in levels:
            ours, errors = per_second(url, "checkout", buyers, n, sizes[-1], args.seconds)
            ref, ref_errors = per_second(url, "transfer", buyers, n, sizes[-1], args.seconds)
            checkout_rows.append(
                {
                    "clients": n,
                    "checkouts_per_s": round(ours, 1),
                    "transfers_per_s": round(ref, 1),
                    "ratio": round(ours / ref, 3) if ref else None,
                    "errors": errors + ref_errors,
                }
            )
    finally:
        drop_database(name)

    if args.json:
        print(json.dumps({"search": search_rows, "checkout": checkout_rows}, indent=2, ensure_ascii=False))
        return
    print("Catalogue search (ms per search through the service: the page of 20, its count and photos)")
    print(
        f"{'products':>9}  {'hits':>6}  {'median':>7}  {'p95':>7}  {'ILIKE med':>9}  {'ILIKE p95':>9}  "
        f"{'pk med':>7}  {'ILIKE/search':>12}  {'search/pk':>9}"
    )
    for r in search_rows:
        print(
            f"{r['products']:>9}  {r['median_hits']:>6.0f}  {r['search_median_ms']:>7.2f}  "
            f"{r['search_p95_ms']:>7.2f}  "
            f"{r['ilike_median_ms']:>9.2f}  {r['ilike_p95_ms']:>9.2f}  {r['pk_median_ms']:>7.3f}  "
            f"{r['ilike_over_search']:>12.1f}  {r['search_over_pk']:>9.1f}"
        )
    print()
    print("Checkout throughput (each client a process with its own connection)")
    print(f"{'clients':>7}  {'checkouts/s':>11}  {'transfers/s':>11}  {'ratio':>6}  errors")
    for r in checkout_rows:
        print(
            f"{r['clients']:>7}  {r['checkouts_per_s']:>11.1f}  {r['transfers_per_s']:>11.1f}  "
            f"{r['ratio']:>6.3f}  {r['errors']}"
        )


if __name__ == "__main__":
    main()

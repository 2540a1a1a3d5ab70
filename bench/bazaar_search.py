"""M-Bazar search on PostgreSQL at a million products: p50/p95/p99 of the search, beside a primary-key lookup.

The products live in a database of their own (``resalat_bench_search`` by default; any name
starting with it) that is kept between runs: the script generates the products it lacks, once
(``INSERT ... SELECT generate_series`` in steps of 100,000, with a progress bar; titles from a
Persian vocabulary), then times a mix of the searches buyers make (one word, a prefix, two words,
a rare word, joined/ZWNJ/Arabic-letter spellings, with category, province and price filters)
three ways, each beside a reference measured in the same run:

- the search service (the queries a search makes: count, page, photos) against a primary-key
  lookup of one product through the same ORM session;
- the JSON search API and the search page, through the app (Flask's test client, no network),
  against ``/healthz`` through the same client.

The target is a p95 under 50 ms at 1,000,000 products. Checkout throughput (``--clients 1,8``)
is opt-in: whole checkouts per second against bare ledger transfers by the same clients.

    .venv/bin/python bench/bazaar_search.py [--products 1000000] [--queries 240]
        [--database resalat_bench_search] [--clients 1,8] [--seconds 8] [--json]
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
from sqlalchemy import text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SERVER = os.environ.get("RESALAT_BENCH_SERVER", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
BOOTHS = 500
DATABASE = "resalat_bench_search"
STEP = 100_000
TARGET_P95_MS = 50.0
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


def _migration() -> Any:
    """The bazaar migration that made the index table's filter columns and its GIN index."""
    import importlib.util

    import resalat_bazaar

    path = (
        Path(resalat_bazaar.__file__).parent / "migrations/versions/6a7000000004_search_filters_in_index.py"
    )
    spec = importlib.util.spec_from_file_location("bazaar_search_migration", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def ensure_database(name: str) -> str:
    """The bench's own database, created if missing; returns its URL."""
    if not name.startswith(DATABASE):
        raise SystemExit(f"the database's name must start with {DATABASE}")
    with psycopg.connect(_admin_conninfo(), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    return make_url(SERVER).set(database=name).render_as_string(hide_password=False)


def make_app(url: str) -> Any:
    from resalat_core.app import create_app

    media = os.path.join(tempfile.gettempdir(), "resalat-bench-media")
    return create_app({"database_url": url, "bazaar_media_dir": media})


def prepare(app: Any) -> int:
    """Migrate; the first time, load regions and open booths. Returns the products there are."""
    from resalat_bazaar import services

    from resalat_core.migrate import upgrade
    from resalat_core.plugins.activation import enable_everything
    from resalat_core.regions.services import load_regions
    from resalat_core.sdk import Registration, national_code_with_check_digit, register_member

    with app.app_context():
        upgrade(app)
        db = app.extensions["resalat"].db
        with db.new_session() as s:
            if not s.scalar(text("SELECT count(*) FROM module_activations WHERE enabled")):
                # The search page and the API answer only where M-Bazar is switched on.
                enable_everything(s)
            if s.scalar(text("SELECT count(*) FROM bazaar_booths")):
                return int(s.scalar(text("SELECT coalesce(max(id), 0) FROM bazaar_products")) or 0)
            load_regions(s)
            services.ensure_categories(s)
            seller = register_member(
                s,
                Registration(
                    national_code=national_code_with_check_digit("009000001"),
                    mobile="09139000001",
                    name="فروشنده‌ی محک",
                    region="zanjan/zanjan",
                    password="bench-pass-1404",  # noqa: S106 (the bench's own database)
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
    return 0


# Title words i*31, i*17+5, i/7*13 (and the rare word for one product in a thousand); description
# words i*11+3, i*23+1, i*5, i*29+7. search_text is what services.index_text writes: the
# description's key, then each pair of adjacent words joined, the title's and the description's.
_T1, _T2, _T3 = "w[1 + ((i * 31) % n)]", "w[1 + ((i * 17 + 5) % n)]", "w[1 + ((i / 7 * 13) % n)]"
_B1, _B2, _B3, _B4 = (
    "w[1 + ((i * 11 + 3) % n)]",
    "w[1 + ((i * 23 + 1) % n)]",
    "w[1 + ((i * 5) % n)]",
    "w[1 + ((i * 29 + 7) % n)]",
)
_RARE = "CASE WHEN i % 1000 = 0 THEN ' ' || :rare ELSE '' END"
_GENERATE = (
    "INSERT INTO bazaar_products (booth_id, category_id, kind, title, description, price, stock, "
    "unit, listed, hidden, search_title, search_text, created_at, updated_at) "
    "SELECT b.ids[1 + (i % array_length(b.ids, 1))], "
    "c.ids[1 + ((i * 7) % array_length(c.ids, 1))], 'goods', t.title, t.body, "
    "10000 + ((CAST(i AS bigint) * 7919) % 100000) * 100, 1000000, 'piece', true, false, "
    "t.title, t.body || ' ' || t.title_pairs || ' ' || t.body_pairs, "
    "now() - make_interval(secs => :last - i), now() "
    "FROM generate_series(CAST(:first AS int), CAST(:last AS int)) i, "
    "(SELECT array_agg(id ORDER BY id) ids FROM bazaar_booths) b, "
    "(SELECT array_agg(id ORDER BY id) ids FROM bazaar_categories) c, "
    f"LATERAL (SELECT {_T1} || ' ' || {_T2} || ' ' || {_T3} || {_RARE} AS title, "
    f"  'zz' || {_T1} || {_T2} || ' zz' || {_T2} || {_T3} "
    f"    || CASE WHEN i % 1000 = 0 THEN ' zz' || {_T3} || :rare ELSE '' END AS title_pairs, "
    f"  {_B1} || ' ' || {_B2} || ' ' || {_B3} || ' ' || {_B4} AS body, "
    f"  'zz' || {_B1} || {_B2} || ' zz' || {_B2} || {_B3} || ' zz' || {_B3} || {_B4} AS body_pairs "
    "  FROM (SELECT CAST(:words AS text[]) w, :n_words n) v) t"
)


def grow(app: Any, first: int, last: int) -> float:
    """Insert products ``first..last`` in steps with a progress bar, and index them; returns seconds."""
    import click

    # The migration's own statements, not copies: the index built the way the app builds it.
    INDEX = _migration().INDEX  # noqa: N806
    index_rows = _migration().PG_REBUILD[1] + " AND p.id BETWEEN :first AND :last"

    started = time.perf_counter()
    db = app.extensions["resalat"].db
    params = {"words": list(WORDS), "n_words": len(WORDS), "rare": RARE}
    with db.engine.begin() as conn:
        conn.execute(text("SET LOCAL maintenance_work_mem = '256MB'"))
        # Set-wise instead of row by row: the trigger is off, the GIN index built once at the end.
        conn.execute(text("ALTER TABLE bazaar_products DISABLE TRIGGER bazaar_products_fts_sync"))
        conn.execute(text("DROP INDEX IF EXISTS bazaar_products_fts_search"))
        with click.progressbar(length=last - first + 1, label="products", file=sys.stderr) as bar:
            for lo in range(first, last + 1, STEP):
                hi = min(last, lo + STEP - 1)
                conn.execute(text(_GENERATE), {**params, "first": lo, "last": hi})
                conn.execute(text(index_rows), {"first": lo, "last": hi})
                bar.update(hi - lo + 1)
        conn.execute(text(INDEX))
        conn.execute(text("ALTER TABLE bazaar_products ENABLE TRIGGER bazaar_products_fts_sync"))
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        # What autovacuum would do in production: fresh statistics for the planner.
        conn.execute(text("VACUUM ANALYZE"))
    return time.perf_counter() - started


def variants(word: str) -> list[str]:
    """Spellings of a word that must find it: Arabic Yeh/Kaf, a stray ZWNJ at its end."""
    arabic = word.replace("ی", "\u064a").replace("ک", "\u0643")
    return [arabic] if arabic != word else [word + "\u200c"]


def query_mix(rng: random.Random) -> list[dict[str, str]]:
    """The searches buyers make: one word, a prefix, two words, a rare word, spellings, filters."""
    word = rng.choice(WORDS)
    other = rng.choice(WORDS)
    # Two words that stand side by side in some titles (see grow): joined, spaced or with a ZWNJ.
    i = rng.randrange(len(WORDS))
    first, second = WORDS[(i * 31) % len(WORDS)], WORDS[(i * 17 + 5) % len(WORDS)]
    return [
        {"q": word},
        {"q": word[:3]},
        {"q": f"{word} {other}"},
        {"q": RARE},
        {"q": first + second},
        {"q": f"{first}\u200c{second}"},
        {"q": rng.choice(variants(word))},
        {"q": word, "category": "livestock"},
        {"q": word, "region": "zanjan", "min_price": "100000", "max_price": "5000000"},
        {"q": f"{word} {other[:3]}", "category": "food", "sort": "price_asc"},
    ]


def _timed(fn: Any) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def _quantiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]

    return {"p50": round(at(0.5), 2), "p95": round(at(0.95), 2), "p99": round(at(0.99), 2)}


def measure_search(app: Any, queries: int, max_id: int, seed: int) -> dict[str, Any]:
    """Times of the service, the API and the page over the same mix, and of their references."""
    from urllib.parse import urlencode

    from resalat_bazaar import services
    from resalat_bazaar.models import Product

    rng = random.Random(seed)
    mix = [args for _ in range(queries // 10 + 1) for args in query_mix(rng)][:queries]
    times: dict[str, list[float]] = {k: [] for k in ("service", "pk", "api", "page", "healthz")}
    hits: list[int] = []
    with app.app_context():
        session = app.extensions["resalat"].db.session()

        def run_service(args: dict[str, str]) -> None:
            filters = services.read_search_filters(session, args)
            hits.append(services.search(session, filters, 1, PER_PAGE).total)

        # Warm the caches once with the whole mix, untimed: the three paths are then measured in
        # the same steady state (before, the service went first and alone paid for reading the
        # index into memory after the server had served other work).
        for args in mix:
            run_service(args)
        hits.clear()
        session.expunge_all()
        for args in mix:
            times["service"].append(_timed(lambda a=args: run_service(a)))
            session.expunge_all()
            times["pk"].append(_timed(lambda: session.get(Product, rng.randint(1, max_id))))
            session.expunge_all()
        session.rollback()
    client = app.test_client()
    for url in ("/healthz", "/bazaar/?q=x", "/api/v1/bazaar/search?q=x"):
        client.get(url)  # warm: templates compiled, caches filled
    for args in mix:
        query = urlencode(args)
        for key, url in (("api", f"/api/v1/bazaar/search?{query}"), ("page", f"/bazaar/?{query}")):
            started = time.perf_counter()
            response = client.get(url)
            times[key].append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"{url}: HTTP {response.status_code}")
        times["healthz"].append(_timed(lambda: client.get("/healthz")))
    return {"times": times, "median_hits": statistics.median(hits)}


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
    parser.add_argument("--products", type=int, default=1_000_000, help="catalogue size")
    parser.add_argument("--queries", type=int, default=240, help="searches timed per path")
    parser.add_argument("--database", default=DATABASE, help=f"a name starting with {DATABASE}")
    parser.add_argument("--clients", default="", help="checkout throughput at these levels, e.g. 1,8")
    parser.add_argument("--seconds", type=float, default=8.0, help="per checkout measurement")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    levels = [int(c) for c in args.clients.split(",") if c.strip()]

    _check_vocabulary()
    url = ensure_database(args.database)
    app = make_app(url)
    have = prepare(app)
    built = grow(app, have + 1, args.products) if have < args.products else 0.0
    size = max(have, args.products)
    found = measure_search(app, args.queries, size, seed=size)
    t = found["times"]
    rows = []
    for figure, key, ref_name, ref_key in (
        ("search service", "service", "primary-key lookup", "pk"),
        ("JSON search API", "api", "/healthz", "healthz"),
        ("search page", "page", "/healthz", "healthz"),
    ):
        q, ref = _quantiles(t[key]), _quantiles(t[ref_key])
        rows.append(
            {
                "figure": figure,
                **{f"{k}_ms": v for k, v in q.items()},
                "reference": ref_name,
                "reference_p95_ms": ref["p95"],
                "ratio": round(q["p95"] / ref["p95"], 1) if ref["p95"] else None,
                "target_p95_ms": TARGET_P95_MS,
                "met": q["p95"] < TARGET_P95_MS,
            }
        )
    checkout_rows = []
    if levels:
        app.extensions["resalat"].db.dispose()
        buyers = _buyers(app, 2 * max(levels))
        for n in levels:
            ours, errors = per_second(url, "checkout", buyers, n, args.products, args.seconds)
            ref_tps, ref_errors = per_second(url, "transfer", buyers, n, args.products, args.seconds)
            checkout_rows.append(
                {
                    "clients": n,
                    "checkouts_per_s": round(ours, 1),
                    "transfers_per_s": round(ref_tps, 1),
                    "ratio": round(ours / ref_tps, 3) if ref_tps else None,
                    "errors": errors + ref_errors,
                }
            )
    app.extensions["resalat"].db.dispose()

    result = {
        "products": size,
        "generated_s": round(built, 1),
        "queries": args.queries,
        "median_hits": found["median_hits"],
        "search": rows,
        "checkout": checkout_rows,
    }
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return
    print(
        f"M-Bazar search at {size:,} products ({args.queries} searches per path, "
        f"median {found['median_hits']:.0f} hits counted; generated in {built:.0f} s this run)"
    )
    print(
        f"{'figure':<16} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}  {'reference':<19} {'ref p95':>7} "
        f"{'ratio':>6} {'target p95':>10}  met"
    )
    for r in rows:
        print(
            f"{r['figure']:<16} {r['p50_ms']:>7.2f} {r['p95_ms']:>7.2f} {r['p99_ms']:>7.2f}  "
            f"{r['reference']:<19} {r['reference_p95_ms']:>7.2f} {r['ratio']:>6.1f} "
            f"{'< ' + f'{TARGET_P95_MS:.0f}' + ' ms':>10}  {'yes' if r['met'] else 'no'}"
        )
    if checkout_rows:
        print()
        print("Checkout throughput (each client a process with its own connection)")
        print(f"{'clients':>7}  {'checkouts/s':>11}  {'transfers/s':>11}  {'ratio':>6}  errors")
        for c in checkout_rows:
            print(
                f"{c['clients']:>7}  {c['checkouts_per_s']:>11.1f}  {c['transfers_per_s']:>11.1f}  "
                f"{c['ratio']:>6.3f}  {c['errors']}"
            )


if __name__ == "__main__":
    main()

"""Ledger throughput on PostgreSQL: transfers per second at 1, 8 and 32 clients, beside pgbench.

Both are measured in the same run on the same server, so the printed ratio (ledger / pgbench
TPC-B-like) is what to compare across machines, not the raw numbers.

    .venv/bin/python bench/wallet_transfers.py [--seconds 10] [--clients 1,8,32] [--json]

Each client is its own process with its own connection; each transfer is one transaction with
an idempotency key, a conditional debit, a credit and two entries, as in production.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import re
import subprocess  # noqa: S404 (runs pgbench, a fixed local tool)
import sys
import time
import uuid
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SERVER = os.environ.get("RESALAT_BENCH_SERVER", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
LEDGER_DB = "resalat_bench_ledger"
PGBENCH_DB = "resalat_bench_pgbench"
ACCOUNTS = 1000


def _admin_conninfo() -> str:
    url = make_url(SERVER)
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def recreate(name: str) -> str:
    with psycopg.connect(_admin_conninfo(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return make_url(SERVER).set(database=name).render_as_string(hide_password=False)


def prepare_ledger(url: str) -> list[int]:
    """Migrate a fresh database and open ACCOUNTS funded accounts; returns their ids."""
    from resalat_core.app import create_app
    from resalat_core.migrate import upgrade
    from resalat_core.wallet import services as ledger

    app = create_app({"database_url": url})
    with app.app_context():
        upgrade(app)
        db = app.extensions["resalat"].db
        with db.new_session() as s:
            issuer = ledger.system_account(s, "cash_in")
            ids = []
            for i in range(ACCOUNTS):
                acc = ledger.open_account(
                    s, kind="member_main", code=f"bench:{i}", name_fa="محک", name_en="bench"
                )
                s.flush()
                ledger.transfer(s, f"bench:fund:{i}", issuer, acc, 10**12, "bench_fund")
                ids.append(acc.id)
    app.extensions["resalat"].db.dispose()
    return ids


def _client(url: str, ids: list[int], start_at: float, seconds: float, out: mp.Queue) -> None:
    from sqlalchemy.orm import sessionmaker

    from resalat_core.db import make_engine
    from resalat_core.wallet import services as ledger

    engine = make_engine(url, pool_size=1, max_overflow=0)
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    rng = random.Random(os.getpid())
    done = errors = 0
    while time.time() < start_at:
        time.sleep(0.001)
    deadline = start_at + seconds
    while time.time() < deadline:
        debit, credit = rng.sample(ids, 2)
        with factory() as s:
            try:
                ledger.transfer(s, uuid.uuid4().hex, debit, credit, rng.randint(1, 10_000), "bench")
                s.commit()
                done += 1
            except Exception:  # noqa: BLE001 - counted, and a benchmark must finish
                s.rollback()
                errors += 1
    engine.dispose()
    out.put((done, errors))


def ledger_tps(url: str, ids: list[int], clients: int, seconds: float) -> tuple[float, int]:
    ctx = mp.get_context("fork")
    out: mp.Queue = ctx.Queue()
    start_at = time.time() + 1.0 + clients * 0.05  # let every process connect first
    procs = [ctx.Process(target=_client, args=(url, ids, start_at, seconds, out)) for _ in range(clients)]
    for p in procs:
        p.start()
    results = [out.get(timeout=seconds + 120) for _ in procs]
    for p in procs:
        p.join()
    done = sum(r[0] for r in results)
    return done / seconds, sum(r[1] for r in results)


def pgbench_tps(dbname: str, clients: int, seconds: float) -> float:
    url = make_url(SERVER)
    base = ["-h", url.host or "127.0.0.1", "-p", str(url.port or 5432), "-U", url.username or "postgres"]
    out = subprocess.run(
        [
            "pgbench",
            *base,
            "-n",
            "-c",
            str(clients),
            "-j",
            str(min(clients, os.cpu_count() or 2)),
            "-T",
            str(int(seconds)),
            dbname,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    match = re.search(r"tps = ([0-9.]+)", out)
    if not match:
        raise RuntimeError(f"pgbench printed no tps:\n{out}")
    return float(match.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", default="1,8,32")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    levels = [int(c) for c in args.clients.split(",")]

    url = recreate(LEDGER_DB)
    ids = prepare_ledger(url)
    pg_url = make_url(SERVER)
    recreate(PGBENCH_DB)
    subprocess.run(
        [
            "pgbench",
            "-h",
            pg_url.host or "127.0.0.1",
            "-p",
            str(pg_url.port or 5432),
            "-U",
            pg_url.username or "postgres",
            "-i",
            "-q",
            "-s",
            "1",
            PGBENCH_DB,
        ],
        check=True,
        capture_output=True,
    )
    rows = []
    for n in levels:
        ours, errors = ledger_tps(url, ids, n, args.seconds)
        ref = pgbench_tps(PGBENCH_DB, n, args.seconds)
        rows.append(
            {
                "clients": n,
                "ledger_tps": round(ours, 1),
                "pgbench_tps": round(ref, 1),
                "ratio": round(ours / ref, 3) if ref else None,
                "errors": errors,
            }
        )
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        print(f"{'clients':>7}  {'ledger tps':>11}  {'pgbench tps':>11}  {'ratio':>6}  errors")
        for r in rows:
            print(
                f"{r['clients']:>7}  {r['ledger_tps']:>11.1f}  {r['pgbench_tps']:>11.1f}  "
                f"{r['ratio']:>6.3f}  {r['errors']}"
            )
    for name in (LEDGER_DB, PGBENCH_DB):
        with psycopg.connect(_admin_conninfo(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()

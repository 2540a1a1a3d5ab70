"""Ledger throughput on PostgreSQL through the SDK's transfer call, beside pgbench in the same run.

    .venv/bin/python bench/wallet_transfers.py [--seconds 10] [--clients 32] [--json]

Each client is its own process with its own app (every installed plugin loaded) and uses the
app's session as a request does: one transaction per operation, committed. Three operations:

- single: one transfer (``transfer``) between two random funded accounts;
- linked: two transfers that succeed or fail together (``transfer_linked``);
- two-phase: a pending transfer, committed, then posted (``post_pending``), committed.

The reference is pgbench's TPC-B-like transaction on the same server at the same number of
clients, measured in the same run; the ratio (operations / pgbench transactions per second) is
what to compare across machines. Afterwards ``verify`` must hold on the ledger's database, or the
run fails. The target: 1.0 for single transfers, 0.5 for linked and two-phase. A missed target
is printed, not an error.
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
from typing import Any

import psycopg
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SERVER = os.environ.get("RESALAT_BENCH_SERVER", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
LEDGER_DB = "resalat_bench_ledger"
PGBENCH_DB = "resalat_bench_pgbench"
PURPOSE = "admin_adjustment"  # the host's own purpose: the bench needs no plugin's
TARGETS = {"single": 1.0, "linked": 0.5, "two-phase": 0.5}


def _admin_conninfo() -> str:
    url = make_url(SERVER)
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def recreate(name: str) -> str:
    with psycopg.connect(_admin_conninfo(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return make_url(SERVER).set(database=name).render_as_string(hide_password=False)


def drop(name: str) -> None:
    with psycopg.connect(_admin_conninfo(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _app(url: str) -> Any:
    from resalat_core.app import create_app

    return create_app({"database_url": url})


def prepare_ledger(url: str, accounts: int) -> list[int]:
    """Migrate a fresh database and open ``accounts`` funded member accounts; returns their ids."""
    from resalat_core.migrate import upgrade
    from resalat_core.wallet import services as ledger

    app = _app(url)
    with app.app_context():
        upgrade(app)
        db = app.extensions["resalat"].db
        with db.new_session() as s:
            issuer = ledger.system_account(s, "cash_in")
            ids = []
            for i in range(accounts):
                acc = ledger.open_account(s, kind="member_main", code=f"bench:{i}")
                ledger.transfer(s, f"bench:fund:{i}", issuer, acc, 10**12, PURPOSE)
                ids.append(acc.id)
        db.dispose()
    return ids


def _operation(kind: str, session: Any, rng: random.Random, ids: list[int]) -> None:
    """One operation of ``kind``, each transaction committed as a request would."""
    from resalat_core.wallet import services as ledger

    if kind == "single":
        debit, credit = rng.sample(ids, 2)
        ledger.transfer(session, uuid.uuid4().hex, debit, credit, rng.randint(1, 10_000), PURPOSE)
        session.commit()
    elif kind == "linked":
        a, b, c = rng.sample(ids, 3)
        ledger.transfer_linked(
            session,
            [
                ledger.TransferSpec(uuid.uuid4().hex, a, b, rng.randint(1, 10_000), PURPOSE),
                ledger.TransferSpec(uuid.uuid4().hex, b, c, rng.randint(1, 10_000), PURPOSE),
            ],
        )
        session.commit()
    else:
        debit, credit = rng.sample(ids, 2)
        held = ledger.transfer(
            session, uuid.uuid4().hex, debit, credit, rng.randint(1, 10_000), PURPOSE, pending=True
        )
        session.commit()
        ledger.post_pending(session, held)
        session.commit()


def _client(url: str, ids: list[int], seconds: float, ready: Any, go: Any, start: Any, out: Any) -> None:
    """One client process: its own app and connection, measuring each kind when told to."""
    from resalat_core.db import db_session

    app = _app(url)
    rng = random.Random(os.getpid())
    with app.app_context():
        session = db_session()
        for kind in TARGETS:
            _operation(kind, session, rng, ids)  # connect and warm up before any clock starts
        ready.put(1)
        for n, kind in enumerate(TARGETS):
            go[n].wait()
            while time.time() < start[n]:
                time.sleep(0.001)
            deadline = start[n] + seconds
            done = errors = 0
            first_error = ""
            while time.time() < deadline:
                try:
                    _operation(kind, session, rng, ids)
                    done += 1
                except Exception as exc:  # noqa: BLE001 - counted and reported; a benchmark must finish
                    session.rollback()
                    errors += 1
                    first_error = first_error or f"{type(exc).__name__}: {exc}"[:300]
            out.put((kind, done, errors, first_error))
        app.extensions["resalat"].db.dispose()


def ledger_rates(url: str, ids: list[int], clients: int, seconds: float, quiet: bool) -> dict[str, Any]:
    """Per kind: operations per second at ``clients`` processes, failures and the first failure."""
    # Forked once the modules are imported (no connection is open then); each builds its own app.
    ctx = mp.get_context("fork")
    ready, out = ctx.Queue(), ctx.Queue()
    go = [ctx.Event() for _ in TARGETS]
    start = ctx.Array("d", len(TARGETS))
    procs = [
        ctx.Process(target=_client, args=(url, ids, seconds, ready, go, start, out)) for _ in range(clients)
    ]
    for p in procs:
        p.start()
    for _ in procs:
        ready.get(timeout=600)
    results: dict[str, Any] = {}
    for n, kind in enumerate(TARGETS):
        _progress(f"ledger {kind}, {clients} clients, {seconds:g} s", quiet)
        start[n] = time.time() + 0.2
        go[n].set()
        got = [out.get(timeout=seconds + 300) for _ in procs]
        results[kind] = {
            "rate": sum(g[1] for g in got) / seconds,
            "errors": sum(g[2] for g in got),
            "first_error": next((g[3] for g in got if g[3]), ""),
        }
    for p in procs:
        p.join()
        if p.exitcode:
            raise RuntimeError(f"a client process exited with {p.exitcode}")
    return results


def _pgbench_args() -> list[str]:
    url = make_url(SERVER)
    return ["-h", url.host or "127.0.0.1", "-p", str(url.port or 5432), "-U", url.username or "postgres"]


def prepare_pgbench(scale: int) -> None:
    recreate(PGBENCH_DB)
    subprocess.run(
        ["pgbench", *_pgbench_args(), "-i", "-q", "-s", str(scale), PGBENCH_DB],
        check=True,
        capture_output=True,
    )


def pgbench_rate(clients: int, seconds: float) -> float:
    out = subprocess.run(
        [
            "pgbench",
            *_pgbench_args(),
            "-n",
            "-c",
            str(clients),
            "-j",
            str(min(clients, os.cpu_count() or 2)),
            "-T",
            str(max(1, round(seconds))),
            PGBENCH_DB,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    match = re.search(r"tps = ([0-9.]+)", out)
    if not match:
        raise RuntimeError(f"pgbench printed no tps:\n{out}")
    return float(match.group(1))


def verify_ledger(url: str) -> dict[str, Any]:
    from resalat_core.wallet import services as ledger

    app = _app(url)
    with app.app_context():
        db = app.extensions["resalat"].db
        with db.new_session() as s:
            report = ledger.verify(s).as_dict()
        db.dispose()
    return report


def _progress(message: str, quiet: bool) -> None:
    if not quiet:
        print(message, file=sys.stderr, flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="per measurement (default 10)")
    parser.add_argument("--clients", type=int, default=32, help="client processes (default 32)")
    parser.add_argument("--accounts", type=int, default=1000, help="funded accounts (default 1000)")
    parser.add_argument("--scale", type=int, default=1, help="pgbench's scale factor (default 1)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()

    _progress(f"opening {args.accounts} funded accounts; pgbench's tables at scale {args.scale}", args.json)
    url = recreate(LEDGER_DB)
    try:
        ids = prepare_ledger(url, args.accounts)
        prepare_pgbench(args.scale)
        _progress(f"pgbench TPC-B-like, {args.clients} clients, {args.seconds:g} s", args.json)
        reference = pgbench_rate(args.clients, args.seconds)
        _progress(f"starting {args.clients} client processes", args.json)
        measured = ledger_rates(url, ids, args.clients, args.seconds, args.json)
        rows = []
        for kind, got in measured.items():
            ratio = got["rate"] / reference if reference else 0.0
            rows.append(
                {
                    "figure": f"ledger {kind} per s",
                    "value": round(got["rate"], 1),
                    "reference": "pgbench TPC-B-like tps",
                    "reference_value": round(reference, 1),
                    "ratio": round(ratio, 3),
                    "target": TARGETS[kind],
                    "met": ratio >= TARGETS[kind],
                    "errors": got["errors"],
                    "first_error": got["first_error"],
                }
            )
        _progress("verifying the ledger", args.json)
        report = verify_ledger(url)
    finally:
        drop(LEDGER_DB)
        drop(PGBENCH_DB)
    load = os.getloadavg()[0]
    if args.json:
        print(
            json.dumps(
                {
                    "clients": args.clients,
                    "seconds": args.seconds,
                    "load": load,
                    "rows": rows,
                    "verify": report,
                },
                indent=2,
            )
        )
    else:
        print(
            f"{args.clients} clients, {args.seconds:g} s each; "
            f"load average {load:.1f} on {os.cpu_count()} cores"
        )
        print(
            f"{'figure':<24} {'value':>9} {'reference (pgbench tps)':>24} "
            f"{'ratio':>6} {'target':>6}  met  errors"
        )
        for r in rows:
            print(
                f"{r['figure']:<24} {r['value']:>9.1f} {r['reference_value']:>24.1f} {r['ratio']:>6.3f} "
                f"{r['target']:>6.1f}  {'yes' if r['met'] else 'no ':<3}  {r['errors']}"
            )
        for r in rows:
            if r["first_error"]:
                print(f"{r['figure']}: first failure: {r['first_error']}")
        print(f"verify: {'ok' if report['ok'] else 'FAILED: ' + '; '.join(report['problems'])}")
    # A broken invariant is an error; a missed target is not.
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())

"""Credit periodic jobs on PostgreSQL: loans run-due and Merat's refresh per second, beside ledger transfers.

Everything runs in a throwaway database that the script creates and drops. Each job's rate is
printed beside two references measured in the same run on the same rows, so the ratios are what
to compare across machines:

- ``resalat loans run-due`` (``resalat_loans.services.run_due``) over N disbursed loans of 12
  instalments: a first run with work to do (reminders for every instalment due within the
  reminder days or already overdue, as on the job's first day; loans moved through the buckets,
  guarantees called, notes protested) and a second run the same day, which has nothing left to
  do but must still read every running loan;
- ``resalat merat refresh`` (``resalat_merat.services.refresh``) over M members, every installed
  plugin answering the signal hook for each (the loans' repayment history among them);
- references: bare ledger transfers per second (``resalat_core.wallet.services.transfer``, one
  client, as ``bench/wallet_transfers.py`` measures them), and a plain SQL pass over the same rows
  (run-due's SELECT of the instalments due, then one UPDATE per loan, rolled back). Both are
  per row; Merat's ratio to the SQL pass (members against loans) is only a rough guide.

The last column is what 1,000,000 loans or 5,000,000 members (the app's scale) would take at the
measured rate, one process.

Then the same two jobs as periodic jobs in chunks (``resalat_core.jobs``), each variant on a copy
of the database as set up (so each has the same work to do): in this process (the reference),
then through Celery with 1 and 2 worker processes (``--celery 0,1,2``; the broker and result
store are ``RESALAT_BENCH_BROKER``, default the local Redis). The table gives each rate beside the
in-process one and the time at the app's scale with 8 workers, ``N / (r1 x 8 x e)`` where ``r1``
is one worker's rate and ``e = r2 / (2 r1)`` the efficiency measured from one worker to two,
against the targets (run-due of 1M loans within 10 minutes, Merat of 5M members within an hour).

    .venv/bin/python bench/credit_jobs.py [--loans 2000] [--members 2000] [--seconds 8] [--celery 0,1,2]
        [--seed 40] [--json]

Set-up: SEED loans are made through the services (members registered, topped up, a Merat profile
declared, an iCAP note issued, the loan requested with a guarantor and approved by the credit
officer), then copied set-wise until there are N: each copy has the rows the services wrote for
its seed (the member, main and earmarked accounts, the top-up, stamp-duty and disbursal transfers
with their entries, the pledged note and its history, the Merat profile and score, the loan, its
schedule, guarantee and events; not the inbox notifications), with keys, codes and references
rewritten for the copy, and the ledger is verified afterwards. Members beyond the borrowers are
copies of one of them with a declared month and no loan. Each loan is then dated back
(disbursed 0 to 180 days ago, its schedule rewritten by ``schedule_for`` from that day, as
disbursal on that day would have).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import click
import psycopg
from sqlalchemy import text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SERVER = os.environ.get("RESALAT_BENCH_SERVER", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
SEED = 40
INSTALMENTS = 12
AMOUNT = 50_000_000  # rials
FUNDED = 10**10  # rials in each borrower's main account
PASSWORD = "bench-pass-1404"  # noqa: S105 (a throwaway database)
SCALE_LOANS = 1_000_000
SCALE_MEMBERS = 5_000_000
# The throwaway databases' names start with this.
PREFIX = os.environ.get("RESALAT_BENCH_DB_PREFIX", "resalat_bench_credit")
ROOT = Path(__file__).resolve().parent.parent


def _admin_conninfo() -> str:
    return make_url(SERVER).set(drivername="postgresql").render_as_string(hide_password=False)


def create_database() -> tuple[str, str]:
    name = f"{PREFIX}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(_admin_conninfo(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name, make_url(SERVER).set(database=name).render_as_string(hide_password=False)


def drop_database(name: str) -> None:
    with psycopg.connect(_admin_conninfo(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def make_app(url: str) -> Any:
    from resalat_core.app import create_app

    return create_app({"database_url": url})


def _national_code(n: int) -> str:
    from resalat_core.sdk import national_code_with_check_digit

    return national_code_with_check_digit(f"{n:09d}")


def prepare(app: Any) -> int:
    """Migrate, load regions, switch every module on, a credit officer, the product, a funded loan fund."""
    from resalat_loans import services as loans

    from resalat_core.members.services import grant_role
    from resalat_core.migrate import upgrade
    from resalat_core.plugins.activation import enable_everything
    from resalat_core.regions.services import load_regions
    from resalat_core.sdk import Registration, register_member

    with app.app_context():
        upgrade(app)
        db = app.extensions["resalat"].db
        with db.new_session() as s:
            load_regions(s)
            enable_everything(s)
        with db.new_session() as s:
            officer = register_member(
                s,
                Registration(
                    national_code=_national_code(8000001),
                    mobile="09138000001",
                    name="کارشناس اعتباری محک",
                    region="zanjan/zanjan",
                    password=PASSWORD,
                ),
            )
            s.flush()
            grant_role(s, officer, "credit_officer", region=None)
            loans.save_product(
                s,
                {
                    "code": "bench",
                    "name_fa": "وام محک",
                    "name_en": "Bench loan",
                    "amount_min": AMOUNT,
                    "amount_max": 100 * AMOUNT,
                    "instalments_min": INSTALMENTS,
                    "instalments_max": INSTALMENTS,
                    "fee_bps": 200,
                    "min_score": 0,
                    "requires_note": True,
                    "guarantors_required": 1,
                    "uses_points": False,
                    "categories": ["livestock", "feed"],
                },
            )
            loans.fund(s, 10**15, key="bench")
            return officer.id


def seed(app: Any, officer_id: int, bar: Any) -> None:
    """SEED loans through the services; each borrower guarantees the next one's loan."""
    from resalat_icap import services as icap
    from resalat_loans import services as loans
    from resalat_merat import services as merat

    from resalat_core.sdk import Member, Registration, main_account, register_member, system_account, transfer

    with app.app_context():
        s = app.extensions["resalat"].db.session()
        people = []
        for i in range(SEED):
            member = register_member(
                s,
                Registration(
                    national_code=_national_code(7000000 + i),
                    mobile=f"0913{7000000 + i:07d}",
                    name="وام‌گیرنده‌ی محک",
                    region="zanjan/gorg-tappeh",
                    password=PASSWORD,
                ),
            )
            s.flush()
            people.append(member)
        officer = s.get(Member, officer_id)
        for i, member in enumerate(people):
            transfer(
                s,
                f"bench:fund:{member.id}",
                system_account(s, "cash_in"),
                main_account(s, member),
                FUNDED,
                "admin_adjustment",
            )
            merat.save_profile(
                s, member, monthly_income=100_000_000, monthly_expenses=20_000_000 + 500_000 * i
            )
            note = icap.issue_note(
                s,
                member,
                amount=2 * AMOUNT,
                due_date=None,
                payee_name="",
                payee_code="",
                purpose="تضمین وام",
                place_of_payment="زنجان",
                guarantors=[],
                key=f"bench:note:{member.id}",
            )
            loan = loans.request_loan(
                s,
                member,
                product="bench",
                amount=AMOUNT,
                instalments=INSTALMENTS,
                key=f"bench:{member.id}",
                note=note.id,
                guarantors=[people[i - 1].mobile],
            )
            loans.decide(s, officer, loan.id, approve=True)
            s.commit()
            bar.update(1)


# --- copying the seed set-wise ------------------------------------------------------------------

# Copy ``c`` of seed loan ``seed_loan``: the new ids, drawn from each table's own sequence.
MAP = """
CREATE TEMP TABLE clone_map ON COMMIT DROP AS
SELECT c, l.id AS seed_loan, l.member_id AS seed_member, l.note_id AS seed_note, l.score_id AS seed_score,
       l.account_id AS seed_earmark, ma.id AS seed_main,
       nextval('loans_loans_id_seq') AS loan_id, nextval('members_id_seq') AS member_id,
       nextval('icap_notes_id_seq') AS note_id, nextval('merat_scores_id_seq') AS score_id,
       nextval('wallet_accounts_id_seq') AS earmark_id, nextval('wallet_accounts_id_seq') AS main_id,
       CAST(row_number() OVER (ORDER BY c, l.id) AS int) AS n
FROM generate_series(1, :copies) c
CROSS JOIN loans_loans l
JOIN wallet_accounts ma ON ma.code = 'member:' || l.member_id || '\\:main'
ORDER BY c, l.id
LIMIT :total
"""

TRANSFER_MAP = """
CREATE TEMP TABLE clone_transfers ON COMMIT DROP AS
SELECT m.*, t.id AS seed_transfer, nextval('wallet_transfers_id_seq') AS transfer_id
FROM clone_map m
JOIN wallet_transfers t ON t.debit_account_id IN (m.seed_main, m.seed_earmark)
                        OR t.credit_account_id IN (m.seed_main, m.seed_earmark)
ORDER BY m.n, t.id
"""


def _columns(conn: Any, table: str) -> list[str]:
    return list(
        conn.execute(
            text(
                "SELECT column_name FROM information_schema.columns WHERE table_name = :t "
                "ORDER BY ordinal_position"
            ),
            {"t": table},
        ).scalars()
    )


def _copy(conn: Any, table: str, source: str, alias: str, overrides: dict[str, str]) -> None:
    """INSERT INTO ``table`` every column of ``alias`` (a row of ``table`` in ``source``) but the
    ``overrides``, which are SQL expressions; columns not named keep the seed's value."""
    cols = [c for c in _columns(conn, table) if c in overrides or c != "id"]
    exprs = [overrides.get(c, f"{alias}.{c}") for c in cols]
    # Driver SQL: the ':' of keys and codes in the expressions are not bind parameters.
    conn.exec_driver_sql(f"INSERT INTO {table} ({', '.join(cols)}) SELECT {', '.join(exprs)} FROM {source}")


def _account_of(column: str) -> str:
    return (
        f"CASE {column} WHEN m.seed_main THEN m.main_id WHEN m.seed_earmark THEN m.earmark_id "
        f"ELSE {column} END"
    )


# The ledger's idempotency fingerprint (resalat_core.wallet.services._fingerprint), in SQL.
FINGERPRINT = (
    "encode(sha256(convert_to('[' || {debit} || ', ' || {credit} || ', ' || t.amount || ', ' "
    "|| to_json(t.purpose)::text || ', ' || COALESCE(to_json({reference})::text, 'null') "
    "|| ', false]', 'UTF8')), 'hex')"
)


def clone(app: Any, total: int, bar: Any) -> None:
    """Copy the SEED loans (and everything the services wrote for them) until there are ``total``."""
    copies = -(-(total - SEED) // SEED)
    if copies <= 0:
        return
    db = app.extensions["resalat"].db
    with db.engine.begin() as conn:
        # The SQL fingerprint must agree with the ledger's on the seed's own transfers.
        wrong = conn.execute(
            text(
                "SELECT count(*) FROM wallet_transfers t WHERE t.fingerprint <> "
                + FINGERPRINT.format(
                    debit="t.debit_account_id", credit="t.credit_account_id", reference="t.reference"
                )
            )
        ).scalar()
        assert wrong == 0, f"{wrong} seed transfers disagree with the SQL fingerprint"
        conn.execute(text(MAP), {"copies": copies, "total": total - SEED})
        count = conn.execute(text("SELECT count(*) FROM clone_map")).scalar()
        codes = [(_national_code(10_000_000 + n), f"0912{n:07d}") for n in range(1, count + 1)]
        conn.execute(
            text(
                "CREATE TEMP TABLE clone_ids ON COMMIT DROP AS SELECT CAST(n AS int) n, nc, mobile FROM "
                "unnest(CAST(:nc AS text[]), CAST(:mobile AS text[])) WITH ORDINALITY u(nc, mobile, n)"
            ),
            {"nc": [c[0] for c in codes], "mobile": [c[1] for c in codes]},
        )
        year, last = conn.execute(text("SELECT year, last FROM icap_serial_counters")).one()
        conn.execute(
            text("ALTER TABLE clone_map ADD COLUMN serial text"),
        )
        conn.execute(
            text("UPDATE clone_map SET serial = :year || lpad(CAST(:last + n AS text), 12, '0')"),
            {"year": str(year), "last": last},
        )
        conn.execute(text("UPDATE icap_serial_counters SET last = last + :n"), {"n": count})
        conn.execute(text(TRANSFER_MAP))
        bar.update(1)
        m = "clone_map m"
        _copy(
            conn,
            "members",
            f"{m} JOIN clone_ids i ON i.n = m.n JOIN members s ON s.id = m.seed_member",
            "s",
            {"id": "m.member_id", "national_code": "i.nc", "mobile": "i.mobile"},
        )
        _copy(
            conn,
            "wallet_accounts",
            f"{m} JOIN wallet_accounts s ON s.id IN (m.seed_main, m.seed_earmark)",
            "s",
            {
                "id": "CASE s.id WHEN m.seed_main THEN m.main_id ELSE m.earmark_id END",
                "owner_id": "m.member_id",
                "code": "CASE s.id WHEN m.seed_main THEN 'member:' || m.member_id || ':main' "
                "ELSE 'loan:' || m.loan_id END",
            },
        )
        reference = (
            "CASE t.purpose WHEN 'loan_disbursal' THEN 'loan:' || m.loan_id "
            "WHEN 'stamp_duty' THEN 'icap:' || m.serial ELSE t.reference END"
        )
        _copy(
            conn,
            "wallet_transfers",
            "clone_transfers m JOIN wallet_transfers t ON t.id = m.seed_transfer",
            "t",
            {
                "id": "m.transfer_id",
                "key": "CASE t.purpose WHEN 'loan_disbursal' THEN 'loans:disburse:' || m.loan_id "
                "WHEN 'stamp_duty' THEN 'icap:duty:' || m.member_id || ':bench:note:' || m.member_id "
                "ELSE 'bench:fund:' || m.member_id END",
                "debit_account_id": _account_of("t.debit_account_id"),
                "credit_account_id": _account_of("t.credit_account_id"),
                "reference": reference,
                "memo": "CASE t.purpose WHEN 'stamp_duty' THEN 'Stamp duty of promissory note ' || m.serial "
                "ELSE t.memo END",
                "created_by_id": "CASE t.created_by_id WHEN m.seed_member THEN m.member_id "
                "ELSE t.created_by_id END",
                "fingerprint": FINGERPRINT.format(
                    debit=_account_of("t.debit_account_id"),
                    credit=_account_of("t.credit_account_id"),
                    reference=reference,
                ),
            },
        )
        # The member's side of each entry repeats the seed's history; the system side runs on
        # from the system account's balance, which moves by what the copies moved.
        conn.execute(
            text(
                "INSERT INTO wallet_entries (transfer_id, account_id, amount, balance_after, created_at) "
                "SELECT m.transfer_id, x.account, e.amount, "
                "  CASE WHEN x.account = e.account_id "
                "  THEN a.posted + sum(e.amount) OVER (PARTITION BY e.account_id ORDER BY m.transfer_id) "
                "  ELSE e.balance_after END, e.created_at "
                "FROM clone_transfers m JOIN wallet_entries e ON e.transfer_id = m.seed_transfer "
                "JOIN wallet_accounts a ON a.id = e.account_id, "
                f"LATERAL (SELECT {_account_of('e.account_id')} AS account) x"
            )
        )
        conn.execute(
            text(
                "UPDATE wallet_accounts a SET posted = a.posted + d.moved FROM ("
                " SELECT e.account_id, sum(e.amount) moved FROM clone_transfers m "
                " JOIN wallet_entries e ON e.transfer_id = m.seed_transfer "
                " WHERE e.account_id NOT IN (m.seed_main, m.seed_earmark) GROUP BY e.account_id) d "
                "WHERE a.id = d.account_id"
            )
        )
        bar.update(1)
        _copy(
            conn,
            "icap_notes",
            f"{m} JOIN clone_ids i ON i.n = m.n JOIN icap_notes s ON s.id = m.seed_note "
            "JOIN clone_transfers d ON d.n = m.n AND d.seed_transfer = s.duty_transfer_id",
            "s",
            {
                "id": "m.note_id",
                "serial": "m.serial",
                "issuer_id": "m.member_id",
                "issuer_national_code": "i.nc",
                "issuer_mobile": "i.mobile",
                "pledged_reference": "'loan:' || m.loan_id",
                "duty_transfer_id": "d.transfer_id",
                "key": "'bench:note:' || m.member_id",
            },
        )
        _copy(
            conn,
            "icap_status_changes",
            f"{m} JOIN icap_status_changes s ON s.note_id = m.seed_note",
            "s",
            {
                "note_id": "m.note_id",
                "reference": "CASE WHEN s.reference = 'loan:' || m.seed_loan THEN 'loan:' || m.loan_id "
                "ELSE s.reference END",
                "actor_id": "CASE s.actor_id WHEN m.seed_member THEN m.member_id ELSE s.actor_id END",
            },
        )
        for table, overrides in (
            ("merat_profiles", {"member_id": "m.member_id"}),
            ("merat_profile_changes", {"member_id": "m.member_id", "changed_by_id": "m.member_id"}),
        ):
            _copy(conn, table, f"{m} JOIN {table} s ON s.member_id = m.seed_member", "s", overrides)
        _copy(
            conn,
            "merat_scores",
            f"{m} JOIN merat_scores s ON s.id = m.seed_score",
            "s",
            {"id": "m.score_id", "member_id": "m.member_id"},
        )
        _copy(
            conn,
            "merat_score_lines",
            f"{m} JOIN merat_score_lines s ON s.score_id = m.seed_score",
            "s",
            {"score_id": "m.score_id"},
        )
        _copy(
            conn,
            "merat_requests",
            f"{m} JOIN merat_requests s ON s.score_id = m.seed_score",
            "s",
            {
                "member_id": "m.member_id",
                "requested_by_id": "m.member_id",
                "score_id": "m.score_id",
                "reference": "'loan:' || m.loan_id",
            },
        )
        bar.update(1)
        _copy(
            conn,
            "loans_loans",
            f"{m} JOIN loans_loans s ON s.id = m.seed_loan",
            "s",
            {
                "id": "m.loan_id",
                "member_id": "m.member_id",
                "request_key": "'bench:' || m.member_id",
                "score_id": "m.score_id",
                "note_id": "m.note_id",
                "account_id": "m.earmark_id",
            },
        )
        _copy(
            conn,
            "loans_instalments",
            f"{m} JOIN loans_instalments s ON s.loan_id = m.seed_loan",
            "s",
            {"loan_id": "m.loan_id"},
        )
        _copy(
            conn,
            "loans_events",
            f"{m} JOIN loans_events s ON s.loan_id = m.seed_loan",
            "s",
            {
                "loan_id": "m.loan_id",
                "actor_id": "CASE s.actor_id WHEN m.seed_member THEN m.member_id ELSE s.actor_id END",
            },
        )
        # The guarantor is the copy (of the same round) of the seed loan's guarantor.
        _copy(
            conn,
            "loans_guarantees",
            f"{m} JOIN loans_guarantees s ON s.loan_id = m.seed_loan "
            "LEFT JOIN clone_map g ON g.c = m.c AND g.seed_member = s.member_id",
            "s",
            # (the seed's guarantor when the last, partial round has no copy of them)
            {"loan_id": "m.loan_id", "member_id": "COALESCE(g.member_id, s.member_id)"},
        )
        bar.update(1)


def extra_members(app: Any, count: int) -> None:
    """``count`` more members with a declared month and no loan (copies of the first borrower)."""
    if count <= 0:
        return
    db = app.extensions["resalat"].db
    with db.engine.begin() as conn:
        first = conn.execute(text("SELECT min(member_id) FROM loans_loans")).scalar()
        conn.execute(
            text(
                "CREATE TEMP TABLE extra ON COMMIT DROP AS "
                "SELECT CAST(n AS int) n, nc, mobile, nextval('members_id_seq') id "
                "FROM unnest(CAST(:nc AS text[]), CAST(:mobile AS text[])) WITH ORDINALITY u(nc, mobile, n)"
            ),
            {
                "nc": [_national_code(30_000_000 + n) for n in range(count)],
                "mobile": [f"0911{n:07d}" for n in range(count)],
            },
        )
        src = f"extra x JOIN members s ON s.id = {int(first)}"
        _copy(conn, "members", src, "s", {"id": "x.id", "national_code": "x.nc", "mobile": "x.mobile"})
        _copy(
            conn,
            "merat_profiles",
            f"extra x JOIN merat_profiles s ON s.member_id = {int(first)}",
            "s",
            {"member_id": "x.id", "monthly_income": "s.monthly_income + x.n * 10000"},
        )


def date_back(app: Any, seed_rng: int) -> dict[str, int]:
    """Disburse each loan some days back and rewrite its schedule from that day (``schedule_for``)."""
    from resalat_loans import services as loans

    rng = random.Random(seed_rng)
    day = loans.today()
    ages = list(range(0, 181))
    rows = []
    with app.app_context():
        for age in ages:
            start = day - timedelta(days=age)
            for line in loans.schedule_for(AMOUNT, loans.fee_for(AMOUNT, 200), INSTALMENTS, start):
                rows.append((age, line.seq, start.isoformat(), line.due_on.isoformat()))
    db = app.extensions["resalat"].db
    with db.engine.begin() as conn:
        ids = list(conn.execute(text("SELECT id FROM loans_loans ORDER BY id")).scalars())
        # Most loans are young (nothing overdue yet, some instalments due within days); the rest
        # are overdue by a few days to a few months, across every bucket.
        picked = [rng.randint(0, 33) if rng.random() < 0.6 else rng.randint(34, 180) for _ in ids]
        conn.execute(
            text(
                "CREATE TEMP TABLE ages ON COMMIT DROP AS "
                "SELECT * FROM unnest(CAST(:ids AS int[]), CAST(:ages AS int[])) "
                "u(loan_id, age)"
            ),
            {"ids": ids, "ages": picked},
        )
        conn.execute(
            text(
                "CREATE TEMP TABLE plan ON COMMIT DROP AS "
                "SELECT * FROM unnest(CAST(:age AS int[]), CAST(:seq AS int[]), "
                "CAST(:start AS date[]), CAST(:due AS date[])) u(age, seq, start, due)"
            ),
            {
                "age": [r[0] for r in rows],
                "seq": [r[1] for r in rows],
                "start": [r[2] for r in rows],
                "due": [r[3] for r in rows],
            },
        )
        conn.execute(
            text(
                "UPDATE loans_loans l SET disbursed_on = p.start FROM ages a JOIN plan p "
                "ON p.age = a.age AND p.seq = 1 WHERE l.id = a.loan_id"
            )
        )
        conn.execute(
            text(
                "UPDATE loans_instalments i SET due_on = p.due FROM ages a JOIN plan p ON p.age = a.age "
                "WHERE i.loan_id = a.loan_id AND p.seq = i.seq"
            )
        )
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        # What autovacuum would do in production: fresh statistics for the planner.
        conn.execute(text("VACUUM ANALYZE"))
    with app.app_context():
        from resalat_core.sdk import verify_ledger

        report = verify_ledger(app.extensions["resalat"].db.session())
        assert report.ok, report.problems[:5]
    return {"young": sum(1 for a in picked if a <= 33), "older": sum(1 for a in picked if a > 33)}


# --- measuring ---------------------------------------------------------------------------------


def measure_run_due(app: Any) -> dict[str, Any]:
    from resalat_loans import services as loans

    found = {}
    with app.app_context():
        session = app.extensions["resalat"].db.session()
        n = session.scalar(text("SELECT count(*) FROM loans_loans WHERE status = 'disbursed'"))
        session.commit()
        for run in ("first", "second"):
            started = time.perf_counter()
            # As `resalat loans run-due` calls it: committed batch by batch.
            result = loans.run_due(session, loans.today(), commit=session.commit)
            session.commit()
            seconds = time.perf_counter() - started
            session.expunge_all()
            found[run] = {"loans": n, "seconds": seconds, **result.as_dict()}
    return found


def measure_refresh(app: Any, members: int) -> dict[str, Any]:
    from resalat_merat import services as merat

    with app.app_context():
        session = app.extensions["resalat"].db.session()
        ids = merat.members_to_refresh(session, stale_only=False)[:members]
        session.commit()
        started = time.perf_counter()
        result = merat.refresh(session, ids)
        seconds = time.perf_counter() - started
        session.expunge_all()
        lines = session.scalar(text("SELECT count(*) FROM merat_score_lines"))
    return {"members": result.scored, "seconds": seconds, "by_rating": result.by_rating, "lines": lines}


def measure_transfers(app: Any, seconds: float) -> dict[str, Any]:
    """Bare ledger transfers between borrowers' main accounts, one client, for ``seconds``."""
    from resalat_core.sdk import transfer

    rng = random.Random(7)
    done = errors = 0
    with app.app_context():
        session = app.extensions["resalat"].db.session()
        ids = list(
            session.scalars(text("SELECT id FROM wallet_accounts WHERE kind = 'member_main' LIMIT 1000"))
        )
        session.commit()
        started = time.perf_counter()
        deadline = started + seconds
        while time.perf_counter() < deadline:
            debit, credit = rng.sample(ids, 2)
            try:
                transfer(session, uuid.uuid4().hex, debit, credit, rng.randint(1, 10_000), "admin_adjustment")
                session.commit()
                done += 1
            except Exception:  # noqa: BLE001 - counted, and a benchmark must finish
                session.rollback()
                errors += 1
        elapsed = time.perf_counter() - started
    return {"per_s": done / elapsed, "errors": errors}


def measure_sql_pass(app: Any, reminder_days: int) -> dict[str, Any]:
    """run-due's rows by plain SQL: the SELECT of the instalments due, then one UPDATE per loan
    (its bucket set to itself), in one transaction that is rolled back."""
    from resalat_loans import services as loans

    db = app.extensions["resalat"].db
    url = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    day = loans.today()
    with psycopg.connect(url) as conn:
        started = time.perf_counter()
        due = conn.execute(
            "SELECT i.id, i.loan_id, i.due_on, i.principal + i.fee FROM loans_instalments i "
            "JOIN loans_loans l ON l.id = i.loan_id WHERE l.status = 'disbursed' AND i.paid_at IS NULL "
            "AND i.due_on <= %s ORDER BY i.id",
            (day + timedelta(days=reminder_days),),
        ).fetchall()
        ids = [
            r[0] for r in conn.execute("SELECT id FROM loans_loans WHERE status = 'disbursed' ORDER BY id")
        ]
        for loan_id in ids:
            conn.execute("UPDATE loans_loans SET bucket = bucket WHERE id = %s", (loan_id,))
        seconds = time.perf_counter() - started
        conn.rollback()
    return {"loans": len(ids), "due_rows": len(due), "seconds": seconds, "per_s": len(ids) / seconds}


def _at_scale(rate: float, count: int) -> str:
    seconds = count / rate if rate else float("inf")
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


# --- the same jobs through Celery ---------------------------------------------------------------

BROKER = os.environ.get("RESALAT_BENCH_BROKER", "redis://127.0.0.1:6379/0")
WORKERS_AT_SCALE = 8
# What issue 18 asks of the jobs at the app's scale with 8 worker processes.
TARGET_SECONDS = {"loans run-due": 600, "merat refresh": 3600}


def clone_database(template: str) -> tuple[str, str]:
    """A copy of the prepared database (PostgreSQL's TEMPLATE), so that every variant starts
    from the same rows with the same work to do."""
    name = f"{PREFIX}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(_admin_conninfo(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return name, make_url(SERVER).set(database=name).render_as_string(hide_password=False)


def _worker_env(url: str, queue: str) -> dict[str, str]:
    return {
        **os.environ,
        "RESALAT_DATABASE_URL": url,
        "RESALAT_CELERY_BROKER_URL": BROKER,
        "RESALAT_CELERY_RESULT_BACKEND": BROKER,
        "RESALAT_CELERY_QUEUE": queue,
    }


def start_workers(url: str, queue: str, count: int) -> list[subprocess.Popen[bytes]]:
    """``count`` worker processes (one chunk at a time each), as ``count`` machines would run."""
    command = [sys.executable, "-m", "celery", "-A", "resalat_core.jobs.worker", "worker", "--pool", "solo"]
    return [
        subprocess.Popen(  # noqa: S603 (our own interpreter and module)
            [
                *command,
                "-Q",
                queue,
                "-n",
                f"bench{i}@%h",
                "--without-gossip",
                "--without-mingle",
                "-l",
                "warning",
            ],
            cwd=ROOT,
            env=_worker_env(url, queue),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for i in range(count)
    ]


def stop_workers(workers: list[subprocess.Popen[bytes]]) -> None:
    for worker in workers:
        worker.terminate()
    for worker in workers:
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()


def measure_jobs(url: str, workers: int) -> dict[str, dict[str, Any]]:
    """loans run-due (its first run of the day) then merat refresh (every member) on a copy of the
    prepared database: in this process (``workers`` 0, the CLI's way) or through Celery."""
    from resalat_loans import services as loans

    from resalat_core.app import create_app
    from resalat_core.db import utcnow
    from resalat_core.jobs import run_job
    from resalat_core.jobs.celery import celery_for, send_job

    queue = f"resalat-bench-{uuid.uuid4().hex[:8]}"
    app = create_app(
        {
            "database_url": url,
            "celery_broker_url": BROKER,
            "celery_result_backend": BROKER,
            "celery_queue": queue,
        }
    )
    found: dict[str, dict[str, Any]] = {}
    started_workers = start_workers(url, queue, workers) if workers else []
    try:
        if workers:
            # Counted from the moment every worker answers: start-up is not the job's time.
            control = celery_for(app).control
            deadline = time.monotonic() + 120
            while len(control.ping(timeout=1.0) or []) < workers:
                if time.monotonic() > deadline:
                    raise RuntimeError("the Celery workers did not start")
        with app.app_context():
            session = app.extensions["resalat"].db.session()
            members = session.scalar(text("SELECT count(*) FROM members WHERE is_active"))
            running = session.scalar(text("SELECT count(*) FROM loans_loans WHERE status = 'disbursed'"))
            session.rollback()
        for job, count, options in (
            ("loans.run_due", running, {"day": loans.today().isoformat()}),
            ("merat.refresh", members, {}),
        ):
            now = utcnow()
            started = time.perf_counter()
            if workers:
                result = send_job(app, job, now=now, timeout=3600, **options)
            else:
                with app.app_context():
                    result = run_job(job, now=now, **options)
            found[job] = {
                "count": int(count or 0),
                "seconds": time.perf_counter() - started,
                "chunks": result.chunks,
                "counts": dict(result.counts),
            }
    finally:
        stop_workers(started_workers)
        app.extensions["resalat"].db.dispose()
    return found


def celery_rows(runs: dict[int, dict[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    """The table: each job at 1 and 2 workers beside the in-process run of the same chunks."""
    rows = []
    for job, name, scale in (
        ("loans.run_due", "loans run-due", SCALE_LOANS),
        ("merat.refresh", "merat refresh", SCALE_MEMBERS),
    ):
        here = runs[0][job]
        reference = here["count"] / here["seconds"]
        one = runs[1][job]["count"] / runs[1][job]["seconds"]
        two = runs[2][job]["count"] / runs[2][job]["seconds"]
        # Scaling efficiency measured from 1 to 2 workers, assumed to hold up to 8 (see the README).
        efficiency = min(1.0, two / (2 * one)) if one else 0.0
        at_eight = one * WORKERS_AT_SCALE * efficiency
        seconds = scale / at_eight if at_eight else float("inf")
        for workers, rate in ((1, one), (2, two)):
            rows.append(
                {
                    "figure": f"{name}, Celery, {workers} worker{'s' if workers > 1 else ''} (per s)",
                    "value": round(rate, 1),
                    "reference": round(reference, 1),
                    "ratio": round(rate / reference, 2) if reference else None,
                    "target": None,
                    "met": None,
                }
            )
        rows.append(
            {
                "figure": f"{name}, {scale:,} at {WORKERS_AT_SCALE} workers (s)",
                "value": round(seconds),
                "reference": round(scale / reference) if reference else None,
                "ratio": round(seconds / (scale / reference), 3) if reference else None,
                "target": TARGET_SECONDS[name],
                "met": seconds <= TARGET_SECONDS[name],
                "formula": f"{scale:,} / ({one:.1f} x {WORKERS_AT_SCALE} x {efficiency:.2f})",
                "efficiency": round(efficiency, 2),
            }
        )
    return rows


def print_celery_table(rows: list[dict[str, Any]], runs: dict[int, dict[str, dict[str, Any]]]) -> None:
    print()
    print("Through Celery (reference: the same chunks run in this process, one after the other):")
    print(f"{'figure':<52}  {'value':>9}  {'reference':>9}  {'ratio':>6}  {'target':>7}  met")
    for r in rows:
        target = "" if r["target"] is None else f"<= {r['target']}"
        met = "" if r["met"] is None else ("yes" if r["met"] else "no")
        print(
            f"{r['figure']:<52}  {r['value']:>9}  {r['reference'] or '':>9}  {r['ratio'] or '':>6}  "
            f"{target:>7}  {met}"
        )
    for r in rows:
        if "formula" in r:
            print(
                f"  {r['figure']}: {r['formula']} = {r['value']} s "
                f"(efficiency from 1 to 2 workers {r['efficiency']})"
            )
    for workers, found in sorted(runs.items()):
        where = "in-process" if workers == 0 else f"{workers} worker(s)"
        print(
            f"  {where}: "
            + "; ".join(
                f"{job} {f['count']} in {f['seconds']:.2f} s, {f['chunks']} chunks {f['counts']}"
                for job, f in found.items()
            )
        )


def main() -> None:
    global SEED  # one knob for the tests' tiny run
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loans", type=int, default=2000, help=f"disbursed loans (at least {SEED})")
    parser.add_argument("--members", type=int, default=2000, help="members Merat refreshes")
    parser.add_argument("--seconds", type=float, default=8.0, help="of bare ledger transfers")
    parser.add_argument(
        "--celery", default="0,1,2", help="worker counts to run the jobs with ('' skips; 0 is in-process)"
    )
    parser.add_argument(
        "--seed", type=int, default=SEED, help="loans made through the services before copying (at least 2)"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    SEED = max(2, args.seed)
    counts = sorted({int(n) for n in args.celery.split(",") if n.strip()})
    total = max(SEED, args.loans)

    name, url = create_database()
    pristine = ""
    try:
        app = make_app(url)
        started = time.perf_counter()
        with click.progressbar(length=SEED + 6, label="set-up", file=sys.stderr) as bar:
            officer = prepare(app)
            bar.update(1)
            seed(app, officer, bar)
            clone(app, total, bar)
            # Borrowers and the officer are members too; Merat gets as many as asked for.
            extra_members(app, args.members - total - 1)
            ages = date_back(app, seed_rng=total)
            bar.update(1)
        setup_s = time.perf_counter() - started
        if counts:
            app.extensions["resalat"].db.dispose()
            pristine, _url = clone_database(name)
        from resalat_loans import setting as loans_setting

        due = measure_run_due(app)
        sql_pass = measure_sql_pass(app, int(loans_setting("reminder_days")))
        merat_run = measure_refresh(app, args.members)
        transfers = measure_transfers(app, args.seconds)
        app.extensions["resalat"].db.dispose()
        runs: dict[int, dict[str, dict[str, Any]]] = {}
        if counts:
            # The copies are taken of the database as set up, before anything above ran on it.
            for workers in counts:
                copy, copy_url = clone_database(pristine)
                try:
                    runs[workers] = measure_jobs(copy_url, workers)
                finally:
                    drop_database(copy)
    finally:
        drop_database(name)
        if pristine:
            drop_database(pristine)

    ref_tps, ref_sql = transfers["per_s"], sql_pass["per_s"]
    rows = []
    for job, unit, count, seconds, scale in (
        ("loans run-due, first run", "loans", due["first"]["loans"], due["first"]["seconds"], SCALE_LOANS),
        (
            "loans run-due, same day again",
            "loans",
            due["second"]["loans"],
            due["second"]["seconds"],
            SCALE_LOANS,
        ),
        ("merat refresh", "members", merat_run["members"], merat_run["seconds"], SCALE_MEMBERS),
    ):
        rate = count / seconds
        rows.append(
            {
                "job": job,
                "unit": unit,
                "count": count,
                "seconds": round(seconds, 2),
                "per_s": round(rate, 1),
                "over_transfers": round(rate / ref_tps, 2) if ref_tps else None,
                "over_sql_pass": round(rate / ref_sql, 3) if ref_sql else None,
                "at_scale": scale,
                "at_scale_time": _at_scale(rate, scale),
            }
        )
    out = {
        "jobs": rows,
        "run_due": {"first": due["first"], "second": due["second"], "loan_ages": ages},
        "merat": {"by_rating": merat_run["by_rating"], "score_lines": merat_run["lines"]},
        "reference": {
            "ledger_transfers_per_s": round(ref_tps, 1),
            "transfer_errors": transfers["errors"],
            "sql_pass_loans_per_s": round(ref_sql, 1),
            "sql_pass_due_rows": sql_pass["due_rows"],
        },
        "setup_s": round(setup_s, 1),
    }
    celery_table = celery_rows(runs) if {0, 1, 2} <= set(runs) else []
    out["celery"] = {"rows": celery_table, "runs": runs}
    if args.json:
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return
    first = due["first"]
    print(
        f"{total} loans of {INSTALMENTS} instalments ({ages['young']} disbursed within 33 days, "
        f"{ages['older']} up to 180 days ago), {merat_run['members']} members; set-up {setup_s:.0f} s"
    )
    print(
        f"first run-due: {first['reminded']} reminders, {first['moved']} loans moved, "
        f"{first['guarantees_called']} guarantees called, {first['protested']} notes protested; "
        f"second: {due['second']['reminded']} reminders, {due['second']['moved']} moved"
    )
    print(
        f"references: {ref_tps:.1f} ledger transfers/s (1 client, {transfers['errors']} errors); "
        f"plain SQL pass {ref_sql:.0f} loans/s ({sql_pass['due_rows']} due rows, one UPDATE a loan)"
    )
    print()
    print(
        f"{'job':<30}  {'count':>6}  {'seconds':>7}  {'per s':>8}  {'/transfers':>10}  {'/SQL pass':>9}  "
        f"{'at scale':>16}"
    )
    for r in rows:
        scale = f"{r['at_scale'] // 1_000_000}M {r['unit']}"
        print(
            f"{r['job']:<30}  {r['count']:>6}  {r['seconds']:>7.2f}  {r['per_s']:>8.1f}  "
            f"{r['over_transfers']:>10.2f}  {r['over_sql_pass']:>9.3f}  "
            f"{r['at_scale_time'] + ' / ' + scale:>16}"
        )
    if celery_table:
        print_celery_table(celery_table, runs)


if __name__ == "__main__":
    main()

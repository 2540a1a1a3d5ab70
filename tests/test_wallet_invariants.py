"""Trying to break the ledger: random operation sequences and many concurrent clients."""

from __future__ import annotations

import random
import threading
import uuid
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from resalat_core.errors import BadInput, Conflict, NotAllowed
from resalat_core.members.models import Member
from resalat_core.wallet import services as ledger
from resalat_core.wallet.models import Account, Transfer

N_ACCOUNTS = 4

operation = st.tuples(
    st.sampled_from(["post", "pending", "resolve_post", "resolve_void"]),
    st.integers(0, N_ACCOUNTS),  # index N_ACCOUNTS is the system account that may go negative
    st.integers(0, N_ACCOUNTS),
    st.integers(1, 5_000),
)


def _open_accounts(session, tag):
    owner = session.scalars(select(Member)).first()
    accounts = [
        ledger.open_account(session, kind="member_main", code=f"{tag}:m{i}", owner=owner)
        for i in range(N_ACCOUNTS)
    ]
    accounts.append(ledger.open_account(session, kind="system", code=f"{tag}:issuer", non_negative=False))
    session.flush()
    return accounts


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(operation, min_size=1, max_size=25))
def test_no_sequence_of_operations_breaks_the_invariants(session, make_member, ops):
    if session.scalars(select(Member.id)).first() is None:
        make_member()
    tag = uuid.uuid4().hex[:10]
    accounts = _open_accounts(session, tag)
    # A model of what the balances must be, kept in plain Python beside the database.
    posted = Counter()
    reserved = Counter()
    open_holds: list[tuple[Transfer, int, int, int]] = []
    for n, (kind, src, dst, amount) in enumerate(ops):
        key = f"{tag}:{n}"
        debit, credit = accounts[src], accounts[dst]
        if kind in ("post", "pending"):
            expected_ok = src != dst and (src == N_ACCOUNTS or posted[src] - reserved[src] >= amount)
            try:
                t = ledger.transfer(
                    session, key, debit, credit, amount, "fixture_transfer", pending=(kind == "pending")
                )
            except BadInput:
                assert not expected_ok, f"refused a valid {kind} of {amount} from {src} to {dst}"
                continue
            assert expected_ok, f"allowed an invalid {kind} of {amount} from {src} to {dst}"
            if kind == "post":
                posted[src] -= amount
                posted[dst] += amount
            else:
                reserved[src] += amount
                open_holds.append((t, src, dst, amount))
        elif open_holds:
            t, hs, hd, amount = open_holds.pop(0)
            if kind == "resolve_post":
                ledger.post_pending(session, t)
                posted[hs] -= amount
                posted[hd] += amount
            else:
                ledger.void_pending(session, t)
            reserved[hs] -= amount
    session.commit()
    for i, account in enumerate(accounts):
        session.refresh(account)
        assert account.posted == posted[i]
        assert account.pending_debits == reserved[i]
        if account.non_negative:
            assert account.available >= 0
    report = ledger.verify(session)
    assert report.ok, report.problems


def _transfer_in_thread(app, results, key, debit_id, credit_id, amount):
    db = app.extensions["resalat"].db
    with app.app_context():
        try:
            with db.new_session() as s:
                ledger.transfer(s, key, debit_id, credit_id, amount, "fixture_transfer")
            results.append("ok")
        except BadInput as exc:
            results.append(exc.code)
        except Conflict as exc:
            results.append(exc.code)


def test_concurrent_transfers_never_overdraw_or_lose_an_update(app, make_member):
    """Eight clients hammer four accounts; afterwards every rial is where the transfers say."""
    db = app.extensions["resalat"].db
    with app.app_context(), db.new_session() as s:
        owner = s.get(Member, make_member())
        issuer = ledger.open_account(s, kind="system", code="conc:issuer", non_negative=False)
        ids = []
        for i in range(4):
            acc = ledger.open_account(s, kind="member_main", code=f"conc:{i}", owner=owner)
            s.flush()
            ledger.transfer(s, f"conc:fund:{i}", issuer, acc, 10_000, "fixture_grant")
            ids.append(acc.id)
    rng = random.Random(1404)
    results: list[str] = []
    jobs = []
    for n in range(8):
        plan = [
            (f"conc:{n}:{k}", *rng.sample(ids, 2), rng.choice([500, 1_500, 4_000, 9_000])) for k in range(25)
        ]
        jobs.append(plan)

    def client(plan):
        for key, debit, credit, amount in plan:
            _transfer_in_thread(app, results, key, debit, credit, amount)

    threads = [threading.Thread(target=client, args=(plan,)) for plan in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert len(results) == 8 * 25
    assert set(results) <= {"ok", "insufficient_funds"}
    assert results.count("ok") > 0
    with app.app_context(), db.new_session() as s:
        balances = dict(s.execute(select(Account.id, Account.posted).where(Account.id.in_(ids))).all())
        # No money made or lost among the four: they started with 40,000 rials together.
        assert sum(balances.values()) == 40_000
        assert all(b >= 0 for b in balances.values())
        # No lost update: each balance is exactly what the committed transfers add up to.
        for account_id, balance in balances.items():
            incoming = s.scalar(
                select(func.coalesce(func.sum(Transfer.amount), 0)).where(
                    Transfer.credit_account_id == account_id
                )
            )
            outgoing = s.scalar(
                select(func.coalesce(func.sum(Transfer.amount), 0)).where(
                    Transfer.debit_account_id == account_id
                )
            )
            assert balance == incoming - outgoing
        assert s.scalar(select(func.count(Transfer.id)).where(Transfer.purpose == "fixture_transfer")) == (
            results.count("ok")
        )
        report = ledger.verify(s)
        assert report.ok, report.problems


def test_the_same_key_sent_by_many_clients_at_once_moves_money_once(app, make_member):
    db = app.extensions["resalat"].db
    with app.app_context(), db.new_session() as s:
        owner = s.get(Member, make_member())
        issuer = ledger.open_account(s, kind="system", code="dup:issuer", non_negative=False)
        a = ledger.open_account(s, kind="member_main", code="dup:a", owner=owner)
        b = ledger.open_account(s, kind="member_main", code="dup:b", owner=owner)
        s.flush()
        ledger.transfer(s, "dup:fund", issuer, a, 1_000, "fixture_grant")
        a_id, b_id = a.id, b.id
    results: list[str] = []
    threads = [
        threading.Thread(target=_transfer_in_thread, args=(app, results, "dup:pay", a_id, b_id, 700))
        for _ in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert results == ["ok"] * 8  # every caller is told it succeeded ...
    with app.app_context(), db.new_session() as s:
        assert s.get(Account, b_id).posted == 700  # ... and the money moved once
        assert s.scalar(select(func.count(Transfer.id)).where(Transfer.key == "dup:pay")) == 1


def test_spend_refusal_is_not_a_crash(session, make_member):
    member = session.get(Member, make_member())
    loan = ledger.open_earmarked(
        session,
        member,
        code="ear:1",
        purpose="fixture_grant",
        purposes=["fixture_purchase"],
    )
    with pytest.raises(NotAllowed):
        ledger.check_spend(loan, ledger.Spend(10, "cash_out", None, loan))

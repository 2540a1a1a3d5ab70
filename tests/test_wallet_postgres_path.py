"""Trying to break the ledger's one-round-trip path on PostgreSQL (the wallet_transfers function)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select

from resalat_core.db import utcnow
from resalat_core.errors import BadInput, Conflict, NotAllowed
from resalat_core.members.models import Member
from resalat_core.wallet import services as ledger
from resalat_core.wallet.models import POSTED, VOIDED, Account, Entry, Transfer


@pytest.fixture(autouse=True)
def _postgresql_only(backend: str) -> None:
    if backend != "postgresql":
        pytest.skip("the function path is PostgreSQL's; SQLite keeps the ORM path")


def _funded(app: Any, make_member: Callable[[], int], tag: str, balances: list[int]) -> list[int]:
    """Member accounts holding ``balances``; returns their ids (committed)."""
    db = app.extensions["resalat"].db
    with app.app_context(), db.new_session() as s:
        owner = s.get(Member, make_member())
        issuer = ledger.open_account(s, kind="system", code=f"{tag}:issuer", non_negative=False)
        ids = []
        for i, amount in enumerate(balances):
            acc = ledger.open_account(s, kind="member_main", code=f"{tag}:{i}", owner=owner)
            if amount:
                ledger.transfer(s, f"{tag}:fund:{i}", issuer, acc, amount, "fixture_grant")
            ids.append(acc.id)
    return ids


def _race(app: Any, jobs: list[Callable[[Any], Any]]) -> list[Any]:
    """Run each job in its own thread and session at once; returns each one's answer or error code."""
    db = app.extensions["resalat"].db
    results: list[Any] = [None] * len(jobs)
    barrier = threading.Barrier(len(jobs))

    def run(n: int) -> None:
        with app.app_context():
            barrier.wait()
            try:
                with db.new_session() as s:
                    results[n] = jobs[n](s)
            except (BadInput, Conflict) as exc:
                results[n] = exc.code
            except Exception as exc:  # noqa: BLE001 - a dead-lock or crash fails the test below
                results[n] = f"error: {exc!r}"

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def _verify(app: Any) -> None:
    with app.app_context(), app.extensions["resalat"].db.new_session() as s:
        report = ledger.verify(s)
        assert report.ok, report.problems


def test_a_transfer_is_one_statement_and_its_answer_is_a_usable_transfer(session, make_member):
    owner = session.get(Member, make_member())
    issuer = ledger.open_account(session, kind="system", code="one:issuer", non_negative=False)
    a = ledger.open_account(session, kind="member_main", code="one:a", owner=owner)
    b = ledger.open_account(session, kind="member_main", code="one:b", owner=owner)
    ledger.transfer(session, "one:fund", issuer, a, 5_000, "fixture_grant")
    assert a.posted == 5_000  # not a stale balance: the function moved it, the session reloads it
    session.commit()
    statements: list[str] = []
    engine = session.get_bind()

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        made = ledger.transfer(
            session, "one:pay", a.id, b.id, 1_200, "fixture_purchase", "ref-1",
            memo="for the sheep", params={"order": "42"}, actor=owner,
        )  # fmt: skip
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(statements) == 1, statements  # no savepoint, no read: one round trip
    assert (made.key, made.state, made.amount, made.reference) == ("one:pay", POSTED, 1_200, "ref-1")
    assert made.debit_account is a and made.credit_account is b
    assert (made.memo, made.created_by_id, made.link_id) == ("for the sheep", owner.id, None)
    assert (a.posted, b.posted) == (3_800, 1_200)
    session.commit()
    stored = session.scalars(select(Transfer).where(Transfer.key == "one:pay")).one()
    assert stored is made
    session.expire_all()
    assert made.params == {"order": "42"}
    assert ledger.describe_transfer(made)[1] == "Order 42"
    entries = session.scalars(select(Entry).where(Entry.transfer_id == made.id).order_by(Entry.amount)).all()
    assert [(e.account_id, e.amount, e.balance_after) for e in entries] == [
        (a.id, -1_200, 3_800),
        (b.id, 1_200, 1_200),
    ]
    # The same key and content answers the first transfer; other content is a conflict.
    assert ledger.transfer(session, "one:pay", a.id, b.id, 1_200, "fixture_purchase", "ref-1").id == made.id
    with pytest.raises(Conflict) as reused:
        ledger.transfer(session, "one:pay", a.id, b.id, 1_201, "fixture_purchase", "ref-1")
    assert reused.value.code == "key_reused"
    session.commit()
    assert ledger.verify(session).ok


def test_one_key_raced_by_32_clients_moves_money_once(app, make_member):
    a, b = _funded(app, make_member, "race", [10_000, 0])

    # Half send 700 rials, half 800 under the same key: the first decides, the others hear of it.
    def pay(amount: int) -> Callable[[Any], int]:
        return lambda s: ledger.transfer(s, "race:pay", a, b, amount, "fixture_transfer").amount

    jobs = [pay(700 + 100 * (n % 2)) for n in range(32)]
    results = _race(app, jobs)
    winner = next(r for r in results if isinstance(r, int))
    assert sorted(map(str, results)) == sorted([str(winner)] * 16 + ["key_reused"] * 16), (
        results
    )  # every caller with the winner's content is answered as if second
    with app.app_context(), app.extensions["resalat"].db.new_session() as s:
        assert s.scalar(select(func.count(Transfer.id)).where(Transfer.key == "race:pay")) == 1
        assert s.get(Account, b).posted == winner
    _verify(app)


def test_32_clients_cannot_overdraw_a_non_negative_account(app, make_member):
    a, b = _funded(app, make_member, "over", [10_000, 0])
    jobs = [
        lambda s, n=n: ledger.transfer(s, f"over:{n}", a, b, 1_000, "fixture_transfer").state
        for n in range(32)
    ]
    results = _race(app, jobs)
    assert sorted(results) == ["insufficient_funds"] * 22 + [POSTED] * 10, results
    with app.app_context(), app.extensions["resalat"].db.new_session() as s:
        assert (s.get(Account, a).posted, s.get(Account, b).posted) == (0, 10_000)
    _verify(app)


def test_transfers_in_opposite_directions_do_not_dead_lock(app, make_member):
    a, b, c = _funded(app, make_member, "opp", [1_000_000, 1_000_000, 1_000_000])

    def both_ways(n: int) -> Callable[[Any], str]:
        def job(s: Any) -> str:
            pairs = [(a, b), (b, a), (c, a), (a, c)] if n % 2 else [(b, a), (a, b), (a, c), (c, a)]
            for k in range(10):
                debit, credit = pairs[k % 4]
                ledger.transfer(s, f"opp:{n}:{k}", debit, credit, 10 + n, "fixture_transfer")
            # And a linked group crossing another's: the group locks its accounts in id order.
            ledger.transfer_linked(
                s,
                [
                    ledger.TransferSpec(f"opp:{n}:l1", c if n % 2 else a, b, 5, "fixture_transfer"),
                    ledger.TransferSpec(f"opp:{n}:l2", b, a if n % 2 else c, 5, "fixture_transfer"),
                ],
            )
            return "ok"

        return job

    assert _race(app, [both_ways(n) for n in range(16)]) == ["ok"] * 16
    _verify(app)


def test_a_linked_group_whose_second_transfer_fails_leaves_nothing(session, make_member):
    owner = session.get(Member, make_member())
    issuer = ledger.open_account(session, kind="system", code="lk:issuer", non_negative=False)
    a, b, poor = (
        ledger.open_account(session, kind="member_main", code=f"lk:{n}", owner=owner) for n in "abp"
    )
    ledger.transfer(session, "lk:fund", issuer, a, 1_000, "fixture_grant")
    session.commit()
    with pytest.raises(BadInput) as refused:
        ledger.transfer_linked(
            session,
            [
                ledger.TransferSpec("lk:1", a, b, 600, "fixture_transfer"),
                ledger.TransferSpec("lk:2", poor, b, 1, "fixture_transfer"),
            ],
        )
    assert refused.value.code == "insufficient_funds"
    # The transaction is still usable (no savepoint was needed) and holds nothing of the group.
    assert session.scalar(select(func.count(Transfer.id)).where(Transfer.key.in_(["lk:1", "lk:2"]))) == 0
    assert (a.posted, b.posted) == (1_000, 0)
    ledger.transfer(session, "lk:after", a, b, 100, "fixture_transfer")
    session.commit()
    assert (a.posted, b.posted) == (900, 100)
    # A group whose second key was used for other content is a conflict, and undone too.
    with pytest.raises(Conflict):
        ledger.transfer_linked(
            session,
            [
                ledger.TransferSpec("lk:3", a, b, 100, "fixture_transfer"),
                ledger.TransferSpec("lk:after", a, b, 99, "fixture_transfer"),
            ],
        )
    assert session.scalar(select(func.count(Transfer.id)).where(Transfer.key == "lk:3")) == 0
    session.commit()
    assert ledger.verify(session).ok


# A group on the PostgreSQL path, sent as ``_linked_pg`` sends it, under EXPLAIN: the blocks of
# every statement the function runs (its look-ups, inserts, updates and foreign-key checks).
_EXPLAINED_GROUP = "EXPLAIN (ANALYZE, BUFFERS, TIMING OFF, FORMAT JSON) " + ledger._GROUP


def _explained_group(session: Any, tag: str, debit: int, credit: int, n: int) -> tuple[int, int]:
    """A linked group of ``n`` one-rial transfers from ``debit`` to ``credit``: the blocks it
    touched and the account rows it wrote (this transaction's count, read before and after)."""
    written = (
        "SELECT coalesce(sum(n_tup_upd), 0) FROM pg_stat_xact_user_tables WHERE relname = 'wallet_accounts'"
    )
    connection = session.connection()
    before = connection.exec_driver_sql(written).scalar()
    column = {"debit": [debit] * n, "credit": [credit] * n, "amount": [1] * n, "pending": [False] * n}
    values = {
        **{name: [None] * n for name in ("reference", "params", "memo", "timeout")},
        **column,
        "key": [f"{tag}:{k}" for k in range(n)],
        "fingerprint": [f"{tag}:{k}" for k in range(n)],
        "purpose": ["fixture_transfer"] * n,
        "link_id": tag,
        "actor": None,
        "now": utcnow(),
        "checked": False,
    }
    plan = connection.exec_driver_sql(_EXPLAINED_GROUP, values).scalar()
    top = (plan if isinstance(plan, list) else json.loads(plan))[0]["Plan"]
    after = connection.exec_driver_sql(written).scalar()
    return top["Shared Hit Blocks"] + top["Shared Read Blocks"], after - before


def test_a_linked_groups_work_per_transfer_does_not_grow_with_its_size(session, make_member):
    # PostgreSQL keeps every version of a row a transaction writes until it ends, and each later
    # look-up of the row walks past them: a group that wrote its accounts' rows once a transfer
    # read more of them the longer it was (and a transaction of many groups, more and more).
    owner = session.get(Member, make_member())
    issuer = ledger.open_account(session, kind="system", code="sz:issuer", non_negative=False)
    per_transfer: dict[str, float] = {}
    rows_written: dict[str, int] = {}
    runs = ("first", "second", "third")  # three groups in one transaction, as demo rows make them
    for n in (50, 250):
        a, b = (
            ledger.open_account(session, kind="member_main", code=f"sz:{n}:{x}", owner=owner) for x in "ab"
        )
        ledger.transfer(session, f"sz:{n}:fund", issuer, a, 10_000, "fixture_grant")
        session.commit()
        for run in runs:
            blocks, rows_written[f"{n}:{run}"] = _explained_group(session, f"sz:{n}:{run}", a.id, b.id, n)
            per_transfer[f"{n}:{run}"] = round(blocks / n, 1)
        session.commit()
        session.expire_all()
        assert (a.posted, b.posted) == (10_000 - len(runs) * n, len(runs) * n)
    # Each account's row is written once a group, not once a transfer ...
    assert set(rows_written.values()) == {2}, (rows_written, per_transfer)
    # ... and a transfer touches about as many blocks in a group of 250 as in one of 50, and in a
    # transaction's third group as in its first (measured: 48 to 61 a transfer, a small rise as the
    # fresh tables grow; with the rows written once a transfer: 71 to 207).
    assert max(per_transfer.values()) <= 1.5 * per_transfer["50:first"], per_transfer
    assert ledger.verify(session).ok


def test_post_and_void_raced_resolve_once(app, make_member):
    a, b = _funded(app, make_member, "pv", [5_000, 0])
    with app.app_context(), app.extensions["resalat"].db.new_session() as s:
        held = ledger.transfer(
            s, "pv:hold", a, b, 3_000, "fixture_transfer", pending=True, timeout=timedelta(hours=1)
        )
        assert held.timeout_at is not None and held.timeout_at > utcnow()
        held_id = held.id
    jobs = [
        (lambda s, fn=ledger.post_pending if n % 2 else ledger.void_pending: fn(s, held_id).state)
        for n in range(32)
    ]
    results = _race(app, jobs)
    winner = next(r for r in results if r in (POSTED, VOIDED))
    assert sorted(results) == sorted([winner] * 16 + ["already_resolved"] * 16), results
    with app.app_context(), app.extensions["resalat"].db.new_session() as s:
        debit, credit = s.get(Account, a), s.get(Account, b)
        assert (debit.pending_debits, credit.pending_credits) == (0, 0)
        moved = 3_000 if winner == POSTED else 0
        assert (debit.posted, credit.posted) == (5_000 - moved, moved)
        entries = s.scalar(select(func.count(Entry.id)).where(Entry.transfer_id == held_id))
        assert entries == (2 if winner == POSTED else 0)
    _verify(app)


def test_pending_sums_follow_holds_posts_and_voids(session, make_member):
    owner = session.get(Member, make_member())
    issuer = ledger.open_account(session, kind="system", code="ps:issuer", non_negative=False)
    a, b = (ledger.open_account(session, kind="member_main", code=f"ps:{n}", owner=owner) for n in "ab")
    ledger.transfer(session, "ps:fund", issuer, a, 1_000, "fixture_grant")
    one = ledger.transfer(session, "ps:1", a, b, 400, "fixture_transfer", pending=True)
    two = ledger.transfer(session, "ps:2", a, b, 500, "fixture_transfer", pending=True)
    assert (a.available, a.pending_debits, b.pending_credits) == (100, 900, 900)
    with pytest.raises(BadInput):  # held money cannot be spent twice
        ledger.transfer(session, "ps:3", a, b, 101, "fixture_transfer")
    assert ledger.post_pending(session, "ps:1") is one  # by key
    assert ledger.void_pending(session, two.id) is two  # by id
    assert ledger.post_pending(session, one).state == POSTED  # twice the same way: a no-op
    with pytest.raises(Conflict):
        ledger.post_pending(session, two)
    assert (a.posted, a.pending_debits, b.posted, b.pending_credits) == (600, 0, 400, 0)
    session.commit()
    assert ledger.verify(session).ok


def test_a_closed_account_is_refused_by_name_but_its_replays_answered(session, make_member):
    owner = session.get(Member, make_member())
    issuer = ledger.open_account(session, kind="system", code="cl:issuer", non_negative=False)
    a, b = (ledger.open_account(session, kind="member_main", code=f"cl:{n}", owner=owner) for n in "ab")
    ledger.transfer(session, "cl:fund", issuer, a, 1_000, "fixture_grant")
    first = ledger.transfer(session, "cl:pay", a.id, b.id, 100, "fixture_transfer")
    b.closed_at = utcnow()
    session.commit()
    with pytest.raises(BadInput) as refused:
        ledger.transfer(session, "cl:again", a.id, b.id, 100, "fixture_transfer")
    assert refused.value.code == "closed"
    assert ledger.transfer(session, "cl:pay", a.id, b.id, 100, "fixture_transfer") is first
    session.commit()
    assert (a.posted, b.posted) == (900, 100)


@pytest.fixture
def spend_app(make_app: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parent / "fixtures"))
    from resalat_fixture_spend import plugin

    return make_app(extra_plugins={"fixture_spend": plugin})


def test_earmarked_money_still_asks_the_spend_policy(spend_app, make_member):
    member_id = make_member()
    with spend_app.app_context():
        session = spend_app.extensions["resalat"].db.session()
        borrower = session.get(Member, member_id)
        loan = ledger.open_earmarked(
            session,
            borrower,
            code="ear:policy",
            purpose="fixture_grant",
            purposes=["fixture_purchase"],
            rules={"categories": ["livestock"]},
        )
        ledger.transfer(
            session, "ear:fund", ledger.system_account(session, "cash_in"), loan, 10_000, "fixture_grant"
        )
        escrow = ledger.system_account(session, "fixture_escrow")
        session.commit()
        with pytest.raises(NotAllowed):  # no category: the policy refuses
            ledger.transfer(session, "ear:x", loan.id, escrow.id, 1_000, "fixture_purchase")
        with pytest.raises(NotAllowed):  # in a linked group too, and the group leaves nothing
            ledger.transfer_linked(
                session,
                [
                    ledger.TransferSpec("ear:l1", escrow, loan, 1, "fixture_grant"),
                    ledger.TransferSpec("ear:l2", loan, escrow, 1, "fixture_purchase"),
                ],
            )
        assert session.scalar(select(func.count(Transfer.id)).where(Transfer.key.like("ear:l%"))) == 0
        details = {"category": "livestock"}
        sheep = ledger.transfer(
            session, "ear:sheep", loan.id, escrow.id, 6_000, "fixture_purchase", spend_details=details
        )
        assert sheep.state == POSTED and loan.posted == 4_000
        # A replay answers without asking again, even without the details.
        assert ledger.transfer(session, "ear:sheep", loan.id, escrow.id, 6_000, "fixture_purchase") is sheep
        with pytest.raises(BadInput) as short:  # the policy agrees, the balance does not
            ledger.transfer(
                session, "ear:cow", loan.id, escrow.id, 4_001, "fixture_purchase", spend_details=details
            )
        assert short.value.code == "insufficient_funds"
        session.commit()
        assert ledger.verify(session).ok

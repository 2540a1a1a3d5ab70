"""Deposits and withdrawals move real money through the ledger, once per key, and never overdraw."""

from __future__ import annotations

import pytest
from resalat_deposits import services

from resalat_core.sdk import BadInput, Conflict, Member, main_account, verify_ledger

M = 10_000_000


def balances(db, member_id: int) -> tuple[int, int]:
    with db() as s:
        member = s.get(Member, member_id)
        return main_account(s, member).posted, services.balance_of(s, member)


def act(db, what, member_id: int, amount, key="k"):
    with db() as s:
        return what(s, s.get(Member, member_id), amount, key=key)


def test_deposit_then_withdraw_moves_money_between_the_members_own_accounts(db, funded):
    member = funded(100 * M)
    act(db, services.deposit, member, 70 * M, key="d1")
    assert balances(db, member) == (30 * M, 70 * M)
    act(db, services.withdraw, member, 20 * M, key="w1")
    assert balances(db, member) == (50 * M, 50 * M)
    with db() as s:
        account = services.deposit_account(s, s.get(Member, member))
        assert account.kind == "deposit" and account.owner_id == member
        assert [e.amount for e in s.scalars(services.statement_query(account))] == [-20 * M, 70 * M]
        assert verify_ledger(s).problems == []


def test_the_same_key_deposits_once_and_another_amount_under_it_is_a_conflict(db, funded):
    member = funded(100 * M)
    first = act(db, services.deposit, member, 10 * M, key="same").id
    assert act(db, services.deposit, member, 10 * M, key="same").id == first
    with pytest.raises(Conflict):
        act(db, services.deposit, member, 11 * M, key="same")
    assert balances(db, member) == (90 * M, 10 * M)


def test_a_deposit_cannot_overdraw_the_main_account(db, funded, snapshot):
    member = funded(10 * M)
    before = snapshot()
    with pytest.raises(BadInput) as refused:
        act(db, services.deposit, member, 10 * M + 1)
    assert refused.value.code == "insufficient_funds"
    assert snapshot() == before


def test_a_withdrawal_cannot_overdraw_the_deposit(db, funded, snapshot):
    member = funded(10 * M)
    with pytest.raises(BadInput):
        act(db, services.withdraw, member, 1)  # no deposit yet
    act(db, services.deposit, member, 5 * M, key="d")
    before = snapshot()
    with pytest.raises(BadInput) as refused:
        act(db, services.withdraw, member, 5 * M + 1, key="w")
    assert "amount" in refused.value.fields
    assert snapshot() == before


# Services take whole rials only: the pages read tomans as typed (see test_pages).
@pytest.mark.parametrize("amount", [0, -1, "", "abc", "۱٬۰۰۰٬۰۰۰", None, 1.5, True, 10**16])
def test_bad_amounts_are_refused_and_change_nothing(db, funded, snapshot, amount):
    member = funded(10 * M)
    before = snapshot()
    with pytest.raises(BadInput) as refused:
        act(db, services.deposit, member, amount)
    assert refused.value.fields.get("amount")
    assert snapshot() == before


def test_a_missing_key_is_refused(db, funded, snapshot):
    member = funded(10 * M)
    before = snapshot()
    with pytest.raises(BadInput):
        act(db, services.deposit, member, 1 * M, key="")
    assert snapshot() == before


def test_eight_withdrawals_race_and_the_deposit_never_goes_below_zero(app, db, funded):
    import threading

    from resalat_core.sdk import get_db

    member = funded(100 * M)
    act(db, services.deposit, member, 100 * M, key="all")
    barrier = threading.Barrier(8)
    outcomes: list = [None] * 8

    def run(i: int) -> None:
        with app.test_request_context():
            session = get_db().session()
            try:
                barrier.wait(timeout=30)
                services.withdraw(session, session.get(Member, member), 30 * M, key=f"race-{i}")
                session.commit()
                outcomes[i] = "withdrawn"
            except BadInput as exc:
                session.rollback()
                outcomes[i] = exc.code
            except BaseException as exc:  # noqa: BLE001 (reported by the assertion below)
                session.rollback()
                outcomes[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(map(str, outcomes)) == ["insufficient_funds"] * 5 + ["withdrawn"] * 3, outcomes
    assert balances(db, member) == (90 * M, 10 * M)

"""The ledger's promises, told as the members' money story: every rial accounted for, once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from resalat_core.errors import BadInput, Conflict, NotAllowed
from resalat_core.members.models import Member
from resalat_core.wallet import services as ledger
from resalat_core.wallet.models import Account, Entry


@pytest.fixture
def people(session, make_member):
    ids = [make_member() for _ in range(3)]
    return [session.get(Member, i) for i in ids]


def fund(session, member, rials, key="topup"):
    """Cash in from outside: the cash-in account is the world's side of the ledger."""
    cash = ledger.system_account(session, "cash_in")
    cash.non_negative = False  # the outside world may owe the ledger
    return ledger.transfer(
        session, f"{key}:{member.id}", cash, ledger.main_account(session, member), rials, "admin_adjustment"
    )


def test_a_transfer_moves_the_same_rials_out_and_in(session, people):
    maryam, jafar, _ = people
    fund(session, maryam, 1_000_000)
    t = ledger.transfer(
        session,
        "gift-1",
        ledger.main_account(session, maryam),
        ledger.main_account(session, jafar),
        250_000,
        "fixture_transfer",
    )
    session.commit()
    assert ledger.main_account(session, maryam).posted == 750_000
    assert ledger.main_account(session, jafar).posted == 250_000
    entries = session.scalars(select(Entry).where(Entry.transfer_id == t.id)).all()
    assert sorted(e.amount for e in entries) == [-250_000, 250_000]
    assert ledger.verify(session).ok


def test_the_same_key_moves_money_once(session, people):
    maryam, jafar, _ = people
    fund(session, maryam, 1_000_000)
    a, b = ledger.main_account(session, maryam), ledger.main_account(session, jafar)
    first = ledger.transfer(session, "k1", a, b, 100, "fixture_transfer")
    again = ledger.transfer(session, "k1", a, b, 100, "fixture_transfer")
    session.commit()
    assert first.id == again.id
    assert ledger.main_account(session, jafar).posted == 100
    with pytest.raises(Conflict):
        ledger.transfer(session, "k1", a, b, 101, "fixture_transfer")


@pytest.mark.parametrize("amount", [0, -5, 1.5, True, "100", 10**16])
def test_bad_amounts_move_nothing(session, people, amount):
    maryam, jafar, _ = people
    fund(session, maryam, 1_000)
    with pytest.raises(BadInput):
        ledger.transfer(
            session,
            "bad",
            ledger.main_account(session, maryam),
            ledger.main_account(session, jafar),
            amount,
            "fixture_transfer",
        )
    session.commit()
    assert ledger.main_account(session, maryam).posted == 1_000
    assert ledger.verify(session).ok


def test_a_member_account_cannot_be_overdrawn(session, people):
    maryam, jafar, _ = people
    fund(session, maryam, 1_000)
    with pytest.raises(BadInput) as err:
        ledger.transfer(
            session,
            "over",
            ledger.main_account(session, maryam),
            ledger.main_account(session, jafar),
            1_001,
            "fixture_transfer",
        )
    assert err.value.code == "insufficient_funds"
    session.commit()
    assert ledger.main_account(session, maryam).posted == 1_000


def test_pending_reserves_then_posts_or_voids(session, people):
    buyer, seller, _ = people
    fund(session, buyer, 10_000)
    escrow = ledger.system_account(session, "fixture_escrow")
    main = ledger.main_account(session, buyer)
    hold = ledger.transfer(session, "order-1", main, escrow, 7_000, "fixture_purchase", pending=True)
    session.commit()
    assert main.available == 3_000 and main.posted == 10_000
    # The reservation counts: what is held cannot be spent twice.
    with pytest.raises(BadInput):
        ledger.transfer(session, "order-2", main, escrow, 3_001, "fixture_purchase", pending=True)
    ledger.post_pending(session, hold)
    ledger.post_pending(session, hold)  # twice is harmless
    session.commit()
    assert main.posted == 3_000 and main.pending_debits == 0
    with pytest.raises(Conflict):
        ledger.void_pending(session, hold)
    hold2 = ledger.transfer(session, "order-3", main, escrow, 2_000, "fixture_purchase", pending=True)
    ledger.void_pending(session, hold2)
    session.commit()
    assert main.posted == 3_000 and main.available == 3_000
    assert ledger.verify(session).ok


def test_expired_reservations_are_voided_by_the_periodic_command(session, people):
    buyer, _, _ = people
    fund(session, buyer, 5_000)
    main = ledger.main_account(session, buyer)
    ledger.transfer(
        session,
        "hold",
        main,
        ledger.system_account(session, "fixture_escrow"),
        5_000,
        "fixture_purchase",
        pending=True,
        timeout=timedelta(seconds=-1),
    )
    session.commit()
    assert main.available == 0
    assert ledger.expire_pending(session) == 1
    session.commit()
    assert main.available == 5_000


def test_linked_transfers_succeed_or_fail_together(session, people):
    buyer, seller, _ = people
    fund(session, buyer, 5_000)
    main = ledger.main_account(session, buyer)
    escrow = ledger.system_account(session, "fixture_escrow")
    with pytest.raises(BadInput):
        ledger.transfer_linked(
            session,
            [
                ledger.TransferSpec("part-a", main, escrow, 4_000, "fixture_purchase"),
                ledger.TransferSpec("part-b", main, escrow, 4_000, "fixture_purchase"),
            ],
        )
    session.commit()
    assert main.posted == 5_000
    assert ledger.verify(session).ok
    done = ledger.transfer_linked(
        session,
        [
            ledger.TransferSpec("part-c", main, escrow, 1_000, "fixture_purchase"),
            ledger.TransferSpec("part-d", main, escrow, 2_000, "fixture_purchase"),
        ],
    )
    session.commit()
    assert done[0].link_id == done[1].link_id is not None
    assert main.posted == 2_000


def test_a_linked_group_moves_money_in_its_order(session, people):
    # Each transfer of a group sees the balances the ones before it left: money the group brings
    # in may be spent later in it, not earlier; holds count at once; entries record the running
    # balances; replays (a key used before, or twice in the group) move nothing again.
    maryam, jafar, zahra = people
    fund(session, maryam, 1_000)
    a, b, c = (ledger.main_account(session, m) for m in people)
    first = ledger.transfer(session, "ord:0", a, c, 100, "fixture_transfer")
    session.commit()
    with pytest.raises(BadInput) as early:  # b spends before the group pays it: refused, undone
        ledger.transfer_linked(
            session,
            [
                ledger.TransferSpec("ord:x1", b, c, 300, "fixture_transfer"),
                ledger.TransferSpec("ord:x2", a, b, 600, "fixture_transfer"),
            ],
        )
    assert early.value.code == "insufficient_funds"
    session.commit()
    assert (a.posted, b.posted, c.posted) == (900, 0, 100)
    made = ledger.transfer_linked(
        session,
        [
            ledger.TransferSpec("ord:0", a, c, 100, "fixture_transfer"),  # a replay
            ledger.TransferSpec("ord:1", a, b, 600, "fixture_transfer"),
            ledger.TransferSpec("ord:2", b, c, 500, "fixture_transfer"),  # what ord:1 brought
            ledger.TransferSpec("ord:3", a, c, 250, "fixture_transfer", pending=True),
            ledger.TransferSpec("ord:1", a, b, 600, "fixture_transfer"),  # twice in the group
            ledger.TransferSpec("ord:4", c, b, 50, "fixture_transfer"),
        ],
    )
    session.commit()
    assert made[0].id == first.id and made[4].id == made[1].id
    assert len({t.id for t in made}) == 5 and made[3].state == "pending"
    assert (a.posted, a.pending_debits, a.available) == (300, 250, 50)
    assert (b.posted, c.posted, c.pending_credits) == (150, 550, 250)
    with pytest.raises(BadInput):  # the hold is spent money
        ledger.transfer_linked(
            session,
            [
                ledger.TransferSpec("ord:5", c, a, 1, "fixture_transfer"),
                ledger.TransferSpec("ord:6", a, b, 52, "fixture_transfer"),
            ],
        )
    entries = session.scalars(
        select(Entry).where(Entry.transfer_id.in_([t.id for t in made[1:]])).order_by(Entry.id)
    ).all()
    # Within a transfer the two entries' order is the path's own (by account id on PostgreSQL).
    lines = sorted((e.transfer_id, e.account_id, e.amount, e.balance_after) for e in entries)
    assert lines == sorted(
        [
            (made[1].id, a.id, -600, 300),
            (made[1].id, b.id, 600, 600),
            (made[2].id, b.id, -500, 100),
            (made[2].id, c.id, 500, 600),
            (made[5].id, c.id, -50, 550),
            (made[5].id, b.id, 50, 150),
        ]
    )
    assert ledger.verify(session).ok


def test_loan_money_cannot_leave_the_bazaar(session, people):
    borrower, other, _ = people
    loan = ledger.open_earmarked(
        session,
        borrower,
        code=f"loan:{borrower.id}:1",
        purpose="fixture_grant",
        purposes=["fixture_purchase"],
    )
    fund_account = ledger.system_account(session, "fixture_fund")
    fund_account.non_negative = False
    ledger.transfer(session, "disburse", fund_account, loan, 50_000_000, "fixture_grant")
    session.commit()
    with pytest.raises(NotAllowed) as err:  # not as cash to a member
        ledger.transfer(
            session, "cash-out", loan, ledger.main_account(session, borrower), 1_000, "fixture_transfer"
        )
    assert "Test purchase" in str(err.value.message)  # what it may buy, by its label
    with pytest.raises(NotAllowed):  # right purpose, but no policy opened it
        ledger.transfer(
            session, "buy", loan, ledger.system_account(session, "fixture_escrow"), 1_000, "fixture_purchase"
        )
    session.commit()
    assert session.get(Account, loan.id).posted == 50_000_000


@pytest.fixture
def spend_app(make_app, monkeypatch):
    from pathlib import Path

    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parent / "fixtures"))
    from resalat_fixture_spend import plugin

    return make_app(extra_plugins={"fixture_spend": plugin})


def test_loan_money_buys_only_what_the_policy_allows(spend_app, make_member):
    member_id = make_member()
    with spend_app.app_context():
        session = spend_app.extensions["resalat"].db.session()
        borrower = session.get(Member, member_id)
        loan = ledger.open_earmarked(
            session,
            borrower,
            code="loan:policy",
            purpose="fixture_grant",
            purposes=["fixture_purchase"],
            rules={"categories": ["livestock", "feed"]},
        )
        issuer = ledger.system_account(session, "cash_in")
        ledger.transfer(session, "fund-loan", issuer, loan, 10_000, "fixture_grant")
        escrow = ledger.system_account(session, "fixture_escrow")
        ledger.transfer(
            session,
            "buy-sheep",
            loan,
            escrow,
            6_000,
            "fixture_purchase",
            spend_details={"category": "livestock"},
        )
        with pytest.raises(NotAllowed) as refused:
            ledger.transfer(
                session,
                "buy-phone",
                loan,
                escrow,
                1_000,
                "fixture_purchase",
                spend_details={"category": "electronics"},
            )
        assert "livestock, feed" in str(refused.value.message)
        session.commit()
        assert session.get(Account, loan.id).posted == 4_000
        assert ledger.verify(session).ok


def test_money_moves_only_for_a_declared_purpose(session, people):
    """Every statement line reads in its reader's language, so no transfer has a purpose nobody declared."""
    borrower, other, _ = people
    before = ledger.verify(session)
    with pytest.raises(BadInput) as refused:
        ledger.transfer(
            session,
            "k-undeclared",
            ledger.main_account(session, borrower),
            ledger.main_account(session, other),
            100,
            "gift_of_the_magi",
        )
    assert refused.value.code == "bad_purpose"
    session.rollback()
    assert ledger.verify(session).ok and before.ok

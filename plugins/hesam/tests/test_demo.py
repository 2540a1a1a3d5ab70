"""The demo world: money for Maryam and Jafar, transfers between them, Maryam's card top-ups and
withdrawals, in M-Hesam's own words."""

from __future__ import annotations

import json

from resalat_hesam import reconcile
from resalat_hesam.models import CardPayment, Withdrawal
from sqlalchemy import func, select

from resalat_core.sdk import Account, Entry, Member, Transfer, get_db


def test_the_demo_gives_the_personas_money_and_transfers_with_its_own_purposes_only(app):
    runner = app.test_cli_runner()

    with app.app_context():  # `resalat demo` gets its context from the `resalat` command itself
        loaded = runner.invoke(args=["demo"])

    assert loaded.exit_code == 0, loaded.output
    with app.app_context():
        s = get_db().session
        maryam = s.scalar(select(Member).where(Member.mobile == "09120000002"))
        jafar = s.scalar(select(Member).where(Member.mobile == "09120000003"))
        # M-Hesam opens no account and moves no money of a plugin it does not require: a loan's
        # earmarked money is the loans plugin's to give.
        assert s.scalar(select(Account).where(Account.code.like("hesam:%"))) is None
        purposes = set(s.scalars(select(Transfer.purpose).where(Transfer.key.like("hesam:%"))))
        assert "top_up" in purposes
        assert purposes <= {"top_up", "member_transfer", "card_top_up", "withdrawal"}

        def hesam_net(member: Member) -> int:
            main = s.scalar(select(Account).where(Account.code == f"member:{member.id}:main"))
            return s.scalar(
                select(func.coalesce(func.sum(Entry.amount), 0))
                .join(Transfer, Transfer.id == Entry.transfer_id)
                .where(
                    Entry.account_id == main.id,
                    Transfer.purpose.in_(["top_up", "member_transfer"]),
                    # Other plugins' demos top up too (stamp duty, deposits): count M-Hesam's own.
                    Transfer.key.like("hesam:%"),
                )
            )

        # 5,000,000 tomans each, then 350,000 and 80,000 from Maryam to Jafar and 1,200,000 back;
        # without the cores plugin there is no core leader, and Maryam keeps her top-up.
        if jafar is None:
            assert hesam_net(maryam) == 50_000_000
        else:
            assert hesam_net(maryam) == 57_700_000
            assert hesam_net(jafar) == 42_300_000
        # Card top-ups through the sandbox: two paid and credited, one cancelled, one left half-way.
        states = list(s.scalars(select(CardPayment.state).where(CardPayment.member_id == maryam.id)))
        assert sorted(states) == ["cancelled", "redirected", "verified", "verified"]
        assert [p.state for p in s.scalars(reconcile.attention_query())] == ["redirected"]  # stuck
        report = reconcile.reconcile(s)
        assert report.ok and report.credited == 7_000_000, report.problems
        # One withdrawal paid in a bank batch, one waiting for the next.
        rows = list(
            s.scalars(select(Withdrawal).where(Withdrawal.member_id == maryam.id).order_by(Withdrawal.id))
        )
        assert [(w.state, w.amount) for w in rows] == [("settled", 3_000_000), ("requested", 1_500_000)]
    verified = runner.invoke(args=["wallet", "verify", "--json"])
    assert verified.exit_code == 0, verified.output
    assert json.loads(verified.stdout)["ok"] is True

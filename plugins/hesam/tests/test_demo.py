"""The demo world: money for Maryam and Jafar, transfers between them, Jafar's livestock loan money."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from resalat_core.sdk import Account, Entry, Member, Transfer, get_db, is_active


def test_the_demo_gives_the_personas_money_transfers_and_a_livestock_loan(app):
    runner = app.test_cli_runner()

    with app.app_context():  # `resalat demo` gets its context from the `resalat` command itself
        loaded = runner.invoke(args=["demo"])

    assert loaded.exit_code == 0, loaded.output
    with app.app_context():
        s = get_db().session
        maryam = s.scalar(select(Member).where(Member.mobile == "09120000002"))
        jafar = s.scalar(select(Member).where(Member.mobile == "09120000003"))
        # Other plugins' demos may open more accounts and spend (M-Bazar buys with the loan):
        # what hesam put there is read from its own account code and its own purposes.
        loan = s.scalar(select(Account).where(Account.code == f"hesam:demo:livestock:{jafar.id}"))
        if is_active("loans", jafar):
            # The loans plugin's demo gives Jafar a real livestock loan; no stand-in beside it.
            assert loan is None
        else:
            credited = s.scalar(
                select(func.sum(Entry.amount)).where(Entry.account_id == loan.id, Entry.amount > 0)
            )
            assert (credited, loan.spend_rules["purposes"], loan.expires_at is not None) == (
                400_000_000,
                ["bazaar_purchase"],
                True,
            )

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

        # 5,000,000 tomans each, then 350,000 and 80,000 from Maryam to Jafar and 1,200,000 back.
        assert hesam_net(maryam) == 57_700_000
        assert hesam_net(jafar) == 42_300_000
    verified = runner.invoke(args=["wallet", "verify", "--json"])
    assert verified.exit_code == 0, verified.output
    assert json.loads(verified.stdout)["ok"] is True

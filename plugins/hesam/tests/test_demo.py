"""The demo world: money for Maryam and Jafar, transfers between them, Jafar's livestock loan."""

from __future__ import annotations

import json

from sqlalchemy import select

from resalat_core.sdk import Account, Member, get_db


def test_the_demo_gives_the_personas_money_transfers_and_a_livestock_loan(app, balance_of):
    runner = app.test_cli_runner()

    with app.app_context():  # `resalat demo` gets its context from the `resalat` command itself
        loaded = runner.invoke(args=["demo"])

    assert loaded.exit_code == 0, loaded.output
    with app.app_context():
        s = get_db().session
        maryam = s.scalar(select(Member).where(Member.mobile == "09120000002"))
        jafar = s.scalar(select(Member).where(Member.mobile == "09120000003"))
        (loan,) = s.scalars(select(Account).where(Account.owner_id == jafar.id, Account.kind == "earmarked"))
        assert (loan.available, loan.spend_rules["purposes"], loan.expires_at is not None) == (
            400_000_000,
            ["bazaar_purchase"],
            True,
        )
        ids = maryam.id, jafar.id
    # 5,000,000 tomans each, then 350,000 and 80,000 from Maryam to Jafar and 1,200,000 back.
    assert balance_of(ids[0]) == 57_700_000
    assert balance_of(ids[1]) == 42_300_000
    verified = runner.invoke(args=["wallet", "verify", "--json"])
    assert verified.exit_code == 0, verified.output
    assert json.loads(verified.stdout)["ok"] is True

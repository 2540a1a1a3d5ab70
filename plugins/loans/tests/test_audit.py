"""A loan decision writes one entry of the audit trail, in the decision's transaction."""

from __future__ import annotations

import pytest

from resalat_core.sdk import Conflict, Member, system_account, transfer
from resalat_core.testing import audit_entries

TOMAN = 10
AMOUNT = 100_000_000 * TOMAN


def decisions(world):
    return [e for e in audit_entries(world.app) if e["action"].startswith("loans.")]


def test_an_approval_and_a_rejection_each_write_one_entry_by_the_officer(world, db):
    rejected = world.request(
        product="livestock", amount=AMOUNT, instalments=12, introduction=world.introduce(), note=world.note()
    )
    assert world.decide(rejected, approve=False, reason="طرح توجیه اقتصادی ندارد") == "rejected"
    approved = world.request(
        product="livestock", amount=AMOUNT, instalments=12, introduction=world.introduce(), note=world.note()
    )
    assert world.decide(approved) == "disbursed"
    with db() as s:
        region = s.get(Member, world.member).region_id
    assert decisions(world) == [
        {
            "action": "loans.rejected",
            "actor_id": world.officer,
            "region_id": region,
            "subject": f"loan:{rejected}",
            "before": {"status": "requested"},
            "after": {"status": "rejected", "amount": AMOUNT},
        },
        {
            "action": "loans.approved",
            "actor_id": world.officer,
            "region_id": region,
            "subject": f"loan:{approved}",
            "before": {"status": "requested"},
            "after": {"status": "disbursed", "amount": AMOUNT},
        },
    ]


def test_an_approval_the_fund_cannot_pay_writes_nothing(world, db):
    loan_id = world.request(
        product="livestock", amount=AMOUNT, instalments=12, introduction=world.introduce(), note=world.note()
    )
    with db() as s:
        fund = system_account(s, "loan_fund")
        transfer(s, "test:drain", fund, system_account(s, "cash_in"), fund.posted, "loan_funding")
    with pytest.raises(Conflict):
        world.decide(loan_id)
    assert decisions(world) == []

"""An insurer's decision on a claim writes one audit entry with the decision; a refused one none."""

from __future__ import annotations

import pytest
from resalat_bimeh.models import Claim

from resalat_core.sdk import BadInput, system_account, transfer
from resalat_core.testing import audit_entries, work

HEAD = 95_000_000


def decisions(app) -> list[tuple]:
    return [
        (e["action"], e["subject"], e["actor_id"], e["region_id"], e["before"], e["after"])
        for e in audit_entries(app)
        if e["action"].startswith("bimeh.")
    ]


def test_each_decision_is_written_once_by_the_insurer(world):
    policy_id = world.buy("livestock", heads=10)
    part, rejected, approved = (world.claim(policy_id, amount=HEAD) for _ in range(3))
    with pytest.raises(BadInput):  # a rejection without a reason: refused, nothing written
        world.decide(rejected, decision="reject", reason="")
    world.decide(part, decision="part", amount=HEAD // 2)
    world.decide(rejected, decision="reject", reason="تلف شدن پیش از شروع پوشش بوده است")
    world.decide(approved, decision="approve")
    with work(world.app) as s:
        region = s.get(Claim, part).region_id
    waiting = {"status": "waiting"}
    assert decisions(world.app) == [
        ("bimeh.claim_part_approved", f"bimeh_claim:{part}", world.insurer, region, waiting,
         {"status": "part_approved", "paid": HEAD // 2}),
        ("bimeh.claim_rejected", f"bimeh_claim:{rejected}", world.insurer, region, waiting,
         {"status": "rejected", "paid": 0}),
        ("bimeh.claim_approved", f"bimeh_claim:{approved}", world.insurer, region, waiting,
         {"status": "approved", "paid": HEAD}),
    ]  # fmt: skip


def test_a_pool_that_cannot_pay_writes_nothing(world, app):
    policy_id = world.buy("livestock", heads=10)
    claim_id = world.claim(policy_id, amount=HEAD)
    with work(app) as s:
        pool = system_account(s, "bimeh_pool")
        transfer(s, "test:drain", pool, system_account(s, "cash_in"), pool.available, "admin_adjustment")
    with pytest.raises(BadInput):
        world.decide(claim_id, decision="approve")
    assert decisions(app) == []

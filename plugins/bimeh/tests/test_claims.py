"""Claims: a loan policy's claim repays the loan; approve, part-approve, reject with a reason;
claims refused on an expired or not-yet-started policy, outside cover, above the sum; an insurer
of another region refused; a pool that cannot pay refuses and changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from resalat_bimeh import services
from resalat_bimeh.models import Claim

from resalat_core.sdk import BadInput, Conflict, Member, NotFound
from resalat_core.testing import work

TOMAN = 10
HEAD = 95_000_000


def test_an_approved_loan_claim_pays_the_remaining_instalments_and_the_loan_is_repaid(world, told):
    loan_id = world.loan(tomans=60_000_000, instalments=12)
    world.pay_loan(loan_id, count=2)
    policy_id = world.buy("loan_life", loan=loan_id)
    left = world.policy(policy_id)["insured_sum"]
    claim_id = world.claim(policy_id, amount=1)  # the claim is the loan's debt, whatever is typed
    with work(world.app) as s:
        assert s.get(Claim, claim_id).amount == left
    pool, main = world.pool(), world.balance()
    assert world.decide(claim_id, decision="approve") == "approved"
    assert world.loan_status(loan_id) == "repaid"
    assert world.pool() == pool - left
    assert world.balance() == main  # in from the pool, straight out to the loan
    assert world.policy(policy_id)["insured_sum"] == 0
    assert told(world.member)[-1] == "claim_loan_paid"
    world.verify()


def test_a_loan_claim_is_approved_or_rejected_never_in_part(world):
    loan_id = world.loan()
    policy_id = world.buy("loan_life", loan=loan_id)
    claim_id = world.claim(policy_id)
    snap = world.snapshot()
    with pytest.raises(BadInput):
        world.decide(claim_id, decision="part", amount=1000)
    assert world.snapshot() == snap


def test_part_approve_and_reject_with_a_reason(world, told):
    policy_id = world.buy("livestock", heads=10)
    first = world.claim(policy_id, amount=3 * HEAD)
    second = world.claim(policy_id, amount=HEAD)
    main = world.balance()
    with pytest.raises(BadInput):  # a part must be less than what was asked
        world.decide(first, decision="part", amount=3 * HEAD)
    assert world.decide(first, decision="part", amount=2 * HEAD, reason="رأس سوم گزارش دامپزشک نداشت") == (
        "part_approved"
    )
    assert world.balance() == main + 2 * HEAD
    with pytest.raises(BadInput):  # a rejection needs a reason the member reads
        world.decide(second, decision="reject", reason="")
    assert world.decide(second, decision="reject", reason="تلف شدن پیش از شروع پوشش بوده است") == "rejected"
    with work(world.app) as s:
        assert s.get(Claim, second).reason == "تلف شدن پیش از شروع پوشش بوده است"
        assert s.get(Claim, second).paid == 0
    assert told(world.member)[-2:] == ["claim_paid", "claim_rejected"]
    # What is left of the sum is what a later claim may ask.
    with pytest.raises(BadInput) as exc:
        world.claim(policy_id, amount=9 * HEAD)
    assert "amount" in exc.value.fields
    world.verify()


def test_a_decided_claim_is_not_decided_again(world):
    policy_id = world.buy("livestock", heads=2)
    claim_id = world.claim(policy_id, amount=HEAD)
    world.decide(claim_id, decision="approve")
    snap = world.snapshot()
    with pytest.raises(Conflict):
        world.decide(claim_id, decision="approve")
    assert world.snapshot() == snap


def test_claims_outside_cover_are_refused_and_change_nothing(world):
    policy_id = world.buy("solar", amount=200_000_000 * TOMAN)
    snap = world.snapshot()
    today = services.today()
    with pytest.raises(BadInput) as exc:
        world.claim(policy_id, amount=300_000_000 * TOMAN)
    assert "amount" in exc.value.fields  # above the insured sum
    with pytest.raises(BadInput) as exc:
        world.claim(policy_id, amount=1_000 * TOMAN, loss_on=today - timedelta(days=3))
    assert "loss_on" in exc.value.fields  # before the cover began
    with pytest.raises(BadInput) as exc:
        world.claim(policy_id, amount=1_000 * TOMAN, loss_on=today + timedelta(days=1))
    assert "loss_on" in exc.value.fields
    with pytest.raises(BadInput) as exc:
        world.claim(policy_id, amount=1_000 * TOMAN, description="کوتاه")
    assert "description" in exc.value.fields
    assert world.snapshot() == snap
    # A year and more later the policy has expired: no claim, whatever the loss day.
    world.shift(policy_id, 400)
    snap = world.snapshot()
    with pytest.raises(BadInput) as exc:
        world.claim(policy_id, amount=1_000 * TOMAN, loss_on=today - timedelta(days=380))
    assert exc.value.code == "not_covered"
    assert world.snapshot() == snap


def test_a_renewal_not_yet_started_takes_no_claim(world):
    policy_id = world.buy("solar", amount=100_000_000 * TOMAN)
    world.shift(policy_id, 340)
    renewed = world.buy("solar", renews=policy_id)
    with pytest.raises(BadInput) as exc:
        world.claim(renewed, amount=1_000 * TOMAN)
    assert exc.value.code == "not_covered"


def test_another_regions_insurer_or_another_member_cannot_see_or_decide(world, make_member):
    policy_id = world.buy("livestock", heads=2)
    claim_id = world.claim(policy_id, amount=HEAD)
    tehran = make_member("bimeh_insurer", region="tehran/tehran", name="بیمه‌گر تهران")
    stranger = make_member(name="غریبه")
    snap = world.snapshot()
    with pytest.raises(NotFound):
        world.decide(claim_id, insurer=tehran, decision="approve")
    with work(world.app) as s:
        with pytest.raises(NotFound):
            services.claim_for(s, s.get(Member, stranger), claim_id)
        with pytest.raises(NotFound):
            services.claim_for(s, s.get(Member, tehran), claim_id)
        assert services.claim_for(s, s.get(Member, world.insurer), claim_id).id == claim_id
        assert services.queue_count(s, s.get(Member, tehran)) == 0
        assert services.queue_count(s, s.get(Member, world.insurer)) == 1
        assert services.queue_count(s, s.get(Member, world.admin)) == 1  # admins: everywhere
    assert world.snapshot() == snap


def test_a_pool_that_cannot_pay_refuses_and_nothing_changes(world, app):
    policy_id = world.buy("solar", amount=5_000_000_000 * 10 // 10)
    claim_id = world.claim(policy_id, amount=4_000_000_000)
    with work(app) as s:
        # The pool is emptied (paid back out to the outside world) for this test.
        from resalat_core.sdk import system_account, transfer

        pool = system_account(s, "bimeh_pool")
        transfer(s, "test:drain", pool, system_account(s, "cash_in"), pool.available, "admin_adjustment")
    world.fund(1_000)
    snap = world.snapshot()
    with pytest.raises(BadInput) as exc:
        world.decide(claim_id, decision="approve")
    assert exc.value.code == "pool_short"
    assert world.snapshot() == snap
    world.verify()


def test_a_claim_filed_twice_with_one_key_is_one_claim(world):
    policy_id = world.buy("livestock", heads=2)
    first = world.claim(policy_id, amount=HEAD, key="same")
    assert world.claim(policy_id, amount=HEAD, key="same") == first

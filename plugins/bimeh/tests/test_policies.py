"""Offers, quotes and policies: a loan's insurance follows its balance, buying at once or in
instalments, a replayed purchase, refusals that change nothing, a family policy, renewals, lapses."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from resalat_bimeh import hooks, services
from resalat_bimeh.models import Policy
from sqlalchemy import func, select

from resalat_core.sdk import BadInput, Conflict, Member, Transfer
from resalat_core.testing import work

TOMAN = 10


def test_a_disbursed_loan_is_offered_life_and_livestock_insurance_never_charged(world, told):
    before = world.balance()
    loan_id = world.loan()
    assert world.offers() == [("loan_life", "loan", loan_id), ("livestock", "loan", loan_id)]
    assert told(world.member) == ["offered_loan", "offered_loan"]
    assert world.balance() == before  # an offer is a record and a message, never a charge
    general = world.loan(product="general")
    assert ("loan_life", "loan", general) in world.offers()
    assert ("livestock", "loan", general) not in world.offers()


def test_the_loan_policy_follows_the_loans_balance(world):
    loan_id = world.loan(tomans=120_000_000, instalments=12)
    policy_id = world.buy("loan_life", offer=world.offer_id("loan_life"))
    owed = 120_000_000 * TOMAN * 102 // 100  # the amount and its fixed 2% fee
    first = world.policy(policy_id)
    assert first["insured_sum"] == owed
    assert first["premium"] == owed * 60 // 10_000  # 0.6% a year, for 12 months
    world.pay_loan(loan_id)
    assert world.policy(policy_id)["insured_sum"] == owed - owed // 12
    world.top_up(world.member, 120_000_000)
    world.pay_loan(loan_id, count=11)
    assert world.policy(policy_id)["insured_sum"] == 0
    world.verify()


def test_a_loan_already_insured_or_someone_elses_is_refused(world, make_member, top_up):
    loan_id = world.loan()
    world.buy("loan_life", loan=loan_id)
    snap = world.snapshot()
    with pytest.raises(BadInput) as exc:
        world.buy("loan_life", loan=loan_id)
    assert "loan" in exc.value.fields
    other = make_member(name="مریم احمدی")
    top_up(other, rials=10_000_000 * TOMAN)
    snap = world.snapshot()
    with pytest.raises(BadInput) as exc:
        world.buy("loan_life", member_id=other, loan=loan_id)
    assert "loan" in exc.value.fields
    assert world.snapshot() == snap


def test_buying_moves_the_first_payment_into_the_pool_once_per_key(world, told):
    pool = world.pool()
    main = world.balance()
    first = world.buy("solar", amount=300_000_000 * TOMAN, key="k1", instalments=3)
    again = world.buy("solar", amount=300_000_000 * TOMAN, key="k1", instalments=3)
    assert first == again
    policy = world.policy(first)
    premium = 300_000_000 * TOMAN * 80 // 10_000
    assert policy["premium"] == premium
    paid = [amount for _seq, amount, _due, paid_on in policy["premiums"] if paid_on]
    assert len(policy["premiums"]) == 3 and len(paid) == 1
    assert sum(a for _s, a, _d, _p in policy["premiums"]) == premium
    assert world.pool() == pool + paid[0]
    assert world.balance() == main - paid[0]
    assert told(world.member) == ["issued"]
    with work(world.app) as s:
        assert s.scalar(select(func.count(Policy.id))) == 1
    world.verify()


def test_too_little_money_or_a_bad_field_changes_nothing(world, make_member):
    poor = make_member(name="عضو بی‌پول")
    snap = world.snapshot()
    with pytest.raises(BadInput) as exc:
        world.buy("accident", member_id=poor, choice=500_000_000)
    assert exc.value.code == "insufficient_funds"
    for kw in (
        {"product": "solar", "amount": 5},
        {"product": "solar", "amount": 10**13},
        {"product": "accident", "choice": 123},
        {"product": "livestock", "heads": 0},
        {"product": "livestock", "heads": 10, "instalments": 13},
        {"product": "parcel"},
        {"product": "loan_life", "loan": 999_999},
    ):
        with pytest.raises(BadInput):
            world.buy(**kw)
    with pytest.raises(BadInput):
        world.buy("house")
    assert world.snapshot() == snap


def test_a_family_policy_covers_the_people_of_the_holders_core(world, make_member, top_up):
    with work(world.app) as s:
        from resalat_cores import services as cores

        core = cores.get_core(s, world.core_id)
        leader = s.get(Member, world.member)
        cores.add_core_member(
            s, core, name="زهرا قراجه‌لو", national_code="0012345679", relation="spouse", actor=leader
        )
    policy_id = world.buy("accident", choice=1_000_000_000, core=world.core_id)
    with work(world.app) as s:
        policy = s.get(Policy, policy_id)
        names = [p.name for p in policy.people]
        assert len(names) >= 2 and "زهرا قراجه‌لو" in names
        per_person = 1_000_000_000 * 40 // 10_000
        assert policy.premium == per_person * len(names)
    stranger = make_member(name="غریبه")
    top_up(stranger, rials=50_000_000 * TOMAN)
    with pytest.raises(BadInput) as exc:
        world.buy("accident", member_id=stranger, choice=1_000_000_000, core=world.core_id)
    assert "core" in exc.value.fields


def test_instalments_remind_then_lapse_after_the_grace_days(world, told):
    policy_id = world.buy("livestock", heads=10, instalments=3)
    due = world.policy(policy_id)["premiums"][1][2]
    assert world.run_due(due - timedelta(days=10))["reminded"] == 0
    assert world.run_due(due - timedelta(days=3))["reminded"] == 1
    assert world.run_due(due - timedelta(days=2))["reminded"] == 0  # once
    assert world.run_due(due + timedelta(days=10))["lapsed"] == 0  # within the grace days
    assert world.run_due(due + timedelta(days=16))["lapsed"] == 1
    assert world.policy(policy_id)["status"] == "lapsed"
    assert told(world.member)[-2:] == ["premium_due", "lapsed"]
    snap = world.snapshot()
    with pytest.raises(BadInput) as exc:
        world.claim(policy_id, amount=1_000_000 * TOMAN)
    assert exc.value.code == "not_covered"
    with work(world.app) as s, pytest.raises(Conflict):
        services.pay_premium(s, s.get(Member, world.member), policy_id)
    assert world.snapshot() == snap


def test_paying_the_next_instalment_once(world):
    policy_id = world.buy("livestock", heads=4, instalments=2)
    with work(world.app) as s:
        item = services.pay_premium(s, s.get(Member, world.member), policy_id, 2)
        assert item.seq == 2
    snap = world.snapshot()
    with work(world.app) as s, pytest.raises(Conflict):
        services.pay_premium(s, s.get(Member, world.member), policy_id, 2)
    assert world.snapshot() == snap
    world.verify()


def test_a_policy_ends_and_is_renewed_for_the_next_term(world, told):
    policy_id = world.buy("solar", amount=100_000_000 * TOMAN)
    ends = world.policy(policy_id)["ends_on"]
    assert world.run_due(ends - timedelta(days=40))["renewal_reminded"] == 0
    assert world.run_due(ends - timedelta(days=20))["renewal_reminded"] == 1
    assert "renew" in told(world.member)
    world.shift(policy_id, 350)
    with work(world.app) as s:
        assert services.renewable(s, s.get(Policy, policy_id))
    renewed = world.buy("solar", renews=policy_id)
    new = world.policy(renewed)
    assert new["starts_on"] == world.policy(policy_id)["ends_on"]
    with pytest.raises(Conflict):
        world.buy("solar", renews=policy_id)
    assert world.run_due(world.policy(policy_id)["ends_on"])["expired"] == 1
    assert world.policy(policy_id)["status"] == "expired"


def test_a_paid_order_is_offered_parcel_and_livestock_insurance(world):
    """M-Bazar's hook, answered with only the order's own attributes (M-Bimeh does not require it)."""
    with work(world.app) as s:
        buyer = s.get(Member, world.member)
        lamb = SimpleNamespace(category=SimpleNamespace(code="sheep"))
        hay = SimpleNamespace(category=SimpleNamespace(code="feed"))
        order = SimpleNamespace(
            id=77,
            buyer=buyer,
            buyer_id=buyer.id,
            total=100_000_000 * TOMAN,
            delivery="mst",
            items=[
                SimpleNamespace(product=lamb, quantity=10, unit_price=9_500_000 * TOMAN),
                SimpleNamespace(product=hay, quantity=400, unit_price=10_000 * TOMAN),
            ],
        )
        hooks.resalat_order_paid(order)
        hooks.resalat_order_paid(order)  # heard twice: offered once
        pickup = SimpleNamespace(id=78, buyer=buyer, buyer_id=buyer.id, total=1, delivery="pickup", items=[])
        hooks.resalat_order_paid(pickup)
    assert world.offers() == [("parcel", "order", 77), ("livestock", "order", 77)]
    parcel = world.buy("parcel", offer=world.offer_id("parcel"))
    assert world.policy(parcel)["insured_sum"] == 100_000_000 * TOMAN
    lambs = world.buy("livestock", offer=world.offer_id("livestock"))
    assert world.policy(lambs)["insured_sum"] == 10 * 95_000_000
    with pytest.raises(BadInput):
        world.buy("parcel", offer=world.offer_id("parcel"))  # taken
    with work(world.app) as s:
        assert s.scalar(select(func.count(Transfer.id)).where(Transfer.purpose == "bimeh_premium")) == 2


def test_an_insured_parcel_that_failed_tells_its_holder_how_to_claim(world, told):
    """M-ST's shipment hook, answered with the shipment's own attributes (M-Bimeh does not require it)."""
    with work(world.app) as s:
        buyer = s.get(Member, world.member)
        order = SimpleNamespace(
            id=91, buyer=buyer, buyer_id=buyer.id, total=5_000_000, delivery="mst", items=[]
        )
        hooks.resalat_order_paid(order)
    parcel = world.buy("parcel", offer=world.offer_id("parcel"))
    with work(world.app) as s:
        for status in ("created", "assigned", "picked_up", "in_transit"):
            assert services.shipment_changed(s, 91, status) is None  # on its way: nothing to tell
        assert services.shipment_changed(s, 92, "failed") is None  # an order nobody insured
        found = services.shipment_changed(s, 91, "failed")
        assert found is not None and found.id == parcel
    assert told(world.member)[-1] == "parcel_lost"

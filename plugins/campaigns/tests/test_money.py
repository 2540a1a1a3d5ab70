"""Money through the ledger: donations into the pool, delivery to the cause's earmarked account,
refunds to every donor; every refusal changes nothing, and nothing happens twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from resalat_campaigns import services
from resalat_campaigns.models import Campaign, Donation

from resalat_core.sdk import (
    Account,
    BadInput,
    Conflict,
    Member,
    NotAllowed,
    main_account,
    system_account,
    transfer,
)
from resalat_core.testing import work

from .conftest import TOMAN, far


def test_a_donation_moves_from_the_donor_into_the_pool_once_per_key(world):
    c = world.open()
    before = world.balance(world.donors[0])
    first = world.donate(c, tomans=200_000, key="same")
    again = world.donate(c, tomans=200_000, key="same")
    assert first == again
    assert world.balance(world.donors[0]) == before - 200_000 * TOMAN
    assert world.pool() == 200_000 * TOMAN
    assert world.campaign(c)["raised"] == 200_000 * TOMAN
    assert world.campaign(c)["donations"] == 1
    world.verify()


def test_the_same_key_with_another_amount_is_a_conflict(world):
    c = world.open()
    world.donate(c, tomans=200_000, key="same")
    with pytest.raises(Conflict):
        world.donate(c, tomans=300_000, key="same")
    assert world.campaign(c)["raised"] == 200_000 * TOMAN


@pytest.mark.parametrize(
    ("setup", "tomans", "error", "code"),
    [
        ("draft", 100_000, Conflict, "not_open"),
        ("closed", 100_000, Conflict, "not_open"),
        ("cancelled", 100_000, Conflict, "not_open"),
        ("past", 100_000, Conflict, "not_open"),
        ("open", 1_000, BadInput, "bad_input"),
        ("open", 1_000_001, BadInput, "above_goal"),
        ("poor", 100_000, BadInput, "insufficient_funds"),
    ],
)
def test_a_refused_donation_changes_nothing(world, make_member, setup, tomans, error, code):
    c = world.open(approve=setup != "draft")
    donor = world.donors[0]
    if setup == "closed":
        world.donate(c, donor=world.donors[1])
        with work(world.app) as s:
            services.close(s, s.get(Member, world.guide), c)
    elif setup == "cancelled":
        with work(world.app) as s:
            services.cancel(s, s.get(Member, world.guide), c)
    elif setup == "past":
        world.shift(c, 11)
    elif setup == "poor":
        donor = make_member(name="بی‌پول")
    before = world.snapshot()
    with pytest.raises(error) as caught:
        world.donate(c, donor=donor, tomans=tomans)
    assert caught.value.code == code
    assert world.snapshot() == before
    world.verify()


def test_a_campaign_caps_at_its_goal(world):
    c = world.open(goal=300_000 * TOMAN)
    world.donate(c, tomans=200_000)
    with pytest.raises(BadInput) as caught:
        world.donate(c, donor=world.donors[1], tomans=150_000)
    assert caught.value.code == "above_goal" and "100,000" in str(caught.value.message)  # what is left
    world.donate(c, donor=world.donors[1], tomans=100_000)
    with pytest.raises(Conflict):
        world.donate(c, donor=world.donors[2], tomans=100_000)
    assert world.campaign(c)["raised"] == 300_000 * TOMAN


def test_closing_delivers_the_money_to_the_leaders_earmarked_account_once(world):
    c = world.open()
    world.donate(c, tomans=300_000)
    world.donate(c, donor=world.donors[1], tomans=200_000, anonymous=True)
    pool = world.pool()
    with work(world.app) as s:
        services.close(s, s.get(Member, world.guide), c)
    with work(world.app) as s:
        again = services.close(s, s.get(Member, world.admin), c)
        assert again.status == "closed"
    state = world.campaign(c)
    assert state["status"] == "closed" and state["delivered"] == 500_000 * TOMAN
    assert world.pool() == pool - 500_000 * TOMAN
    with work(world.app) as s:
        account = s.get(Account, state["account_id"])
        assert account.kind == "earmarked" and account.owner_id == world.leader
        assert account.posted == 500_000 * TOMAN
        # Livestock: it buys husbandry equipment in M-Bazar, and nothing else.
        assert account.spend_rules["purposes"] == ["bazaar_purchase"]
        assert account.spend_rules["categories"] == ["husbandry_equipment", "veterinary"]
        # Not cash: a transfer to the leader's own main account is refused by the ledger.
        with pytest.raises(NotAllowed):
            transfer(
                s,
                "try-cash",
                account,
                main_account(s, s.get(Member, world.leader)),
                TOMAN,
                "campaigns_delivery",
            )
    world.verify()


def test_a_villages_need_goes_to_the_responsible_members_earmarked_account(world):
    with work(world.app) as s:
        responsible = s.get(Member, world.responsible).mobile
    c = world.open(organiser=world.admin, cause="place", region="zanjan/gorg-tappeh", responsible=responsible)
    assert world.campaign(c)["status"] == "open"  # an admin of the region opens it at once
    world.donate(c, tomans=400_000)
    with work(world.app) as s:
        services.close(s, s.get(Member, world.admin), c)
    with work(world.app) as s:
        account = s.get(Account, s.get(Campaign, c).account_id)
        assert account.owner_id == world.responsible
        assert account.spend_rules["categories"] == ["equipment", "repair", "solar_kits"]
    world.verify()


def test_cancelling_refunds_every_donation_by_its_own_transfer_once(world):
    c = world.open()
    balances = [world.balance(d) for d in world.donors]
    world.donate(c, tomans=100_000)
    world.donate(c, tomans=150_000)
    world.donate(c, donor=world.donors[1], tomans=250_000)
    with work(world.app) as s:
        services.cancel(s, s.get(Member, world.guide), c)
    with work(world.app) as s:
        assert services.cancel(s, s.get(Member, world.admin), c).status == "cancelled"
        assert s.query(Donation).filter(Donation.refunded_at.is_(None)).count() == 0
        with pytest.raises(Conflict):
            services.close(s, s.get(Member, world.admin), c)
    assert [world.balance(d) for d in world.donors] == balances
    assert world.campaign(c)["refunded"] == 500_000 * TOMAN
    assert world.pool() == 0
    world.verify()


def test_close_due_ends_what_is_past_its_last_day_or_at_its_goal_and_nothing_twice(world):
    late = world.open()
    full = world.open(goal=100_000 * TOMAN)
    running = world.open()
    world.donate(late, tomans=100_000)
    world.donate(full, tomans=100_000)
    world.donate(running, tomans=100_000)
    world.shift(late, 11)
    with work(world.app) as s:
        run = services.close_due(s)
    assert run.as_dict() == {"closed": 2, "delivered": 200_000 * TOMAN}
    with work(world.app) as s:
        assert services.close_due(s).as_dict() == {"closed": 0, "delivered": 0}
    assert [world.campaign(c)["status"] for c in (late, full, running)] == ["closed", "closed", "open"]
    assert world.pool() == 100_000 * TOMAN
    world.verify()


def test_only_the_organiser_or_an_admin_of_the_region_manages_a_campaign(world, make_member):
    c = world.open()
    stranger = make_member("campaigns_organiser", region="tehran/tehran")
    far_admin = make_member("admin", region="tehran/tehran")
    with work(world.app) as s:
        for who in (stranger, far_admin, world.donors[0]):
            with pytest.raises(NotAllowed):
                services.close(s, s.get(Member, who), c)
            with pytest.raises(NotAllowed):
                services.cancel(s, s.get(Member, who), c)
            with pytest.raises(NotAllowed):
                services.post_update(s, s.get(Member, who), c, "خبر")


def test_a_guide_opens_only_in_their_area_and_an_admin_of_the_region_approves(world, make_member):
    tehran_guide = make_member("campaigns_organiser", region="tehran/tehran")
    with work(world.app) as s, pytest.raises(NotAllowed):
        services.open_campaign(
            s,
            s.get(Member, tehran_guide),
            services.NewCampaign("t", "s", 1_000_000, far(), "core", core_id=world.core_id),
        )
    c = world.open(approve=False)
    assert world.campaign(c)["status"] == "draft"
    far_admin = make_member("admin", region="tehran/tehran")
    with work(world.app) as s:
        with pytest.raises(NotAllowed):
            services.approve(s, s.get(Member, far_admin), c)
        with pytest.raises(NotAllowed):
            services.approve(s, s.get(Member, world.guide), c)
        services.approve(s, s.get(Member, world.admin), c)
    with work(world.app) as s, pytest.raises(Conflict):
        services.approve(s, s.get(Member, world.admin), c)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "  "}, "title"),
        ({"story": ""}, "story"),
        ({"goal": 5}, "goal"),
        ({"deadline": "past"}, "deadline"),
        ({"deadline": "far"}, "deadline"),
        ({"cause": "x"}, "cause"),
        ({"core_id": 999_999}, "core"),
        ({"cause": "place", "region": "nowhere"}, "region"),
        ({"cause": "place", "region": "zanjan/gorg-tappeh", "responsible": "09999999999"}, "responsible"),
    ],
)
def test_bad_campaigns_are_refused_naming_the_field(world, changes, field):
    data = {"title": "عنوان", "story": "داستان", "goal": 1_000_000, "deadline": far(), "cause": "core"}
    data["core_id"] = world.core_id
    data.update(changes)
    if data["deadline"] == "past":
        data["deadline"] = services.today()
    elif data["deadline"] == "far":
        data["deadline"] = services.today() + timedelta(days=400)
    before = world.snapshot()
    with work(world.app) as s, pytest.raises(BadInput) as caught:
        services.open_campaign(s, s.get(Member, world.guide), services.NewCampaign(**data))
    assert field in caught.value.fields
    assert world.snapshot() == before


def test_the_pool_is_a_declared_system_account_that_cannot_go_negative(world):
    with work(world.app) as s:
        pool = system_account(s, "campaigns_pool")
        with pytest.raises(BadInput):
            transfer(
                s, "drain", pool, main_account(s, s.get(Member, world.donors[0])), TOMAN, "campaigns_refund"
            )

"""Introductions: a leader names talented members and rooted trades of her community, and follows them up."""

from __future__ import annotations

import re

import pytest
from resalat_leaders import services

from resalat_core.sdk import Member


def ids(html: str, kind: str) -> list[int]:
    return [int(i) for i in re.findall(rf'data-testid="{kind}" data-id="(\d+)"', html)]


def field_error(html: str, field: str) -> str:
    match = re.search(rf'id="e-{field}">([^<]*)<', html)
    return match.group(1) if match else ""


@pytest.fixture
def introduce(db):
    """``introduce(leader_id, member_mobile)`` / ``introduce(leader_id, trade=...)`` through the services."""

    def make(leader_id: int, member: str | None = None, *, trade: str | None = None, region: str = "") -> int:
        with db() as s:
            leader = s.get(Member, leader_id)
            if trade:
                intro = services.introduce_trade(
                    s, leader, name=trade, region=region or "sistan-baluchestan/arbab", households=12
                )
            else:
                intro = services.introduce_talent(s, leader, member=member, talent="خیاطی")
            s.flush()
            return intro.id

    return make


def test_ghaderi_introduces_a_clothing_maker_of_arbab(ghaderi, arbab_member):
    zahra = arbab_member()

    done = ghaderi.form(
        "/leaders/talents/new",
        {"member": zahra.mobile, "talent": "خياطي لباس محلي", "note": "سرپرست خانوار\nبا چرخ خیاطی خودش"},
    )

    assert done.status_code == 302
    html = ghaderi.get("/leaders/talents").get_data(as_text=True)
    assert "خیاطی لباس محلی" in html  # Arabic yeh folded to Persian before storing
    assert "زهرا نارویی" in html and 'data-status="new"' in html
    assert "سرپرست خانوار\nبا چرخ خیاطی خودش" in html


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"member": "{outsider}", "talent": "خیاطی"}, "member", "بیرون از جامعه"),
        ({"member": "09359999999", "talent": "خیاطی"}, "member", "عضوی با این"),
        ({"member": "{self}", "talent": "خیاطی"}, "member", "خودش را معرفی"),
        ({"member": "{zahra}", "talent": "  "}, "talent", "الزامی"),
        ({"member": "{zahra}", "talent": "خ" * 201}, "talent", "حداکثر"),
    ],
)
def test_a_bad_talent_introduction_is_refused_and_nothing_is_stored(
    ghaderi, arbab_member, outsider, snapshot, data, field, message, identity_of
):
    names = {
        "outsider": outsider.mobile,
        "self": identity_of(ghaderi.member_id).mobile,
        "zahra": arbab_member().mobile,
    }
    before = snapshot()

    answer = ghaderi.form("/leaders/talents/new", {k: v.format(**names) for k, v in data.items()})

    assert answer.status_code == 400
    assert message in field_error(answer.get_data(as_text=True), field)
    assert snapshot() == before


def test_a_talent_is_followed_up_then_closed_and_never_goes_back(ghaderi, arbab_member, introduce, snapshot):
    talent = introduce(ghaderi.member_id, arbab_member().mobile)
    url = f"/leaders/talents/{talent}/status"

    assert ghaderi.form(url, {"status": "followed_up"}, token_from="/leaders/talents").status_code == 302
    assert 'data-status="followed_up"' in ghaderi.get("/leaders/talents").get_data(as_text=True)
    assert ghaderi.form(url, {"status": "closed"}, token_from="/leaders/talents").status_code == 302
    before = snapshot()
    assert ghaderi.form(url, {"status": "new"}, token_from="/leaders/talents").status_code == 400
    assert ghaderi.form(url, {"status": "lost"}, token_from="/leaders/talents").status_code == 400
    assert snapshot() == before
    assert 'data-testid="to-closed"' not in ghaderi.get("/leaders/talents").get_data(as_text=True)


def test_introductions_belong_to_the_community_where_they_were_made(
    ghaderi, client_as, make_member, arbab_member, introduce
):
    talent = introduce(ghaderi.member_id, arbab_member().mobile)
    trade = introduce(ghaderi.member_id, trade="سوزن‌دوزی بلوچ")
    co_leader = client_as("social_leader", region="sistan-baluchestan/zabol")
    zanjan_leader = client_as("social_leader", region="zanjan/gorg-tappeh")

    assert ids(co_leader.get("/leaders/talents").get_data(as_text=True), "talent") == [talent]
    assert ids(co_leader.get("/leaders/trades").get_data(as_text=True), "trade") == [trade]
    assert ids(zanjan_leader.get("/leaders/talents").get_data(as_text=True), "talent") == []
    assert ids(zanjan_leader.get("/leaders/trades").get_data(as_text=True), "trade") == []
    token = "/leaders/talents"
    assert (
        zanjan_leader.form(
            f"/leaders/talents/{talent}/status", {"status": "closed"}, token_from=token
        ).status_code
        == 404
    )
    assert (
        zanjan_leader.form(
            f"/leaders/trades/{trade}/status", {"status": "closed"}, token_from=token
        ).status_code
        == 404
    )
    # A co-leader of the same community may follow it up.
    assert (
        co_leader.form(
            f"/leaders/trades/{trade}/status", {"status": "followed_up"}, token_from=token
        ).status_code
        == 302
    )


def test_ghaderi_introduces_baluchi_needlework_with_its_households(ghaderi):
    done = ghaderi.form(
        "/leaders/trades/new",
        {
            "name": "سوزن‌دوزی بلوچ",
            "region": "sistan-baluchestan/arbab",
            "households": "۴۰",
            "description": "هنر دستی زنان بلوچ",
        },
    )

    assert done.status_code == 302
    html = ghaderi.get("/leaders/trades").get_data(as_text=True)
    assert "سوزن‌دوزی بلوچ" in html and "۴۰ خانوار" in html and "ارباب" in html


def test_the_trade_form_offers_only_the_places_of_her_community(ghaderi):
    html = ghaderi.get("/leaders/trades/new").get_data(as_text=True)

    assert 'value="sistan-baluchestan/arbab"' in html and 'value="sistan-baluchestan"' in html
    assert 'value="zanjan/gorg-tappeh"' not in html


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"region": "zanjan/gorg-tappeh"}, "region", "بیرون از جامعه"),
        ({"region": "atlantis"}, "region", "فهرست"),
        ({"region": ""}, "region", "فهرست"),
        ({"households": "-3"}, "households", "رقم"),
        ({"households": "چهل"}, "households", "رقم"),
        ({"households": ""}, "households", "رقم"),
        ({"households": "10000001"}, "households", "حداکثر"),
        ({"name": " "}, "name", "الزامی"),
    ],
)
def test_a_bad_trade_introduction_is_refused_and_nothing_is_stored(ghaderi, snapshot, data, field, message):
    before = snapshot()
    values = {"name": "سوزن‌دوزی بلوچ", "region": "sistan-baluchestan/arbab", "households": "40", **data}

    answer = ghaderi.form("/leaders/trades/new", values)

    assert answer.status_code == 400
    assert message in field_error(answer.get_data(as_text=True), field)
    assert snapshot() == before


def test_a_trade_is_found_whatever_spelling_the_search_uses(ghaderi, introduce):
    wanted = introduce(ghaderi.member_id, trade="سوزن‌دوزی بلوچ")
    introduce(ghaderi.member_id, trade="گلیم‌بافی")

    found = ghaderi.get("/leaders/trades?q=سوزن دوزي").get_data(as_text=True)  # space for ZWNJ, Arabic yeh

    assert ids(found, "trade") == [wanted]
    assert ids(ghaderi.get("/leaders/trades?q=100%").get_data(as_text=True), "trade") == []


def test_the_introduction_lists_cost_the_same_queries_for_2_or_10(
    ghaderi, arbab_member, introduce, count_queries
):
    people = [arbab_member().mobile for _ in range(10)]
    for mobile in people[:2]:
        introduce(ghaderi.member_id, mobile)
        introduce(ghaderi.member_id, trade="قالی‌بافی")
    ghaderi.get("/leaders/talents")
    ghaderi.get("/leaders/trades")

    with count_queries() as few_talents:
        ghaderi.get("/leaders/talents?per_page=50")
    with count_queries() as few_trades:
        ghaderi.get("/leaders/trades?per_page=50")
    for mobile in people[2:]:
        introduce(ghaderi.member_id, mobile)
        introduce(ghaderi.member_id, trade="قالی‌بافی")
    with count_queries() as many_talents:
        talents = ghaderi.get("/leaders/talents?per_page=50").get_data(as_text=True)
    with count_queries() as many_trades:
        trades = ghaderi.get("/leaders/trades?per_page=50").get_data(as_text=True)

    assert (len(ids(talents, "talent")), len(ids(trades, "trade"))) == (10, 10)
    assert few_talents.count == many_talents.count
    assert few_trades.count == many_trades.count
    second = ghaderi.get("/leaders/talents?per_page=4&page=3").get_data(as_text=True)
    assert len(ids(second, "talent")) == 2


def test_the_desk_shows_her_community_and_what_she_may_still_vouch_for(ghaderi, arbab_member, sign):
    sign(ghaderi.member_id, arbab_member().mobile, "100,000,000")

    html = ghaderi.get("/leaders/").get_data(as_text=True)

    assert "سیستان و بلوچستان" in html
    assert "۴۰۰٬۰۰۰٬۰۰۰ تومان" in html  # 500,000,000 tomans less the 100,000,000 she vouches for


def test_from_a_talent_she_goes_straight_to_vouching_for_that_member(ghaderi, arbab_member, introduce):
    zahra = arbab_member()
    introduce(ghaderi.member_id, zahra.mobile)

    listed = ghaderi.get("/leaders/talents").get_data(as_text=True)
    link = re.search(r'href="([^"]+)" data-testid="vouch"', listed).group(1).replace("&amp;", "&")
    form = ghaderi.get(link).get_data(as_text=True)

    assert link == f"/leaders/guarantees/new?member={zahra.mobile}"
    assert re.search(rf'id="f-member" name="member" type="text"\s+value="{zahra.mobile}"', form)

"""Linking cores along the value chain: a guide suggests, the other core's leader answers."""

from __future__ import annotations

import pytest
from resalat_cores import services as cores
from resalat_guides.models import CoreLink
from resalat_guides.services import links

from resalat_core.sdk import Member

NEW = "/guides/links/new"


def _code(db, core_id):
    with db() as s:
        return s.get(cores.Core, core_id).code


def _link(db, link_id):
    with db() as s:
        link = s.get(CoreLink, link_id)
        return link.status, link.decided_by_id, link.decline_reason


@pytest.fixture
def wool_and_weavers(make_core, make_member):
    """Jafar's livestock core in Zanjan and the hand weavers of Ardakan, with their leaders."""
    jafar = make_member(region="zanjan/gorg-tappeh", name="جعفر قراجه‌لو")
    zahra = make_member(region="yazd/ardakan", name="زهرا آسی‌پور")
    return {
        "jafar": jafar,
        "zahra": zahra,
        "livestock": make_core("zanjan/gorg-tappeh", "livestock", leader_id=jafar, name="دام سبک قراجه‌لو"),
        "weavers": make_core("yazd/ardakan", "hand_weaving", leader_id=zahra, name="کاربافان آسی‌پور"),
    }


def test_a_guide_links_a_core_of_their_area_to_one_across_the_country(guide, db, wool_and_weavers):
    target_code = _code(db, wool_and_weavers["weavers"])

    answer = guide.form(
        NEW,
        {
            "source": str(wool_and_weavers["livestock"]),
            "target": target_code,
            "product": "پشم  گوسفند",
            "note": "مادّه‌ی اولیه‌ی کاربافی",
        },
    )

    assert answer.status_code == 302
    html = guide.get("/guides/links").get_data(as_text=True)
    assert html.count('data-testid="link"') == 1
    assert "دام سبک قراجه‌لو" in html and "کاربافان آسی‌پور" in html and "پشم گوسفند" in html
    assert "در انتظار پاسخ" in html


def test_the_form_finds_cores_nationwide_and_offers_only_sources_in_the_area(guide, db, wool_and_weavers):
    html = guide.get(f"{NEW}?q=کاربافان").get_data(as_text=True)

    source_select = html.split('id="f-source"')[1].split("</select>")[0]
    assert "دام سبک قراجه‌لو" in source_select and "کاربافان" not in source_select
    found = html.split('data-testid="found"')[1]
    assert "کاربافان آسی‌پور" in found
    assert f"target={_code(db, wool_and_weavers['weavers'])}" in found


@pytest.mark.parametrize(
    ("source_key", "target", "field_name", "says"),
    [
        ("livestock", "livestock", "target", "به خودش"),
        ("weavers", "livestock", "source", "در منطقه‌ی شما نیست"),
        ("livestock", "NOPE-CODE-000001", "target", "این شناسه را ندارد"),
        ("livestock", "", "target", "هسته‌ای را انتخاب کنید"),
        ("livestock", "suspended", "target", "تأییدشده"),
    ],
)
def test_a_link_that_cannot_be_is_refused_and_nothing_is_stored(
    guide, db, make_core, make_member, wool_and_weavers, snapshot, source_key, target, field_name, says
):
    suspended = make_core("kerman/pariz", "saffron")
    with db() as s:
        admin = s.get(Member, make_member("admin", role_region=None))
        cores.set_status(s, s.get(cores.Core, suspended), "suspended", actor=admin, reason="بازبینی")
    targets = {
        "livestock": _code(db, wool_and_weavers["livestock"]),
        "suspended": _code(db, suspended),  # it keeps its core ID, but is not active
    }
    before = snapshot()

    answer = guide.form(
        NEW,
        {
            "source": str(wool_and_weavers[source_key]),
            "target": targets.get(target, target),
            "product": "پشم",
        },
    )

    html = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert says in html.split(f'id="e-{field_name}"')[1][:300]
    assert snapshot() == before


def test_a_link_needs_what_it_supplies_and_is_not_suggested_twice(guide, db, wool_and_weavers, snapshot):
    data = {"source": str(wool_and_weavers["livestock"]), "target": _code(db, wool_and_weavers["weavers"])}
    before = snapshot()

    assert guide.form(NEW, {**data, "product": " "}).status_code == 400
    assert snapshot() == before
    assert guide.form(NEW, {**data, "product": "پشم"}).status_code == 302
    again = guide.form(NEW, {**data, "product": "پشم"})
    assert again.status_code == 400
    assert "در انتظار پاسخ است" in again.get_data(as_text=True)


def test_the_other_leader_sees_the_suggestion_and_accepts_it(
    app, client, db, guide, wool_and_weavers, suggest, monkeypatch
):
    told = []
    # What the SDK's notify() would hand to a notification plugin, where one is switched on.
    monkeypatch.setattr(links, "notify", lambda member, message: told.append((member.id, message)))
    link_id = suggest(guide.member_id, wool_and_weavers["livestock"], wool_and_weavers["weavers"])
    zahra = client.sign_in(wool_and_weavers["zahra"])

    home = zahra.get("/").get_data(as_text=True)
    assert "پیشنهاد پیوند هسته‌ها" in home  # a tile, with the count waiting
    ((member_id, message),) = told
    assert (member_id, message.source, message.kind.kind) == (
        wool_and_weavers["zahra"],
        "guides",
        "link.suggested",
    )
    with app.test_request_context():  # read in the reader's language (Persian by default)
        assert message.title == "پیشنهاد پیوند برای هسته‌ی «کاربافان آسی‌پور»"
    page = zahra.get("/guides/my-links").get_data(as_text=True)
    assert 'data-testid="accept"' in page
    answer = zahra.form(f"/guides/my-links/{link_id}/accept", {}, token_from="/guides/my-links")

    assert answer.status_code == 302
    assert _link(db, link_id) == ("accepted", wool_and_weavers["zahra"], "")
    # The tile stays, to find her core's links again, with nothing waiting on its badge.
    tile = zahra.get("/").get_data(as_text=True).split("پیشنهاد پیوند هسته‌ها")[1].split("</a>")[0]
    assert "text-bg-danger" not in tile


def test_the_other_leader_may_decline_with_a_reason(client, db, guide, wool_and_weavers, suggest):
    link_id = suggest(guide.member_id, wool_and_weavers["livestock"], wool_and_weavers["weavers"])
    zahra = client.sign_in(wool_and_weavers["zahra"])

    zahra.form(
        f"/guides/my-links/{link_id}/decline", {"reason": "پشم رنگی می‌خواهیم"}, token_from="/guides/my-links"
    )

    assert _link(db, link_id) == ("declined", wool_and_weavers["zahra"], "پشم رنگی می‌خواهیم")
    html = guide.get("/guides/links?status=declined").get_data(as_text=True)
    assert "پشم رنگی می‌خواهیم" in html


def test_the_source_leader_sees_the_link_but_cannot_answer_it(
    client, db, guide, wool_and_weavers, suggest, snapshot
):
    link_id = suggest(guide.member_id, wool_and_weavers["livestock"], wool_and_weavers["weavers"])
    jafar = client.sign_in(wool_and_weavers["jafar"])
    before = snapshot()

    page = jafar.get("/guides/my-links").get_data(as_text=True)
    answer = jafar.form(f"/guides/my-links/{link_id}/accept", {}, token_from="/guides/my-links")

    assert "کاربافان آسی‌پور" in page and 'data-testid="accept"' not in page
    assert answer.status_code == 404
    assert snapshot() == before


def test_nobody_else_can_answer_a_suggestion(client_as, guide, wool_and_weavers, suggest, snapshot):
    link_id = suggest(guide.member_id, wool_and_weavers["livestock"], wool_and_weavers["weavers"])
    before = snapshot()

    for someone in (client_as(), guide, client_as("admin", role_region=None)):
        token = someone.csrf_token("/guides/my-links")
        for what in ("accept", "decline"):
            answer = someone.post(f"/guides/my-links/{link_id}/{what}", data={"csrf_token": token})
            assert answer.status_code == 404, what
    assert snapshot() == before
    assert client_as().get("/guides/my-links").status_code == 200  # anyone may look at their own list


def test_an_answered_suggestion_cannot_be_answered_again(
    client, db, guide, wool_and_weavers, suggest, snapshot
):
    link_id = suggest(guide.member_id, wool_and_weavers["livestock"], wool_and_weavers["weavers"])
    zahra = client.sign_in(wool_and_weavers["zahra"])
    zahra.form(f"/guides/my-links/{link_id}/accept", {}, token_from="/guides/my-links")
    before = snapshot()

    again = zahra.form(f"/guides/my-links/{link_id}/decline", {}, token_from="/guides/my-links")

    assert again.status_code == 400
    assert "پیش‌تر پاسخ داده شده" in again.get_data(as_text=True)
    assert snapshot() == before


def test_a_guide_sees_links_touching_their_area_only(client_as, guide, make_core, wool_and_weavers, suggest):
    khorasan_guide = client_as("guide", region="khorasan-north/band-yaghmour")
    saffron = make_core("kerman/pariz", "saffron")
    livestock_north = make_core("khorasan-north/band-yaghmour", "livestock")
    ours = suggest(guide.member_id, wool_and_weavers["livestock"], wool_and_weavers["weavers"])
    elsewhere = suggest(khorasan_guide.member_id, livestock_north, saffron)

    html = guide.get("/guides/links").get_data(as_text=True)

    assert f'data-id="{ours}"' in html and f'data-id="{elsewhere}"' not in html


def test_the_leaders_list_costs_the_same_queries_for_2_or_20_links(
    client, guide, make_core, make_member, suggest, count_queries
):
    counts = []
    for how_many in (2, 20):
        leader = make_member(region="yazd/ardakan")
        target = make_core("yazd/ardakan", "hand_weaving", leader_id=leader)
        for _ in range(how_many):
            suggest(guide.member_id, make_core("zanjan/abhar", "livestock"), target)
        page = client.sign_in(leader)
        assert page.get("/guides/my-links?per_page=50").status_code == 200
        with count_queries() as q:
            html = page.get("/guides/my-links?per_page=50").get_data(as_text=True)
        assert html.count('data-testid="link"') == how_many
        counts.append(q.count)

    assert counts[0] == counts[1], counts


def test_a_member_who_leads_no_core_sees_an_empty_list(client_as):
    html = client_as().get("/guides/my-links").get_data(as_text=True)

    assert 'data-testid="empty"' in html

"""Suggested links: computed from the chains, made into the guides' links or declined for good."""

from __future__ import annotations

import threading

import pytest
from resalat_guides import services as guides
from resalat_value_chain import services
from resalat_value_chain.models import Suggestion

from resalat_core.sdk import Member
from resalat_core.testing import work

ARBAB = "sistan-baluchestan/arbab"
API = "/api/v1/value_chain"


def _compute(app, region=None) -> int:
    with work(app) as s:
        return services.compute_suggestions(s, region)


def test_a_guide_makes_a_suggestion_and_the_target_leader_accepts_the_link(
    app, someone, make_core, leader_of
):
    weaver = make_core("hand_weaving", ARBAB)
    tailor = make_core("clothing", ARBAB)
    assert _compute(app) == 1
    assert _compute(app) == 0  # not suggested twice
    guide = someone("guide", region=ARBAB)
    listed = guide.api.get(f"{API}/suggestions").json
    assert [(i["source"]["id"], i["target"]["id"], i["good"]) for i in listed["items"]] == [
        (weaver, tailor, "handwoven_cloth")
    ]
    made = guide.api.post(f"{API}/suggestions/{listed['items'][0]['id']}/make")
    assert made.status_code == 200, made.json
    assert made.json["status"] == "made" and made.json["link_id"]
    again = guide.api.post(f"{API}/suggestions/{listed['items'][0]['id']}/make")
    assert again.status_code == 409
    with work(app) as s:
        leader = s.get(Member, leader_of(tailor))
        link = guides.decide_link(s, leader, made.json["link_id"], accept=True)
        assert link.status == "accepted"
    html = guide.web.get(f"/value_chain/cores/{tailor}").get_data(as_text=True)
    assert 'data-testid="core-links"' in html and "پذیرفته" in html


def test_a_declined_suggestion_is_not_suggested_again(app, someone, make_core):
    make_core("hand_weaving", ARBAB)
    make_core("clothing", ARBAB)
    _compute(app)
    guide = someone("guide", region=ARBAB)
    item = guide.api.get(f"{API}/suggestions").json["items"][0]
    page = guide.web.form(
        f"/value_chain/suggestions/{item['id']}/decline", {}, token_from="/value_chain/suggestions"
    )
    assert page.status_code == 302
    assert _compute(app) == 0
    assert guide.api.get(f"{API}/suggestions").json["items"] == []


def test_a_guide_elsewhere_neither_sees_nor_answers_a_suggestion(app, someone, make_core):
    make_core("hand_weaving", ARBAB)
    make_core("clothing", ARBAB)
    _compute(app)
    with work(app) as s:
        suggestion_id = s.query(Suggestion.id).scalar()
    other = someone("guide", region="zanjan/zanjan")
    assert other.api.get(f"{API}/suggestions").json["items"] == []
    assert other.api.post(f"{API}/suggestions/{suggestion_id}/make").status_code == 404
    assert someone().api.post(f"{API}/suggestions/{suggestion_id}/decline").status_code == 403
    with work(app) as s:
        assert s.get(Suggestion, suggestion_id).status == "open"


def test_two_guides_racing_to_make_one_suggestion_make_one_link(app, someone, make_core, backend):
    if backend != "postgresql":
        pytest.skip("SQLite serialises writers; the race is PostgreSQL's")
    make_core("hand_weaving", ARBAB)
    make_core("clothing", ARBAB)
    _compute(app)
    with work(app) as s:
        suggestion_id = s.query(Suggestion.id).scalar()
    guides_ = [someone("guide", region=ARBAB) for _ in range(2)]
    barrier = threading.Barrier(2)
    codes: list[int] = []

    def race(who) -> None:
        barrier.wait()
        codes.append(who.api.post(f"{API}/suggestions/{suggestion_id}/make").status_code)

    threads = [threading.Thread(target=race, args=(g,)) for g in guides_]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [200, 409]
    with work(app) as s:
        links = guides.area_links(s, guides.GuideScope(member=None, area=None))
        assert links.total == 1


def test_the_suggest_command_has_a_progress_bar_and_json(app, make_core):
    make_core("hand_weaving", ARBAB)
    make_core("clothing", ARBAB)
    out = app.test_cli_runner().invoke(
        args=["value_chain", "suggest", "--region", "sistan-baluchestan", "--json"]
    )
    assert out.exit_code == 0, out.output
    assert '"created": 1' in out.output
    bad = app.test_cli_runner().invoke(args=["value_chain", "suggest", "--region", "atlantis"])
    assert bad.exit_code == 1

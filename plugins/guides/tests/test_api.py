"""The guides API: the same rules as the pages, over JSON, with per-field errors and nothing changed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from resalat_cores import services as cores

API = "/api/v1/guides"


@pytest.fixture
def guide_api(api_as):
    return api_as("guide", region="zanjan/zanjan", name="علی رهیار زنجانی")


def _candidate(new_person, **changes):
    return {
        "name": "جعفر قراجه‌لو",
        "region": "zanjan/gorg-tappeh",
        "intent": "grow",
        "field": "livestock",
        "experience_years": 15,
        **new_person(),
        **changes,
    }


def test_a_guide_records_and_lists_candidates_over_the_api(guide_api, new_person):
    created = guide_api.post(f"{API}/candidates", json=_candidate(new_person))
    guide_api.post(
        f"{API}/candidates", json=_candidate(new_person, name="حسن یوسفی", intent="start", experience_years=0)
    )

    assert created.status_code == 201
    body = created.get_json()
    assert (body["status"], body["region"], body["field"], body["priority"]) == (
        "identified",
        "zanjan/gorg-tappeh",
        "livestock",
        3,
    )
    listed = guide_api.get(f"{API}/candidates?per_page=1").get_json()
    assert listed["meta"] == {"page": 1, "per_page": 1, "total": 2, "pages": 2}
    assert listed["items"][0]["name"] == "جعفر قراجه‌لو"  # experience first
    assert guide_api.get(f"{API}/candidates?status=identified&q=حسن").get_json()["meta"]["total"] == 1
    assert guide_api.get(f"{API}/candidates/{body['id']}").get_json()["id"] == body["id"]


def test_bad_candidates_get_a_message_per_field_and_nothing_is_stored(guide_api, new_person, snapshot):
    before = snapshot()

    answer = guide_api.post(
        f"{API}/candidates",
        json=_candidate(new_person, national_code="0012345678", region="yazd/ardakan", field="alchemy"),
    )

    assert answer.status_code == 400
    error = answer.get_json()["error"]
    assert error["code"] == "bad_input"
    assert set(error["fields"]) == {"national_code", "region", "field"}
    # In the member's language (Persian unless they chose English).
    assert error["fields"]["region"] == ["این محل بیرون از منطقه‌ی شماست."]
    assert snapshot() == before
    wrong_type = guide_api.post(f"{API}/candidates", json=_candidate(new_person, experience_years="many"))
    assert wrong_type.status_code == 400 and "experience_years" in wrong_type.get_json()["error"]["fields"]
    assert guide_api.post(f"{API}/candidates", data="not json").status_code == 400
    assert snapshot() == before


def test_advice_status_and_history_over_the_api(guide_api, record):
    candidate = record(guide_api.member_id)
    week_ago = (date.today() - timedelta(days=7)).isoformat()

    advice = guide_api.post(
        f"{API}/candidates/{candidate}/advice",
        json={"text": "قوچ افشاری", "next_step": "دامپزشک", "advised_on": week_ago, "follow_up_on": None},
    )
    future = guide_api.post(
        f"{API}/candidates/{candidate}/advice",
        json={"text": "فردا", "advised_on": (date.today() + timedelta(days=9)).isoformat()},
    )
    dropped = guide_api.post(
        f"{API}/candidates/{candidate}/status", json={"status": "dropped", "reason": "رفت"}
    )
    refused = guide_api.post(f"{API}/candidates/{candidate}/advice", json={"text": "دوباره"})

    assert advice.status_code == 201
    assert (advice.get_json()["advised_on"], advice.get_json()["guide_id"]) == (week_ago, guide_api.member_id)
    assert future.status_code == 400 and "advised_on" in future.get_json()["error"]["fields"]
    assert dropped.status_code == 200 and dropped.get_json()["status"] == "dropped"
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "candidate_dropped"
    history = guide_api.get(f"{API}/candidates/{candidate}/history").get_json()
    assert [(h["from_status"], h["to_status"]) for h in history] == [
        (None, "identified"),
        ("identified", "advised"),
        ("advised", "dropped"),
    ]
    log = guide_api.get(f"{API}/candidates/{candidate}/advice").get_json()
    assert log["meta"]["total"] == 1 and log["items"][0]["text"] == "قوچ افشاری"


def test_registering_a_core_over_the_api(guide_api, make_member, person_of, record, new_person):
    member = person_of(make_member())
    candidate = record(guide_api.member_id, **{k: member[k] for k in ("national_code", "mobile")})
    stranger = record(guide_api.member_id)

    refused = guide_api.post(f"{API}/candidates/{stranger}/core", json={"core_name": "هسته"})
    answer = guide_api.post(
        f"{API}/candidates/{candidate}/core", json={"core_name": "دام سبک", "approve": True}
    )

    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "not_a_member"
    assert answer.status_code == 201
    body = answer.get_json()
    assert body["candidate"]["status"] == "core_registered"
    assert body["core"]["status"] == "active" and body["core"]["code"].startswith("ZNJ-LIVESTOCK-")
    assert body["candidate"]["core_id"] == body["core"]["id"]


def test_links_over_the_api(api, api_as, db, make_core, make_member, guide_api, snapshot):
    zahra = make_member(region="yazd/ardakan")
    source = make_core("zanjan/gorg-tappeh", "livestock")
    target = make_core("yazd/ardakan", "hand_weaving", leader_id=zahra)
    waiting = make_core("kerman/pariz", "saffron", approve=False)
    with db() as s:
        code = s.get(cores.Core, target).code
    before = snapshot()

    to_itself = guide_api.post(
        f"{API}/links", json={"source_core_id": source, "target_core_id": source, "product": "پشم"}
    )
    to_waiting = guide_api.post(
        f"{API}/links", json={"source_core_id": source, "target_core_id": waiting, "product": "x"}
    )
    from_elsewhere = guide_api.post(
        f"{API}/links", json={"source_core_id": target, "target_core_code": code, "product": "x"}
    )

    assert [a.status_code for a in (to_itself, to_waiting, from_elsewhere)] == [400, 400, 400]
    assert "target" in to_itself.get_json()["error"]["fields"]
    assert "target" in to_waiting.get_json()["error"]["fields"]
    assert "source" in from_elsewhere.get_json()["error"]["fields"]
    assert snapshot() == before

    made = guide_api.post(
        f"{API}/links", json={"source_core_id": source, "target_core_code": code, "product": "پشم"}
    )
    assert made.status_code == 201
    link = made.get_json()
    assert (link["status"], link["source"]["id"], link["target"]["code"]) == ("pending", source, code)
    assert guide_api.get(f"{API}/links?status=pending").get_json()["meta"]["total"] == 1
    assert guide_api.get(f"{API}/dashboard").get_json()["pending_links"] == 1

    leader = api(zahra)
    stranger = api_as()
    assert stranger.post(f"{API}/my-links/{link['id']}/accept").status_code == 404
    assert leader.post(f"{API}/my-links/99999999999/accept").status_code == 404  # too big to exist
    assert leader.get(f"{API}/my-links").get_json()["items"][0]["id"] == link["id"]
    declined = leader.post(f"{API}/my-links/{link['id']}/decline", json={"reason": "فعلاً نه"})
    assert declined.status_code == 200
    # Stored normalised: the tanwin, an optional vowel sign, is dropped.
    assert (declined.get_json()["status"], declined.get_json()["decline_reason"]) == ("declined", "فعلا نه")
    again = leader.post(f"{API}/my-links/{link['id']}/accept")
    assert again.status_code == 400 and again.get_json()["error"]["code"] == "already_answered"


def test_the_dashboard_figures_over_the_api(guide_api, record, make_core):
    record(guide_api.member_id)
    make_core("zanjan/abhar", "clothing")

    figures = guide_api.get(f"{API}/dashboard").get_json()

    assert figures["candidates"]["identified"] == 1 and figures["candidates_total"] == 1
    assert figures["cores"] == {"candidate": 0, "active": 1, "suspended": 0}
    assert (figures["follow_ups_due"], figures["pending_links"]) == (0, 0)


def test_another_areas_candidate_is_not_found_and_a_member_is_forbidden(api_as, guide_api, record, snapshot):
    yazd = api_as("guide", region="yazd/yazd")
    theirs = record(yazd.member_id, region="yazd/ardakan", field="hand_weaving")
    before = snapshot()

    assert guide_api.get(f"{API}/candidates/{theirs}").status_code == 404
    assert guide_api.post(f"{API}/candidates/{theirs}/advice", json={"text": "x"}).status_code == 404
    assert (
        guide_api.post(
            f"{API}/candidates/{theirs}/status", json={"status": "dropped", "reason": "x"}
        ).status_code
        == 404
    )
    member = api_as()
    assert member.get(f"{API}/candidates").status_code == 403
    assert member.get(f"{API}/dashboard").get_json()["error"]["code"] == "forbidden"
    assert snapshot() == before


def test_every_endpoint_is_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]

    for path in (
        "/api/v1/guides/candidates",
        "/api/v1/guides/candidates/{candidate_id}",
        "/api/v1/guides/candidates/{candidate_id}/advice",
        "/api/v1/guides/candidates/{candidate_id}/status",
        "/api/v1/guides/candidates/{candidate_id}/core",
        "/api/v1/guides/candidates/{candidate_id}/history",
        "/api/v1/guides/links",
        "/api/v1/guides/my-links",
        "/api/v1/guides/my-links/{link_id}/accept",
        "/api/v1/guides/my-links/{link_id}/decline",
        "/api/v1/guides/dashboard",
    ):
        assert path in paths, path

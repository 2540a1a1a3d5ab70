"""The Merat API: my score, recomputing it, my profile; a credit officer's look-up."""

from __future__ import annotations

from resalat_merat.models import ScoringRequest
from sqlalchemy import select

from resalat_core.sdk import Member

from .conftest import work


def test_my_score_before_and_after_computing_it(api_as):
    me = api_as()
    missing = me.get("/api/v1/merat/me/score")
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_scored"

    made = me.post("/api/v1/merat/me/score")

    assert made.status_code == 201
    body = made.get_json()
    assert 0 <= body["value"] <= 1000 and body["rating"] in "ABCDE" and body["valid"] is True
    assert {"source": "merat", "kind": "membership_days"}.items() <= body["lines"][0].items()
    assert body["lines"][0]["description"] == "۰ روز عضویت در ام‌رسالت"
    assert me.get("/api/v1/merat/me/score").get_json()["id"] == body["id"]
    history = me.get("/api/v1/merat/me/scores").get_json()
    assert [s["id"] for s in history["items"]] == [body["id"]] and history["meta"]["total"] == 1
    (asked,) = me.get("/api/v1/merat/me/requests").get_json()["items"]
    assert asked["reason"] == "on_demand" and asked["requested_by"]["id"] == me.member_id


def test_my_profile_in_rials_and_the_capacity_it_gives(api_as):
    me = api_as()
    assert me.get("/api/v1/merat/me/profile").get_json()["monthly_income_rials"] == 0
    put = me.put(
        "/api/v1/merat/me/profile",
        json={"monthly_income_rials": 300_000_000, "monthly_expenses_rials": 180_000_000, "note": "شیر"},
    )
    assert put.status_code == 200 and put.get_json()["monthly_expenses_rials"] == 180_000_000

    score = me.post("/api/v1/merat/me/score").get_json()
    me.put("/api/v1/merat/me/profile", json={"monthly_income_rials": 1, "monthly_expenses_rials": 0})
    changes = me.get("/api/v1/merat/me/profile/changes").get_json()["items"]
    assert [c["monthly_income_rials"] for c in changes] == [1, 300_000_000]

    shares = {"A": 50, "B": 40, "C": 30, "D": 20, "E": 0}
    assert score["max_monthly_repayment_rials"] == 120_000_000 * shares[score["rating"]] // 100


def test_bad_profile_bodies_are_400_and_change_nothing(api_as, snapshot):
    me = api_as()
    me.put("/api/v1/merat/me/profile", json={"monthly_income_rials": 10, "monthly_expenses_rials": 5})
    before = snapshot()
    for body, field in [
        ({"monthly_income_rials": -1, "monthly_expenses_rials": 5}, "monthly_income_rials"),
        ({"monthly_income_rials": "سی", "monthly_expenses_rials": 5}, "monthly_income_rials"),
        ({"monthly_income_rials": 10**18, "monthly_expenses_rials": 5}, "monthly_income_rials"),
        ({"monthly_income_rials": 10}, "monthly_expenses_rials"),
        ({"monthly_income_rials": 10.5, "monthly_expenses_rials": 5}, "monthly_income_rials"),
    ]:
        answer = me.put("/api/v1/merat/me/profile", json=body)
        assert answer.status_code == 400, body
        assert field in answer.get_json()["error"]["fields"], body
    assert me.put("/api/v1/merat/me/profile", data="not json").status_code == 400
    assert snapshot() == before


def test_an_officer_looks_up_a_member_by_api_and_it_is_recorded(app, api_as, make_member):
    member = make_member()
    officer = api_as("admin")
    with work(app) as s:
        mobile = s.get(Member, member).mobile

    first = officer.post("/api/v1/merat/lookups", json={"member": mobile})
    again = officer.post("/api/v1/merat/lookups", json={"member": mobile})
    fresh = officer.post("/api/v1/merat/lookups", json={"member": mobile, "recompute": True})

    assert first.status_code == again.status_code == fresh.status_code == 200
    assert first.get_json()["id"] == again.get_json()["id"] != fresh.get_json()["id"]
    with work(app) as s:
        rows = s.scalars(select(ScoringRequest).where(ScoringRequest.member_id == member)).all()
        assert [r.requested_by_id for r in rows] == [officer.member_id] * 3


def test_api_access_to_others_scores(app, api_as, make_member, snapshot):
    far = make_member(region="sistan-baluchestan/arbab")
    with work(app) as s:
        far_mobile = s.get(Member, far).mobile
    before = snapshot()
    assert api_as().post("/api/v1/merat/lookups", json={"member": far_mobile}).status_code == 403
    officer = api_as("admin", region="zanjan/zanjan")
    assert officer.post("/api/v1/merat/lookups", json={"member": far_mobile}).status_code == 403
    assert officer.post("/api/v1/merat/lookups", json={"member": "09359999999"}).status_code == 404
    assert officer.post("/api/v1/merat/lookups", json={}).status_code == 400
    assert app.test_client().get("/api/v1/merat/me/score").status_code == 401
    assert snapshot() == before


def test_the_api_is_in_the_openapi_document(app):
    doc = app.test_client().get("/api/v1/openapi.json").get_json()
    paths = doc["paths"]
    for path in ("/api/v1/merat/me/score", "/api/v1/merat/me/profile", "/api/v1/merat/lookups"):
        assert path in paths, path
    assert "put" in paths["/api/v1/merat/me/profile"]

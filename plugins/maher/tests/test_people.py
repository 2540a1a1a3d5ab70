"""Skills, finding a coach, mentoring requests, and a guide's recommendations within their area."""

from __future__ import annotations

from resalat_maher import services
from resalat_maher.models import MentoringRequest, Recommendation
from sqlalchemy import func, select

from resalat_core.sdk import Member
from resalat_core.testing import token_client, work


def test_a_member_lists_skills_and_bad_input_changes_nothing(client_as, counts):
    jafar = client_as(name="جعفر قراجه‌لو")
    r = jafar.form(
        "/maher/skills",
        {
            "name": "پرورش گوسفند",
            "field": "livestock",
            "level": "master",
            "years": "۲۲",
            "mentoring": "1",
            "mode": "in_person",
            "region": "zanjan/gorg-tappeh",
        },
        token_from="/maher/skills",
    )
    assert r.status_code == 302
    before = counts()
    r = jafar.form(
        "/maher/skills",
        {"name": "", "field": "x", "level": "god", "years": "-3", "mode": "fax", "region": "mars"},
        token_from="/maher/skills",
    )
    assert r.status_code == 400
    text = r.get_data(as_text=True)
    for name in ("name", "field", "level", "years"):
        assert f'id="e-{name}"' in text, name
    assert counts() == before
    mine = jafar.get("/api/v1/maher/skills/mine").json
    assert mine["meta"]["total"] == 1 and mine["items"][0]["years"] == 22


def test_find_a_coach_by_normalised_words_field_and_province(app, client_as, make_member, make_skill):
    zanjan = make_member(region="zanjan/gorg-tappeh")
    yazd = make_member(region="yazd/ardakan")
    make_skill(zanjan, name="كاربافي سنتی", field="hand_weaving", mentoring=True)  # Arabic kaf and yeh
    make_skill(yazd, name="کاربافی", field="hand_weaving")
    make_skill(yazd, name="زنبورداری", field="beekeeping")
    me = client_as()
    found = me.get("/api/v1/maher/coaches?q=کاربافی").json
    assert {i["member"]["id"] for i in found["items"]} == {zanjan, yazd}
    assert found["items"][0]["mentoring"] is True  # mentors first
    in_zanjan = me.get("/api/v1/maher/coaches?q=کاربافی&region=zanjan").json
    assert [i["member"]["id"] for i in in_zanjan["items"]] == [zanjan]
    bees = me.get("/api/v1/maher/coaches?field=beekeeping").json
    assert [i["name"] for i in bees["items"]] == ["زنبورداری"]
    bad = me.get("/api/v1/maher/coaches?region=nowhere")
    assert bad.status_code == 400 and "region" in bad.json["error"]["fields"]
    page = me.get("/maher/coaches?q=كاربافي")
    assert page.status_code == 200 and page.get_data(as_text=True).count('data-testid="coach"') == 2
    assert me.get("/maher/coaches?field=nope").status_code == 400


def test_mentoring_asked_answered_and_seen_by_both(app, client_as, api_as, make_skill):
    mentor = client_as(name="جعفر قراجه‌لو")
    learner = client_as(name="مریم احمدی")
    offered = make_skill(mentor.member_id, name="پرورش بز", field="livestock", mentoring=True)
    not_offered = make_skill(mentor.member_id, name="اصلاح نژاد", field="livestock")
    r = learner.form(
        f"/maher/mentoring/ask/{not_offered}", {"message": "سلام"}, token_from="/maher/mentoring"
    )
    assert r.status_code == 400
    r = learner.form(f"/maher/mentoring/ask/{offered}", {"message": "سلام"}, token_from="/maher/mentoring")
    assert r.status_code == 302
    again = learner.form(
        f"/maher/mentoring/ask/{offered}", {"message": "سلام"}, token_from="/maher/mentoring"
    )
    assert again.status_code == 400
    with work(app) as s:
        req_id = s.scalar(select(MentoringRequest.id))
    assert "مریم احمدی" in mentor.get("/maher/mentoring").get_data(as_text=True)
    # The learner cannot answer her own request; the mentor accepts it once.
    learner.form(f"/maher/mentoring/{req_id}/answer", {"answer": "accept"}, token_from="/maher/mentoring")
    with work(app) as s:
        assert s.get(MentoringRequest, req_id).status == "waiting"
    mentor.form(f"/maher/mentoring/{req_id}/answer", {"answer": "accept"}, token_from="/maher/mentoring")
    with work(app) as s:
        assert s.get(MentoringRequest, req_id).status == "accepted"
    seen = learner.get("/api/v1/maher/mentoring").json["items"]
    assert [i["status"] for i in seen] == ["accepted"]
    stranger = api_as()
    assert (
        stranger.post(f"/api/v1/maher/mentoring/{req_id}/answer", json={"accept": False}).status_code == 404
    )


def _recommender(app) -> str:
    """The guides plugin's guide where it is installed; else a regional admin, who holds
    ``maher.recommend`` in their province just the same."""
    from resalat_core.sdk import vocabulary

    with app.app_context():
        return "guide" if vocabulary().role("guide") else "admin"


def test_a_guide_recommends_only_in_their_area(app, client_as, person, make_member, make_course):
    course = make_course(make_member())
    role = _recommender(app)
    guide = client_as(role, region="zanjan/zanjan")
    near = person(region="zanjan/gorg-tappeh")
    far = person(region="yazd/ardakan")
    r = guide.form(
        "/maher/recommend",
        {"who": far.mobile, "course": str(course["id"]), "note": "خوب است"},
        token_from="/maher/recommend",
    )
    assert r.status_code == 403 and 'data-testid="form-error"' in r.get_data(as_text=True)
    with work(app) as s:
        assert s.scalar(select(func.count(Recommendation.id))) == 0
    r = guide.form(
        "/maher/recommend",
        {"who": near.national_code, "course": str(course["id"]), "note": "خوب است"},
        token_from="/maher/recommend",
    )
    assert r.status_code == 302
    with work(app) as s:
        from resalat_core.sdk import RoleGrant

        guide_id = s.scalar(select(RoleGrant.member_id).where(RoleGrant.role == role))
    guide_api = token_client(app, guide_id)
    api = guide_api.post(
        "/api/v1/maher/recommendations", json={"member": far.mobile, "course_id": course["id"]}
    )
    assert api.status_code == 403 and api.json["error"]["code"] == "forbidden"
    member = client_as()
    assert member.get("/maher/recommend").status_code == 403
    with work(app) as s:
        found = s.scalars(select(Recommendation)).all()
        assert [r.member_id for r in found] == [near.id]
        near_member = s.get(Member, near.id)
        assert services.recommendations_query(near_member.id) is not None

"""The API end to end: skills, writing a course, enrolling and finishing it, and every refusal's status."""

from __future__ import annotations


def test_a_course_through_the_api_from_writing_to_certificate(api_as, make_skill):
    teacher = api_as()
    r = teacher.post(
        "/api/v1/maher/courses", json={"title": "زنبورداری", "field": "beekeeping", "level": "beginner"}
    )
    assert r.status_code == 201, r.json
    course = r.json["id"]
    assert (
        teacher.put(
            f"/api/v1/maher/courses/{course}",
            json={"title": "زنبورداری", "field": "beekeeping", "level": "beginner", "published": True},
        ).json["error"]["code"]
        == "no_lessons"
    )
    lessons = [
        teacher.post(
            f"/api/v1/maher/courses/{course}/lessons", json={"title": f"درس {n}", "body": "متن"}
        ).json["id"]
        for n in (1, 2)
    ]
    r = teacher.put(
        f"/api/v1/maher/courses/{course}",
        json={"title": "زنبورداری", "field": "beekeeping", "level": "beginner", "published": True},
    )
    assert r.json["status"] == "published"
    learner = api_as()
    assert (
        learner.post(f"/api/v1/maher/courses/{course}/lessons", json={"title": "x", "body": "y"}).status_code
        == 403
    )
    listed = learner.get(f"/api/v1/maher/courses/{course}/lessons").json
    assert [item["body"] for item in listed] == ["", ""]  # not enrolled: titles only
    assert learner.post(f"/api/v1/maher/courses/{course}/enrol").status_code == 201
    assert learner.post(f"/api/v1/maher/courses/{course}/enrol").status_code == 201  # the same enrolment
    locked = learner.post(f"/api/v1/maher/courses/{course}/lessons/{lessons[1]}/done")
    assert locked.status_code == 400 and locked.json["error"]["code"] == "lesson_locked"
    learner.post(f"/api/v1/maher/courses/{course}/lessons/{lessons[0]}/done")
    done = learner.post(f"/api/v1/maher/courses/{course}/lessons/{lessons[1]}/done").json
    assert done["done"] == 2 and done["completed_at"] and done["certificate_code"]
    mine = learner.get("/api/v1/maher/certificates/mine").json
    assert mine["items"][0]["code"] == done["certificate_code"]
    progress = teacher.get(f"/api/v1/maher/courses/{course}/learners").json
    assert progress["items"][0]["done"] == 2
    assert learner.get(f"/api/v1/maher/courses/{course}/learners").status_code == 403
    assert (
        teacher.put(
            f"/api/v1/maher/courses/{course}",
            json={"title": "زنبورداری", "field": "beekeeping", "level": "beginner", "published": False},
        ).json["error"]["code"]
        == "has_learners"
    )
    assert learner.post("/api/v1/maher/courses/2147483647/enrol").status_code == 404


def test_skills_and_mentoring_through_the_api(api_as):
    mentor = api_as()
    r = mentor.post(
        "/api/v1/maher/skills",
        json={
            "name": "عسل‌گیری",
            "field": "beekeeping",
            "level": "master",
            "years": 12,
            "mentoring": True,
            "mode": "online",
        },
    )
    assert r.status_code == 201 and r.json["mentoring"] is True
    skill = r.json["id"]
    assert (
        mentor.put(f"/api/v1/maher/skills/{skill}", json={"name": "", "field": "?", "level": "x"}).status_code
        == 400
    )
    learner = api_as()
    assert (
        learner.put(
            f"/api/v1/maher/skills/{skill}", json={"name": "a", "field": "beekeeping", "level": "master"}
        ).status_code
        == 404
    )
    asked = learner.post("/api/v1/maher/mentoring", json={"skill_id": skill, "message": "سلام"})
    assert asked.status_code == 201 and asked.json["status"] == "waiting"
    assert learner.post("/api/v1/maher/mentoring", json={"skill_id": 2147483647}).status_code == 400
    answered = mentor.post(f"/api/v1/maher/mentoring/{asked.json['id']}/answer", json={"accept": False})
    assert answered.json["status"] == "declined"
    assert (
        mentor.post(f"/api/v1/maher/mentoring/{asked.json['id']}/answer", json={"accept": True}).status_code
        == 400
    )
    assert mentor.delete(f"/api/v1/maher/skills/{skill}").status_code == 204

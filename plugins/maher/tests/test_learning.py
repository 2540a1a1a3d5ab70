"""A learner's path: enrol, open lessons in order, mark each done, the certificate and its public check."""

from __future__ import annotations

import re

CODE = re.compile(r"/maher/certificates/([0-9]{12})")


def test_enrol_do_every_lesson_get_a_certificate_anyone_can_verify(
    app, client_as, make_member, make_course, enrolment_of
):
    teacher = make_member(name="زهرا آسی‌پور")
    course = make_course(teacher, lessons=3)
    maryam = client_as(name="مریم احمدی")
    page = maryam.get(f"/maher/courses/{course['id']}")
    assert page.status_code == 200 and "enrol" in page.get_data(as_text=True)
    r = maryam.form(f"/maher/courses/{course['id']}/enrol", {}, token_from=f"/maher/courses/{course['id']}")
    assert r.status_code == 302
    first, second, third = course["lessons"]
    # The third lesson is locked until the first two are done.
    r = maryam.get(f"/maher/courses/{course['id']}/lessons/{third}")
    assert r.status_code == 302 and r.location.endswith(f"/maher/courses/{course['id']}")
    lesson = maryam.get(f"/maher/courses/{course['id']}/lessons/{first}")
    assert lesson.status_code == 200 and "بند دوم" in lesson.get_data(as_text=True)
    url = f"/maher/courses/{course['id']}/lessons/{first}"
    r = maryam.form(f"{url}/done", {}, token_from=url)
    assert r.location.endswith(f"/lessons/{second}")
    # Marking the third before the second is refused and changes nothing.
    r = maryam.form(f"/maher/courses/{course['id']}/lessons/{third}/done", {}, token_from=url)
    assert r.status_code == 302
    assert enrolment_of(maryam.member_id, course["id"])["done"] == [first]
    for lesson_id in (second, third):
        url = f"/maher/courses/{course['id']}/lessons/{lesson_id}"
        r = maryam.form(f"{url}/done", {}, token_from=url)
    state = enrolment_of(maryam.member_id, course["id"])
    assert state["completed"] and state["code"]
    assert r.location.endswith(f"/maher/certificates/{state['code']}")
    # Anyone, signed in or not, reads the certificate by its code.
    anyone = app.test_client()
    page = anyone.get(f"/maher/certificates/{state['code']}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "مریم احمدی" in text and "کاربافی" in text
    wrong = anyone.get("/maher/certificates/123456789012")
    assert wrong.status_code == 404 and 'data-testid="no-certificate"' in wrong.get_data(as_text=True)
    assert anyone.get("/maher/certificates/<script>").status_code == 404
    api = anyone.get(f"/api/v1/maher/certificates/{state['code']}")
    assert api.status_code == 200 and api.json["name"] == "مریم احمدی"
    assert anyone.get("/api/v1/maher/certificates/000").json["error"]["code"] == "unknown_certificate"

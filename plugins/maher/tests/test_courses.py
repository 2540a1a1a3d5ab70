"""Writing a course: only its author edits it, lessons keep their order, publishing rules, drafts hidden."""

from __future__ import annotations

from resalat_maher import services
from resalat_maher.models import Course
from sqlalchemy import select

from resalat_core.sdk import Member
from resalat_core.testing import work


def _titles(app, course_id):
    with work(app) as s:
        return [lesson.title for lesson in services.lessons_of(s, s.get(Course, course_id))]


def test_an_author_writes_reorders_and_publishes_a_course(app, client_as):
    author = client_as(name="زهرا آسی‌پور")
    r = author.form(
        "/maher/courses/new",
        {"title": "کاربافی", "summary": "", "field": "hand_weaving", "level": "beginner"},
        token_from="/maher/courses/new",
    )
    assert r.status_code == 302
    with work(app) as s:
        course_id = s.scalar(select(Course.id).where(Course.author_id == author.member_id))
    edit = f"/maher/courses/{course_id}/edit"
    # Publishing an empty course is refused with a clear message.
    author.form(f"/maher/courses/{course_id}/publish", {"published": "1"}, token_from=edit)
    with work(app) as s:
        assert s.get(Course, course_id).status == "draft"
    for n in (1, 2, 3):
        r = author.form(
            f"/maher/courses/{course_id}/lessons/new",
            {"title": f"درس {n}", "body": "<b>متن</b>"},
            token_from=edit,
        )
        assert r.status_code == 302
    assert _titles(app, course_id) == ["درس 1", "درس 2", "درس 3"]
    with work(app) as s:
        third = services.lessons_of(s, s.get(Course, course_id))[2].id
    author.form(f"/maher/courses/{course_id}/lessons/{third}/move", {"direction": "up"}, token_from=edit)
    assert _titles(app, course_id) == ["درس 1", "درس 3", "درس 2"]
    author.form(f"/maher/courses/{course_id}/publish", {"published": "1"}, token_from=edit)
    with work(app) as s:
        assert s.get(Course, course_id).status == "published"
    # Lesson text is plain text: markup a member typed is shown escaped, never run.
    page = author.get(f"/maher/courses/{course_id}/lessons/{third}").get_data(as_text=True)
    assert "&lt;b&gt;متن&lt;/b&gt;" in page and "<b>متن</b>" not in page


def test_only_the_author_edits_a_course_and_drafts_are_hidden(app, client_as, make_member, make_course):
    author = make_member()
    draft = make_course(author, publish=False)
    other = client_as()
    assert other.get(f"/maher/courses/{draft['id']}").status_code == 404
    assert other.get(f"/maher/courses/{draft['id']}/edit").status_code == 403
    r = other.form(
        f"/maher/courses/{draft['id']}/edit",
        {"title": "ربوده", "field": "hand_weaving", "level": "beginner"},
        token_from="/maher/courses/new",
    )
    assert r.status_code == 403
    lesson = draft["lessons"][0]
    r = other.form(
        f"/maher/courses/{draft['id']}/lessons/{lesson}/delete", {}, token_from="/maher/courses/new"
    )
    assert r.status_code == 403
    api = other.get(f"/api/v1/maher/courses/{draft['id']}")
    assert api.status_code == 404
    with work(app) as s:
        assert s.get(Course, draft["id"]).title != "ربوده"
        assert len(services.lessons_of(s, s.get(Course, draft["id"]))) == 3
    # Once learners are enrolled, the course stays published and keeps its lessons.
    published = make_course(author)
    with work(app) as s:
        learner = s.get(Member, make_member())
        services.enrol(s, learner, s.get(Course, published["id"]))
    with work(app) as s:
        a = s.get(Member, author)
        course = s.get(Course, published["id"])
        for act in (
            lambda: services.set_published(s, a, course, False),
            lambda: services.delete_lesson(s, a, services.lessons_of(s, course)[0]),
        ):
            try:
                act()
            except Exception as exc:  # noqa: BLE001
                assert getattr(exc, "code", "") == "has_learners"
            else:
                raise AssertionError("allowed")


def test_bad_course_input_is_refused_naming_each_field(app, client_as, api_as, counts):
    author = client_as()
    before = counts()
    r = author.form(
        "/maher/courses/new",
        {"title": " ", "field": "nope", "level": "guru"},
        token_from="/maher/courses/new",
    )
    text = r.get_data(as_text=True)
    assert r.status_code == 400
    for name in ("title", "field", "level"):
        assert f'id="e-{name}"' in text
    api = api_as().post(
        "/api/v1/maher/courses", json={"title": "x" * 1000, "field": "saffron", "level": "beginner"}
    )
    assert api.status_code == 400 and "title" in api.json["error"]["fields"]
    with work(app) as s:
        assert s.scalar(select(Course.id)) is None
    assert counts() == before

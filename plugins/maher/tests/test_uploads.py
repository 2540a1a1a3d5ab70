"""Covers, lesson pictures and documents through the host's stored files: a photo is kept and
served, and a too-large file, a text named .jpg and an HTML page named .jpg are each refused with
a clear message, with nothing stored."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from resalat_maher.models import Course, Lesson
from sqlalchemy import func, select

from resalat_core.sdk import StoredFile
from resalat_core.testing import work


def png(size: int = 40) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (size, size), (180, 90, 40)).save(out, format="PNG")
    return out.getvalue()


def pdf() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (60, 80), (255, 255, 255)).save(out, format="PDF")
    return out.getvalue()


def _stored(app) -> int:
    with work(app) as s:
        return s.scalar(select(func.count(StoredFile.id))) or 0


FORM = {"title": "کاربافی", "summary": "", "field": "hand_weaving", "level": "beginner"}


def test_a_cover_is_kept_and_shown_to_anyone(app, client_as):
    author = client_as()
    r = author.form(
        "/maher/courses/new",
        {**FORM, "cover": (io.BytesIO(png()), "cover.png")},
        token_from="/maher/courses/new",
        content_type="multipart/form-data",
    )
    assert r.status_code == 302, r.get_data(as_text=True)[:300]
    with work(app) as s:
        course = s.scalar(select(Course))
        assert course.cover is not None and course.cover.public and course.cover.purpose == "maher.cover"
        token = course.cover.token
    page = author.get(f"/maher/courses/{course.id}/edit").get_data(as_text=True)
    assert f"/files/{token}" in page
    assert app.test_client().get(f"/files/{token}").status_code == 200


@pytest.mark.parametrize(
    ("name", "data", "code_word"),
    [
        ("big.png", b"\x89PNG\r\n\x1a\n" + b"0" * 5000, "large"),
        ("photo.jpg", b"just some words, not a picture at all", "type"),
        ("photo.jpg", b"<html><script>alert(1)</script></html>", "type"),
    ],
)
def test_a_bad_cover_is_refused_and_nothing_is_stored(app, client_as, name, data, code_word):
    app.config["RESALAT"]["files_max_bytes"] = 4096
    try:
        author = client_as()
        before = _stored(app)
        r = author.form(
            "/maher/courses/new",
            {**FORM, "cover": (io.BytesIO(data), name)},
            token_from="/maher/courses/new",
            content_type="multipart/form-data",
        )
        text = r.get_data(as_text=True)
        assert r.status_code in (400, 413), text[:300]
        assert 'id="e-cover"' in text or r.status_code == 413
        assert _stored(app) == before
        with work(app) as s:
            assert s.scalar(select(func.count(Course.id))) == 0
    finally:
        app.config["RESALAT"].pop("files_max_bytes")


def test_lesson_files_are_private_to_the_author_and_open_learners(app, client_as, make_member, make_course):
    author = client_as()
    course = make_course(author.member_id, lessons=2, publish=False)
    second = course["lessons"][1]
    edit = f"/maher/courses/{course['id']}/lessons/{second}/edit"
    r = author.form(
        edit,
        {
            "title": "درس دوم",
            "body": "متن",
            "image": (io.BytesIO(png(80)), "p.png"),
            "attachment": (io.BytesIO(pdf()), "guide.pdf"),
        },
        token_from=edit,
        content_type="multipart/form-data",
    )
    assert r.status_code == 302, r.get_data(as_text=True)[:400]
    refused = author.form(
        edit,
        {"title": "درس دوم", "body": "متن", "attachment": (io.BytesIO(png()), "x.pdf")},
        token_from=edit,
        content_type="multipart/form-data",
    )
    assert refused.status_code == 400 and 'id="e-attachment"' in refused.get_data(as_text=True)
    with work(app) as s:
        lesson = s.get(Lesson, second)
        assert lesson.image is not None and not lesson.image.public
        assert lesson.attachment is not None and lesson.attachment.kind == "pdf"
        token = lesson.image.token
    base = f"/maher/courses/{course['id']}/lessons/{second}/files"
    assert author.get(f"{base}/image").status_code == 200
    got = author.get(f"{base}/attachment")
    assert got.status_code == 200 and got.headers["X-Content-Type-Options"] == "nosniff"
    author.form(f"/maher/courses/{course['id']}/publish", {"published": "1"}, token_from=edit)
    learner = client_as()
    assert learner.get(f"/files/{token}").status_code == 404  # private: not by the host's address
    assert learner.get(f"{base}/image").status_code == 404  # not enrolled
    learner.form(f"/maher/courses/{course['id']}/enrol", {}, token_from=f"/maher/courses/{course['id']}")
    assert learner.get(f"{base}/thumb").status_code == 404  # the lesson before is not done
    first = f"/maher/courses/{course['id']}/lessons/{course['lessons'][0]}"
    learner.form(f"{first}/done", {}, token_from=first)
    assert learner.get(f"{base}/thumb").status_code == 200

"""Fixtures for the M-Maher tests: courses written from outside, and reading state back.

Each works in an app context and a transaction of its own, committed before it returns, the way
another request would.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from resalat_maher import services
from resalat_maher.models import Enrolment, LessonDone, MentoringRequest, Recommendation, Skill
from sqlalchemy import func, select

from resalat_core.sdk import Member, to_persian_digits
from resalat_core.testing import work


def fa(n: int) -> str:
    return to_persian_digits(str(n))


@pytest.fixture
def make_course(app: Flask) -> Callable[..., dict[str, Any]]:
    """``make_course(author_id, lessons=3, publish=True)``: a course with its lessons, committed;
    returns {"id", "lessons": [ids in order]}."""

    def make(
        author_id: int,
        *,
        lessons: int = 3,
        publish: bool = True,
        title: str = "کاربافی برای تازه‌کارها",
        field: str = "hand_weaving",
    ) -> dict[str, Any]:
        with work(app) as s:
            author = s.get(Member, author_id)
            course = services.create_course(
                s, author, title=title, summary="درس‌های کوتاه", field=field, level="beginner"
            )
            ids = [
                services.add_lesson(
                    s, author, course, title=f"درس {fa(n)}", body=f"متن درس {fa(n)}\n\nبند دوم"
                ).id
                for n in range(1, lessons + 1)
            ]
            if publish:
                services.set_published(s, author, course, True)
            return {"id": course.id, "lessons": ids}

    return make


@pytest.fixture
def make_skill(app: Flask) -> Callable[..., int]:
    """``make_skill(member_id, name=..., field=..., mentoring=False, region=None)``: a skill's id."""

    def make(member_id: int, *, name: str = "کاربافی", field: str = "hand_weaving", **kw: Any) -> int:
        with work(app) as s:
            kw.setdefault("level", "skilled")
            kw.setdefault("years", 5)
            return services.save_skill(s, s.get(Member, member_id), name=name, field=field, **kw).id

    return make


@pytest.fixture
def enrolment_of(app: Flask) -> Callable[[int, int], dict[str, Any] | None]:
    """``enrolment_of(member_id, course_id)``: the enrolment's state, or None."""

    def read(member_id: int, course_id: int) -> dict[str, Any] | None:
        with work(app) as s:
            e = s.scalar(
                select(Enrolment).where(Enrolment.member_id == member_id, Enrolment.course_id == course_id)
            )
            if e is None:
                return None
            done = list(s.scalars(select(LessonDone.lesson_id).where(LessonDone.enrolment_id == e.id)))
            return {
                "id": e.id,
                "done": sorted(done),
                "completed": e.completed_at is not None,
                "code": e.certificate_code,
            }

    return read


@pytest.fixture
def counts(app: Flask) -> Callable[[], tuple[int, ...]]:
    """Row counts of M-Maher's tables: equal before and after means nothing changed."""

    def take() -> tuple[int, ...]:
        with work(app) as s:
            return tuple(
                s.scalar(select(func.count()).select_from(model)) or 0
                for model in (Skill, Enrolment, LessonDone, MentoringRequest, Recommendation)
            )

    return take


@pytest.fixture
def run(app: Flask) -> Callable[..., Any]:
    """``run("maher", "courses", "--json")``: a ``resalat`` command, as the shell would run it."""
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=[str(a) for a in args])

"""Double clicks and two tabs: enrolling twice at once makes one enrolment, and the last lesson
marked done twice at once completes the course once, with one certificate. Meaningful on
PostgreSQL (the unique keys and the conditional update decide); SQLite serialises and still holds."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from resalat_maher import services
from resalat_maher.models import Enrolment
from sqlalchemy import func, select

from resalat_core.sdk import Member, get_db
from resalat_core.testing import work


def race(app: Any, acts: list[Callable[[Any], Any]]) -> list[Any]:
    """Run every act at once, each in a thread with its own app context and session; commit each."""
    barrier = threading.Barrier(len(acts))
    outcomes: list[Any] = [None] * len(acts)

    def run(i: int) -> None:
        with app.test_request_context():
            session = get_db().session()
            try:
                barrier.wait(timeout=30)
                outcomes[i] = acts[i](session)
                session.commit()
            except BaseException as exc:  # noqa: BLE001 (reported by the assertions)
                session.rollback()
                outcomes[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(acts))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


def test_two_tabs_enrol_and_finish_at_once_one_enrolment_one_certificate(app, make_member, make_course):
    learner = make_member()
    course = make_course(make_member(), lessons=2)

    def enrol(session: Any) -> int:
        return services.enrol(
            session, session.get(Member, learner), services.get_course(session, course["id"])
        ).id

    first = race(app, [enrol, enrol])
    assert all(isinstance(o, int) for o in first), first
    assert first[0] == first[1]
    with work(app) as s:
        c = services.get_course(s, course["id"])
        services.mark_done(s, s.get(Member, learner), c, services.lessons_of(s, c)[0])

    def finish(session: Any) -> str | None:
        c = services.get_course(session, course["id"])
        return services.mark_done(
            session, session.get(Member, learner), c, services.lessons_of(session, c)[1]
        ).certificate_code

    codes = race(app, [finish, finish])
    assert all(isinstance(o, str) for o in codes), codes
    assert codes[0] == codes[1]
    with work(app) as s:
        assert s.scalar(select(func.count(Enrolment.id))) == 1
        assert s.scalar(select(func.count(Enrolment.id)).where(Enrolment.certificate_code.is_not(None))) == 1

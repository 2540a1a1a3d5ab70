"""Two members booking the same slot at the same moment: exactly one wins, the other is told.

Meaningful on PostgreSQL, where the transactions really run at once and the partial unique index
decides; on SQLite the write lock queues them and the rule still holds.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from resalat_counseling import services
from resalat_counseling.models import Booking
from sqlalchemy import func, select

from resalat_core.sdk import BadInput, Conflict, Member, get_db
from resalat_core.testing import work

from .conftest import at


def race(app, runs: list[Callable[[Any], Any]]) -> list[Any]:
    """Each run at the same moment, in a thread, app context and session of its own; committed
    when it returns, rolled back when it raises (the exception is its outcome)."""
    barrier = threading.Barrier(len(runs))
    outcomes: list[Any] = [None] * len(runs)

    def go(i: int) -> None:
        with app.app_context(), app.test_request_context():
            session = get_db().session()
            try:
                barrier.wait(timeout=30)
                outcomes[i] = runs[i](session)
                session.commit()
            except BaseException as exc:  # noqa: BLE001 (the outcome, checked by the test)
                session.rollback()
                outcomes[i] = exc

    threads = [threading.Thread(target=go, args=(i,)) for i in range(len(runs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


def _booking(counselor, member_id: int, key: str, starts_at) -> Callable[[Any], Any]:
    def run(session: Any) -> Any:
        return services.book(
            session,
            session.get(Member, member_id),
            counselor_id=counselor.id,
            topic_id=counselor.topic_ids[0],
            starts_at=starts_at,
            need="",
            key=key,
        ).id

    return run


def test_two_members_race_for_one_slot_and_exactly_one_wins(app, counselor, make_member):
    members = [make_member() for _ in range(4)]
    outcomes = race(app, [_booking(counselor, m, f"k{m}", at(3, 10)) for m in members])
    won = [o for o in outcomes if isinstance(o, int)]
    lost = [o for o in outcomes if isinstance(o, Conflict)]
    assert (len(won), len(lost)) == (1, 3), outcomes
    assert {e.code for e in lost} == {"slot_taken"}
    with work(app) as s:
        assert s.scalar(select(func.count(Booking.id))) == 1


def test_one_member_racing_two_counsellors_at_the_same_time_gets_one(app, make_counselor, make_member):
    one, two = make_counselor(), make_counselor(name="مشاور دوم")
    maryam = make_member()
    outcomes = race(app, [_booking(one, maryam, "a", at(3, 10)), _booking(two, maryam, "b", at(3, 10))])
    won = [o for o in outcomes if isinstance(o, int)]
    lost = [o for o in outcomes if isinstance(o, BadInput | Conflict)]
    assert (len(won), len(lost)) == (1, 1), outcomes
    with work(app) as s:
        assert s.scalar(select(func.count(Booking.id)).where(Booking.member_id == maryam)) == 1

"""Two organisers answering for the last booth at the same moment: exactly one core gets it.

Meaningful on PostgreSQL, where the transactions really run at once and the lock on the festival's
row decides; on SQLite the write lock queues them and the rule still holds.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from resalat_festivals import services
from resalat_festivals.models import ACCEPTED, Application, Festival
from sqlalchemy import func, select

from resalat_core.sdk import Conflict, Member, get_db
from resalat_core.testing import work


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


def _accept(by: int, application_id: int) -> Callable[[Any], Any]:
    def run(session: Any) -> Any:
        return services.decide(session, session.get(Member, by), application_id, accept=True).id

    return run


def test_two_organisers_race_for_the_last_booth_and_exactly_one_core_gets_it(
    app, organiser, someone, make_core, make_festival, apply, decide
):
    fid = make_festival(organiser, booths=2)
    decide(organiser, apply(fid, make_core(products=0)))
    waiting = [apply(fid, make_core(products=0)) for _ in range(4)]
    second = someone("admin", region="yazd/yazd")
    outcomes = race(app, [_accept(organiser.id if i % 2 else second.id, a) for i, a in enumerate(waiting)])
    won = [o for o in outcomes if isinstance(o, int)]
    lost = [o for o in outcomes if isinstance(o, Conflict)]
    assert (len(won), len(lost)) == (1, 3), outcomes
    assert {e.code for e in lost} == {"no_booth_left"}
    with work(app) as s:
        festival = s.get(Festival, fid)
        accepted = s.scalar(
            select(func.count(Application.id)).where(
                Application.festival_id == fid, Application.status == ACCEPTED
            )
        )
        assert festival.accepted == accepted == 2


def test_one_application_answered_twice_at_once_is_answered_once(
    app, organiser, make_core, make_festival, apply, told
):
    fid = make_festival(organiser, booths=5)
    aid = apply(fid, make_core(products=0))
    outcomes = race(app, [_accept(organiser.id, aid), _accept(organiser.id, aid)])
    assert sorted(type(o).__name__ for o in outcomes) == ["Conflict", "int"], outcomes
    with work(app) as s:
        assert s.get(Festival, fid).accepted == 1

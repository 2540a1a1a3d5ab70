"""Donors at the same moment: racing for the last of a goal, the same key twice, a donation against
the organiser's close. Meaningful on PostgreSQL (the conditional UPDATE and the unique key decide);
on SQLite the write lock queues them and the tests still hold."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from resalat_campaigns import services
from resalat_campaigns.models import Donation
from sqlalchemy import func, select

from resalat_core.sdk import Member, ResalatError, Transfer, get_db
from resalat_core.testing import work

from .conftest import TOMAN


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


def give(donor: int, campaign_id: int, tomans: int, key: str) -> Callable[[Any], Any]:
    def run(session: Any) -> int:
        member = session.get(Member, donor)
        return services.donate(session, member, campaign_id, amount=tomans * TOMAN, key=key).id

    return run


def test_three_donors_racing_for_the_last_of_the_goal_one_wins_and_the_pool_adds_up(app, world):
    c = world.open(goal=300_000 * TOMAN)
    world.donate(c, donor=world.donors[0], tomans=200_000)
    runs = [give(d, c, 100_000, f"race-{d}") for d in world.donors]
    outcomes = race(app, runs)
    wins = [o for o in outcomes if isinstance(o, int)]
    assert len(wins) == 1, outcomes
    assert all(isinstance(o, ResalatError) for o in outcomes if not isinstance(o, int)), outcomes
    assert world.campaign(c)["raised"] == 300_000 * TOMAN
    with work(app) as s:
        assert s.scalar(select(func.sum(Donation.amount)).where(Donation.campaign_id == c)) == 300_000 * TOMAN
    world.verify()


def test_many_donations_at_once_keep_the_pool_equal_to_their_sum(app, world):
    c = world.open(goal=5_000_000 * TOMAN)
    runs = [give(world.donors[n % 3], c, 10_000 + n, f"many-{n}") for n in range(6)]
    outcomes = race(app, runs)
    assert all(isinstance(o, int) for o in outcomes), outcomes
    expected = sum(10_000 + n for n in range(6)) * TOMAN
    assert world.campaign(c)["raised"] == expected
    assert world.pool() == expected
    world.verify()


def test_the_same_key_twice_at_once_gives_once(app, world):
    c = world.open()
    outcomes = race(
        app, [give(world.donors[0], c, 100_000, "same"), give(world.donors[0], c, 100_000, "same")]
    )
    assert all(isinstance(o, int) for o in outcomes), outcomes
    assert outcomes[0] == outcomes[1]
    with work(app) as s:
        assert s.scalar(select(func.count(Donation.id))) == 1
        assert s.scalar(select(func.count(Transfer.id)).where(Transfer.purpose == "campaigns_donation")) == 1
    assert world.pool() == 100_000 * TOMAN
    world.verify()


def test_a_donation_against_the_close_either_is_delivered_or_refused(app, world):
    c = world.open()
    world.donate(c, tomans=100_000)

    def close(session: Any) -> str:
        return services.close(session, session.get(Member, world.guide), c).status

    outcomes = race(app, [close, give(world.donors[1], c, 50_000, "late")])
    assert outcomes[0] == "closed", outcomes
    state = world.campaign(c)
    assert state["delivered"] == state["raised"]
    assert world.pool() == 0
    world.verify()

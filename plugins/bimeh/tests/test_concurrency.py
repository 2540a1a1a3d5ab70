"""Two people at the same moment: one purchase per key, one decision per claim, one payment per
instalment. Meaningful on PostgreSQL, where the transactions really run at once (the unique key and
the conditional UPDATEs decide); on SQLite the write lock queues them and the tests still hold."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from resalat_bimeh import services
from resalat_bimeh.models import Claim, Policy, Premium
from sqlalchemy import func, select

from resalat_core.sdk import Conflict, Member, Transfer, get_db
from resalat_core.testing import work

HEAD = 95_000_000


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


def test_two_purchases_with_one_key_at_once_make_one_policy(app, world):
    def buy(session: Any) -> int:
        member = session.get(Member, world.member)
        return services.buy(session, member, key="same", product="livestock", heads=5).id

    outcomes = race(app, [buy, buy])
    assert all(isinstance(o, int) for o in outcomes), outcomes
    assert outcomes[0] == outcomes[1]
    with work(app) as s:
        assert s.scalar(select(func.count(Policy.id))) == 1
        assert s.scalar(select(func.count(Transfer.id)).where(Transfer.purpose == "bimeh_premium")) == 1
    world.verify()


def test_two_insurers_approving_one_claim_at_once_pay_it_once(app, world):
    policy_id = world.buy("livestock", heads=4)
    claim_id = world.claim(policy_id, amount=2 * HEAD)
    pool = world.pool()

    def approve(who: int) -> Callable[[Any], Any]:
        def run(session: Any) -> str:
            return services.decide(session, session.get(Member, who), claim_id, decision="approve").status

        return run

    outcomes = race(app, [approve(world.insurer), approve(world.admin)])
    assert sorted(type(o).__name__ for o in outcomes) == ["Conflict", "str"], outcomes
    assert any(isinstance(o, Conflict) for o in outcomes)
    assert world.pool() == pool - 2 * HEAD
    with work(app) as s:
        assert s.get(Claim, claim_id).paid == 2 * HEAD
        assert s.scalar(select(func.count(Transfer.id)).where(Transfer.purpose == "bimeh_payout")) == 1
    world.verify()


def test_two_payments_of_one_instalment_at_once_pay_it_once(app, world):
    policy_id = world.buy("livestock", heads=4, instalments=3)

    def pay(session: Any) -> int:
        return services.pay_premium(session, session.get(Member, world.member), policy_id, 2).seq

    outcomes = race(app, [pay, pay])
    assert sorted(type(o).__name__ for o in outcomes) == ["Conflict", "int"], outcomes
    with work(app) as s:
        paid = s.scalar(select(func.count(Premium.id)).where(Premium.paid_at.is_not(None)))
        assert paid == 2
        assert s.scalar(select(func.count(Transfer.id)).where(Transfer.purpose == "bimeh_premium")) == 2
    world.verify()

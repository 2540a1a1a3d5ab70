"""Two operators accepting one job at the same moment: exactly one wins, the other gets a clear 409.

Meaningful on PostgreSQL, where the transactions really run at once and the conditional UPDATE on
the shipment decides; on SQLite the write lock queues them and the rule still holds.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from resalat_stm import services
from resalat_stm.models import Consignment, ShipmentEvent
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


def test_two_operators_accept_one_job_at_once_and_one_wins(
    app, shop, buyer, make_operator, checkout, shipment_of
):
    first, second = make_operator(), make_operator()
    made = shipment_of(checkout(buyer, shop, [(shop.product_ids[0], 1)]))

    def take(member_id: int) -> Callable[[Any], Any]:
        def run(session: Any) -> Any:
            return services.accept(session, session.get(Member, member_id), made["id"]).id

        return run

    outcomes = race(app, [take(first), take(second)])

    won = [o for o in outcomes if isinstance(o, int)]
    lost = [o for o in outcomes if isinstance(o, Conflict)]
    assert (len(won), len(lost)) == (1, 1), outcomes
    assert lost[0].code == "taken" and lost[0].status == 409
    with work(app) as s:
        assigned = s.scalar(
            select(func.count(ShipmentEvent.id)).where(
                ShipmentEvent.shipment_id == made["id"], ShipmentEvent.to_status == "assigned"
            )
        )
        assert assigned == 1


def test_two_operators_accept_one_consignment_at_once_and_one_wins(app, make_member, make_operator):
    leader = make_member("admin", region="zanjan/gorg-tappeh", role_region="zanjan")
    first, second = make_operator(), make_operator()
    with work(app) as s:
        consignment_id = services.open_new_consignment(
            s, s.get(Member, leader), "zanjan/gorg-tappeh", "zanjan/zanjan"
        ).id

    def take(member_id: int) -> Callable[[Any], Any]:
        def run(session: Any) -> Any:
            return services.accept_consignment(session, session.get(Member, member_id), consignment_id).id

        return run

    outcomes = race(app, [take(first), take(second)])
    assert sum(isinstance(o, int) for o in outcomes) == 1, outcomes
    assert sum(isinstance(o, Conflict) for o in outcomes) == 1, outcomes
    with work(app) as s:
        assert s.get(Consignment, consignment_id).operator_id is not None

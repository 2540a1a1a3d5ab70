"""Checkouts at the same moment cannot together pass a member's pay-later limit.

Meaningful on PostgreSQL, where the transactions really run at once and the conditional UPDATE on
the member's line decides; on SQLite the write lock queues them and the tests still hold.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from resalat_bazaar import services as bazaar
from resalat_bazaar.services import Due, Order
from resalat_paylater import METHOD, services
from resalat_paylater.models import CreditLine, Debt
from sqlalchemy import func, select

from resalat_core.sdk import BadInput, Member, get_db, verify_ledger
from resalat_core.testing import work

from .conftest import ADDRESS

TOMAN = 10


def race(app, runs: list[Callable[[Any], Any]]) -> list[Any]:
    """Each run at the same moment, in a thread, app context and session of its own; committed
    when it returns, rolled back when it raises (the exception is its outcome)."""
    barrier = threading.Barrier(len(runs))
    outcomes: list[Any] = [None] * len(runs)

    def go(i: int) -> None:
        with app.app_context(), app.test_request_context():
            session = get_db().session()
            try:
                barrier.wait(timeout=30)  # first: on SQLite the first read takes the write lock
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


def test_two_checkouts_at_once_cannot_pass_the_limit(app, buyer, make_shop, in_cart, balances, standing):
    shop = make_shop([3_000_000])  # limit 5,000,000: one fits, two do not
    in_cart(buyer, shop.product_ids[0], 1)
    before = balances(buyer)

    def pay(key: str) -> Callable[[Any], Any]:
        def run(session: Any) -> Any:
            request = bazaar.CheckoutRequest(key=key, address=ADDRESS, methods=(METHOD,))
            return [o.id for o in bazaar.checkout(session, session.get(Member, buyer), request).orders]

        return run

    outcomes = race(app, [pay("phone"), pay("laptop")])

    won = [o for o in outcomes if isinstance(o, list)]
    lost = [o for o in outcomes if isinstance(o, BadInput)]
    assert (len(won), len(lost)) == (1, 1), outcomes
    # Racing (PostgreSQL): the loser's UPDATE of the line finds the limit used; queued (SQLite):
    # the loser finds the cart already paid.
    assert lost[0].code in ("limit_exceeded", "empty_cart"), lost[0].message
    assert standing(buyer).used == 3_000_000 * TOMAN
    assert balances(buyer)["fund"] == before["fund"] - 3_000_000 * TOMAN
    with work(app) as s:
        assert s.scalar(select(func.count(Debt.id))) == 1
        assert s.scalar(select(func.count(Order.id))) == 1
        assert verify_ledger(s).ok


def test_eight_takes_at_once_use_the_limit_exactly_once_each(
    app, buyer, make_shop, checkout, top_up, standing
):
    """M-Bazar's hook called by eight checkouts at once, each for its own order of 1,000,000
    tomans: the limit of 5,000,000 lets exactly five through."""
    shop = make_shop([1_000_000])
    top_up(buyer, rials=8_000_000 * TOMAN)
    orders = [checkout(buyer, [(shop.product_ids[0], 1)], methods=())[0] for _ in range(8)]

    def take(order_id: int) -> Callable[[Any], Any]:
        def run(session: Any) -> Any:
            due = Due(session.get(Order, order_id), 1_000_000 * TOMAN)
            return services.take(session, session.get(Member, buyer), METHOD, [due], f"k{order_id}")

        return run

    outcomes = race(app, [take(order_id) for order_id in orders])

    refused = [o for o in outcomes if isinstance(o, BadInput)]
    assert len(refused) == 3, outcomes
    assert {e.code for e in refused} == {"limit_exceeded"}
    assert standing(buyer).used == 5_000_000 * TOMAN
    with work(app) as s:
        assert s.scalar(select(CreditLine.used).where(CreditLine.member_id == buyer)) == 5_000_000 * TOMAN
        assert s.scalar(select(func.count(Debt.id))) == 5

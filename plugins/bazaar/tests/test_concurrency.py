"""Two buyers can never buy the last item: checkouts racing in threads, each with its own session.

Meaningful on PostgreSQL, where the transactions really run at once and only the conditional
UPDATE on stock decides; on SQLite the write lock serialises them and the test still holds.
"""

from __future__ import annotations

import threading
from typing import Any

from resalat_bazaar import services
from resalat_bazaar.models import Order

from resalat_core.sdk import BadInput, Member, get_db, system_account, verify_ledger

from .conftest import work

BUYERS = 8


def race(app, buyers: list[int], make_request) -> list[Any]:
    """Every buyer checks out at the same moment, each in a thread, app context and session of its own."""
    barrier = threading.Barrier(len(buyers))
    outcomes: list[Any] = [None] * len(buyers)

    def run(i: int, buyer_id: int) -> None:
        with app.app_context():
            session = get_db().session()
            try:
                # Wait first: on SQLite the first read takes the write lock (BEGIN IMMEDIATE).
                barrier.wait(timeout=30)
                member = session.get(Member, buyer_id)
                result = services.checkout(session, member, make_request(i))
                session.commit()
                outcomes[i] = [o.id for o in result.orders]
            except BadInput as exc:
                session.rollback()
                outcomes[i] = exc
            except BaseException as exc:  # noqa: BLE001 (reported by the assertion below)
                session.rollback()
                outcomes[i] = exc

    threads = [threading.Thread(target=run, args=(i, b)) for i, b in enumerate(buyers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


def test_eight_buyers_race_for_the_last_sheep_and_one_gets_it(
    app, make_member, make_shop, fund, in_cart, balance, stock_of
):
    shop = make_shop([{"title": "آخرین گوسفند", "category": "sheep", "price": "1000000", "stock": 1}])
    buyers = [make_member() for _ in range(BUYERS)]
    for buyer in buyers:
        fund(buyer, 2_000_000)
        in_cart(buyer, shop.product_ids[0], 1)

    outcomes = race(app, buyers, lambda i: services.CheckoutRequest(key=f"race-{i}"))

    won = [o for o in outcomes if isinstance(o, list)]
    lost = [o for o in outcomes if isinstance(o, BadInput)]
    assert len(won) == 1, outcomes
    assert len(lost) == BUYERS - 1, outcomes
    # Refused at the stock UPDATE when racing (PostgreSQL), or at the cart check when the winner
    # had already committed (SQLite's lock queues them): "out of stock" either way.
    assert all(e.code in ("out_of_stock", "cart_problem") for e in lost)
    assert all("آخرین گوسفند" in str(e.message) for e in lost)
    assert stock_of(shop.product_ids[0]) == 0
    assert sorted(balance(b) for b in buyers) == [10_000_000] + [20_000_000] * (BUYERS - 1)
    with work(app) as s:
        assert s.query(Order).count() == 1
        assert system_account(s, "escrow").posted == 10_000_000
        assert verify_ledger(s).ok


def test_racing_for_more_than_there_is_never_oversells(app, make_member, make_shop, fund, in_cart, stock_of):
    shop = make_shop([{"title": "یونجه", "category": "feed", "price": "1000", "stock": 10, "unit": "kg"}])
    buyers = [make_member() for _ in range(BUYERS)]
    for buyer in buyers:
        fund(buyer, 100_000)
        in_cart(buyer, shop.product_ids[0], 3)

    outcomes = race(app, buyers, lambda i: services.CheckoutRequest(key=f"feed-{i}"))

    won = [o for o in outcomes if isinstance(o, list)]
    assert len(won) == 3  # 3 × 3 kg of the 10; the fourth would need 12
    assert all(isinstance(o, list | BadInput) for o in outcomes), outcomes
    assert stock_of(shop.product_ids[0]) == 1


def test_the_same_buyer_pressing_pay_twice_at_once_pays_once(
    app, make_member, make_shop, fund, in_cart, balance
):
    shop = make_shop([{"price": "100000", "stock": 5}])
    buyer = make_member()
    fund(buyer, 1_000_000)
    in_cart(buyer, shop.product_ids[0], 1)

    outcomes = race(app, [buyer, buyer], lambda i: services.CheckoutRequest(key="one-press"))

    orders = [o for o in outcomes if isinstance(o, list)]
    assert orders and all(o == orders[0] for o in orders), outcomes
    assert all(not isinstance(o, BaseException) or isinstance(o, BadInput) for o in outcomes), outcomes
    assert balance(buyer) == 9_000_000
    with work(app) as s:
        assert s.query(Order).count() == 1

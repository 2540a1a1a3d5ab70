"""The same voucher spent twice at the same moment is spent once: racing threads, each with its own
session. Meaningful on PostgreSQL, where the voucher's row lock decides; SQLite's write lock
serialises the transactions and the test still holds."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from resalat_bazaar import services as bazaar
from resalat_vouchers import services

from resalat_core.sdk import BadInput, Member, get_db


def race(app: Any, acts: list[Callable[[Any], Any]]) -> list[Any]:
    """Run every act at once, each in a thread with its own app context and session; commit each."""
    barrier = threading.Barrier(len(acts))
    outcomes: list[Any] = [None] * len(acts)

    def run(i: int) -> None:
        with app.app_context():
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


def test_the_same_voucher_in_two_checkouts_at_once_is_spent_once(
    app, budget, make_member, make_shop, issue, in_cart, voucher_of, balance, top_up, ledger_sound
):
    buyer = make_member()
    top_up(buyer, rials=20_000_000)
    (voucher,) = issue(budget, [buyer], 100_000)  # exactly one cart's price
    shop = make_shop([{"price": "100000", "stock": 50}])
    in_cart(buyer, shop.product_ids[0], 1)
    code = f"vouchers.v{voucher}"

    def checkout(key: str) -> Callable[[Any], Any]:
        def act(session: Any) -> Any:
            request = bazaar.CheckoutRequest(key=key, methods=(code,))
            return [o.id for o in bazaar.checkout(session, session.get(Member, buyer), request).orders]

        return act

    outcomes = race(app, [checkout("tab-1"), checkout("tab-2")])

    won = [o for o in outcomes if isinstance(o, list)]
    assert len(won) == 1, outcomes
    assert all(isinstance(o, BadInput | Exception) for o in outcomes if o not in won)
    assert voucher_of(voucher)["balance"] == 0
    assert balance(buyer) == 20_000_000  # the voucher paid the one order; the other never happened
    ledger_sound()


def test_two_booths_charging_all_of_one_voucher_at_once_get_it_once(
    app, budget, make_member, make_shop, issue, voucher_of, balance, ledger_sound
):
    holder = make_member()
    (voucher,) = issue(budget, [holder], 100_000)
    shops = [make_shop(), make_shop(), make_shop()]
    code = voucher_of(voucher)["code"]

    def charge(shop: Any) -> Callable[[Any], Any]:
        def act(session: Any) -> Any:
            seller = session.get(Member, shop.owner_id)
            return services.charge(session, seller, shop.booth_id, code, 1_000_000, key="scan").id

        return act

    outcomes = race(app, [charge(shop) for shop in shops])

    assert sum(isinstance(o, int) for o in outcomes) == 1, outcomes
    refused = [o for o in outcomes if not isinstance(o, int)]
    assert all(isinstance(o, BadInput) and o.code == "voucher_spent" for o in refused), refused
    assert sorted(balance(s.owner_id) for s in shops) == [0, 0, 1_000_000]
    assert voucher_of(voucher)["balance"] == 0
    ledger_sound()


def test_a_checkout_and_a_booth_racing_for_one_voucher_never_spend_more_than_it_holds(
    app, budget, make_member, make_shop, issue, in_cart, voucher_of, top_up, ledger_sound
):
    buyer = make_member()
    top_up(buyer, rials=20_000_000)
    (voucher,) = issue(budget, [buyer], 150_000)
    market, booth = make_shop([{"price": "100000"}]), make_shop()
    in_cart(buyer, market.product_ids[0], 1)
    code = voucher_of(voucher)["code"]

    def checkout(session: Any) -> Any:
        request = bazaar.CheckoutRequest(key="race", methods=(f"vouchers.v{voucher}",))
        return bazaar.checkout(session, session.get(Member, buyer), request).orders[0].paid_other

    def charge(session: Any) -> Any:
        return services.charge(
            session, session.get(Member, booth.owner_id), booth.booth_id, code, 1_000_000, key="k"
        ).amount

    outcomes = race(app, [checkout, charge])

    spent = sum(o for o in outcomes if isinstance(o, int))
    assert spent + voucher_of(voucher)["balance"] == 1_500_000, outcomes
    assert voucher_of(voucher)["balance"] >= 0
    ledger_sound()

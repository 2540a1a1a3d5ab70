"""Delivery fees: a delivery plugin prices an option (``resalat_delivery_quotes``), the buyer sees
the fee before paying, pays it from the main account into the service's account beside the goods,
and gets it back if the order is cancelled before it leaves (``resalat_order_cancelled``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from resalat_bazaar import services
from resalat_bazaar.hookspecs import DeliveryQuote
from resalat_bazaar.models import Order

from resalat_core.sdk import BadInput, Member, system_account, verify_ledger
from resalat_core.testing import ResalatClient, token_client, work

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def with_courier(make_app, monkeypatch):
    monkeypatch.syspath_prepend(str(FIXTURES))
    from resalat_fixture_courier import plugin
    from resalat_fixture_courier.hooks import ASKED, CANCELLED

    built = make_app(extra_plugins={"fixture_courier": plugin})
    enabled = built.test_cli_runner().invoke(args=["modules", "enable", "fixture_courier", "--all"])
    assert enabled.exit_code == 0, enabled.output
    # The test courier is the only delivery service here: another installed plugin that prices
    # the same option (M-ST) is switched off, so what is checked is M-Bazar's side alone.
    plugins = built.extensions["resalat"].plugins
    for name, _impl in plugins.impls("resalat_delivery_quotes"):
        if name != "fixture_courier":
            off = built.test_cli_runner().invoke(
                args=["modules", "disable", name, "--all", "--with-dependants"]
            )
            assert off.exit_code == 0, off.output
    built.test_client_class = ResalatClient
    CANCELLED.clear()
    ASKED.clear()
    return built


@pytest.fixture
def mst_cart(make_shop, make_member, fund, in_cart):
    """A buyer with 1,000,000 tomans and 3 items of a booth that delivers by M-ST: (shop, buyer)."""
    shop = make_shop([{"price": "100000", "stock": 20}], delivery=["mst", "pickup"])
    buyer = make_member()
    fund(buyer, 1_000_000)
    in_cart(buyer, shop.product_ids[0], 3)
    return shop, buyer


def _pay(app, buyer: int, shop, option: str = "mst", key: str = "fee-1"):
    with work(app) as s:
        result = services.checkout(
            s,
            s.get(Member, buyer),
            services.CheckoutRequest(key=key, delivery={shop.booth_id: option}, address="زنجان، خیابان اصلی"),
        )
        return result.orders[0].id


def _pay_each(app, buyer: int, delivery: dict[int, str], key: str = "fee-1") -> dict[int, Order]:
    """Check the whole cart out with each booth's way of delivery: its orders by booth id."""
    with work(app) as s:
        request = services.CheckoutRequest(key=key, delivery=delivery, address="زنجان، خیابان اصلی")
        result = services.checkout(s, s.get(Member, buyer), request)
        return {order.booth_id: order for order in result.orders}


def _fees_held(app) -> int:
    with work(app) as s:
        return system_account(s, "fixture_courier_fees").posted


def test_the_fee_is_shown_before_paying_and_paid_beside_the_goods(with_courier, mst_cart, balance):
    shop, buyer = mst_cart
    client = with_courier.test_client().sign_in(buyer)

    page = client.get("/bazaar/cart").get_data(as_text=True)

    mst = page.split('data-option="mst"')[1].split("</label>")[0]
    assert "۱۵٬۰۰۰ تومان" in mst  # 3 items × 5,000 tomans
    assert "از غرفه تا در خانه" in page
    # Pickup is chosen first (free): the button pays the goods; choosing M-ST adds its fee.
    assert "۳۰۰٬۰۰۰ تومان" in page.split('data-testid="pay"')[1]
    cart = token_client(with_courier, buyer).get("/api/v1/bazaar/cart").get_json()
    fees = {f["option"]: f["fee_rials"] for f in cart["groups"][0]["delivery_fees"]}
    assert fees == {"mst": 150_000, "pickup": 0}

    order_id = _pay(with_courier, buyer, shop)

    assert balance(buyer) == 10_000_000 - 3_000_000 - 150_000
    assert _fees_held(with_courier) == 150_000
    with work(with_courier) as s:
        order = s.get(Order, order_id)
        assert (order.total, order.delivery_fee, order.paid_main) == (3_000_000, 150_000, 3_000_000)
        assert verify_ledger(s).ok
    assert (
        "۱۵٬۰۰۰ تومان"
        in client.get(f"/bazaar/orders/{order_id}")
        .get_data(as_text=True)
        .split('data-testid="order-delivery-fee"')[1]
        .split("</p>")[0]
    )


def test_the_carrier_moves_what_it_carries_and_the_seller_only_accepts(with_courier, mst_cart, in_cart):
    shop, buyer = mst_cart
    order_id = _pay(with_courier, buyer, shop)
    seller = with_courier.test_client().sign_in(shop.owner_id)

    with work(with_courier) as s:
        order, owner = s.get(Order, order_id), s.get(Member, shop.owner_id)
        assert order.carrier == "fixture_courier"
        services.transition(s, order, "accept", owner)
        assert services.actions_for(owner, order) == ["cancel"]
    assert 'value="ship"' not in seller.get(f"/bazaar/orders/{order_id}").get_data(as_text=True)
    refused = token_client(with_courier, shop.owner_id).post(
        f"/api/v1/bazaar/orders/{order_id}/transitions",
        json={"action": "ship"},
        headers={"Idempotency-Key": "s1"},
    )
    assert refused.status_code == 403, refused.get_json()
    assert refused.get_json()["error"]["code"] == "carried"
    with work(with_courier) as s:
        order = s.get(Order, order_id)
        assert order.status == "accepted"
        # The carrier's operator moves it, through the system as actor.
        services.transition(s, order, "ship", None, note="بسته‌ی ۱۲")
        services.transition(s, order, "deliver", None)
        assert order.status == "delivered"
    # A pickup order of the same booth is the seller's to move.
    in_cart(buyer, shop.product_ids[0], 1)
    with work(with_courier) as s:
        pickup = s.get(Order, _pay(with_courier, buyer, shop, option="pickup", key="fee-2"))
        owner = s.get(Member, shop.owner_id)
        assert pickup.carrier is None
        services.transition(s, pickup, "accept", owner)
        assert "ship" in services.actions_for(owner, pickup)


def test_pickup_costs_nothing(with_courier, mst_cart, balance):
    shop, buyer = mst_cart
    _pay(with_courier, buyer, shop, option="pickup")
    assert balance(buyer) == 10_000_000 - 3_000_000 and _fees_held(with_courier) == 0


def test_a_cancelled_order_gets_its_fee_back_and_the_service_hears_it(with_courier, mst_cart, balance):
    from resalat_fixture_courier.hooks import CANCELLED

    shop, buyer = mst_cart
    order_id = _pay(with_courier, buyer, shop)

    with work(with_courier) as s:
        services.transition(s, s.get(Order, order_id), "cancel", s.get(Member, buyer), reason="منصرف شدم")

    assert balance(buyer) == 10_000_000 and _fees_held(with_courier) == 0
    assert [order_id] == CANCELLED
    with work(with_courier) as s:
        assert verify_ledger(s).ok


def test_an_order_the_service_cannot_carry_is_refused_with_its_reason_and_nothing_moves(
    with_courier, make_shop, make_member, fund, in_cart, snapshot
):
    shop = make_shop([{"price": "10000", "stock": 50}], delivery=["mst", "pickup"])
    buyer = make_member()
    fund(buyer, 1_000_000)
    in_cart(buyer, shop.product_ids[0], 11)
    page = with_courier.test_client().sign_in(buyer).get("/bazaar/cart").get_data(as_text=True)
    assert "پیک آزمایشی بیش از ده قلم نمی‌برد." in page.split('data-testid="delivery-refused"')[1]
    before = snapshot()

    with pytest.raises(BadInput) as refused:
        _pay(with_courier, buyer, shop)

    assert "پیک آزمایشی بیش از ده قلم نمی‌برد." in str(refused.value.fields[f"delivery_{shop.booth_id}"])
    assert snapshot() == before


def test_booths_are_quoted_together_and_one_refused_hides_none_of_the_others(
    with_courier, make_shop, make_member, fund, in_cart, snapshot, balance
):
    from resalat_fixture_courier.hooks import ASKED

    heavy, light, near = (
        make_shop([{"price": "10000", "stock": 50}], delivery=["mst", "pickup"]) for _ in range(3)
    )
    buyer = make_member()
    fund(buyer, 1_000_000)
    in_cart(buyer, heavy.product_ids[0], 11)  # more than the courier carries
    in_cart(buyer, light.product_ids[0], 2)
    in_cart(buyer, near.product_ids[0], 1)

    page = with_courier.test_client().sign_in(buyer).get("/bazaar/cart").get_data(as_text=True)
    # The courier is asked once for the whole cart, about every booth that offers its option.
    assert [("mst", [heavy.booth_id, light.booth_id, near.booth_id])] == ASKED
    assert page.count('data-testid="delivery-refused"') == 1
    assert "پیک آزمایشی بیش از ده قلم نمی‌برد." in page.split('data-testid="delivery-refused"')[1]
    groups = token_client(with_courier, buyer).get("/api/v1/bazaar/cart").get_json()["groups"]
    mst = {g["booth_id"]: next(f for f in g["delivery_fees"] if f["option"] == "mst") for g in groups}
    assert mst[heavy.booth_id]["refused"] == "پیک آزمایشی بیش از ده قلم نمی‌برد."
    assert (mst[light.booth_id]["fee_rials"], mst[light.booth_id]["refused"]) == (100_000, None)
    assert (mst[near.booth_id]["fee_rials"], mst[near.booth_id]["refused"]) == (50_000, None)

    # Choosing the refused way for the heavy booth refuses the checkout, naming that booth alone.
    before = snapshot()
    ASKED.clear()
    with pytest.raises(BadInput) as refused:
        _pay_each(with_courier, buyer, dict.fromkeys((heavy.booth_id, light.booth_id, near.booth_id), "mst"))
    assert set(refused.value.fields) == {f"delivery_{heavy.booth_id}"}
    assert [("mst", [heavy.booth_id, light.booth_id, near.booth_id])] == ASKED
    assert snapshot() == before

    # Pickup for the heavy booth: the others pay their own fees.
    orders = _pay_each(
        with_courier,
        buyer,
        {heavy.booth_id: "pickup", light.booth_id: "mst", near.booth_id: "mst"},
        key="fee-2",
    )
    fees = {booth_id: order.delivery_fee for booth_id, order in orders.items()}
    assert fees == {heavy.booth_id: 0, light.booth_id: 100_000, near.booth_id: 50_000}
    assert _fees_held(with_courier) == 150_000
    assert balance(buyer) == 10_000_000 - (11 + 2 + 1) * 100_000 - 150_000


def test_a_buyer_who_cannot_pay_the_fee_pays_nothing(
    with_courier, make_shop, make_member, fund, in_cart, snapshot
):
    shop = make_shop([{"price": "100000", "stock": 20}], delivery=["mst"])
    buyer = make_member()
    fund(buyer, 100_000)  # the goods exactly (1,000,000 rials), not the fee
    in_cart(buyer, shop.product_ids[0], 1)
    before = snapshot()

    with pytest.raises(BadInput):
        _pay(with_courier, buyer, shop)
    assert snapshot() == before


@pytest.mark.parametrize("fee", [-1, "5", 1.5, True])
def test_a_delivery_fee_is_whole_rials(fee):
    with pytest.raises(ValueError):
        DeliveryQuote(fee, "a", "b")

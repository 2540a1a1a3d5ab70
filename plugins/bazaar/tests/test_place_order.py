"""``place_order``: an order another plugin places for a buyer, paid from an account it names."""

from __future__ import annotations

import pytest
from resalat_bazaar import services
from resalat_bazaar.models import Booth, Order, Product

from resalat_core.sdk import BadInput, Member, system_account, verify_ledger

from .conftest import work

POOL = "cash_in"  # any account with money stands for another plugin's pooled account


def _place(app, buyer_id, shop, quantity, unit_price, *, key="group:1", pay_from=None, **kw):
    with work(app) as s:
        buyer = s.get(Member, buyer_id)
        booth = s.get(Booth, shop.booth_id)
        product = s.get(Product, shop.product_ids[0])
        account = pay_from(s) if pay_from else system_account(s, POOL)
        order = services.place_order(
            s, buyer, booth, [(product, quantity, unit_price)], key=key, pay_from=account, **kw
        )
        return order.id


def test_an_order_at_an_agreed_price_is_paid_from_the_named_account(
    app, make_member, make_shop, balance, stock_of, listener
):
    shop = make_shop([{"title": "پارچه‌ی نخی", "price": "200000", "stock": 50}])
    organiser = make_member()

    order_id = _place(app, organiser, shop, 20, 1_500_000, address="مرکز غدیر", note="سفارش جمعی")

    with work(app) as s:
        order = s.get(Order, order_id)
        assert order.status == "placed" and order.total == 30_000_000
        assert (order.paid_main, order.paid_earmarked, order.paid_other) == (0, 0, 30_000_000)
        assert [(i.quantity, i.unit_price) for i in order.items] == [(20, 1_500_000)]
        assert order.address == "مرکز غدیر" and order.delivery == "pickup"
        assert [p.account_id for p in order.payments] == [system_account(s, POOL).id]
        assert system_account(s, "escrow").posted == 30_000_000
        assert verify_ledger(s).ok
    assert stock_of(shop.product_ids[0]) == 30
    assert balance(organiser) == 0  # the organiser's own money is not touched
    assert listener.paid == [order_id]


def test_the_same_key_places_once(app, make_member, make_shop, stock_of):
    shop = make_shop([{"price": "100000", "stock": 10}])
    organiser = make_member()

    first = _place(app, organiser, shop, 3, 900_000, key="k")
    again = _place(app, organiser, shop, 3, 900_000, key="k")

    assert first == again
    assert stock_of(shop.product_ids[0]) == 7
    with work(app) as s:
        assert s.query(Order).count() == 1
        assert system_account(s, "escrow").posted == 2_700_000


@pytest.mark.parametrize(
    ("quantity", "unit_price", "field"),
    [
        (3, 1_100_000, "product_"),  # above the listed price
        (11, 900_000, "product_"),  # more than the stock
        (0, 900_000, "product_"),
        (2, 0, "product_"),
    ],
)
def test_a_refusal_changes_nothing(app, make_member, make_shop, snapshot, quantity, unit_price, field):
    shop = make_shop([{"price": "100000", "stock": 10}])
    organiser = make_member()
    before = snapshot()

    with pytest.raises(BadInput) as refused:
        _place(app, organiser, shop, quantity, unit_price)

    assert any(name.startswith(field) for name in (refused.value.fields or {})) or refused.value.code
    assert snapshot() == before


def test_an_account_without_enough_money_changes_nothing(app, make_member, make_shop, snapshot):
    shop = make_shop([{"price": "100000", "stock": 10}])
    organiser = make_member()
    before = snapshot()

    with pytest.raises(BadInput):
        _place(app, organiser, shop, 2, 900_000, pay_from=lambda s: system_account(s, "escrow"))

    assert snapshot() == before


def test_a_delivery_the_booth_does_not_offer_is_refused(app, make_member, make_shop, snapshot):
    shop = make_shop([{"price": "100000", "stock": 10}], delivery=["pickup"])
    organiser = make_member()
    before = snapshot()

    with pytest.raises(BadInput) as refused:
        _place(app, organiser, shop, 2, 900_000, delivery="post", address="زنجان")

    assert "delivery" in refused.value.fields
    assert snapshot() == before


def test_a_cancelled_placed_order_pays_back_the_named_account(app, make_member, make_shop, act):
    shop = make_shop([{"price": "100000", "stock": 10}])
    organiser = make_member()
    with work(app) as s:
        pool_before = system_account(s, POOL).posted
    order_id = _place(app, organiser, shop, 2, 800_000)

    assert act(shop.owner_id, order_id, "cancel", reason="موجودی نداریم") in ("cancelled", "refunded")

    with work(app) as s:
        assert system_account(s, POOL).posted == pool_before
        assert system_account(s, "escrow").posted == 0
        assert verify_ledger(s).ok

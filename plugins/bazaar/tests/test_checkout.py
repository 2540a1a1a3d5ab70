"""Checkout: one order per booth, money posted into escrow, stock taken, all or nothing, once per key."""

from __future__ import annotations

import re

import pytest
from resalat_bazaar import services
from resalat_bazaar.models import Checkout, Order
from sqlalchemy import select

from resalat_core.sdk import (
    BadInput,
    Conflict,
    Member,
    NotAllowed,
    Transfer,
    describe_transfer,
    get_db,
    system_account,
    verify_ledger,
)

from .conftest import work

PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def test_a_cart_across_two_booths_becomes_two_orders_paid_into_escrow(
    app, make_member, make_shop, fund, buy, balance, stock_of, order_of, listener
):
    honey = make_shop([{"title": "عسل کوهستان", "price": "700000", "stock": 5}])
    saffron = make_shop([{"title": "زعفران سرگل", "category": "saffron", "price": "450000", "stock": 9}])
    maryam = make_member()
    fund(maryam, 3_000_000)

    ids = buy(maryam, [(honey.product_ids[0], 2), (saffron.product_ids[0], 1)])

    assert len(ids) == 2
    first, second = order_of(ids[0]), order_of(ids[1])
    assert {first["booth_id"], second["booth_id"]} == {honey.booth_id, saffron.booth_id}
    assert sorted([first["total"], second["total"]]) == [4_500_000, 14_000_000]
    assert first["status"] == second["status"] == "placed"
    assert first["events"] == [(None, "placed")]
    assert balance(maryam) == 30_000_000 - 18_500_000
    assert stock_of(honey.product_ids[0]) == 3
    assert stock_of(saffron.product_ids[0]) == 8
    # The sellers are paid nothing yet: the money waits in escrow.
    assert balance(honey.owner_id) == 0
    with work(app) as s:
        assert system_account(s, "escrow").posted == 18_500_000
        assert services.cart(s, s.get(Member, maryam)).groups == []
        assert verify_ledger(s).ok
    assert sorted(listener.paid) == sorted(ids)


def test_the_same_key_pays_once(app, make_member, make_shop, fund, in_cart, balance, stock_of):
    shop = make_shop([{"price": "100000", "stock": 5}])
    buyer = make_member()
    fund(buyer, 1_000_000)
    in_cart(buyer, shop.product_ids[0], 2)

    with work(app) as s:
        first = services.checkout(s, s.get(Member, buyer), services.CheckoutRequest(key="k-1"))
        first_ids = [o.id for o in first.orders]
    with work(app) as s:
        again = services.checkout(s, s.get(Member, buyer), services.CheckoutRequest(key="k-1"))
        assert again.replayed
        assert [o.id for o in again.orders] == first_ids
        assert s.query(Checkout).count() == 1

    assert balance(buyer) == 10_000_000 - 2_000_000
    assert stock_of(shop.product_ids[0]) == 3


def test_the_last_item_out_of_stock_changes_nothing_at_all(
    app, make_member, make_shop, fund, in_cart, snapshot
):
    plenty = make_shop([{"stock": 10}])
    scarce = make_shop([{"title": "گوسفند افشاری", "category": "sheep", "stock": 2}])
    buyer = make_member()
    fund(buyer, 5_000_000)
    in_cart(buyer, plenty.product_ids[0], 3)
    in_cart(buyer, scarce.product_ids[0], 2)
    # Someone else takes one of the two sheep after our cart was filled.
    with work(app) as s:
        from resalat_bazaar.models import Product

        s.get(Product, scarce.product_ids[0]).stock = 1
    before = snapshot()

    with pytest.raises(BadInput) as refused, work(app) as s:
        services.checkout(s, s.get(Member, buyer), services.CheckoutRequest(key="k"))

    assert "گوسفند افشاری" in str(refused.value.message)
    assert snapshot() == before  # stock, orders, balances and the cart as they were


def test_not_enough_money_changes_nothing(app, make_member, make_shop, fund, in_cart, snapshot):
    shop = make_shop([{"price": "1000000", "stock": 3}])
    buyer = make_member()
    fund(buyer, 500_000)
    in_cart(buyer, shop.product_ids[0], 1)
    before = snapshot()

    with pytest.raises(BadInput) as refused, work(app) as s:
        services.checkout(s, s.get(Member, buyer), services.CheckoutRequest(key="k"))

    assert refused.value.code == "insufficient_funds"
    assert snapshot() == before


def test_asking_for_more_than_the_stock_is_refused_clearly(app, make_member, make_shop):
    shop = make_shop([{"title": "بز شیری", "category": "goats", "stock": 2}])
    buyer = make_member()

    with pytest.raises(BadInput) as refused, work(app) as s:
        services.set_cart_quantity(s, s.get(Member, buyer), shop.product_ids[0], 3)

    assert "۲" in str(refused.value.message) or "2" in str(refused.value.message)
    assert "بز شیری" in str(refused.value.message)


def test_a_seller_cannot_buy_from_their_own_booth(app, make_shop):
    shop = make_shop()
    with pytest.raises(BadInput), work(app) as s:
        services.set_cart_quantity(s, s.get(Member, shop.owner_id), shop.product_ids[0], 1)


def test_loan_money_pays_for_what_its_categories_allow(
    app, make_member, make_shop, earmark, buy, balance, order_of
):
    sheep = make_shop([{"title": "گوسفند افشاری", "category": "sheep", "price": "1000000", "stock": 5}])
    buyer = make_member()
    loan = earmark(buyer, 5_000_000, rules={"categories": ["livestock", "feed"]})

    (order_id,) = buy(buyer, [(sheep.product_ids[0], 2)], funding="earmarked", earmarked_account_id=loan)

    assert order_of(order_id)["paid_earmarked"] == 20_000_000
    assert balance(account_id=loan) == 50_000_000 - 20_000_000


def test_loan_money_refuses_other_categories_naming_the_rule(
    app, make_member, make_shop, earmark, in_cart, snapshot
):
    saffron = make_shop([{"title": "زعفران نگین", "category": "saffron", "price": "100000"}])
    buyer = make_member()
    # "retired_tools" is a code this catalogue does not know: it names nothing the buyer could find.
    loan = earmark(buyer, 5_000_000, rules={"categories": ["livestock", "retired_tools"]})
    in_cart(buyer, saffron.product_ids[0], 1)
    before = snapshot()

    # Paying from a Persian page.
    with pytest.raises(NotAllowed) as refused, app.test_request_context("/"), work(app) as s:
        services.checkout(
            s,
            s.get(Member, buyer),
            services.CheckoutRequest(key="k", funding="earmarked", earmarked_account_id=loan),
        )

    # The rule in the buyer's words: the category's name, never its code.
    message = str(refused.value.message)
    assert "دام سبک" in message and "زعفران نگین" in message
    assert not re.search("[A-Za-z0-9]", message), message
    assert snapshot() == before


def test_loan_money_refuses_booths_outside_its_list(app, make_member, make_shop, earmark, in_cart):
    chosen = make_shop([{"category": "feed", "title": "یونجه"}], name="علوفه‌ی صفرنیا")
    other = make_shop([{"category": "feed", "title": "جو"}])
    buyer = make_member()
    loan = earmark(buyer, 5_000_000, rules={"booths": [chosen.booth_id]})
    in_cart(buyer, other.product_ids[0], 1)

    with pytest.raises(NotAllowed) as refused, work(app) as s:
        services.checkout(
            s,
            s.get(Member, buyer),
            services.CheckoutRequest(key="k", funding="earmarked", earmarked_account_id=loan),
        )
    assert "علوفه‌ی صفرنیا" in str(refused.value.message)


def test_both_pays_what_the_loan_may_and_the_rest_from_the_main_account(
    app, make_member, make_shop, earmark, fund, buy, balance, order_of
):
    feed = make_shop([{"title": "یونجه", "category": "feed", "price": "300000", "stock": 50, "unit": "kg"}])
    honey = make_shop([{"title": "عسل", "category": "honey", "price": "200000"}])
    buyer = make_member()
    fund(buyer, 2_000_000)
    loan = earmark(buyer, 2_000_000, rules={"categories": ["feed"]})

    ids = buy(
        buyer,
        [(feed.product_ids[0], 10), (honey.product_ids[0], 1)],
        funding="both",
        earmarked_account_id=loan,
    )

    orders = {order_of(i)["booth_id"]: order_of(i) for i in ids}
    # Feed: 3,000,000 tomans, of which the loan's 2,000,000 and the rest from the main account.
    assert (orders[feed.booth_id]["paid_earmarked"], orders[feed.booth_id]["paid_main"]) == (
        20_000_000,
        10_000_000,
    )
    # Honey: the loan's rules refuse it, so the main account pays it all.
    assert (orders[honey.booth_id]["paid_earmarked"], orders[honey.booth_id]["paid_main"]) == (0, 2_000_000)
    assert balance(account_id=loan) == 0
    assert balance(buyer) == 20_000_000 - 12_000_000


def test_someone_elses_loan_account_cannot_pay(app, make_member, make_shop, earmark, in_cart):
    shop = make_shop([{"category": "feed"}])
    buyer, other = make_member(), make_member()
    loan = earmark(other, 1_000_000)
    in_cart(buyer, shop.product_ids[0], 1)

    with pytest.raises(BadInput) as refused, work(app) as s:
        services.checkout(
            s,
            s.get(Member, buyer),
            services.CheckoutRequest(key="k", funding="earmarked", earmarked_account_id=loan),
        )
    assert "earmarked_account" in refused.value.fields


def test_delivery_needs_an_address_unless_picked_up(app, make_member, make_shop, fund, in_cart, buy):
    shop = make_shop([{"stock": 5}], delivery=["pickup", "post"])
    buyer = make_member()
    fund(buyer, 1_000_000)
    in_cart(buyer, shop.product_ids[0], 1)

    with pytest.raises(BadInput) as refused, work(app) as s:
        services.checkout(
            s,
            s.get(Member, buyer),
            services.CheckoutRequest(key="k", delivery={shop.booth_id: "post"}, address=""),
        )
    assert "address" in refused.value.fields

    (order_id,) = buy(buyer, [], delivery={shop.booth_id: "pickup"}, address="")
    with work(app) as s:
        assert s.get(Order, order_id).delivery == "pickup"


def test_an_empty_cart_cannot_be_paid(app, make_member):
    buyer = make_member()
    with pytest.raises(BadInput) as refused, work(app) as s:
        services.checkout(s, s.get(Member, buyer), services.CheckoutRequest(key="k"))
    assert refused.value.code == "empty_cart"


def test_a_hidden_product_in_the_cart_stops_the_checkout(
    app, make_member, make_shop, fund, in_cart, snapshot
):
    shop = make_shop()
    buyer = make_member()
    fund(buyer, 1_000_000)
    in_cart(buyer, shop.product_ids[0], 1)
    with work(app) as s:
        services.set_product_hidden(
            s, services.get_product(s, shop.product_ids[0]), True, reason="گزارش تقلب"
        )
    before = snapshot()

    with pytest.raises(BadInput), work(app) as s:
        services.checkout(s, s.get(Member, buyer), services.CheckoutRequest(key="k"))
    assert snapshot() == before


def test_the_checkout_page_pays_and_a_second_submit_pays_nothing_more(
    app, client_as, make_shop, fund, balance, stock_of
):
    shop = make_shop([{"price": "250000", "stock": 4}])
    maryam = client_as()
    fund(maryam.member_id, 1_000_000)
    maryam.form(f"/bazaar/products/{shop.product_ids[0]}/cart", {"quantity": "۲"}, token_from="/bazaar/cart")
    page = maryam.get("/bazaar/cart").get_data(as_text=True)
    assert "۵۰۰٬۰۰۰ تومان" in page
    key = page.split('name="key" value="')[1].split('"')[0]

    form = {"key": key, "funding": "main", f"delivery_{shop.booth_id}": "pickup", "address": ""}
    first = maryam.form("/bazaar/checkout", form, token_from="/bazaar/orders")
    second = maryam.form("/bazaar/checkout", form, token_from="/bazaar/orders")

    assert first.status_code == second.status_code == 302
    assert balance(maryam.member_id) == 10_000_000 - 5_000_000
    assert stock_of(shop.product_ids[0]) == 2
    with work(app) as s:
        assert s.query(Order).count() == 1


def test_a_tampered_checkout_form_changes_nothing(app, client_as, make_shop, fund, in_cart, snapshot):
    shop = make_shop()
    buyer = client_as()
    fund(buyer.member_id, 1_000_000)
    in_cart(buyer.member_id, shop.product_ids[0], 1)
    before = snapshot()

    no_token = buyer.post("/bazaar/checkout", data={"key": "x", "funding": "main"})
    bad_funding = buyer.form("/bazaar/checkout", {"key": "x", "funding": "gold"}, token_from="/bazaar/cart")
    bad_delivery = buyer.form(
        "/bazaar/checkout", {"key": "y", f"delivery_{shop.booth_id}": "camel"}, token_from="/bazaar/cart"
    )

    assert no_token.status_code == 400
    assert bad_funding.status_code == 400 and "روش پرداخت" in bad_funding.get_data(as_text=True)
    assert bad_delivery.status_code == 400
    assert snapshot() == before


def test_two_concurrent_checkouts_with_the_same_key_make_one(app, make_member, make_shop, fund, in_cart):
    # The unique (buyer, key) pair is the last line: a second insert is answered with the first.
    shop = make_shop([{"stock": 5}])
    buyer = make_member()
    fund(buyer, 1_000_000)
    in_cart(buyer, shop.product_ids[0], 1)
    with work(app) as s:
        member = s.get(Member, buyer)
        s.add(Checkout(buyer_id=buyer, key="dup", total=1, funding="main"))
        s.flush()
        result = services.checkout(s, member, services.CheckoutRequest(key="dup"))
        assert result.replayed and result.orders == []
        s.rollback()
    with app.app_context():
        assert get_db().session.query(Order).count() == 0


def test_conflicting_transitions_are_refused(app, make_member, make_shop, fund, buy, act):
    shop = make_shop()
    buyer = make_member()
    fund(buyer, 1_000_000)
    (order_id,) = buy(buyer, [(shop.product_ids[0], 1)])
    act(shop.owner_id, order_id, "accept")
    with pytest.raises(Conflict):
        act(shop.owner_id, order_id, "accept")


def test_the_statement_lines_name_the_order_and_its_booth(app, make_member, make_shop, fund, buy, act):
    shop = make_shop([{"price": "100000"}], name="عسل ارزنفود")
    buyer = make_member()
    fund(buyer, 1_000_000)
    (order_id,) = buy(buyer, [(shop.product_ids[0], 1)])
    act(buyer, order_id, "cancel", reason="اشتباه شد")

    with work(app) as s:
        lines = s.scalars(
            select(Transfer).where(Transfer.reference == f"bazaar:order:{order_id}").order_by(Transfer.id)
        ).all()
        assert [t.purpose for t in lines] == ["bazaar_purchase", "bazaar_refund"]
        assert all(t.memo is None for t in lines)  # a memo is only ever what a member wrote
        with app.test_request_context("/"):  # read on a Persian page
            assert describe_transfer(lines[0]) == (
                "خرید از ام‌بازار",
                f"سفارش {order_id} از عسل ارزنفود".translate(PERSIAN),
            )

"""Maryam buys a kilim in six instalments: she sees each plan before choosing, pays a quarter down,
the fund pays the rest into escrow, and her schedule is fixed, exact and paid month by month."""

from __future__ import annotations

from datetime import timedelta

import pytest
from resalat_aghsat import services
from resalat_aghsat.models import Purchase
from resalat_bazaar import services as bazaar

from resalat_core.sdk import BadInput, Member, system_account
from resalat_core.testing import work

from .conftest import TOMAN, make_plan

PRICE = 1_200_000 * TOMAN


def test_the_buyer_sees_each_plan_she_may_take_with_its_down_payment_instalments_and_total(market):
    maryam = market.buyer("C")
    market.cart(maryam)

    offered = {m.code: m for m in market.methods(maryam) if m.plugin == "aghsat"}

    # p12 needs a B rating: not offered to a C; p3 and p6 are.
    assert set(offered) == {"aghsat.p3", "aghsat.p6"}
    six = offered["aghsat.p6"]
    assert six.stage == bazaar.REST
    assert (six.pay_now, six.total) == (3_000_000, 12_270_000)
    assert [str(t) for t in six.terms] == [
        "۵ قسط ماهانه‌ی ۱۵۴٬۰۰۰ تومان",
        "۱ قسط ماهانه‌ی ۱۵۷٬۰۰۰ تومان",
        "پیش‌پرداخت امروز: ۳۰۰٬۰۰۰ تومان",
        "کارمزد، ثابت از همین حالا: ۲۷٬۰۰۰ تومان",
    ]


def test_the_cart_page_shows_the_plans_in_tomans_before_paying(market, client):
    maryam = market.buyer("C")
    market.cart(maryam)

    page = client.sign_in(maryam).get("/bazaar/cart").get_data(as_text=True)

    offer = page.split('data-code="aghsat.p6"')[1].split("</section>")[0]
    assert "۳۰۰٬۰۰۰ تومان" in offer  # the down payment
    assert "۱٬۲۲۷٬۰۰۰ تومان" in offer  # in all, the fee included
    assert "۱۵۴٬۰۰۰ تومان" in offer and "۱۵۷٬۰۰۰ تومان" in offer  # 5 instalments, then the last
    assert market.balance(maryam) == 10_000_000 * TOMAN  # nothing moved


def test_taking_a_plan_pays_a_quarter_down_and_the_fund_the_rest_with_an_exact_schedule(market):
    maryam = market.buyer("C")
    fund_before = market.fund_balance()
    market.cart(maryam)

    (order_id,) = market.checkout(maryam, "aghsat.p6")

    assert market.balance(maryam) == 10_000_000 * TOMAN - 3_000_000
    assert market.fund_balance() == fund_before - 9_000_000
    purchase = market.purchase(order_id)
    assert (purchase.price, purchase.down_payment, purchase.financed, purchase.fee) == (
        PRICE,
        3_000_000,
        9_000_000,
        270_000,
    )
    amounts = [i.amount for i in purchase.schedule]
    # Rounded to whole 1,000 tomans; the last instalment absorbs what rounding left.
    assert amounts == [1_540_000] * 5 + [1_570_000]
    assert sum(i.principal for i in purchase.schedule) == purchase.financed
    assert sum(i.fee for i in purchase.schedule) == purchase.fee
    dues = [i.due_on for i in purchase.schedule]
    assert dues == sorted(dues) and 28 <= (dues[1] - dues[0]).days <= 31
    with work(market.app) as s:
        order = s.get(bazaar.Order, order_id)
        assert (order.paid_main, order.paid_other) == (0, PRICE)
        assert sorted((p.purpose, p.amount) for p in order.payments) == [
            ("aghsat_down_payment", 3_000_000),
            ("aghsat_financed", 9_000_000),
        ]
        assert system_account(s, "escrow").posted == PRICE
    assert market.verify()


def test_the_fee_is_fixed_when_the_plan_is_taken_and_never_grows_with_time(market):
    maryam = market.buyer("C", tomans=2_000_000)
    market.cart(maryam)
    (order_id,) = market.checkout(maryam, "aghsat.p6")
    first = market.purchase(order_id)

    # Months late, and the plan's fee raised meanwhile: what she owes is what she agreed.
    make_plan(market.app, "p6", fee_bps=400)
    with work(market.app) as s:
        services.run_due(s, first.schedule[-1].due_on + timedelta(days=120))
        s.commit()
    later = market.purchase(order_id)
    assert later.fee == first.fee == 270_000
    assert sum(i.amount for i in later.schedule) == 9_270_000


def test_a_plan_above_the_buyers_rating_is_refused_with_a_clear_message_and_changes_nothing(market, api_as):
    maryam = market.buyer("C")
    market.cart(maryam)
    before = (market.balance(maryam), market.fund_balance())

    # The API's offers name why, in her words.
    api = api_as()
    with work(market.app) as s:
        bazaar.set_cart_quantity(s, s.get(Member, api.member_id), market.shop.product_ids[0], 1)
        s.commit()
    from .conftest import rate

    rate(market.app, api.member_id, "C")
    offers = {o["method"]: o for o in api.get("/api/v1/aghsat/offers").get_json()}
    assert offers["aghsat.p6"]["available"] is True and offers["aghsat.p6"]["reason"] is None
    assert offers["aghsat.p12"]["available"] is False
    assert offers["aghsat.p12"]["reason"].startswith("طرح دوازده‌ماهه رتبه‌ی مرآت")

    # At checkout the plan is refused: nothing is paid, no order, the cart kept.
    with pytest.raises(BadInput):
        market.checkout(maryam, "aghsat.p12")
    # And if the rating fell between the offer and the payment, the plan itself refuses, clearly.
    with market.app.test_request_context("/"), work(market.app) as s, s.begin_nested():
        buyer = s.get(Member, maryam)
        order = bazaar.Order(
            id=10**6, booth_id=market.shop.booth_id, buyer_id=maryam, seller_id=market.shop.owner_id
        )
        order.items = []
        order.booth = s.get(bazaar.Booth, market.shop.booth_id)
        with pytest.raises(BadInput) as refused:
            services.take(s, buyer, "aghsat.p12", [bazaar.Due(order, PRICE)], "direct")
    message = str(refused.value.message)
    assert "دوازده‌ماهه" in message and "رتبه" in message
    assert refused.value.fields["methods"] == message
    assert (market.balance(maryam), market.fund_balance()) == before
    with work(market.app) as s:
        assert s.query(Purchase).count() == 0
        assert s.query(bazaar.Order).count() == 0
        assert len(bazaar.cart(s, s.get(Member, maryam)).lines) == 1
    assert market.verify()


def test_a_booth_that_did_not_opt_in_offers_no_plan(market, make_member):
    from .conftest import open_shop

    other = open_shop(market.app, make_member(), [{}], opt_in=False)
    maryam = market.buyer("A")
    with work(market.app) as s:
        bazaar.set_cart_quantity(s, s.get(Member, maryam), other.product_ids[0], 1)
        s.commit()

    assert [m for m in market.methods(maryam) if m.plugin == "aghsat"] == []


def test_without_a_merat_score_no_plan_is_offered(market):
    nobody = market.buyer(None)
    market.cart(nobody)
    assert [m for m in market.methods(nobody) if m.plugin == "aghsat"] == []


def test_the_limit_by_rating_counts_what_the_buyer_already_owes(market):
    maryam = market.buyer("D", tomans=50_000_000)
    market.cart(maryam, quantity=2)  # 2,400,000 tomans: 1,800,000 financed, within D's 20,000,000
    market.checkout(maryam, "aghsat.p3")
    market.cart(maryam, quantity=25)  # 22,500,000 tomans more financed: above the limit
    assert [m.code for m in market.methods(maryam) if m.plugin == "aghsat"] == []
    with market.app.test_request_context("/"), work(market.app) as s:
        buyer = s.get(Member, maryam)
        refusal = services.offers(s, buyer, services.parts_of_cart(bazaar.cart(s, buyer)))[0].refused
    assert refusal is not None and "بیش از سقف" in refusal


def test_a_cancelled_order_cancels_the_plan_and_every_rial_goes_back(market):
    maryam = market.buyer("C")
    market.cart(maryam)
    fund_before = market.fund_balance()
    (order_id,) = market.checkout(maryam, "aghsat.p6")
    purchase = market.purchase(order_id)
    with work(market.app) as s:
        services.pay_next(s, s.get(Member, maryam), purchase.id, key="early")
        s.commit()
    assert market.balance(maryam) == 10_000_000 * TOMAN - 3_000_000 - 1_540_000

    with work(market.app) as s:
        order = s.get(bazaar.Order, order_id)
        bazaar.transition(s, order, "cancel", s.get(Member, market.shop.owner_id), reason="موجودی تمام شد.")
        s.commit()

    assert market.purchase(order_id).status == "cancelled"
    assert market.balance(maryam) == 10_000_000 * TOMAN
    assert market.fund_balance() == fund_before
    with work(market.app) as s:
        assert system_account(s, "aghsat_fee_income").posted == 0
    assert market.verify()


def test_loan_money_pays_first_and_the_plan_pays_only_what_is_left(market):
    from resalat_core.sdk import open_earmarked, transfer

    maryam = market.buyer("C")
    market.cart(maryam)
    with work(market.app) as s:
        account = open_earmarked(
            s,
            s.get(Member, maryam),
            code=f"test:earmarked:{maryam}",
            purpose="admin_adjustment",
            purposes=[bazaar.PURCHASE],
        )
        transfer(
            s,
            f"test:earmark:{account.id}",
            system_account(s, "cash_in"),
            account,
            400_000 * TOMAN,
            "admin_adjustment",
        )
        s.commit()
        account_id = account.id
        request = bazaar.CheckoutRequest(
            key="mixed",
            funding=bazaar.FUND_BOTH,
            earmarked_account_id=account_id,
            delivery={market.shop.booth_id: "pickup"},
            methods=("aghsat.p6",),
        )
        (order,) = bazaar.checkout(s, s.get(Member, maryam), request).orders
        s.commit()
        order_id = order.id

    purchase = market.purchase(order_id)
    # 400,000 tomans of loan money first; the plan finances the other 800,000 with a quarter down.
    assert (purchase.price, purchase.down_payment, purchase.financed) == (8_000_000, 2_000_000, 6_000_000)
    assert market.balance(maryam) == 10_000_000 * TOMAN - 2_000_000
    assert market.verify()

"""Other ways to pay: what a plugin offers through ``resalat_payment_methods`` is shown on the
checkout page and in the API's cart before the buyer pays, only where that plugin is active; the
buyer chooses them at checkout and the plugin pays its part (``resalat_payment_take``), all or
nothing, once per key; a cancelled order pays each part back to where it came from."""

from __future__ import annotations

from pathlib import Path

import pytest
from resalat_bazaar import services
from resalat_bazaar.hookspecs import PaymentMethod, PaymentPart
from resalat_bazaar.models import Order

from resalat_core.sdk import BadInput, Member, system_account, verify_ledger
from resalat_core.testing import ResalatClient, token_client, work

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def with_paylater(make_app, monkeypatch):
    """The app with the test pay-later plugin installed and switched on everywhere."""
    monkeypatch.syspath_prepend(str(FIXTURES))
    from resalat_fixture_paylater import plugin
    from resalat_fixture_paylater.hooks import HEARD, SETTINGS

    built = make_app(extra_plugins={"fixture_paylater": plugin})
    enabled = built.test_cli_runner().invoke(args=["modules", "enable", "fixture_paylater", "--all"])
    assert enabled.exit_code == 0, enabled.output
    built.test_client_class = ResalatClient
    for heard in HEARD.values():
        heard.clear()
    SETTINGS.update(refuse=False, short=False)
    return built


def signed_in(app, member_id: int) -> ResalatClient:
    client: ResalatClient = app.test_client()  # type: ignore[assignment]
    return client.sign_in(member_id)


def test_a_pay_later_offer_is_shown_on_the_checkout_page_before_paying(
    with_paylater, make_shop, make_member, fund, in_cart, balance
):
    shop = make_shop([{"price": "400000", "stock": 5}])
    maryam = make_member(name="مریم احمدی")
    fund(maryam, 1_000_000)
    in_cart(maryam, shop.product_ids[0], 2)  # 800,000 tomans
    client = signed_in(with_paylater, maryam)

    page = client.get("/bazaar/cart").get_data(as_text=True)

    offer = page.split('data-testid="payment-method" data-code="fixture_paylater.quarter_now"')[1]
    offer = offer.split("</section>")[0]
    assert "یک‌چهارم امروز، باقی در سه ماه" in offer and "مریم احمدی" in offer
    assert "۲۰۰٬۰۰۰ تومان" in offer  # now: a quarter
    assert "۸۲۴٬۰۰۰ تومان" in offer  # in all: the fee included
    assert "سه قسط ماهانه" in offer and 'href="/paylater/terms"' in offer
    # Offered to choose (a way that pays the rest is a radio beside "my accounts"), nothing moved.
    assert 'name="rest_method" value="fixture_paylater.quarter_now"' in page
    assert 'name="method" value="fixture_paylater.voucher"' in page
    assert balance(maryam) == 10_000_000


def test_the_api_cart_previews_the_offers(with_paylater, make_shop, make_member, in_cart):
    shop = make_shop([{"price": "400000", "stock": 5}])
    buyer = make_member()
    in_cart(buyer, shop.product_ids[0], 1)

    body = signed_in(with_paylater, buyer).get("/api/v1/bazaar/cart").get_json()

    method, voucher = body["payment_methods"]
    assert method["code"] == "fixture_paylater.quarter_now" and method["stage"] == "rest"
    assert (method["pay_now_rials"], method["total_rials"]) == (1_000_000, 4_120_000)
    assert method["terms"] == ["سه قسط ماهانه", "کارمزد سه درصد"]
    assert voucher["code"] == "fixture_paylater.voucher" and voucher["stage"] == "first"


def test_an_offer_is_not_shown_where_its_plugin_is_off_or_for_an_empty_cart(
    with_paylater, make_shop, make_member, in_cart
):
    shop = make_shop([{"stock": 5}])
    zanjan, hamadan = make_member(region="zanjan/zanjan"), make_member(region="hamadan/arzanfud")
    off = with_paylater.test_cli_runner().invoke(
        args=["modules", "disable", "fixture_paylater", "--region", "zanjan"]
    )
    assert off.exit_code == 0, off.output
    for buyer in (zanjan, hamadan):
        in_cart(buyer, shop.product_ids[0], 1)

    assert 'data-testid="payment-methods"' not in signed_in(with_paylater, zanjan).get(
        "/bazaar/cart"
    ).get_data(as_text=True)
    assert 'data-testid="payment-methods"' in signed_in(with_paylater, hamadan).get("/bazaar/cart").get_data(
        as_text=True
    )
    nobody = make_member(region="hamadan/arzanfud")
    assert signed_in(with_paylater, nobody).get("/api/v1/bazaar/cart").get_json()["payment_methods"] == []


def test_without_a_payment_plugin_the_page_offers_only_the_accounts(client_as, make_shop, in_cart):
    shop = make_shop([{"stock": 5}])
    buyer = client_as()
    in_cart(buyer.member_id, shop.product_ids[0], 1)

    page = buyer.get("/bazaar/cart").get_data(as_text=True)

    assert 'data-testid="checkout-form"' in page and 'data-testid="payment-methods"' not in page


@pytest.mark.parametrize(
    "wrong",
    [
        {"code": "no-plugin-part", "pay_now": 1, "total": 2},
        {"code": "x.y", "pay_now": 3, "total": 2},
        {"code": "x.y", "pay_now": -1, "total": 2},
        {"code": "x.y", "pay_now": "1", "total": 2},
    ],
)
def test_a_payment_method_is_refused_when_it_cannot_be_shown_honestly(wrong):
    with pytest.raises(ValueError):
        PaymentMethod(title="t", **wrong)
    assert services.PaymentMethod is PaymentMethod


# --- paying with them ------------------------------------------------------------------------------


@pytest.fixture
def shopper(make_shop, make_member, fund, in_cart):
    """A buyer with 1,000,000 tomans and a 400,000-toman product in the cart: (shop, buyer id)."""
    shop = make_shop([{"price": "400000", "stock": 5}])
    buyer = make_member()
    fund(buyer, 1_000_000)
    in_cart(buyer, shop.product_ids[0], 1)
    return shop, buyer


def _checkout(app, member_id: int, **kw):
    kw.setdefault("key", f"pm:{member_id}:{len(kw)}")
    kw.setdefault("address", "زنجان، خیابان اصلی")
    with work(app) as s:
        result = services.checkout(s, s.get(Member, member_id), services.CheckoutRequest(**kw))
        return [o.id for o in result.orders], result.replayed


def _order(app, order_id: int) -> dict:
    with work(app) as s:
        o = s.get(Order, order_id)
        return {
            "main": o.paid_main,
            "earmarked": o.paid_earmarked,
            "other": o.paid_other,
            "parts": [(p.method, p.amount, p.purpose) for p in o.payments],
        }


def _posted(app, code: str) -> int:
    with work(app) as s:
        return system_account(s, code).posted


def test_a_way_that_pays_the_rest_takes_the_down_payment_and_its_fund_pays_the_remainder(
    with_paylater, make_shop, make_member, fund, in_cart, balance
):
    from resalat_fixture_paylater.hooks import HEARD

    shop = make_shop([{"price": "400000", "stock": 5}])
    buyer = make_member()
    fund(buyer, 1_000_000)
    in_cart(buyer, shop.product_ids[0], 2)  # 8,000,000 rials

    (order_id,), _ = _checkout(with_paylater, buyer, methods=("fixture_paylater.quarter_now",), key="k1")

    assert _order(with_paylater, order_id) == {
        "main": 0,
        "earmarked": 0,
        "other": 8_000_000,
        "parts": [
            ("fixture_paylater.quarter_now", 2_000_000, "fixture_down_payment"),
            ("fixture_paylater.quarter_now", 6_000_000, "fixture_financed"),
        ],
    }
    assert balance(buyer) == 10_000_000 - 2_000_000  # only the down payment left the main account
    assert _posted(with_paylater, "fixture_paylater_fund") == -6_000_000
    assert HEARD["take"] == [("fixture_paylater.quarter_now", [(order_id, 8_000_000)], "k1")]
    with work(with_paylater) as s:
        assert verify_ledger(s).ok
    # The same key again answers the first checkout and asks nobody to pay twice.
    assert _checkout(with_paylater, buyer, methods=("fixture_paylater.quarter_now",), key="k1") == (
        [order_id],
        True,
    )
    assert len(HEARD["take"]) == 1 and balance(buyer) == 8_000_000


def test_a_voucher_then_loan_money_then_a_plan_pay_one_order_together_and_a_refund_undoes_each(
    with_paylater, make_shop, make_member, fund, earmark, in_cart, balance
):
    from resalat_fixture_paylater.hooks import HEARD

    shop = make_shop([{"price": "1000000", "stock": 5}])  # 10,000,000 rials each
    buyer = make_member()
    fund(buyer, 1_000_000)
    loan = earmark(buyer, 400_000)  # 4,000,000 rials of loan money, no rules
    in_cart(buyer, shop.product_ids[0], 1)

    (order_id,), _ = _checkout(
        with_paylater,
        buyer,
        methods=("fixture_paylater.voucher", "fixture_paylater.quarter_now"),
        funding="both",
        earmarked_account_id=loan,
    )

    # The voucher first (3,000,000), the loan next (4,000,000), the plan the rest (3,000,000:
    # a quarter now from the main account, the rest from its fund).
    order = _order(with_paylater, order_id)
    assert (order["main"], order["earmarked"], order["other"]) == (0, 4_000_000, 6_000_000)
    assert order["parts"] == [
        ("fixture_paylater.voucher", 3_000_000, "fixture_voucher"),
        ("fixture_paylater.quarter_now", 750_000, "fixture_down_payment"),
        ("fixture_paylater.quarter_now", 2_250_000, "fixture_financed"),
    ]
    assert balance(buyer) == 10_000_000 - 750_000
    assert balance(account_id=loan) == 0

    with work(with_paylater) as s:  # the seller cancels: in the app where the fixture plugin lives
        order = s.get(Order, order_id)
        seller = s.get(Member, shop.owner_id)
        assert (
            services.transition(s, order, "cancel", seller, reason="موجودی انبار اشتباه بود").status
            == "refunded"
        )

    assert balance(buyer) == 10_000_000 and balance(account_id=loan) == 4_000_000
    assert _posted(with_paylater, "fixture_voucher_float") == 0
    assert _posted(with_paylater, "fixture_paylater_fund") == 0
    assert HEARD["refunded"] == [
        (
            order_id,
            [
                ("fixture_paylater.quarter_now", 750_000),
                ("fixture_paylater.quarter_now", 2_250_000),
                ("fixture_paylater.voucher", 3_000_000),
            ],
        )
    ]
    with work(with_paylater) as s:
        assert verify_ledger(s).ok


def test_a_method_that_refuses_changes_nothing_and_its_reason_reaches_the_buyer(
    with_paylater, shopper, snapshot
):
    from resalat_fixture_paylater.hooks import SETTINGS

    _shop, buyer = shopper
    before = snapshot()
    SETTINGS["refuse"] = True

    with pytest.raises(BadInput) as refused:
        _checkout(with_paylater, buyer, methods=("fixture_paylater.voucher",))

    assert "نمی‌پذیرد" in str(refused.value)
    assert snapshot() == before


def test_a_way_that_leaves_part_unpaid_is_a_bug_of_its_plugin_and_nothing_moves(
    with_paylater, shopper, snapshot
):
    from resalat_fixture_paylater.hooks import SETTINGS

    _shop, buyer = shopper
    before = snapshot()
    SETTINGS["short"] = True

    with pytest.raises(ValueError, match="left part of the checkout unpaid"):
        _checkout(with_paylater, buyer, methods=("fixture_paylater.quarter_now",))
    assert snapshot() == before


@pytest.mark.parametrize(
    ("methods", "says"),
    [
        (["nobody.offers_this"], "ارائه نمی‌شود"),
        (["fixture_paylater.quarter_now", "fixture_paylater.nothing"], "ارائه نمی‌شود"),
        ([f"fixture_paylater.x{n}" for n in range(11)], "حداکثر ۱۰"),
    ],
)
def test_a_way_to_pay_not_offered_for_this_cart_is_refused_by_the_api_with_the_field_named(
    with_paylater, shopper, snapshot, methods, says
):
    _shop, buyer = shopper
    client = token_client(with_paylater, buyer)
    before = snapshot()

    answer = client.post(
        "/api/v1/bazaar/checkout",
        json={"methods": methods, "address": "زنجان، خیابان اصلی"},
        headers={"Idempotency-Key": f"bad-{len(methods)}"},
    )

    assert answer.status_code == 400, answer.get_json()
    assert says in " ".join(answer.get_json()["error"]["fields"]["methods"]), answer.get_json()
    assert snapshot() == before


def test_the_buyer_chooses_a_voucher_and_a_plan_on_the_checkout_page_and_reads_each_part_in_persian(
    with_paylater, make_shop, make_member, fund, in_cart, balance
):
    shop = make_shop([{"price": "1000000", "stock": 5}])
    buyer = make_member()
    fund(buyer, 1_000_000)
    in_cart(buyer, shop.product_ids[0], 1)
    client = signed_in(with_paylater, buyer)
    page = client.get("/bazaar/cart").get_data(as_text=True)
    key = page.split('name="key" value="')[1].split('"')[0]

    done = client.form(
        "/bazaar/checkout",
        {
            "key": key,
            "funding": "main",
            "method": "fixture_paylater.voucher",
            "rest_method": "fixture_paylater.quarter_now",
            "address": "زنجان، خیابان اصلی",
        },
        token_from="/bazaar/cart",
    )

    assert done.status_code == 302, done.get_data(as_text=True)
    assert balance(buyer) == 10_000_000 - 1_750_000  # a quarter of what the voucher left
    with work(with_paylater) as s:
        order_id = s.query(Order.id).filter(Order.buyer_id == buyer).scalar()
    order_page = client.get(f"/bazaar/orders/{order_id}").get_data(as_text=True)
    split = order_page.split('data-testid="paid-split"')[1].split("</ul>")[0]
    assert "بن آزمایشی: ۳۰۰٬۰۰۰ تومان" in split
    assert "پیش‌پرداخت آزمایشی: ۱۷۵٬۰۰۰ تومان" in split
    assert "پرداخت بعدی آزمایشی: ۵۲۵٬۰۰۰ تومان" in split


@pytest.mark.parametrize("amount", [0, -5, "100", 1.5, True])
def test_a_payment_part_is_whole_rials_above_zero(amount):
    with pytest.raises(ValueError):
        PaymentPart(1, object(), amount, "x")  # type: ignore[arg-type]
    assert PaymentPart(1, object(), 1, "x").amount == 1  # type: ignore[arg-type]


def test_a_payment_method_says_when_it_pays():
    with pytest.raises(ValueError):
        PaymentMethod("x.y", "t", pay_now=0, total=1, stage="sometime")
    assert PaymentMethod("x.y", "t", pay_now=0, total=1).stage == "rest"

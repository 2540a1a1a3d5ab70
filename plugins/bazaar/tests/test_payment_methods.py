"""Other ways to pay: what a plugin offers through ``resalat_payment_methods`` is shown on the
checkout page and in the API's cart before the buyer pays, only where that plugin is active."""

from __future__ import annotations

from pathlib import Path

import pytest
from resalat_bazaar import services
from resalat_bazaar.hookspecs import PaymentMethod

from resalat_core.testing import ResalatClient

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def with_paylater(make_app, monkeypatch):
    """The app with the test pay-later plugin installed and switched on everywhere."""
    monkeypatch.syspath_prepend(str(FIXTURES))
    from resalat_fixture_paylater import plugin

    built = make_app(extra_plugins={"fixture_paylater": plugin})
    enabled = built.test_cli_runner().invoke(args=["modules", "enable", "fixture_paylater", "--all"])
    assert enabled.exit_code == 0, enabled.output
    built.test_client_class = ResalatClient
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
    # Shown, not chosen: the checkout still pays from the accounts, nothing moved yet.
    assert 'name="funding" value="fixture_paylater' not in page
    assert balance(maryam) == 10_000_000


def test_the_api_cart_previews_the_offers(with_paylater, make_shop, make_member, in_cart):
    shop = make_shop([{"price": "400000", "stock": 5}])
    buyer = make_member()
    in_cart(buyer, shop.product_ids[0], 1)

    body = signed_in(with_paylater, buyer).get("/api/v1/bazaar/cart").get_json()

    (method,) = body["payment_methods"]
    assert method["code"] == "fixture_paylater.quarter_now"
    assert (method["pay_now_rials"], method["total_rials"]) == (1_000_000, 4_120_000)
    assert method["terms"] == ["سه قسط ماهانه", "کارمزد سه درصد"]


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

"""What other plugins rely on: the public services, the spend policy, the reputation shown on pages."""

from __future__ import annotations

import inspect

from resalat_bazaar import services
from resalat_bazaar.services import Reputation

from resalat_core.sdk import Spend, get_account, system_account

from .conftest import work


def test_the_services_other_plugins_import_are_there():
    # What supervision, loans and the benchmarks reach through ``resalat_bazaar.services``.
    for name in (
        "Booth",
        "Product",
        "Order",
        "OrderItem",
        "PLACED",
        "ACCEPTED",
        "SHIPPED",
        "DELIVERED",
        "COMPLETED",
        "CANCELLED",
        "REFUNDED",
        "PROGRAMMES",
        "PURCHASE",
        "FUND_EARMARKED",
        "Reputation",
        "PaymentMethod",
        "get_booth",
        "get_product",
        "get_order",
        "buyer_completed_order_with",
        "set_product_hidden",
        "set_booth_hidden",
        "booth_region_id",
        "reputation",
        "ensure_categories",
        "open_booth",
        "create_product",
        "add_to_cart",
        "set_cart_quantity",
        "CheckoutRequest",
        "checkout",
        "reserve_stock",
        "transition",
        "read_search_filters",
        "search",
        "search_query",
    ):
        assert hasattr(services, name), name
    hidden = inspect.signature(services.set_product_hidden)
    assert list(hidden.parameters)[:3] == ["session", "product", "hidden"]
    assert hidden.parameters["reason"].kind is inspect.Parameter.KEYWORD_ONLY
    assert set(inspect.signature(services.buyer_completed_order_with).parameters) >= {
        "product_id",
        "booth_id",
    }


def test_reputation_from_supervision_shows_on_booth_and_product_pages(app, client, make_shop, listener):
    shop = make_shop([{"title": "عسل"}])
    listener.reputation = Reputation(rating=4.4, reviews=12, open_reports=0, url="/supervision/booths/1")

    booth = client.get(f"/bazaar/booths/{shop.booth_id}").get_data(as_text=True)
    product = client.get(f"/bazaar/products/{shop.product_ids[0]}").get_data(as_text=True)

    for html in (booth, product):
        assert 'data-testid="reputation"' in html
        assert "۴٫۴" in html and "۴.۴" not in html  # one decimal separator in Persian
        assert "۱۲" in html and 'href="/supervision/booths/1"' in html
        assert html.count("bi-star-fill") == 4


def test_no_reputation_without_supervision(app, client, make_shop):
    shop = make_shop()
    # Supervision may be installed beside M-Bazar: switched off, it must leave no trace here.
    off = app.test_cli_runner().invoke(
        args=["modules", "disable", "supervision", "--all", "--with-dependants"]
    )
    assert off.exit_code in (0, 1), off.output  # 1: not installed, nothing to switch off
    assert 'data-testid="reputation"' not in client.get(f"/bazaar/booths/{shop.booth_id}").get_data(
        as_text=True
    )


def test_the_spend_policy_abstains_for_other_purposes_and_names_its_rules(app, make_member, earmark):
    member = make_member()
    loan_id = earmark(member, 1000, rules={"programmes": ["solar"]})
    with work(app) as s:
        loan = get_account(s, loan_id)
        escrow = system_account(s, "escrow")
        other = Spend(10, "insurance_premium", None, escrow, {})
        assert services.spend_allowed(loan, other) is None
        # Not an M-Bazar checkout's details: abstain (and with no other policy, the host refuses).
        assert services.spend_allowed(loan, Spend(10, services.PURCHASE, None, escrow, {})) is None
        item = {"title": "پنل", "category_path": ["solar_kits"], "programmes": ["solar"]}
        assert services.spend_allowed(
            loan, Spend(10, services.PURCHASE, None, escrow, {"items": [item]})
        ).allowed
        wrong = {"title": "عسل", "category_path": ["honey"], "programmes": []}
        refused = services.spend_allowed(loan, Spend(10, services.PURCHASE, None, escrow, {"items": [wrong]}))
        # The rule names the programme as the buyer reads it, not by its code.
        solar = str(services.PROGRAMME_LABELS["solar"])
        assert not refused.allowed and solar in refused.rule and "عسل" in refused.rule

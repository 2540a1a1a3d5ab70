"""Orders: accepted, sent, received (the seller is paid), cancelled (the buyer is paid back), told."""

from __future__ import annotations

from datetime import timedelta

import pytest
from resalat_bazaar import messages, services
from resalat_bazaar.models import Order

from resalat_core.sdk import (
    BadInput,
    Conflict,
    Member,
    Money,
    NotAllowed,
    NotFound,
    system_account,
    utcnow,
    verify_ledger,
)

from .conftest import work

PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def read(app, message, lang: str) -> tuple[str, str]:
    """A notification's title and body as a reader of ``lang`` reads them (a page, or the API)."""
    path, headers = ("/", {}) if lang == "fa" else ("/api/v1/bazaar/cart", {"Accept-Language": "en"})
    with app.test_request_context(path, headers=headers):
        return message.title, message.body


@pytest.fixture
def placed(make_member, make_shop, fund, buy):
    """An order of 2 × 100,000 tomans of honey, placed and paid into escrow."""
    shop = make_shop([{"price": "100000", "stock": 5}])
    buyer = make_member()
    fund(buyer, 1_000_000)
    (order_id,) = buy(buyer, [(shop.product_ids[0], 2)])
    return shop, buyer, order_id


def test_the_seller_is_paid_when_the_buyer_confirms_receipt(app, listener, placed, act, balance, order_of):
    shop, buyer, order_id = placed

    assert act(shop.owner_id, order_id, "accept") == "accepted"
    assert act(shop.owner_id, order_id, "ship", note="پست پیشتاز ۱۲۳") == "shipped"
    assert balance(shop.owner_id) == 0
    assert act(buyer, order_id, "confirm") == "completed"

    assert balance(shop.owner_id) == 2_000_000
    assert order_of(order_id)["events"] == [
        (None, "placed"),
        ("placed", "accepted"),
        ("accepted", "shipped"),
        ("shipped", "completed"),
    ]
    assert listener.completed == [order_id]
    with work(app) as s:
        assert system_account(s, "escrow").posted == 0
        assert s.get(Order, order_id).tracking == "پست پیشتاز ۱۲۳"
        assert verify_ledger(s).ok
    assert listener.kinds_told(buyer) == ["order.accepted", "order.shipped"]
    assert listener.kinds_told(shop.owner_id) == ["order.completed", "order.placed"]
    (paid,) = [m for who, m in listener.told if who == shop.owner_id and m.kind.kind == "order.completed"]
    # Stored as a kind and its variables; each reader reads it in their language.
    assert paid.kind is messages.ORDER_COMPLETED
    assert paid.params["order"] == order_id and paid.params["amount"] == Money(2_000_000)
    assert read(app, paid, "fa") == (
        f"مبلغ سفارش {order_id} به حساب شما واریز شد".translate(PERSIAN),
        "مبلغ: ۲۰۰٬۰۰۰ تومان",
    )
    assert read(app, paid, "en") == (f"Order {order_id} was paid to your account", "Amount: 200,000 tomans")
    assert paid.url == f"/bazaar/orders/{order_id}"


def test_a_cancelled_order_is_refunded_and_its_stock_returned(
    app, placed, act, balance, stock_of, order_of, listener
):
    shop, buyer, order_id = placed

    status = act(buyer, order_id, "cancel", reason="اشتباه سفارش دادم")

    assert status == "refunded"
    assert order_of(order_id)["events"][-2:] == [("placed", "cancelled"), ("cancelled", "refunded")]
    assert balance(buyer) == 10_000_000
    assert stock_of(shop.product_ids[0]) == 5
    assert listener.kinds_told(shop.owner_id) == ["order.cancelled"]
    assert listener.kinds_told(buyer) == []  # the buyer did it
    (told,) = [m for _who, m in listener.told if m.source == "bazaar"]
    assert told.params["reason"] == "اشتباه سفارش دادم"
    assert "اشتباه سفارش دادم" in read(app, told, "fa")[1]


def test_loan_money_goes_back_to_the_loan(app, make_member, make_shop, earmark, buy, act, balance):
    shop = make_shop([{"category": "feed", "price": "100000", "stock": 50}])
    buyer = make_member()
    loan = earmark(buyer, 1_000_000)
    (order_id,) = buy(buyer, [(shop.product_ids[0], 3)], funding="earmarked", earmarked_account_id=loan)
    assert balance(account_id=loan) == 7_000_000

    act(shop.owner_id, order_id, "cancel", reason="علوفه تمام شد")

    assert balance(account_id=loan) == 10_000_000
    assert balance(buyer) == 0  # loan money never becomes cash


def test_a_reason_is_needed_to_cancel_and_nothing_changes_without_one(app, placed, act, snapshot):
    shop, buyer, order_id = placed
    before = snapshot()
    with pytest.raises(BadInput) as refused:
        act(buyer, order_id, "cancel", reason="  ")
    assert "reason" in refused.value.fields
    assert snapshot() == before


def test_a_sent_order_cannot_be_cancelled_only_refunded_by_an_admin(app, placed, act, make_member, balance):
    shop, buyer, order_id = placed
    act(shop.owner_id, order_id, "accept")
    act(shop.owner_id, order_id, "ship")
    with pytest.raises(Conflict):
        act(buyer, order_id, "cancel", reason="دیر شد")
    with pytest.raises(NotAllowed):
        act(buyer, order_id, "refund", reason="دیر شد")

    admin = make_member("admin", role_region=None)
    assert act(admin, order_id, "refund", reason="کالا نرسید؛ شکایت بررسی شد") == "refunded"
    assert balance(buyer) == 10_000_000


def test_each_side_may_do_only_its_own_steps(app, placed, act, make_member):
    shop, buyer, order_id = placed
    stranger = make_member()
    with pytest.raises(NotAllowed):
        act(buyer, order_id, "accept")
    with pytest.raises(NotFound):
        act(stranger, order_id, "accept")
    with pytest.raises(Conflict):
        act(buyer, order_id, "confirm")  # not sent yet


def test_orders_sent_long_ago_are_completed_by_the_periodic_command(app, placed, act, balance, listener):
    shop, buyer, order_id = placed
    act(shop.owner_id, order_id, "accept")
    act(shop.owner_id, order_id, "ship")
    runner = app.test_cli_runner()

    early = runner.invoke(args=["bazaar", "complete-due", "--json"])
    assert early.exit_code == 0 and '"completed": 0' in early.output
    with work(app) as s:
        s.get(Order, order_id).shipped_at = utcnow() - timedelta(days=8)

    due = runner.invoke(args=["bazaar", "complete-due", "--json"])
    again = runner.invoke(args=["bazaar", "complete-due", "--json"])

    assert due.exit_code == 0, due.output
    assert f"{order_id}" in due.output and '"completed": 1' in due.output
    assert '"completed": 0' in again.output
    assert balance(shop.owner_id) == 2_000_000
    assert listener.completed == [order_id]
    with work(app) as s:
        (last,) = [e for e in s.get(Order, order_id).events if e.to_status == "completed"]
        assert last.actor_id is None


def test_the_order_pages_show_each_side_what_it_may_do(app, placed, client_as, act):
    shop, buyer_id, order_id = placed
    seller = client_as()
    seller.sign_in(shop.owner_id)
    buyer = client_as()
    buyer.sign_in(buyer_id)
    stranger = client_as()

    assert stranger.get(f"/bazaar/orders/{order_id}").status_code == 404
    page = seller.get(f"/bazaar/orders/{order_id}").get_data(as_text=True)
    assert 'data-testid="action-accept"' in page and 'data-testid="action-cancel"' in page
    page = buyer.get(f"/bazaar/orders/{order_id}").get_data(as_text=True)
    assert 'data-testid="action-accept"' not in page and 'data-testid="action-cancel"' in page

    done = seller.form(f"/bazaar/orders/{order_id}/accept", {}, token_from="/bazaar/cart")
    twice = seller.form(f"/bazaar/orders/{order_id}/accept", {}, token_from="/bazaar/cart")
    assert done.status_code == twice.status_code == 302
    assert (
        stranger.form(
            f"/bazaar/orders/{order_id}/cancel", {"reason": "x"}, token_from="/bazaar/cart"
        ).status_code
        == 404
    )
    listing = seller.get("/bazaar/orders?as=seller").get_data(as_text=True)
    assert f'data-order-id="{order_id}"' in listing
    assert f'data-order-id="{order_id}"' in buyer.get("/bazaar/orders").get_data(as_text=True)
    assert f'data-order-id="{order_id}"' not in stranger.get("/bazaar/orders").get_data(as_text=True)


def test_buyer_completed_order_with_answers_supervision(app, placed, act, make_member):
    shop, buyer, order_id = placed
    with work(app) as s:
        member = s.get(Member, buyer)
        assert services.buyer_completed_order_with(s, member, product_id=shop.product_ids[0]) is None
    act(shop.owner_id, order_id, "accept")
    act(shop.owner_id, order_id, "ship")
    act(buyer, order_id, "confirm")
    with work(app) as s:
        member = s.get(Member, buyer)
        assert services.buyer_completed_order_with(s, member, product_id=shop.product_ids[0]).id == order_id
        assert services.buyer_completed_order_with(s, member, booth_id=shop.booth_id).id == order_id
        assert services.buyer_completed_order_with(s, member, booth_id=shop.booth_id + 99) is None
        assert (
            services.buyer_completed_order_with(s, s.get(Member, make_member()), booth_id=shop.booth_id)
            is None
        )
        assert services.booth_region_id(s, services.get_booth(s, shop.booth_id)) == member.region_id
        assert services.get_order(s, order_id).status == services.COMPLETED

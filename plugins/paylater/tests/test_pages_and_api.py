"""What members and admins read: my pay later, M-Hesam's credit line, the admins' debts by region,
and the API with its OpenAPI document."""

from __future__ import annotations

import json
from datetime import timedelta

from resalat_paylater import services
from resalat_paylater.models import Debt
from sqlalchemy import select, update

from resalat_core.sdk import Member
from resalat_core.testing import ResalatClient, work

TOMAN = 10


def signed_in(app, member_id) -> ResalatClient:
    app.test_client_class = ResalatClient
    return app.test_client().sign_in(member_id)


def make_overdue(app, member_id, days=5):
    """Move a member's open debts' due day into the past, as if the days had gone by."""
    with work(app) as s:
        s.execute(
            update(Debt)
            .where(Debt.member_id == member_id)
            .values(due_on=services.today() - timedelta(days=days), bucket="d1_30")
        )


def test_my_page_shows_the_limit_and_purchases_in_persian_with_pay_now(
    app, buyer, make_shop, checkout, count_queries
):
    shop = make_shop([500_000, 700_000, 900_000])
    for product_id in shop.product_ids:
        checkout(buyer, [(product_id, 1)])
    client = signed_in(app, buyer)

    with count_queries() as counter:
        page = client.get("/paylater/").get_data(as_text=True)
    assert counter.count <= 14  # the same whatever the number of purchases

    assert "نسیه‌ی من" in page and 'dir="rtl"' in page
    assert "۵٬۰۰۰٬۰۰۰ تومان" in page  # limit
    assert "۲٬۱۰۰٬۰۰۰ تومان" in page  # in use
    assert "۲٬۹۰۰٬۰۰۰ تومان" in page  # free
    assert page.count('data-testid="pay-now"') == 3
    assert "/bazaar/orders/" in page


def test_an_overdue_purchase_freezes_the_limit_on_my_page_and_in_m_hesam(app, buyer, make_shop, checkout):
    shop = make_shop([500_000])
    checkout(buyer, [(shop.product_ids[0], 1)])
    make_overdue(app, buyer)
    client = signed_in(app, buyer)

    mine = client.get("/paylater/").get_data(as_text=True)
    assert 'data-testid="limit-note"' in mine and "بسته است" in mine
    assert "۱ تا ۳۰ روز معوق" in mine

    hesam = client.get("/hesam/").get_data(as_text=True)
    # Ours among the credit lines other plugins may show beside it.
    lines = [part.split("</section>")[0] for part in hesam.split('data-testid="credit-line"')[1:]]
    (line,) = [line for line in lines if "خرید نسیه (ام‌نسیه)" in line]
    assert "۰ تومان" in line

    home = client.get("/").get_data(as_text=True)
    assert "یک خرید نسیه معوق شده است" in home


def test_the_admin_sees_debts_by_region_and_the_overdue_members_are_not_allowed(
    app, buyer, make_shop, checkout, client_as
):
    shop = make_shop([500_000])
    checkout(buyer, [(shop.product_ids[0], 1)])
    make_overdue(app, buyer)
    admin = client_as("admin", region="zanjan/zanjan")

    page = admin.get("/paylater/admin").get_data(as_text=True)
    assert "گرگ‌تپه" in page and "مریم احمدی" in page and "۵۰۰٬۰۰۰ تومان" in page
    assert client_as().get("/paylater/admin").status_code == 403
    elsewhere = client_as("admin", region="hamadan/arzanfud").get("/paylater/admin").get_data(as_text=True)
    assert "مریم احمدی" not in elsewhere
    dashboard = admin.get("/admin").get_data(as_text=True)
    assert "بدهی نسیه" in dashboard and "معوقات نسیه" in dashboard


def test_the_api_tells_the_limit_lists_purchases_and_pays_one_once(app, buyer, make_shop, checkout, top_up):
    shop = make_shop([1_000_000])
    (order_id,) = checkout(buyer, [(shop.product_ids[0], 1)])
    with work(app) as s:
        mobile = s.get(Member, buyer).mobile
    made = app.test_cli_runner().invoke(args=["members", "token", mobile, "--name", "test", "--json"])
    plain = json.loads(made.stdout)["token"]
    app.test_client_class = ResalatClient
    api = app.test_client()
    api.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {plain}"

    limit = api.get("/api/v1/paylater/limit").get_json()
    assert (limit["limit"], limit["used"], limit["free"], limit["frozen"]) == (
        5_000_000 * TOMAN,
        1_000_000 * TOMAN,
        4_000_000 * TOMAN,
        False,
    )
    body = api.get("/api/v1/paylater/debts").get_json()
    (debt,) = body["items"]
    assert (debt["order_id"], debt["status"], debt["overdue"]) == (order_id, "open", False)

    short = api.post(f"/api/v1/paylater/debts/{debt['id']}/pay", headers={"Idempotency-Key": "p1"})
    assert short.status_code == 400 and short.get_json()["error"]["code"] == "insufficient_funds"
    top_up(buyer, rials=1_000_000 * TOMAN)
    paid = api.post(f"/api/v1/paylater/debts/{debt['id']}/pay", headers={"Idempotency-Key": "p1"})
    again = api.post(f"/api/v1/paylater/debts/{debt['id']}/pay", headers={"Idempotency-Key": "p1"})
    assert paid.status_code == again.status_code == 200
    assert paid.get_json() == again.get_json() and paid.get_json()["paid_by"] == "member"
    other_key = api.post(f"/api/v1/paylater/debts/{debt['id']}/pay", headers={"Idempotency-Key": "p2"})
    assert other_key.status_code == 409
    with work(app) as s:
        assert s.scalar(select(Debt.status).where(Debt.order_id == order_id)) == "paid"


def test_admins_read_the_regions_and_overdue_through_the_api(app, buyer, make_shop, checkout, api_as):
    shop = make_shop([500_000])
    checkout(buyer, [(shop.product_ids[0], 1)])
    make_overdue(app, buyer, days=40)
    admin = api_as("admin", region="zanjan/zanjan")
    (row,) = admin.get("/api/v1/paylater/admin/regions").get_json()
    assert (row["region"], row["overdue_count"], row["overdue_rials"]) == ("zanjan/gorg-tappeh", 1, 5_000_000)
    (item,) = admin.get("/api/v1/paylater/admin/overdue").get_json()["items"]
    assert (item["member_name"], item["days_overdue"]) == ("مریم احمدی", 40)
    assert api_as().get("/api/v1/paylater/admin/regions").status_code == 403


def test_every_operation_is_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    mine = {p: sorted(ops) for p, ops in paths.items() if p.startswith("/api/v1/paylater/")}
    assert mine == {
        "/api/v1/paylater/limit": ["get"],
        "/api/v1/paylater/debts": ["get"],
        "/api/v1/paylater/debts/{debt_id}": ["get"],
        "/api/v1/paylater/debts/{debt_id}/pay": ["post"],
        "/api/v1/paylater/admin/regions": ["get"],
        "/api/v1/paylater/admin/overdue": ["get"],
    }


def test_a_ledger_line_names_the_purchase_and_links_only_its_buyer(app, buyer, make_shop, checkout):
    shop = make_shop([500_000])
    (order_id,) = checkout(buyer, [(shop.product_ids[0], 1)])
    with work(app) as s:
        debt_id = s.scalar(select(Debt.id).where(Debt.order_id == order_id))
    client = signed_in(app, buyer)
    with client:
        client.get("/paylater/")
        hook = app.extensions["resalat"].plugins.pm.hook
        named = hook.resalat_reference(kind="paylater_debt", ident=debt_id)
        assert "خرید نسیه‌ی شماره‌ی" in str(named.name) and named.url == "/paylater/"


def test_a_client_sees_the_offer_in_the_cart_and_buys_with_it_through_m_bazars_api(
    app, buyer, make_shop, in_cart
):
    shop = make_shop([800_000])
    in_cart(buyer, shop.product_ids[0], 1)
    with work(app) as s:
        mobile = s.get(Member, buyer).mobile
    made = app.test_cli_runner().invoke(args=["members", "token", mobile, "--name", "test", "--json"])
    app.test_client_class = ResalatClient
    api = app.test_client()
    api.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {json.loads(made.stdout)['token']}"

    (offer,) = [
        m for m in api.get("/api/v1/bazaar/cart").get_json()["payment_methods"] if m["code"] == "paylater.due"
    ]
    assert (offer["pay_now_rials"], offer["total_rials"], offer["stage"]) == (0, 800_000 * TOMAN, "rest")
    bought = api.post(
        "/api/v1/bazaar/checkout",
        json={"address": "زنجان، گرگ‌تپه، خیابان اصلی", "methods": ["paylater.due"]},
        headers={"Idempotency-Key": "buy-1"},
    )
    assert bought.status_code == 201, bought.get_json()
    (debt,) = api.get("/api/v1/paylater/debts").get_json()["items"]
    assert (debt["order_id"], debt["amount"]) == (bought.get_json()["orders"][0]["id"], 800_000 * TOMAN)


def test_the_home_page_reminds_of_a_purchase_due_soon_and_nobody_else(
    app, buyer, make_shop, checkout, client_as
):
    shop = make_shop([500_000])
    checkout(buyer, [(shop.product_ids[0], 1)])
    with work(app) as s:
        s.execute(update(Debt).values(due_on=services.today() + timedelta(days=2)))
    assert "سررسید یک خرید نسیه نزدیک است" in signed_in(app, buyer).get("/").get_data(as_text=True)
    assert "خرید نسیه نزدیک" not in client_as().get("/").get_data(as_text=True)

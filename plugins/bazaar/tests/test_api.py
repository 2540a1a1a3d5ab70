"""The M-Bazar API: owners' catalogue, search, cart, an idempotent checkout, order transitions."""

from __future__ import annotations

import io

from resalat_bazaar import services
from resalat_bazaar.models import Order, Product

from .conftest import png, work


def test_a_seller_builds_a_catalogue_through_the_api(app, api_as):
    seller = api_as()
    booth = seller.post(
        "/api/v1/bazaar/booths",
        json={"name": "عسل ارزنفود", "delivery_options": ["post"], "region": "hamadan"},
    )
    assert booth.status_code == 201, booth.get_json()
    booth_id = booth.get_json()["id"]

    made = seller.post(
        f"/api/v1/bazaar/booths/{booth_id}/products",
        json={
            "title": "عسل كوهستان",
            "category": "honey",
            "price_rials": 7_000_000,
            "stock": 20,
            "unit": "kg",
        },
    )
    assert made.status_code == 201, made.get_json()
    product = made.get_json()
    assert (product["title"], product["price_rials"], product["category"]) == (
        "عسل کوهستان",
        7_000_000,
        "honey",
    )

    changed = seller.patch(
        f"/api/v1/bazaar/products/{product['id']}", json={"stock": 15, "programmes": ["beekeeping"]}
    )
    assert changed.get_json()["stock"] == 15 and changed.get_json()["programmes"] == ["beekeeping"]

    photo = seller.post(
        f"/api/v1/bazaar/products/{product['id']}/photos",
        data={"photo": (io.BytesIO(png()), "honey.png")},
        content_type="multipart/form-data",
    )
    assert photo.status_code == 201 and photo.get_json()["photos"][0]["thumb_url"].endswith("_t.jpg")

    gone = seller.delete(f"/api/v1/bazaar/products/{product['id']}")
    assert gone.get_json()["listed"] is False
    listed = seller.get(f"/api/v1/bazaar/booths/{booth_id}/products").get_json()
    assert listed["meta"]["total"] == 1  # the owner still sees it


def test_bad_product_fields_are_named_and_nothing_is_stored(app, api_as, make_shop):
    shop = make_shop([])
    seller = api_as()
    with work(app) as s:
        from resalat_bazaar.models import Booth

        s.get(Booth, shop.booth_id).owner_id = seller.member_id
    response = seller.post(
        f"/api/v1/bazaar/booths/{shop.booth_id}/products",
        json={"title": "", "category": "nope", "price_rials": -5, "stock": -1},
    )
    body = response.get_json()
    assert response.status_code == 400
    assert {"title", "category", "price_rials", "stock"} <= set(body["error"]["fields"])
    with work(app) as s:
        assert s.query(Product).count() == 0


def test_someone_elses_booth_and_product_are_404_through_the_api(app, api_as, make_shop):
    shop = make_shop()
    other = api_as()
    assert other.patch(f"/api/v1/bazaar/booths/{shop.booth_id}", json={"name": "مال من"}).status_code == 404
    assert other.patch(f"/api/v1/bazaar/products/{shop.product_ids[0]}", json={"stock": 0}).status_code == 404
    assert other.post(f"/api/v1/bazaar/booths/{shop.booth_id}/products", json={}).status_code == 404
    assert other.delete(f"/api/v1/bazaar/products/{shop.product_ids[0]}").status_code == 404


def test_search_with_rial_prices(app, client, make_shop):
    make_shop(
        [{"title": "زعفران سرگل", "category": "saffron", "price": "450000"}, {"title": "عسل", "price": "10"}]
    )
    found = client.get("/api/v1/bazaar/search?q=زعفران&min_price=1000000").get_json()
    assert [p["title"] for p in found["items"]] == ["زعفران سرگل"]
    assert found["meta"]["total"] == 1
    bad = client.get("/api/v1/bazaar/search?min_price=abc")
    assert bad.status_code == 400 and "min_price" in bad.get_json()["error"]["fields"]


def test_checkout_through_the_api_needs_and_honours_an_idempotency_key(app, api_as, make_shop, fund, balance):
    shop = make_shop([{"price": "100000", "stock": 5}])
    buyer = api_as()
    fund(buyer.member_id, 1_000_000)
    put = buyer.put(f"/api/v1/bazaar/cart/items/{shop.product_ids[0]}", json={"quantity": 2})
    assert put.status_code == 200 and put.get_json()["total_rials"] == 2_000_000

    no_key = buyer.post("/api/v1/bazaar/checkout", json={"funding": "main"})
    assert no_key.status_code == 400
    body = {"funding": "main", "delivery": {str(shop.booth_id): "pickup"}}
    first = buyer.post("/api/v1/bazaar/checkout", json=body, headers={"Idempotency-Key": "pay-1"})
    again = buyer.post("/api/v1/bazaar/checkout", json=body, headers={"Idempotency-Key": "pay-1"})

    assert first.status_code == 201, first.get_json()
    assert again.status_code == 201 and again.headers.get("Idempotent-Replayed") == "true"
    assert again.get_json() == first.get_json()
    assert balance(buyer.member_id) == 8_000_000
    with work(app) as s:
        assert s.query(Order).count() == 1
    order = first.get_json()["orders"][0]
    assert order["status"] == "placed" and order["actions"] == ["cancel"]


def test_a_refused_api_checkout_changes_nothing(app, api_as, make_shop, fund, snapshot):
    shop = make_shop([{"price": "100000", "stock": 1}])
    buyer = api_as()
    fund(buyer.member_id, 50_000)
    buyer.put(f"/api/v1/bazaar/cart/items/{shop.product_ids[0]}", json={"quantity": 1})
    before = snapshot()

    response = buyer.post("/api/v1/bazaar/checkout", json={}, headers={"Idempotency-Key": "k"})

    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "insufficient_funds"
    assert snapshot() == before


def test_quantity_over_stock_through_the_api(app, api_as, make_shop):
    shop = make_shop([{"stock": 2}])
    buyer = api_as()
    response = buyer.put(f"/api/v1/bazaar/cart/items/{shop.product_ids[0]}", json={"quantity": 3})
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "not_available"
    assert buyer.get("/api/v1/bazaar/cart").get_json()["count"] == 0


def test_transitions_through_the_api(app, api_as, make_shop, fund, buy, balance):
    shop = make_shop([{"price": "100000"}])
    seller, buyer = api_as(), api_as()
    with work(app) as s:
        from resalat_bazaar.models import Booth

        s.get(Booth, shop.booth_id).owner_id = seller.member_id
    fund(buyer.member_id, 1_000_000)
    (order_id,) = buy(buyer.member_id, [(shop.product_ids[0], 1)])
    url = f"/api/v1/bazaar/orders/{order_id}/transitions"

    def step(client, action, key, **kw):
        return client.post(url, json={"action": action, **kw}, headers={"Idempotency-Key": key})

    assert step(buyer, "accept", "a0").status_code == 403
    assert step(seller, "accept", "a1").get_json()["status"] == "accepted"
    assert step(seller, "ship", "a2", note="ام‌اس‌تی").get_json()["tracking"] == "ام‌اس‌تی"
    done = step(buyer, "confirm", "a3")
    replay = step(buyer, "confirm", "a3")
    assert done.get_json()["status"] == "completed"
    assert replay.headers.get("Idempotent-Replayed") == "true"
    assert balance(seller.member_id) == 1_000_000
    detail = buyer.get(f"/api/v1/bazaar/orders/{order_id}").get_json()
    assert [h["to_status"] for h in detail["history"]] == ["placed", "accepted", "shipped", "completed"]
    assert api_as().get(f"/api/v1/bazaar/orders/{order_id}").status_code == 404
    sales = seller.get("/api/v1/bazaar/orders?as=seller").get_json()
    assert [o["id"] for o in sales["items"]] == [order_id]


def test_the_dashboard_and_the_openapi_document(app, api_as, client):
    seller = api_as()
    figures = seller.get("/api/v1/bazaar/dashboard?period=12m").get_json()
    assert figures["period"] == "12m" and len(figures["series"]) == 12
    assert seller.get("/api/v1/bazaar/dashboard?period=5y").status_code == 400
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/bazaar/checkout" in spec["paths"]
    assert "/api/v1/bazaar/orders/{order_id}/transitions" in spec["paths"]


def _filled_cart(app, member_id: int, product_ids: list[int]) -> None:
    """The cart as full as it gets, in one statement (as the demo's rows fill it)."""
    from sqlalchemy import insert

    from resalat_core.sdk import utcnow

    now = utcnow()
    rows = [{"member_id": member_id, "product_id": p, "quantity": 1, "added_at": now} for p in product_ids]
    with work(app) as s:
        s.execute(insert(services.CartItem), rows)


def test_a_cart_holds_at_most_so_many_different_products(app, api_as, client_as, make_shop, snapshot):
    from sqlalchemy import func, select

    most = services.CART_LINES_MAX
    shop = make_shop([{"stock": 5, "title": f"عسل {n}"} for n in range(most + 2)])
    *filled, extra, another = shop.product_ids
    buyer = api_as()
    _filled_cart(app, buyer.member_id, filled)
    before = snapshot()

    refused = buyer.put(f"/api/v1/bazaar/cart/items/{extra}", json={"quantity": 1})
    assert refused.status_code == 400
    error = refused.get_json()["error"]
    assert error["code"] == "cart_full" and "۱۰۰" in error["message"] and "quantity" in error["fields"]
    assert snapshot() == before
    # A line already there may still change, and a freed place takes a new product.
    assert buyer.put(f"/api/v1/bazaar/cart/items/{filled[0]}", json={"quantity": 2}).status_code == 200
    assert buyer.delete(f"/api/v1/bazaar/cart/items/{filled[1]}").status_code in (200, 204)
    assert buyer.put(f"/api/v1/bazaar/cart/items/{extra}", json={"quantity": 1}).status_code == 200

    # The product page's button says the same in Persian and adds nothing.
    page_buyer = client_as()
    _filled_cart(app, page_buyer.member_id, filled[:-1])
    assert 'data-testid="cart-full"' not in page_buyer.get("/bazaar/cart").get_data(as_text=True)
    _filled_cart(app, page_buyer.member_id, filled[-1:])
    # The cart page says so before a product page's button would refuse.
    cart_page = page_buyer.get("/bazaar/cart").get_data(as_text=True)
    assert 'data-testid="cart-full"' in cart_page and "حداکثر ۱۰۰ کالای مختلف" in cart_page
    product = f"/bazaar/products/{another}"
    answer = page_buyer.form(f"{product}/cart", {"quantity": "1"}, token_from=product)
    assert answer.status_code in (302, 303)
    shown = page_buyer.get(answer.headers["Location"]).get_data(as_text=True)
    assert "حداکثر ۱۰۰ کالای مختلف" in shown
    with work(app) as s:
        held = s.scalar(select(func.count()).where(services.CartItem.member_id == page_buyer.member_id))
    assert held == most

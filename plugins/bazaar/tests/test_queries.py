"""No page asks the database once per row: the same number of queries for 2 rows as for 12."""

from __future__ import annotations

from .conftest import png, work


def queries(count_queries, client, url: str) -> int:
    client.get(url)  # warm: the categories seeded, the main account opened
    with count_queries() as counted:
        response = client.get(url)
    assert response.status_code == 200, url
    return counted.count


def with_photos(app, shop) -> None:
    from resalat_bazaar import services

    from resalat_core.sdk import Member

    with work(app) as s:
        owner = s.get(Member, shop.owner_id)
        for product_id in shop.product_ids:
            services.add_product_photo(s, services.get_product(s, product_id), owner, png(120, 90))


def test_search_and_booth_pages(app, client, make_shop, count_queries):
    small = make_shop([{"title": f"عسل {n}", "programmes": ["beekeeping"]} for n in range(2)])
    big = make_shop([{"title": f"عسل {n}", "programmes": ["beekeeping"]} for n in range(12)])
    with_photos(app, small)
    with_photos(app, big)

    few = queries(count_queries, client, f"/bazaar/?q=عسل&booth={small.booth_id}")
    many = queries(count_queries, client, f"/bazaar/?q=عسل&booth={big.booth_id}")
    assert few == many

    few = queries(count_queries, client, f"/bazaar/booths/{small.booth_id}")
    many = queries(count_queries, client, f"/bazaar/booths/{big.booth_id}")
    assert few == many
    assert queries(count_queries, client, "/bazaar/booths") <= few


def test_cart_orders_and_dashboard_pages(app, client_as, make_shop, fund, buy, in_cart, count_queries):
    # With a delivery option besides pickup: each delivery plugin is asked once per option for
    # every booth of the cart (``resalat_delivery_quotes``), not once per booth.
    shops = [
        make_shop([{"price": "1000", "stock": 100} for _ in range(3)], delivery=["pickup", "mst"])
        for _ in range(4)
    ]
    few_buyer, many_buyer = client_as(), client_as()
    for member in (few_buyer, many_buyer):
        fund(member.member_id, 1_000_000)
    buy(few_buyer.member_id, [(shops[0].product_ids[0], 1)])
    for shop in shops:
        buy(many_buyer.member_id, [(pid, 2) for pid in shop.product_ids])
    in_cart(few_buyer.member_id, shops[1].product_ids[0], 1)
    for shop in shops:
        for pid in shop.product_ids:
            in_cart(many_buyer.member_id, pid, 1)

    for url in ("/bazaar/cart", "/bazaar/orders"):
        assert queries(count_queries, few_buyer, url) == queries(count_queries, many_buyer, url), url

    seller = client_as()
    seller.sign_in(shops[0].owner_id)
    busy = queries(count_queries, seller, "/bazaar/dashboard")
    sales = queries(count_queries, seller, "/bazaar/orders?as=seller")
    quiet_seller = client_as()
    quiet_shop = make_shop([{"stock": 100}], owner_id=quiet_seller.member_id)
    buy(few_buyer.member_id, [(quiet_shop.product_ids[0], 1)])
    assert queries(count_queries, quiet_seller, "/bazaar/dashboard") == busy
    assert queries(count_queries, quiet_seller, "/bazaar/orders?as=seller") == sales


def test_an_order_page_with_many_lines(app, client_as, make_shop, fund, buy, count_queries):
    small = make_shop([{"price": "1000"} for _ in range(2)])
    big = make_shop([{"price": "1000"} for _ in range(10)])
    buyer = client_as()
    fund(buyer.member_id, 1_000_000)
    (few_id,) = buy(buyer.member_id, [(pid, 1) for pid in small.product_ids])
    (many_id,) = buy(buyer.member_id, [(pid, 1) for pid in big.product_ids])
    assert queries(count_queries, buyer, f"/bazaar/orders/{few_id}") == queries(
        count_queries, buyer, f"/bazaar/orders/{many_id}"
    )


def test_search_page_and_api_do_not_ask_per_result(app, client, make_shop, count_queries):
    # Words only (on PostgreSQL the index table's own path) and words with filters.
    few_shop = make_shop([{"title": f"موم {n}", "programmes": ["beekeeping"]} for n in range(2)])
    many_shop = make_shop([{"title": f"گلیم {n}", "programmes": ["beekeeping"]} for n in range(12)])
    with_photos(app, few_shop)
    with_photos(app, many_shop)
    for base in ("/bazaar/?", "/api/v1/bazaar/search?"):
        for filters in ("", "&region=zanjan&min_price=1000&category=honey", "&sort=price_asc"):
            few = queries(count_queries, client, f"{base}q=موم{filters}")
            many = queries(count_queries, client, f"{base}q=گلیم{filters}")
            assert few == many, (base, filters)

"""No page asks the database once per row: the same number of queries for 2 rows as for 12."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from resalat_bazaar import services
from sqlalchemy import func, select

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


def _redis_or_skip() -> str:
    import redis

    url = "redis://127.0.0.1:6379/2"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip("no Redis server on 127.0.0.1:6379")
    return url


def _category_reads(app, url: str) -> tuple[int, int]:
    """(categories read, every statement) for one visit of ``url`` on ``app``."""
    from resalat_core.testing import counting_queries

    with counting_queries(app) as counted:
        assert app.test_client().get(url).status_code == 200, url
    return len([q for q in counted.statements if "FROM bazaar_categories" in q]), counted.count


def test_with_the_member_cache_each_worker_keeps_the_category_tree(app, make_app, make_shop):
    # Reference data every search and product page shows: read once by a worker, then kept
    # while the module switches' generation stands (as the deployment runs, with Redis).
    cached = make_app(member_cache_url=_redis_or_skip(), ratelimit_namespace=uuid.uuid4().hex)
    shop = make_shop([{"title": "عسل کوهستان"}])
    product = f"/bazaar/products/{shop.product_ids[0]}"
    assert _category_reads(cached, "/bazaar/?q=عسل")[0] >= 1
    assert _category_reads(cached, "/bazaar/?q=عسل")[0] == 0
    assert _category_reads(cached, product)[0] == 0
    # The product page's own reads: the product with its booth, place, photos and programmes
    # in one statement, and what the community says of it in another.
    assert _category_reads(cached, product)[1] <= 2
    # Without the member cache every page reads the tree (the embedded set-up).
    assert _category_reads(app, "/bazaar/?q=عسل")[0] == 1


def test_a_tree_seeded_by_a_transaction_that_rolls_back_is_not_kept(app, make_app):
    from resalat_bazaar.models import Category

    from resalat_core.testing import counting_queries

    cached = make_app(member_cache_url=_redis_or_skip(), ratelimit_namespace=uuid.uuid4().hex)
    db = cached.extensions["resalat"].db

    def tree_and_reads() -> tuple[Any, int]:
        with cached.test_request_context("/"), db.new_session() as s, counting_queries(cached) as counted:
            tree = services.category_tree(s)
            s.rollback()  # the visit fails after seeding: its ids are taken back
        return tree, len([q for q in counted.statements if "FROM bazaar_categories" in q])

    seeded, _reads = tree_and_reads()
    assert not seeded.committed and seeded.by_code["honey"]
    # Not kept: the next visit reads (and seeds) again rather than trust ids that were rolled back.
    again, reads = tree_and_reads()
    assert reads >= 1 and not again.committed
    with cached.app_context(), db.new_session() as s:
        assert s.scalar(select(func.count()).select_from(Category)) == 0

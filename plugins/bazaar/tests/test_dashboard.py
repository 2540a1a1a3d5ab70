"""The seller's dashboard: sales by period drawn as inline SVG, top products, waiting orders, low stock."""

from __future__ import annotations

from datetime import datetime

from resalat_bazaar import charts, services
from resalat_bazaar.models import Order

from resalat_core.sdk import Member

from .conftest import work


def test_the_dashboard_sums_sales_and_lists_what_needs_the_seller(
    app, client_as, make_shop, make_member, fund, buy, act
):
    shop = make_shop(
        [
            {"title": "زعفران سرگل", "category": "saffron", "price": "100000", "stock": 50},
            {"title": "زعفران نگین", "category": "saffron", "price": "400000", "stock": 2},
        ]
    )
    buyer = make_member()
    fund(buyer, 10_000_000)
    (first,) = buy(buyer, [(shop.product_ids[0], 3)])
    (second,) = buy(buyer, [(shop.product_ids[1], 1)])
    (cancelled,) = buy(buyer, [(shop.product_ids[0], 1)])
    act(buyer, cancelled, "cancel", reason="اشتباه شد")
    act(shop.owner_id, first, "accept")

    with work(app) as s:
        figures = services.seller_dashboard(s, s.get(Member, shop.owner_id))
        assert figures.total == 7_000_000  # the refunded order does not count
        assert figures.orders == 2
        assert [t.title for t in figures.top] == ["زعفران نگین", "زعفران سرگل"]
        assert sorted(o.id for o in figures.pending) == sorted([first, second])
        assert [p.title for p in figures.low_stock] == ["زعفران نگین"]  # one left
        assert figures.series[-1].amount == 7_000_000 and len(figures.series) == 30

    seller = client_as()
    seller.sign_in(shop.owner_id)
    html = seller.get("/bazaar/dashboard").get_data(as_text=True)
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html and 'data-testid="sales-chart"' in html
    assert "۷۰۰٬۰۰۰ تومان" in html
    assert "<script" not in html.split("<main")[1]  # drawn on the server, no JavaScript
    year = seller.get("/bazaar/dashboard?period=12m").get_data(as_text=True)
    assert year.count("<rect") == 12


def test_sales_are_grouped_by_tehran_day_and_jalali_month(app, make_shop, make_member, fund, buy):
    shop = make_shop([{"price": "1000", "stock": 100}])
    buyer = make_member()
    fund(buyer, 1_000_000)
    ids = [buy(buyer, [(shop.product_ids[0], 1)])[0] for _ in range(3)]
    now = datetime(2025, 3, 25, 12, 0)  # 1404/01/05
    with work(app) as s:
        # 22:00 UTC on 20 March is already 1404/01/01 in Tehran (01:30 on 21 March).
        s.get(Order, ids[0]).created_at = datetime(2025, 3, 20, 22, 0)
        s.get(Order, ids[1]).created_at = datetime(2025, 3, 20, 19, 0)  # still 1403/12/30
        s.get(Order, ids[2]).created_at = datetime(2025, 1, 10, 9, 0)  # 1403/10/21
    with work(app) as s:
        days = services.sales_series(s, [shop.booth_id], period="30d", now=now)
        months = services.sales_series(s, [shop.booth_id], period="12m", now=now)
    by_day = {p.start.isoformat(): p.amount for p in days if p.amount}
    assert by_day == {"2025-03-21": 10_000, "2025-03-20": 10_000}
    assert [(p.label, p.amount) for p in months if p.amount] == [
        ("۰۳/۱۰", 10_000),
        ("۰۳/۱۲", 10_000),
        ("۰۴/۰۱", 10_000),
    ]


def test_the_chart_is_plain_svg_that_escapes_its_text():
    svg = charts.bar_chart(
        [("<b>", 5), ("2", 10)], title='"title" & more', value_text=lambda v: f"{v} rials", rtl=False
    )
    assert "<b>" not in svg and "&lt;b&gt;" in svg
    assert "&#34;title&#34; &amp; more" in svg or "&quot;title&quot; &amp; more" in svg
    empty = charts.bar_chart([], title="t", value_text=str, empty_text="هیچ")
    assert "هیچ" in empty and "<rect" not in empty


def test_a_member_without_booths_sees_an_invitation(app, client_as):
    html = client_as().get("/bazaar/dashboard").get_data(as_text=True)
    assert 'href="/bazaar/booths/new"' in html


def test_the_tile_counts_orders_waiting_for_the_seller(app, client_as, make_shop, make_member, fund, buy):
    shop = make_shop([{"stock": 9}])
    buyer = make_member()
    fund(buyer, 1_000_000)
    buy(buyer, [(shop.product_ids[0], 1)])
    seller = client_as()
    seller.sign_in(shop.owner_id)
    home = seller.get("/").get_data(as_text=True)
    tile = home.split('<a class="tile" href="/bazaar/"')[1].split("</a>")[0]  # the tile, not the bar's link
    assert "ام‌بازار" in tile and 'text-bg-danger">۱<' in tile


def test_the_keyed_figures_count_completed_sales_and_orders(
    app, make_shop, make_member, fund, buy, act, count_queries
):
    from resalat_bazaar import hooks

    def figures():
        with app.test_request_context(), count_queries() as q:
            found = {f.key: f.value for f in hooks.resalat_stats(session=work_session(app), area=None)}
        return found, q.count

    def sell(shop, buyer, times):
        for _ in range(times):
            (order_id,) = buy(buyer, [(shop.product_ids[0], 1)])
            act(shop.owner_id, order_id, "accept")
            act(shop.owner_id, order_id, "ship", note="پست")
            act(buyer, order_id, "confirm")

    shop = make_shop([{"price": "100000", "stock": 50}, {"price": "5000", "stock": 5}])
    buyer = make_member()
    fund(buyer, 10_000_000)
    sell(shop, buyer, 1)
    buy(buyer, [(shop.product_ids[1], 1)])  # placed, not completed: not counted
    small, few = figures()
    sell(shop, buyer, 3)
    large, many = figures()

    assert small == {"booths": 1, "products": 2, "sales_volume": 1_000_000, "orders": 1}
    assert (large["sales_volume"], large["orders"]) == (4_000_000, 4)
    assert few == many


def work_session(app):
    from resalat_core.sdk import get_db

    return get_db().session

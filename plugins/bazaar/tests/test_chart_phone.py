"""The seller's dashboard on a 390 px phone: the chart's labels never overlap, in either language
and either period, and the page passes axe's serious and critical rules."""

from __future__ import annotations

from datetime import timedelta

import pytest
from resalat_bazaar import charts
from resalat_bazaar.models import Order

from resalat_core.sdk import Member, utcnow
from resalat_core.testing import PASSWORD, assert_accessible, layout_problems

from .conftest import work

WIDTH = 390
OVERLAPS = """() => {
    const boxes = [...document.querySelectorAll("[data-testid=sales-chart] [data-testid=chart-label]")]
        .map(t => t.getBoundingClientRect());
    const clash = [];
    boxes.forEach((a, i) => boxes.slice(i + 1).forEach(b => {
        const meet = a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
        if (meet) clash.push([a.left, b.left]);
    }));
    return [boxes.length, clash, Math.min(...boxes.map(b => b.height))];
}"""


def test_thirty_days_of_labels_leave_room_for_each_other():
    for label in ("۰۹/۱۵", "Dec 26", "1404/09/15"):
        svg = str(charts.bar_chart([(label, i + 1) for i in range(30)], title="t", value_text=str))
        shown = svg.count('data-testid="chart-label"')
        assert 2 <= shown < 30
        # The newest bar is always labelled.
        assert svg.rindex("<rect") < svg.rindex('data-testid="chart-label"')


@pytest.mark.browser
def test_the_sales_chart_labels_do_not_overlap_on_a_phone(
    app, live_server, page, make_shop, make_member, fund, buy
):
    shop = make_shop([{"price": "1000", "stock": 100}])
    buyer = make_member()
    fund(buyer, 1_000_000)
    ids = [buy(buyer, [(shop.product_ids[0], 1)])[0] for _ in range(6)]
    with work(app) as s:
        for n, order_id in enumerate(ids):
            s.get(Order, order_id).created_at = utcnow() - timedelta(days=n * 5)
        mobile = s.get(Member, shop.owner_id).mobile
    page.set_viewport_size({"width": WIDTH, "height": 800})
    page.goto(f"{live_server}/auth/login?next=/bazaar/dashboard")
    page.fill("#f-identifier", mobile)
    page.fill("#f-password", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/bazaar/dashboard")

    for lang in ("fa", "en"):
        page.goto(f"{live_server}/lang/{lang}")
        for period in ("30d", "12m"):
            page.goto(f"{live_server}/bazaar/dashboard?period={period}")
            count, clashes, smallest = page.evaluate(OVERLAPS)
            assert count >= 2 and clashes == [], (lang, period, clashes)
            assert smallest >= 9, (lang, period, smallest)  # readable on the phone, in px
            assert layout_problems(page, WIDTH) == [], (lang, period)
            assert_accessible(page, f"{lang} {period}")

"""M-Bazar tells Merat how many sales a member completed through their booths, and how to weigh them.

Merat asks through its hooks; M-Bazar does not require Merat, so its answers are read here
directly, whether Merat is installed or not.
"""

from __future__ import annotations

from resalat_bazaar import hooks

from resalat_core.sdk import Member

from .conftest import work


def bazaar_signals(app, member_id):
    with work(app) as s:
        return hooks.resalat_credit_signals(member=s.get(Member, member_id))


def test_completed_sales_through_a_members_booths_are_a_credit_signal(
    app, make_member, make_shop, fund, buy, act
):
    shop = make_shop([{"price": "100000", "stock": 9}])
    assert bazaar_signals(app, shop.owner_id) == []  # nothing sold yet: no signal at all
    buyer = make_member()
    fund(buyer, 1_000_000)
    orders = [buy(buyer, [(shop.product_ids[0], 1)])[0] for _ in range(3)]
    for order_id in orders[:2]:
        act(shop.owner_id, order_id, "accept")
        act(shop.owner_id, order_id, "ship")
        act(buyer, order_id, "confirm")

    (signal,) = bazaar_signals(app, shop.owner_id)

    # Only the two the buyer confirmed count; the third is still waiting in escrow.
    assert (signal.kind, signal.value) == ("bazaar_sales_completed", 2)
    assert bazaar_signals(app, buyer) == []  # buying is not selling


def test_the_signal_is_declared_with_its_default_weight_and_reads_in_persian(app):
    (kind,) = hooks.resalat_credit_signal_kinds()

    assert (kind.kind, kind.points, kind.per, kind.cap, kind.money) == (
        "bazaar_sales_completed",
        2,
        1,
        80,
        False,
    )
    with app.test_request_context("/"):
        from resalat_core.sdk import render

        assert render(kind.description, {"value": 12}) == "۱۲ فروش تکمیل‌شده در غرفه‌های ام‌بازار این عضو"

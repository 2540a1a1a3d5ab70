"""M-Bazar tells Merat how many sales a member completed through their booths."""

from __future__ import annotations

from resalat_core.sdk import Member

from .conftest import work


def bazaar_signals(app, member_id):
    with work(app) as s:
        member = s.get(Member, member_id)
        answers = app.extensions["resalat"].plugins.pm.hook.resalat_credit_signals(member=member)
        return [signal for answer in answers for signal in (answer or []) if signal.source == "bazaar"]


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
    assert "۲" in signal.description_fa and "2" in signal.description_en
    assert bazaar_signals(app, buyer) == []  # buying is not selling

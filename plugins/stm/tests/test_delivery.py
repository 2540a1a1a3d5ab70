"""An order carried by M-ST from quote to door: priced at checkout, paid, a shipment created,
accepted, picked up, delivered with the buyer's code; the order completed, the seller and the
operator paid, the ledger balanced. And every rule the contract names, tried and refused."""

from __future__ import annotations

import pytest
from resalat_bazaar import services as bazaar
from resalat_bazaar.services import Order
from resalat_stm import services
from resalat_stm.models import Shipment

from resalat_core.sdk import BadInput, Conflict, Member, NotAllowed, TooManyAttempts, verify_ledger
from resalat_core.testing import work

TOMAN = 10


def _quote(app, buyer: int, product_id: int, quantity: int, in_cart) -> bazaar.DeliveryQuote:
    in_cart(buyer, product_id, quantity)
    with work(app) as s:
        member = s.get(Member, buyer)
        group = bazaar.cart(s, member).groups[0]
        return services.quote(s, member, group)


def test_an_order_goes_from_quote_to_door_and_everyone_is_paid(
    app, shop, buyer, operator, checkout, in_cart, shipment_of, balances, act, inbox
):
    # 3 kg of honey from Gorg Tappeh to Zanjan city: the default same-province band up to 5 kg.
    quote = _quote(app, buyer, shop.product_ids[0], 3, in_cart)
    assert (quote.fee, quote.account, quote.purpose) == (600_000, "stm_fees", "stm_delivery_fee")
    assert len(quote.terms) == 2
    before = balances(buyer, shop.owner_id, operator)

    order_id = checkout(buyer, shop, [])
    made = shipment_of(order_id)
    assert (made["status"], made["fee"], made["weight"]) == ("created", 600_000, 3000)
    assert len(made["code"]) == 6 and made["code"].isdigit()
    assert "shipment_created" in inbox.kinds(buyer)
    paid = balances(buyer, shop.owner_id, operator)
    assert paid["fees"] - before["fees"] == 600_000
    assert before[str(buyer)] - paid[str(buyer)] == 3_000_000 + 600_000

    act(services.accept, operator, made["id"])
    act(services.move, operator, made["id"], "pickup")
    with work(app) as s:
        assert s.get(Order, order_id).status == "shipped"  # accepted for the seller, then sent
    act(services.move, operator, made["id"], "transit", "در راه زنجان")
    act(services.deliver, operator, made["id"], made["code"])

    done = shipment_of(order_id)
    assert done["status"] == "delivered"
    assert done["events"] == ["created", "assigned", "picked_up", "in_transit", "delivered"]
    with work(app) as s:
        assert s.get(Order, order_id).status == "completed"
    after = balances(buyer, shop.owner_id, operator)
    assert after[str(shop.owner_id)] - before[str(shop.owner_id)] == 3_000_000  # the seller, from escrow
    assert after[str(operator)] - before[str(operator)] == 540_000  # the fee less 10%
    assert after["income"] - before["income"] == 60_000
    assert after["fees"] == before["fees"]  # nothing left held for it
    assert "paid" in inbox.kinds(operator)
    with work(app) as s:
        assert verify_ledger(s).ok


def test_a_wrong_code_changes_nothing_and_five_lock_the_door(
    app, shop, buyer, operator, checkout, shipment_of, act, balances
):
    order_id = checkout(buyer, shop, [(shop.product_ids[0], 1)])
    made = shipment_of(order_id)
    act(services.accept, operator, made["id"])
    act(services.move, operator, made["id"], "pickup")
    wrong = "000000" if made["code"] != "000000" else "111111"
    before = balances(operator)
    for n in range(1, 5):
        with work(app) as s, pytest.raises(BadInput) as refused:
            services.deliver(s, s.get(Member, operator), made["id"], wrong)
        assert refused.value.code == "wrong_code"
        assert shipment_of(order_id)["wrong"] == n
    with work(app) as s, pytest.raises(BadInput):
        services.deliver(s, s.get(Member, operator), made["id"], wrong)
    # Locked now: even the right code waits.
    with pytest.raises(TooManyAttempts):
        act(services.deliver, operator, made["id"], made["code"])
    assert shipment_of(order_id)["status"] == "picked_up"
    assert balances(operator) == before
    with work(app) as s:
        assert s.get(Order, order_id).status == "shipped"
        s.get(Shipment, made["id"]).locked_until = None  # the lock's time has passed
    act(services.deliver, operator, made["id"], "۰" * 0 + made["code"])
    assert shipment_of(order_id)["status"] == "delivered"


def test_persian_digits_are_read_as_the_code(app, shop, buyer, operator, checkout, shipment_of, act):
    order_id = checkout(buyer, shop, [(shop.product_ids[0], 1)])
    made = shipment_of(order_id)
    act(services.accept, operator, made["id"])
    act(services.move, operator, made["id"], "pickup")
    persian = made["code"].translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    act(services.deliver, operator, made["id"], persian)
    assert shipment_of(order_id)["status"] == "delivered"


def test_an_operator_outside_their_area_is_refused(
    app, shop, buyer, make_operator, checkout, shipment_of, act
):
    far = make_operator(areas=("tehran",), region="tehran/tehran")
    order_id = checkout(buyer, shop, [(shop.product_ids[0], 1)])
    made = shipment_of(order_id)
    with pytest.raises(NotAllowed) as refused:
        act(services.accept, far, made["id"])
    assert refused.value.code == "outside_area"
    assert shipment_of(order_id)["status"] == "created"
    with work(app) as s:
        found = services.operator_of(s, s.get(Member, far))
        assert s.scalars(services.open_jobs_query(s, found)).all() == []


def test_only_approved_operators_may_take_jobs(app, shop, buyer, make_operator, checkout, shipment_of, act):
    waiting = make_operator(approve=False)
    order_id = checkout(buyer, shop, [(shop.product_ids[0], 1)])
    with pytest.raises(NotAllowed) as refused:
        act(services.accept, waiting, shipment_of(order_id)["id"])
    assert refused.value.code == "not_operator"


def test_a_parcel_heavier_than_the_vehicle_is_refused(
    app, shop, buyer, make_operator, checkout, shipment_of, act
):
    small = make_operator(capacity=50)
    order_id = checkout(buyer, shop, [(shop.product_ids[1], 2)])  # two lambs, 80 kg by default
    with pytest.raises(BadInput) as refused:
        act(services.accept, small, shipment_of(order_id)["id"])
    assert refused.value.code == "too_heavy"
    assert shipment_of(order_id)["status"] == "created"


def test_the_second_operator_gets_a_clear_conflict(
    app, shop, buyer, make_operator, checkout, shipment_of, act
):
    first, second = make_operator(), make_operator()
    order_id = checkout(buyer, shop, [(shop.product_ids[0], 1)])
    made = shipment_of(order_id)
    act(services.accept, first, made["id"])
    with pytest.raises((Conflict, NotAllowed)):
        act(services.accept, second, made["id"])


def test_a_cancelled_order_calls_the_shipment_off(
    app, shop, buyer, operator, checkout, shipment_of, act, inbox, balances
):
    order_id = checkout(buyer, shop, [(shop.product_ids[0], 1)])
    made = shipment_of(order_id)
    act(services.accept, operator, made["id"])
    before = balances(buyer)
    with work(app) as s:
        bazaar.transition(s, s.get(Order, order_id), "cancel", s.get(Member, buyer), reason="دیگر لازم ندارم")
    assert shipment_of(order_id)["status"] == "cancelled"
    assert "called_off" in inbox.kinds(operator)
    # M-Bazar gave the goods and the fee back; nothing was paid to the operator.
    assert balances(buyer)[str(buyer)] - before[str(buyer)] == 1_000_000 + 600_000
    with pytest.raises(Conflict):
        act(services.move, operator, made["id"], "pickup")


def test_a_failed_delivery_tells_both_sides_and_a_return_pays_the_trip(
    app, shop, buyer, operator, checkout, shipment_of, act, inbox, balances
):
    order_id = checkout(buyer, shop, [(shop.product_ids[0], 1)])
    made = shipment_of(order_id)
    act(services.accept, operator, made["id"])
    act(services.move, operator, made["id"], "pickup")
    with pytest.raises(BadInput) as refused:
        act(services.move, operator, made["id"], "fail", "")
    assert refused.value.code == "reason_required"
    act(services.move, operator, made["id"], "fail", "خریدار در خانه نبود")
    assert "failed" in inbox.kinds(buyer) and "failed" in inbox.kinds(shop.owner_id)
    before = balances(operator)
    act(services.move, operator, made["id"], "return")
    assert shipment_of(order_id)["status"] == "returned"
    assert balances(operator)[str(operator)] - before[str(operator)] == 540_000
    with work(app) as s:
        assert s.get(Order, order_id).status == "shipped"  # the goods' money stays in escrow


def test_too_heavy_for_every_band_is_refused_at_the_quote(app, shop, buyer, in_cart):
    in_cart(buyer, shop.product_ids[1], 30)  # 30 lambs, 1,200 kg
    with work(app) as s:
        member = s.get(Member, buyer)
        with pytest.raises(BadInput) as refused:
            services.quote(s, member, bazaar.cart(s, member).groups[0])
    assert refused.value.code == "too_heavy"


def test_the_seller_s_parcel_size_prices_the_delivery(app, shop, buyer, in_cart, act):
    act(services.set_parcel, shop.owner_id, shop.product_ids[0], 12_000, "large")
    quote = _quote(app, buyer, shop.product_ids[0], 1, in_cart)
    assert quote.fee == 1_500_000  # the 30 kg band
    with pytest.raises(BadInput):
        act(services.set_parcel, shop.owner_id, shop.product_ids[0], 0, "large")
    with pytest.raises(Exception):  # noqa: B017 (someone else's product: 404)
        act(services.set_parcel, buyer, shop.product_ids[0], 500, "small")


def test_a_consignment_prices_lower_and_leaves_with_its_parcels(
    app, shop, buyer, operator, make_member, checkout, in_cart, shipment_of, act
):
    leader = make_member("admin", region="zanjan/gorg-tappeh", role_region="zanjan")
    with work(app) as s:
        made = services.open_new_consignment(s, s.get(Member, leader), "zanjan/gorg-tappeh", "zanjan/zanjan")
        consignment_id = made.id
    quote = _quote(app, buyer, shop.product_ids[0], 1, in_cart)
    assert quote.fee == 600_000 * 60 // 100
    assert len(quote.terms) == 3
    order_id = checkout(buyer, shop, [])
    parcel = shipment_of(order_id)
    assert parcel["consignment_id"] == consignment_id and parcel["fee"] == 360_000
    # Not offered alone: it travels with the consignment.
    with work(app) as s:
        found = services.operator_of(s, s.get(Member, operator))
        assert s.scalars(services.open_jobs_query(s, found)).all() == []
    with pytest.raises(Conflict):
        act(services.leave, leader, consignment_id)  # no operator yet
    act(services.accept_consignment, operator, consignment_id)
    act(services.leave, operator, consignment_id)
    parcel = shipment_of(order_id)
    assert parcel["status"] == "in_transit"
    act(services.deliver, operator, parcel["id"], parcel["code"])
    with work(app) as s:
        assert s.get(Order, order_id).status == "completed"


def test_a_consignment_outside_the_leader_s_area_is_refused(app, make_member):
    leader = make_member("admin", region="tehran/tehran", role_region="tehran")
    with work(app) as s:
        with pytest.raises(NotAllowed):
            services.open_new_consignment(s, s.get(Member, leader), "zanjan/gorg-tappeh", "zanjan/zanjan")
        with pytest.raises(BadInput):
            services.open_new_consignment(s, s.get(Member, leader), "tehran", "zanjan/zanjan")


def test_as_the_carrier_m_st_alone_marks_its_orders_sent(
    app, monkeypatch, shop, buyer, operator, checkout, shipment_of, act
):
    plugins = dict(app.config["RESALAT"].get("plugins") or {})
    plugins["stm"] = {"carrier": True}
    monkeypatch.setitem(app.config["RESALAT"], "plugins", plugins)
    order_id = checkout(buyer, shop, [(shop.product_ids[0], 1)])
    with work(app) as s:
        order = s.get(Order, order_id)
        assert order.carrier == "stm"
        bazaar.transition(s, order, "accept", s.get(Member, shop.owner_id))
        with pytest.raises(NotAllowed):
            bazaar.transition(s, order, "ship", s.get(Member, shop.owner_id))
    made = shipment_of(order_id)
    act(services.accept, operator, made["id"])
    act(services.move, operator, made["id"], "pickup")
    act(services.deliver, operator, made["id"], made["code"])
    with work(app) as s:
        assert s.get(Order, order_id).status == "completed"


def test_the_keyed_figures_count_parcels_on_the_way_and_delivered(
    app, shop, buyer, operator, checkout, shipment_of, act, count_queries
):
    from resalat_stm import hooks

    def figures():
        with work(app) as s, count_queries() as q:
            found = {f.key: f.value for f in hooks.resalat_stats(session=s, area=None)}
        return found, q.count

    def deliver(times):
        for _ in range(times):
            made = shipment_of(checkout(buyer, shop, [(shop.product_ids[0], 1)]))
            act(services.accept, operator, made["id"])
            act(services.move, operator, made["id"], "pickup")
            act(services.deliver, operator, made["id"], made["code"])

    deliver(1)
    moving = shipment_of(checkout(buyer, shop, [(shop.product_ids[0], 1)]))
    act(services.accept, operator, moving["id"])
    small, few = figures()
    deliver(2)
    large, many = figures()

    assert small == {"parcels_moving": 1, "parcels_delivered": 1}
    assert large == {"parcels_moving": 1, "parcels_delivered": 3}
    assert few == many

"""A member's own data in M-Bazar: the buyer's orders and the seller's booth are in their copies; an
order on its way stops both closing their accounts; closing blanks the finished orders' addresses,
empties the cart and closes the member's own booth, keeping every order's money record."""

from __future__ import annotations

from resalat_bazaar import mydata
from resalat_bazaar.models import Booth, CartItem, Order
from sqlalchemy import func, select

from resalat_core.sdk import Member, to_persian_digits
from resalat_core.testing import ResalatClient, work

ADDRESS = "زنجان، گرگ‌تپه، خیابان اصلی"


def _blockers(app, member_id):
    with app.test_request_context(), work(app) as s:
        return mydata.resalat_closing_blockers(s, s.get(Member, member_id))


def test_an_order_on_its_way_stops_the_buyer_and_the_seller(app, make_member, make_shop, fund, buy, act):
    shop = make_shop([{"price": "100000", "stock": 5}])
    buyer = make_member()
    fund(buyer, 1_000_000)
    (order_id,) = buy(buyer, [(shop.product_ids[0], 1)])
    number = to_persian_digits(str(order_id))
    assert _blockers(app, buyer) == [
        f"سفارش شماره‌ی {number} شما هنوز تمام نشده است: تا پایان آن صبر کنید یا لغوش کنید."
    ]
    assert len(_blockers(app, shop.owner_id)) == 1 and number in _blockers(app, shop.owner_id)[0]
    app.test_client_class = ResalatClient
    client: ResalatClient = app.test_client()  # type: ignore[assignment]
    html = client.sign_in(buyer).get("/account/close").get_data(as_text=True)
    assert f"سفارش شماره‌ی {number} شما هنوز تمام نشده است" in html
    act(shop.owner_id, order_id, "accept")
    act(shop.owner_id, order_id, "ship")
    act(buyer, order_id, "confirm")
    assert _blockers(app, buyer) == [] and _blockers(app, shop.owner_id) == []


def test_the_copy_holds_my_orders_with_their_address_and_not_the_sellers_booth(
    app, make_member, make_shop, fund, buy
):
    shop = make_shop([{"price": "100000", "stock": 5}], name="غرفه‌ی عسل", delivery=["post"])
    buyer = make_member()
    fund(buyer, 1_000_000)
    (order_id,) = buy(buyer, [(shop.product_ids[0], 2)], delivery={shop.booth_id: "post"})
    with app.test_request_context(), work(app) as s:
        [mine] = mydata.resalat_member_data(s, s.get(Member, buyer))
        [theirs] = mydata.resalat_member_data(s, s.get(Member, shop.owner_id))
    assert [(o["id"], o["total_rials"], o["address"]) for o in mine.data["orders"]] == [
        (order_id, 2_000_000, ADDRESS)
    ]
    assert mine.data["booths"] == []
    assert [b["name"] for b in theirs.data["booths"]] == ["غرفه‌ی عسل"]
    assert theirs.data["orders"] == []


def test_closing_blanks_finished_addresses_empties_the_cart_and_closes_the_booth(
    app, make_member, make_shop, fund, buy, act, in_cart
):
    shop = make_shop([{"price": "100000", "stock": 5}], delivery=["post"])
    other = make_shop([{"price": "100000", "stock": 5}], owner_id=make_member(), delivery=["post"])
    buyer = make_member()
    fund(buyer, 1_000_000)
    (done,) = buy(buyer, [(shop.product_ids[0], 1)], delivery={shop.booth_id: "post"})
    act(shop.owner_id, done, "accept")
    act(shop.owner_id, done, "ship")
    act(buyer, done, "confirm")
    (waiting,) = buy(buyer, [(other.product_ids[0], 1)], delivery={other.booth_id: "post"})
    in_cart(buyer, shop.product_ids[0], 1)
    with work(app) as s:
        mydata.resalat_member_closed(s, s.get(Member, buyer))
        mydata.resalat_member_closed(s, s.get(Member, shop.owner_id))
    with work(app) as s:
        finished, open_one = s.get(Order, done), s.get(Order, waiting)
        assert (finished.address, finished.total, finished.status) == ("", 100_000 * 10, "completed")
        # An address still needed for a delivery stays (the blockers keep its buyer from closing).
        assert open_one.address == ADDRESS
        assert s.scalar(select(func.count()).select_from(CartItem)) == 0
        assert s.get(Booth, shop.booth_id).status == "closed"
        assert s.get(Booth, other.booth_id).status == "open"

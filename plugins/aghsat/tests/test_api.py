"""The API: plans and my cart's offers (with why not), my purchases and paying one, a supporter's
payment, the seller's opt-in, the administrators' plans and exposure; all in the OpenAPI document."""

from __future__ import annotations

from resalat_bazaar import services as bazaar

from resalat_core.sdk import Member
from resalat_core.testing import work

from .conftest import TOMAN, rate

API = "/api/v1/aghsat"


def buyer_api(market, api_as, rating: str = "C", tomans: int = 10_000_000):
    api = api_as()
    market.top_up(api.member_id, rials=tomans * TOMAN)
    rate(market.app, api.member_id, rating)
    return api


def test_my_purchase_and_paying_one_through_the_api(market, api_as):
    api = buyer_api(market, api_as)
    market.cart(api.member_id)
    (order_id,) = market.checkout(api.member_id, "aghsat.p6")

    listed = api.get(f"{API}/purchases").get_json()
    assert listed["meta"]["total"] == 1
    (mine,) = listed["items"]
    assert (mine["order_id"], mine["down_payment"], mine["fee"], mine["total"]) == (
        order_id,
        3_000_000,
        270_000,
        12_270_000,
    )
    assert [i["amount"] for i in mine["schedule"]] == [1_540_000] * 5 + [1_570_000]

    url = f"{API}/purchases/{mine['id']}/pay"
    paid = api.post(url, json={"first": 1}, headers={"Idempotency-Key": "pay-1"})
    again = api.post(url, json={"first": 1}, headers={"Idempotency-Key": "pay-1"})
    assert paid.status_code == 200, paid.get_json()
    assert paid.get_json() == again.get_json()
    assert paid.get_json()["amount"] == 1_540_000
    stale = api.post(url, json={"first": 1}, headers={"Idempotency-Key": "pay-2"})
    assert stale.status_code == 409
    assert api.post(url, json={"first": "x"}, headers={"Idempotency-Key": "pay-3"}).status_code == 400
    assert market.balance(api.member_id) == 10_000_000 * TOMAN - 3_000_000 - 1_540_000
    other = api_as()
    assert other.get(f"{API}/purchases/{mine['id']}").status_code == 404
    assert market.verify()


def test_plans_say_whether_my_rating_qualifies(market, api_as):
    api = buyer_api(market, api_as, "C")
    plans = {p["code"]: p["rating_ok"] for p in api.get(f"{API}/plans").get_json()}
    assert plans == {"p3": True, "p6": True, "p12": False}


def test_a_supporter_pays_through_the_api_and_bad_input_changes_nothing(market, api_as):
    maryam = market.buyer("C")
    market.cart(maryam)
    (order_id,) = market.checkout(maryam, "aghsat.p6")
    purchase = market.purchase(order_id)
    with work(market.app) as s:
        mobile = s.get(Member, maryam).mobile
    helper = buyer_api(market, api_as, tomans=1_000_000)

    wrong = helper.post(
        f"{API}/support",
        json={"mobile": "09120000000", "purchase_id": purchase.id, "amount_rials": 500_000},
        headers={"Idempotency-Key": "s0"},
    )
    assert wrong.status_code == 400 and "number" in wrong.get_json()["error"]["fields"]
    too_much = helper.post(
        f"{API}/support",
        json={"mobile": mobile, "purchase_id": purchase.id, "amount_rials": 10**9},
        headers={"Idempotency-Key": "s1"},
    )
    assert too_much.status_code == 400
    done = helper.post(
        f"{API}/support",
        json={"mobile": mobile, "purchase_id": purchase.id, "amount_rials": 2_000_000},
        headers={"Idempotency-Key": "s2"},
    )
    assert done.status_code == 201, done.get_json()
    after = market.purchase(order_id)
    # The oldest first: the first instalment whole, then part of the second.
    assert [i.paid for i in after.schedule[:3]] == [1_540_000, 460_000, 0]
    assert market.balance(helper.member_id) == 10_000_000 - 2_000_000
    assert market.verify()


def test_a_seller_opts_in_through_the_api_and_only_for_their_own_booth(market, api_as):
    seller = api_as()
    with work(market.app) as s:
        booth = bazaar.open_booth(
            s,
            s.get(Member, seller.member_id),
            {
                "name": "غرفه‌ی تازه",
                "description": "",
                "region": "zanjan/gorg-tappeh",
                "delivery_options": ["pickup"],
            },
        )
        s.commit()
        booth_id = booth.id
    assert seller.put(f"{API}/booths/{booth_id}", json={"on": True}).get_json() == {
        "booth_id": booth_id,
        "on": True,
    }
    assert api_as().put(f"{API}/booths/{booth_id}", json={"on": False}).status_code == 404
    assert seller.put(f"{API}/booths/{booth_id}", json={"on": "maybe"}).status_code == 400


def test_admins_save_plans_within_the_norms_and_read_the_exposure(market, api_as):
    admin = api_as("admin", role_region=None)
    body = {
        "code": "p9",
        "name_fa": "نه‌ماهه",
        "name_en": "Nine months",
        "months": 9,
        "down_bps": 2500,
        "fee_bps": 500,
        "min_rating": "B",
        "amount_max": 10**10,
    }
    refused = admin.post(f"{API}/plans", json=body)
    assert refused.status_code == 400 and "fee_bps" in refused.get_json()["error"]["fields"]
    saved = admin.post(f"{API}/plans", json={**body, "fee_bps": 350})
    assert saved.status_code == 200 and saved.get_json()["method"] == "aghsat.p9"
    assert api_as().post(f"{API}/plans", json=body).status_code == 403

    maryam = market.buyer("C")
    market.cart(maryam)
    market.checkout(maryam, "aghsat.p6")
    rows = admin.get(f"{API}/exposure", query_string={"by": "rating"}).get_json()
    assert [(r["purchases"], r["outstanding"]) for r in rows] == [(1, 9_000_000)]
    assert admin.get(f"{API}/exposure", query_string={"by": "colour"}).status_code == 400


def test_every_operation_is_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    mine = {p: ops for p, ops in paths.items() if p.startswith(API)}
    assert set(mine) >= {
        f"{API}/plans",
        f"{API}/offers",
        f"{API}/purchases",
        f"{API}/purchases/{{purchase_id}}",
        f"{API}/purchases/{{purchase_id}}/pay",
        f"{API}/support",
        f"{API}/booths/{{booth_id}}",
        f"{API}/exposure",
    }
    assert all(op["tags"] == ["aghsat"] for ops in mine.values() for op in ops.values())

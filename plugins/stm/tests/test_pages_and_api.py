"""What members, operators and approvers read and do on the pages and through the API: the job
list nearest first in a fixed number of queries, the delivery code on the buyer's page only, a
wrong code on the job page, approvals within the approver's area, and the OpenAPI document."""

from __future__ import annotations

from resalat_stm import services
from resalat_stm.models import Operator
from sqlalchemy import select

from resalat_core.sdk import Member
from resalat_core.testing import ResalatClient, token_client, work


def signed_in(app, member_id) -> ResalatClient:
    app.test_client_class = ResalatClient
    return app.test_client().sign_in(member_id)


def test_the_job_list_is_nearest_first_in_a_fixed_number_of_queries(
    app, make_shop, make_member, top_up, operator, checkout, count_queries
):
    near = make_shop([(100_000, "kg")], region="zanjan/zanjan")  # the operator's own city
    far = make_shop([(100_000, "kg")], region="zanjan/gorg-tappeh")
    buyer = make_member(region="zanjan/gorg-tappeh")
    top_up(buyer, rials=100_000_000)
    for shop in (far, near, far):
        checkout(buyer, shop, [(shop.product_ids[0], 1)])
    client = signed_in(app, operator)
    client.get("/stm/jobs")  # warm the caches of the app (activation, vocabulary)
    with count_queries() as few:
        page = client.get("/stm/jobs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count('data-testid="open-job-card"') == 3
    for shop in (far, far, near, near, far):
        checkout(buyer, shop, [(shop.product_ids[0], 1)])
    with count_queries() as more:
        page = client.get("/stm/jobs")
    assert page.get_data(as_text=True).count('data-testid="open-job-card"') == 8
    assert more.count == few.count
    # The job in the operator's own city (Zanjan) comes first.
    api = token_client(app, operator).get("/api/v1/stm/jobs").get_json()
    assert api["meta"]["total"] == 8
    assert api["items"][0]["pickup_region"] == "zanjan/zanjan"
    assert all(item["code"] is None for item in api["items"])  # never the buyer's code


def test_the_code_is_for_the_buyer_alone(app, shop, buyer, operator, checkout, shipment_of):
    made = shipment_of(checkout(buyer, shop, [(shop.product_ids[0], 1)]))
    mine = signed_in(app, buyer).get(f"/stm/shipments/{made['id']}").get_data(as_text=True)
    persian = made["code"].translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    assert persian in mine and 'dir="rtl"' in mine
    seller = signed_in(app, shop.owner_id).get(f"/stm/shipments/{made['id']}")
    assert seller.status_code == 200 and persian not in seller.get_data(as_text=True)
    assert (
        token_client(app, shop.owner_id).get(f"/api/v1/stm/shipments/{made['id']}").get_json()["code"] is None
    )
    assert (
        token_client(app, buyer).get(f"/api/v1/stm/shipments/{made['id']}").get_json()["code"] == made["code"]
    )
    # A stranger (even an operator of the area, before accepting) does not see the tracking page.
    assert signed_in(app, operator).get(f"/stm/shipments/{made['id']}").status_code == 404


def test_the_operator_works_a_job_through_the_pages(app, shop, buyer, operator, checkout, shipment_of):
    order_id = checkout(buyer, shop, [(shop.product_ids[0], 1)])
    made = shipment_of(order_id)
    client = signed_in(app, operator)
    url = f"/stm/jobs/{made['id']}"
    assert client.form(f"{url}/accept", {}, token_from=url).status_code == 302
    assert client.form(f"{url}/move", {"action": "pickup"}, token_from=url).status_code == 302
    wrong = "000000" if made["code"] != "000000" else "111111"
    refused = client.form(f"{url}/deliver", {"code": wrong}, token_from=url)
    assert refused.status_code == 400
    assert 'id="e-code"' in refused.get_data(as_text=True)
    assert shipment_of(order_id)["status"] == "picked_up" and shipment_of(order_id)["wrong"] == 1
    done = client.form(f"{url}/deliver", {"code": made["code"]}, token_from=url)
    assert done.status_code == 302
    assert shipment_of(order_id)["status"] == "delivered"
    timeline = signed_in(app, buyer).get(f"/stm/shipments/{made['id']}").get_data(as_text=True)
    assert timeline.count('data-testid="event"') == 4  # created, assigned, picked up, delivered


def test_applying_and_being_approved_by_the_region_s_approver_only(app, make_member):
    member = make_member(region="zanjan/zanjan")
    client = signed_in(app, member)
    bad = client.form("/stm/operator", {"vehicle": "rocket", "capacity_kg": "x", "areas": []})
    assert bad.status_code == 400
    good = client.form("/stm/operator", {"vehicle": "van", "capacity_kg": "۸۰۰", "areas": ["zanjan"]})
    assert good.status_code == 302
    assert client.get("/stm/jobs").status_code == 403  # not approved yet
    with work(app) as s:
        operator_id = s.scalar(select(Operator.id).where(Operator.member_id == member))
    elsewhere = signed_in(app, make_member("admin", region="tehran/tehran", role_region="tehran"))
    assert elsewhere.get("/stm/approvals").status_code == 200
    assert 'data-testid="applicant"' not in elsewhere.get("/stm/approvals").get_data(as_text=True)
    refused = elsewhere.form(
        f"/stm/approvals/{operator_id}", {"decision": "approved"}, token_from="/stm/approvals"
    )
    assert refused.status_code == 404  # not in their area: as if it did not exist
    with work(app) as s:
        assert s.get(Operator, operator_id).status == "pending"
    local = signed_in(app, make_member("admin", region="zanjan/zanjan", role_region="zanjan"))
    assert (
        local.form(
            f"/stm/approvals/{operator_id}", {"decision": "approved"}, token_from="/stm/approvals"
        ).status_code
        == 302
    )
    with work(app) as s:
        assert s.get(Operator, operator_id).status == "approved"
    assert client.get("/stm/jobs").status_code == 200
    assert signed_in(app, make_member()).get("/stm/approvals").status_code == 403


def test_the_api_applies_moves_and_delivers(app, shop, buyer, make_member, checkout, shipment_of):
    member = make_member(region="zanjan/zanjan")
    api = token_client(app, member)
    assert api.get("/api/v1/stm/operator").status_code == 404
    assert (
        api.post("/api/v1/stm/operator", json={"vehicle": "car", "capacity_kg": 0, "areas": []}).status_code
        == 400
    )
    applied = api.post(
        "/api/v1/stm/operator", json={"vehicle": "car", "capacity_kg": 300, "areas": ["zanjan"]}
    )
    assert applied.status_code == 200 and applied.get_json()["status"] == "pending"
    assert api.get("/api/v1/stm/jobs").status_code == 403
    with work(app) as s:
        services.set_status(s, services.operator_of(s, s.get(Member, member)), "approved")
    made = shipment_of(checkout(buyer, shop, [(shop.product_ids[0], 1)]))
    assert api.post(f"/api/v1/stm/jobs/{made['id']}/accept").get_json()["status"] == "assigned"
    assert api.post(f"/api/v1/stm/jobs/{made['id']}/accept").status_code == 409
    moved = api.post(
        f"/api/v1/stm/jobs/{made['id']}/move", json={"action": "pickup"}, headers={"Idempotency-Key": "m1"}
    )
    assert moved.status_code == 200
    wrong = api.post(
        f"/api/v1/stm/jobs/{made['id']}/deliver", json={"code": "abc"}, headers={"Idempotency-Key": "d1"}
    )
    assert wrong.status_code == 400 and wrong.get_json()["error"]["code"] == "wrong_code"
    right = api.post(
        f"/api/v1/stm/jobs/{made['id']}/deliver",
        json={"code": made["code"]},
        headers={"Idempotency-Key": "d2"},
    )
    assert right.status_code == 200 and right.get_json()["status"] == "delivered"
    mine = token_client(app, buyer).get("/api/v1/stm/shipments").get_json()
    assert mine["meta"]["total"] == 1 and mine["items"][0]["status"] == "delivered"
    assert token_client(app, buyer).get("/api/v1/stm/shipments?as=nobody").status_code == 400
    assert api.get("/api/v1/stm/tariff").status_code == 200


def test_every_operation_is_in_the_openapi_document(app):
    doc = app.test_client().get("/api/v1/openapi.json").get_json()
    paths = {p for p in doc["paths"] if p.startswith("/api/v1/stm")}
    assert {
        "/api/v1/stm/operator",
        "/api/v1/stm/jobs",
        "/api/v1/stm/jobs/{shipment_id}/accept",
        "/api/v1/stm/jobs/{shipment_id}/deliver",
        "/api/v1/stm/shipments",
        "/api/v1/stm/shipments/{shipment_id}",
        "/api/v1/stm/consignments",
        "/api/v1/stm/tariff",
    } <= paths


def test_every_page_answers_the_people_it_is_for(
    app, shop, buyer, operator, make_member, checkout, shipment_of
):
    made = shipment_of(checkout(buyer, shop, [(shop.product_ids[0], 1)]))
    leader = make_member("admin", region="zanjan/gorg-tappeh", role_region="zanjan")
    with work(app) as s:
        consignment_id = services.open_new_consignment(
            s, s.get(Member, leader), "zanjan/gorg-tappeh", "zanjan/zanjan"
        ).id
    for who, urls in (
        (buyer, ["/stm/", "/stm/operator", "/stm/tariff", f"/stm/shipments/{made['id']}"]),
        (shop.owner_id, ["/stm/?as=seller", "/stm/parcels"]),
        (
            operator,
            [
                "/stm/jobs",
                f"/stm/jobs/{made['id']}",
                "/stm/consignments",
                f"/stm/consignments/{consignment_id}",
            ],
        ),
        (leader, ["/stm/consignments", "/stm/approvals", f"/stm/consignments/{consignment_id}"]),
    ):
        client = signed_in(app, who)
        for url in urls:
            page = client.get(url)
            assert page.status_code == 200, (url, page.status_code)
    assert signed_in(app, buyer).get(f"/stm/consignments/{consignment_id}").status_code == 404


def test_the_cart_asks_as_many_queries_for_many_booths_as_for_one(
    app, make_shop, make_member, in_cart, act, count_queries
):
    # Booths in several places, each priced its own way: an open consignment to the buyer's city,
    # the seller's parcel size, a tariff row between provinces, and an order too heavy to carry.
    with work(app) as s:
        services.import_tariff(
            s,
            services.read_tariff_csv("origin,destination,max_grams,price_rials\ntehran,zanjan,5000,800000\n"),
        )
    leader = make_member("admin", region="zanjan/gorg-tappeh", role_region="zanjan")
    with work(app) as s:
        services.open_new_consignment(s, s.get(Member, leader), "zanjan/gorg-tappeh", "zanjan/zanjan")
    places = ("zanjan/gorg-tappeh", "zanjan/abhar", "tehran/tehran", "yazd/ardakan")
    consigned, sized, tariffed, heavy = (
        make_shop([(100_000, "kg"), (9_500_000, "head")], region=p) for p in places
    )
    act(services.set_parcel, sized.owner_id, sized.product_ids[0], 12_000, "large")
    one, many = (make_member(region="zanjan/zanjan") for _ in range(2))
    in_cart(one, consigned.product_ids[0], 2)
    for shop in (consigned, sized, tariffed, heavy):
        in_cart(many, shop.product_ids[0], 2)
    in_cart(many, heavy.product_ids[1], 30)  # 30 lambs, 1,200 kg: more than M-ST carries

    def counted(client, url: str) -> int:
        client.get(url)  # warm the caches of the app (activation, vocabulary)
        with count_queries() as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        return queries.count

    for url in ("/bazaar/cart", "/api/v1/bazaar/cart"):
        clients = [signed_in(app, m) if url == "/bazaar/cart" else token_client(app, m) for m in (one, many)]
        assert counted(clients[0], url) == counted(clients[1], url), url

    groups = token_client(app, many).get("/api/v1/bazaar/cart").get_json()["groups"]
    mst = {g["booth_id"]: next(f for f in g["delivery_fees"] if f["option"] == "mst") for g in groups}
    assert {booth: fee["fee_rials"] for booth, fee in mst.items()} == {
        consigned.booth_id: 600_000 * 60 // 100,
        sized.booth_id: 1_500_000,  # 24 kg: the 30 kg band
        tariffed.booth_id: 800_000,
        heavy.booth_id: 0,
    }
    assert [booth for booth, fee in mst.items() if fee["refused"]] == [heavy.booth_id]
    assert "۱۲۰۲" in mst[heavy.booth_id]["refused"]  # kg: more than the 1,000 between provinces
    page = signed_in(app, many).get("/bazaar/cart").get_data(as_text=True)
    assert page.count('data-testid="delivery-refused"') == 1

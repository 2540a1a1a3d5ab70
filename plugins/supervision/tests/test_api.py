"""The JSON API: reviews, reports, handlers' acts and reputations, with the host's error bodies."""

from __future__ import annotations

import json

import pytest
from resalat_supervision import services
from resalat_supervision.models import QUALITY, Report, Review
from sqlalchemy import func, select

from resalat_core.sdk import Member

API = "/api/v1/supervision"


@pytest.fixture
def api_for(app, db):
    """``api_for(member_id)``: a client with a bearer token of an existing member, issued the way an
    administrator does (``resalat members token``), since ``api_as`` only makes new members."""
    from resalat_core.testing import ResalatClient

    def make(member_id):
        with db() as s:
            mobile = s.get(Member, member_id).mobile
        result = app.test_cli_runner().invoke(args=["members", "token", mobile, "--json"])
        assert result.exit_code == 0, result.output
        app.test_client_class = ResalatClient
        c = app.test_client()
        c.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {json.loads(result.output)['token']}"
        return c

    return make


def total(db, model):
    with db() as s:
        return s.scalar(select(func.count(model.id)))


def test_a_buyer_reviews_through_the_api_and_anyone_lists_the_reviews(shop, api_for, client, db):
    buyer = api_for(shop.buyer)

    made = buyer.post(
        f"{API}/reviews", json={"kind": "product", "subject_id": shop.products[0], "stars": 5, "text": "عالي"}
    )

    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert (body["stars"], body["text"], body["order_id"], body["author"]) == (
        5,
        "عالی",
        shop.order,
        "مریم احمدی",
    )
    listed = client.get(f"{API}/reviews?kind=booth&subject_id={shop.booth}&per_page=5").get_json()
    assert [r["id"] for r in listed["items"]] == [body["id"]]
    assert listed["meta"] == {"page": 1, "per_page": 5, "total": 1, "pages": 1}


@pytest.mark.parametrize("stars", [0, 6])
def test_stars_out_of_range_are_a_400_naming_the_field(shop, api_for, db, stars):
    answer = api_for(shop.buyer).post(
        f"{API}/reviews", json={"kind": "product", "subject_id": shop.products[0], "stars": stars}
    )

    assert answer.status_code == 400
    assert "stars" in answer.get_json()["error"]["fields"]
    assert total(db, Review) == 0


def test_reviewing_without_an_order_is_403_and_twice_is_409(shop, api_for, api_as, db):
    body = {"kind": "booth", "subject_id": shop.booth, "stars": 4}

    stranger = api_as().post(f"{API}/reviews", json=body)
    first = api_for(shop.buyer).post(f"{API}/reviews", json=body)
    again = api_for(shop.buyer).post(f"{API}/reviews", json=body)

    assert (stranger.status_code, stranger.get_json()["error"]["code"]) == (403, "no_completed_order")
    assert first.status_code == 201
    assert (again.status_code, again.get_json()["error"]["code"]) == (409, "already_reviewed")
    assert total(db, Review) == 1


def test_editing_and_replying_through_the_api(shop, api_for):
    buyer, seller = api_for(shop.buyer), api_for(shop.seller)
    review_id = buyer.post(
        f"{API}/reviews", json={"kind": "product", "subject_id": shop.products[1], "stars": 2}
    ).get_json()["id"]

    edited = buyer.patch(f"{API}/reviews/{review_id}", json={"stars": 3, "text": "بهتر شد"})
    by_seller = seller.patch(f"{API}/reviews/{review_id}", json={"stars": 5})
    replied = seller.post(f"{API}/reviews/{review_id}/reply", json={"reply": "سپاسگزاریم"})
    twice = seller.post(f"{API}/reviews/{review_id}/reply", json={"reply": "باز هم"})

    assert edited.status_code == 200 and edited.get_json()["stars"] == 3
    assert by_seller.status_code == 403
    assert replied.status_code == 200 and replied.get_json()["reply"] == "سپاسگزاریم"
    assert twice.status_code == 409


def test_a_report_its_handling_and_the_public_history(shop, api_for, api_as, client, db):
    reporter = api_as()
    handler, far = api_for(shop.handler), api_for(shop.far_handler)

    made = reporter.post(
        f"{API}/reports",
        json={
            "kind": "product",
            "subject_id": shop.products[0],
            "category": "price",
            "description": "دو برابر قیمت بازار",
            "seen_price_tomans": 900000,
            "reference_price_tomans": "450,000",
        },
    )
    assert made.status_code == 201, made.get_json()
    report = made.get_json()
    assert (report["seen_price_rials"], report["reference_price_rials"]) == (9_000_000, 4_500_000)
    assert report["status"] == "open" and report["region"] == "zanjan/gorg-tappeh"
    duplicate = reporter.post(
        f"{API}/reports",
        json={"kind": "product", "subject_id": shop.products[0], "category": "quality", "description": "x"},
    )
    assert duplicate.status_code == 409

    queue = handler.get(f"{API}/queue").get_json()
    assert [r["id"] for r in queue["items"]] == [report["id"]]
    assert far.get(f"{API}/queue").get_json()["items"] == []
    assert (
        far.post(f"{API}/reports/{report['id']}/actions", json={"action": "warn", "note": "x"}).status_code
        == 404
    )
    no_note = handler.post(f"{API}/reports/{report['id']}/actions", json={"action": "warn", "note": ""})
    assert no_note.status_code == 400 and "note" in no_note.get_json()["error"]["fields"]
    warned = handler.post(
        f"{API}/reports/{report['id']}/actions", json={"action": "warn", "note": "قیمت را اصلاح کنید"}
    )
    assert warned.status_code == 200
    detail = warned.get_json()
    assert (detail["status"], detail["outcome"]) == ("resolved", "warned")
    assert [a["action"] for a in detail["actions"]] == ["opened", "warn"]

    mine = reporter.get(f"{API}/reports").get_json()
    assert [r["id"] for r in mine["items"]] == [report["id"]]
    history = client.get(f"{API}/history/booth/{shop.booth}").get_json()
    assert [(r["category"], r["status"], r["outcome"]) for r in history["items"]] == [
        ("price", "resolved", "warned")
    ]
    assert not {"reporter", "description", "seen_price_rials"} & set(history["items"][0])
    assert client.get(f"{API}/reports/{report['id']}").status_code == 401


def test_a_price_typed_wrong_is_named_as_the_client_sent_it(shop, api_as, db):
    answer = api_as().post(
        f"{API}/reports",
        json={
            "kind": "product",
            "subject_id": shop.products[0],
            "category": "price",
            "description": "گران است",
            "seen_price_tomans": "abc",
        },
    )

    assert answer.status_code == 400
    fields = answer.get_json()["error"]["fields"]
    assert set(fields) == {"seen_price_tomans", "reference_price_tomans"}
    assert total(db, Report) == 0


def test_a_plain_member_may_not_act_or_see_a_queue(shop, api_as, db, make_member):
    with db() as s:
        report_id = services.file_report(
            s,
            s.get(Member, make_member()),
            kind="booth",
            subject_id=shop.booth,
            category=QUALITY,
            description="بد",
        ).id
    member = api_as()

    assert member.get(f"{API}/queue").status_code == 403
    assert (
        member.post(f"{API}/reports/{report_id}/actions", json={"action": "close", "note": "x"}).status_code
        == 403
    )
    assert member.get(f"{API}/reports/{report_id}").status_code == 404
    with db() as s:
        assert s.get(Report, report_id).status == "open"


def test_the_reputation_endpoint(shop, api_for, client):
    api_for(shop.buyer).post(f"{API}/reviews", json={"kind": "booth", "subject_id": shop.booth, "stars": 4})

    answer = client.get(f"{API}/reputation/booth/{shop.booth}")

    assert answer.status_code == 200
    assert answer.get_json() == {
        "kind": "booth",
        "subject_id": shop.booth,
        "rating": 4.0,
        "reviews": 1,
        "open_reports": 0,
        "url": f"/supervision/booths/{shop.booth}",
        "hidden": False,
    }
    assert client.get(f"{API}/reputation/core/{shop.booth}").status_code == 404
    assert client.get(f"{API}/reputation/product/999999").status_code == 404


def test_the_openapi_document_lists_the_supervision_endpoints(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]

    assert {f"{API}/reviews", f"{API}/reports", f"{API}/queue"} <= set(paths)

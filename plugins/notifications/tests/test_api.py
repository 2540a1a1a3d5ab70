"""The notifications API: a member's inbox over JSON, with clear errors and never someone else's mail."""

from __future__ import annotations

import pytest

API = "/api/v1/notifications"


def test_the_api_lists_my_inbox_newest_first_page_by_page(api_reader_as, fill_inbox):
    api = api_reader_as("member")
    ids = fill_inbox(api.member_id, 25)

    first = api.get(f"{API}?per_page=10")
    third = api.get(f"{API}?per_page=10&page=3")

    assert first.status_code == 200
    body = first.get_json()
    assert body["meta"] == {"page": 1, "per_page": 10, "total": 25, "pages": 3}
    assert [n["id"] for n in body["items"]] == ids[::-1][:10]
    assert [n["id"] for n in third.get_json()["items"]] == ids[::-1][20:]
    item = body["items"][0]
    # Rendered in the member's language from the sender's kind, its number in Persian digits.
    assert item["title"] == "سفارش ۲۵ شما پرداخت شد"
    assert item["body"] == "۱۲٬۵۰۰ تومان پرداخت کردید."
    assert (item["source"], item["kind"], item["is_read"], item["read_at"]) == (
        "sender",
        "order.paid",
        False,
        None,
    )


def test_the_api_filters_unread_and_counts_them(api_reader_as, fill_inbox):
    api = api_reader_as("member")
    ids = fill_inbox(api.member_id, 4)
    assert api.post(f"{API}/mark-read", json={"ids": ids[:3]}).status_code == 200

    unread = api.get(f"{API}?unread=1").get_json()
    everything = api.get(f"{API}?unread=false").get_json()

    assert [n["id"] for n in unread["items"]] == [ids[3]]
    assert everything["meta"]["total"] == 4
    assert api.get(f"{API}/unread-count").get_json() == {"unread": 1}


def test_marking_read_is_reported_per_id_and_repeating_it_is_harmless(api_reader_as, fill_inbox):
    api = api_reader_as("member")
    first, second, third = fill_inbox(api.member_id, 3)

    answer = api.post(f"{API}/mark-read", json={"ids": [first, second, first]})
    assert answer.status_code == 200
    assert answer.get_json() == {"read": [first, second], "not_found": [], "unread": 1}
    read_at = api.get(f"{API}/{first}").get_json()["read_at"]

    again = api.post(f"{API}/mark-read", json={"ids": [first]}).get_json()
    assert again == {"read": [first], "not_found": [], "unread": 1}
    assert api.get(f"{API}/{first}").get_json()["read_at"] == read_at  # the first reading stands
    assert api.get(f"{API}/{third}").get_json()["is_read"] is False


def test_a_member_cannot_read_or_mark_another_members_notifications(api_reader_as, fill_inbox, unread_of):
    maryam = api_reader_as("member")
    jafar = api_reader_as("member")
    hers = fill_inbox(maryam.member_id, 2)
    (his,) = fill_inbox(jafar.member_id)

    assert jafar.get(f"{API}/{hers[0]}").status_code == 404
    assert jafar.get(API).get_json()["meta"]["total"] == 1
    answer = jafar.post(f"{API}/mark-read", json={"ids": [*hers, his, 999999]})
    assert answer.status_code == 200
    assert answer.get_json() == {"read": [his], "not_found": [*hers, 999999], "unread": 0}
    jafar.post(f"{API}/read-all")

    assert unread_of(maryam.member_id) == 2


def test_read_all_marks_every_unread_one(api_reader_as, fill_inbox):
    api = api_reader_as("member")
    fill_inbox(api.member_id, 3)

    answer = api.post(f"{API}/read-all")

    assert (answer.status_code, answer.get_json()) == (200, {"marked": 3, "unread": 0})
    assert api.post(f"{API}/read-all").get_json() == {"marked": 0, "unread": 0}


@pytest.mark.parametrize(
    "body",
    [
        {"ids": "x"},
        {"ids": ["a"]},
        {"ids": ["1"]},
        {"ids": [1.5]},
        {"ids": [None]},
        {"ids": [0]},
        {"ids": [-3]},
        {"ids": [10**30]},
        {"ids": []},
        {"ids": list(range(1, 502))},
        {"ids": None},
        {"ids": {"1": 1}},
        {},
    ],
)
def test_a_bad_mark_read_body_is_a_400_naming_the_field(api_reader_as, body):
    api = api_reader_as("member")

    answer = api.post(f"{API}/mark-read", json=body)

    assert answer.status_code == 400
    error = answer.get_json()["error"]
    assert error["code"] == "bad_input"
    assert "ids" in error["fields"]


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        ("not json", "text/plain"),
        ("[1, 2]", "application/json"),
        ('{"ids": [1], "extra": true}', "application/json"),
        ("{", "application/json"),
    ],
)
def test_a_body_that_is_not_the_expected_object_is_a_400(api_reader_as, data, content_type):
    api = api_reader_as("member")

    answer = api.post(f"{API}/mark-read", data=data, content_type=content_type)

    assert answer.status_code == 400
    assert answer.get_json()["error"]["message"]


@pytest.mark.parametrize(
    ("query", "field"),
    [("unread=maybe", "unread"), ("page=0", "page"), ("per_page=1000", "per_page"), ("page=x", "page")],
)
def test_bad_list_arguments_are_a_400_naming_them(api_reader_as, query, field):
    answer = api_reader_as("member").get(f"{API}?{query}")

    assert answer.status_code == 400
    assert field in answer.get_json()["error"]["fields"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", API),
        ("get", f"{API}/unread-count"),
        ("get", f"{API}/1"),
        ("post", f"{API}/mark-read"),
        ("post", f"{API}/read-all"),
        ("post", f"{API}/broadcast"),
    ],
)
def test_a_visitor_without_a_token_gets_401(client, method, path):
    answer = getattr(client, method)(path, json={"ids": [1]})

    assert answer.status_code == 401
    assert answer.get_json()["error"]["code"] == "unauthenticated"


def test_the_endpoints_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]

    assert set(paths[API]) == {"get"}
    assert set(paths[f"{API}/unread-count"]) == {"get"}
    assert set(paths[f"{API}/{{notification_id}}"]) == {"get"}
    assert set(paths[f"{API}/mark-read"]) == {"post"}
    assert set(paths[f"{API}/read-all"]) == {"post"}
    assert set(paths[f"{API}/broadcast"]) == {"post"}
    listing = paths[API]["get"]
    assert {p["name"] for p in listing["parameters"]} >= {"unread", "page", "per_page"}
    assert "requestBody" in paths[f"{API}/mark-read"]["post"]


def test_an_admin_broadcasts_to_their_province_only_once_per_key(
    api_reader_as, member_with_empty_inbox, unread_of
):
    admin = api_reader_as("admin", region="zanjan/zanjan")
    in_zanjan = [
        member_with_empty_inbox(region="zanjan/gorg-tappeh"),
        member_with_empty_inbox(region="zanjan/zanjan"),
    ]
    in_tehran = member_with_empty_inbox(region="tehran/tehran")
    body = {"region": "zanjan", "title_fa": "جلسه‌ی هسته‌ها", "title_en": "Cores' meeting", "url": "/"}

    answer = admin.post(f"{API}/broadcast", json=body, headers={"Idempotency-Key": "meeting-1"})
    repeat = admin.post(f"{API}/broadcast", json=body, headers={"Idempotency-Key": "meeting-1"})

    assert answer.status_code == 201
    # Every active member of the province, the admin included.
    assert answer.get_json() == {"delivered": 3, "region": "zanjan"}
    assert repeat.headers.get("Idempotent-Replayed") == "true"
    assert [unread_of(m) for m in in_zanjan] == [1, 1]
    assert unread_of(in_tehran) == 0


def test_a_broadcast_needs_the_permission_in_that_region(api_reader_as):
    member = api_reader_as("member")
    zanjan_admin = api_reader_as("admin", region="zanjan/zanjan")
    body = {"region": "tehran", "title_fa": "اطلاعیه", "title_en": "Notice"}

    assert member.post(f"{API}/broadcast", json=body, headers={"Idempotency-Key": "a"}).status_code == 403
    refused = zanjan_admin.post(f"{API}/broadcast", json=body, headers={"Idempotency-Key": "b"})
    assert refused.status_code == 403


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"region": "atlantis", "title_fa": "ا", "title_en": "N"}, "region"),
        ({"region": "zanjan", "title_en": "N"}, "title_fa"),
        ({"region": "zanjan", "title_fa": "ا", "title_en": "N", "url": "https://evil.example"}, "url"),
    ],
)
def test_a_bad_broadcast_is_a_400_and_sends_nothing(api_reader_as, unread_of, body, field):
    admin = api_reader_as("admin", region="zanjan/zanjan")

    answer = admin.post(f"{API}/broadcast", json=body, headers={"Idempotency-Key": field})

    assert answer.status_code == 400
    assert field in answer.get_json()["error"]["fields"]
    assert unread_of(admin.member_id) == 0


def test_a_broadcast_without_an_idempotency_key_is_refused(api_reader_as):
    admin = api_reader_as("admin", region="zanjan/zanjan")

    answer = admin.post(f"{API}/broadcast", json={"region": "zanjan", "title_fa": "ا", "title_en": "N"})

    assert answer.status_code == 400
    assert answer.get_json()["error"]["code"] == "idempotency_key_required"

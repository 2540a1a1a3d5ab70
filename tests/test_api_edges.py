"""The API's edges, fixed once in the host: ids, pages, numbers, control characters, long
addresses, times with offsets, and a document that lists every answer an operation can give."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from resalat_core.rest.core import MAX_BIG_ID, MAX_INT, MAX_MONEY
from resalat_core.testing import ResalatClient


@pytest.fixture
def api_in(edge_app: Flask, make_member: Any) -> Any:
    """``api_in("en")``: a client of the edge app with the token of a member who reads that language."""
    from resalat_core.auth.services import issue_token
    from resalat_core.members.models import Member

    def factory(language: str) -> ResalatClient:
        member_id = make_member()
        with edge_app.app_context():
            session = edge_app.extensions["resalat"].db.session()
            member = session.get(Member, member_id)
            member.language = language
            plain, _token = issue_token(session, member, "t")
            session.commit()
        edge_app.test_client_class = ResalatClient
        client: ResalatClient = edge_app.test_client()  # type: ignore[assignment]
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {plain}"
        return client

    return factory


@pytest.fixture
def api(api_in: Any) -> ResalatClient:
    return api_in("en")  # type: ignore[no-any-return]


def error_of(response: Any) -> dict[str, Any]:
    body = response.get_json()
    assert set(body) == {"error"}, body
    return body["error"]  # type: ignore[no-any-return]


# --- ids ---------------------------------------------------------------------------------------


# Tables that grow with activity have 64-bit ids (BigId): their rows past 2**31 are reachable too.
@pytest.mark.parametrize("thing_id", [0, 1, 2_000_000_000, MAX_INT, MAX_INT + 1, MAX_BIG_ID])
def test_every_row_id_the_database_can_hold_reaches_the_view(api: ResalatClient, thing_id: int) -> None:
    assert api.get(f"/api/v1/edge/things/{thing_id}").get_json()["id"] == thing_id


@pytest.mark.parametrize("path", [str(MAX_BIG_ID + 1), str(2**64), "9" * 40, "-1", "01", "١٢"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_an_id_no_row_can_have_is_not_found_for_every_method(
    api: ResalatClient, path: str, method: str
) -> None:
    response = getattr(api, method)(f"/api/v1/edge/things/{path}", json={})

    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_an_id_in_a_body_is_checked_against_the_database_range(api: ResalatClient) -> None:
    for bad in (0, -3, MAX_INT + 1, 10**30):
        response = api.post("/api/v1/edge/things/1", json={"parent_id": bad})
        assert response.status_code == 400
        assert list(error_of(response)["fields"]) == ["parent_id"]
    assert api.post("/api/v1/edge/things/1", json={"parent_id": MAX_INT}).status_code == 200


# --- numbers in bodies ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "ok"),
    [
        ("count", MAX_INT, True),
        ("count", MAX_INT + 1, False),
        ("count", -(MAX_INT + 1), False),
        ("price_rials", MAX_MONEY, True),
        ("price_rials", MAX_MONEY + 1, False),
        ("price_rials", 10**30, False),
    ],
)
def test_an_integer_the_database_cannot_hold_is_refused_naming_its_field(
    api: ResalatClient, field: str, value: int, ok: bool
) -> None:
    response = api.post("/api/v1/edge/things/1", json={field: value})

    if ok:
        assert response.get_json()[field] == value
    else:
        assert response.status_code == 400
        error = error_of(response)
        assert list(error["fields"]) == [field]
        # The range, not some other complaint ("must be greater than zero"):
        said = error["fields"][field][0]
        assert said.endswith(" or less.") or said.endswith(" or more."), said


def test_a_schema_error_is_said_in_the_readers_language(api: ResalatClient, api_in: Any) -> None:
    english = api.post("/api/v1/edge/things/1", json={"count": 2**31, "tags": "x", "extra": 1})
    persian = api_in("fa").post("/api/v1/edge/things/1", json={"count": 2**31, "tags": "x"})

    assert error_of(english)["fields"] == {
        "count": ["Must be 2,147,483,647 or less."],
        "tags": ["Must be a list."],
        "extra": ["Not a field of this request."],
    }
    said = error_of(persian)["fields"]
    assert said["count"] == ["باید ۲٬۱۴۷٬۴۸۳٬۶۴۷ یا کمتر باشد."]
    assert said["tags"] == ["باید فهرست باشد."]


# --- pages ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("page=100001", "page"),
        ("page=" + "9" * 30, "page"),
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page=1e3", "page"),
        ("page=³", "page"),
        ("per_page=101", "per_page"),
        ("per_page=0", "per_page"),
    ],
)
def test_a_page_out_of_bounds_is_refused_naming_the_parameter(
    api: ResalatClient, query: str, field: str
) -> None:
    response = api.get(f"/api/v1/edge/things?{query}")

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == [field]


def test_the_last_page_allowed_and_persian_digits_are_read(api: ResalatClient) -> None:
    assert api.get("/api/v1/edge/things?page=100000").get_json()["meta"]["page"] == 100_000
    assert api.get("/api/v1/edge/things?page=۳&per_page=۱۰۰").get_json()["meta"]["per_page"] == 100


# --- control characters --------------------------------------------------------------------------


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x08", "\x7f", "\x85", "\x9b"])
def test_a_control_character_anywhere_is_refused_naming_the_field(api: ResalatClient, char: str) -> None:
    in_query = api.get(f"/api/v1/edge/things?page=1&q=a{char}b")
    in_body = api.post("/api/v1/edge/things/1", json={"note": f"pay{char}"})
    nested = api.post("/api/v1/edge/things/1", json={"tags": ["ok", f"x{char}"]})
    in_key = api.post("/api/v1/edge/things/1", json={f"n{char}": 1})

    for response, field in ((in_query, "q"), (in_body, "note"), (nested, "tags[1]"), (in_key, f"n{char}")):
        assert response.status_code == 400
        error = error_of(response)
        assert error["code"] == "control_character"
        assert list(error["fields"]) == [field]


def test_a_lone_surrogate_in_json_is_refused(api: ResalatClient) -> None:
    response = api.post(
        "/api/v1/edge/things/1", data='{"note": "a\\ud800b"}', headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 400
    assert error_of(response)["code"] == "control_character"


def test_a_control_character_in_a_form_is_refused_on_a_page(edge_app: Flask, make_member: Any) -> None:
    edge_app.test_client_class = ResalatClient
    client: ResalatClient = edge_app.test_client()  # type: ignore[assignment]
    client.sign_in(make_member())

    refused = client.form("/edge/things", {"note": "زنگ\x07"}, token_from="/")
    kept = client.form("/edge/things", {"note": "می\u200cروم\tبه\nبازار"}, token_from="/")

    assert refused.status_code == 400
    # ZWNJ is Persian spelling and stays; a tab or a line break is only a space in one line.
    assert kept.get_json() == {"note": "می\u200cروم به بازار"}


def test_persian_text_with_its_marks_goes_through(api: ResalatClient) -> None:
    note = "خرید\u200cهای ماه «مهر» ۱۴۰۵، قسط ۳"
    assert api.post("/api/v1/edge/things/1", json={"note": note}).get_json()["note"] == note


# --- the address, times ------------------------------------------------------------------------


def test_an_address_too_long_is_414_with_the_error_envelope(api: ResalatClient) -> None:
    response = api.get("/api/v1/edge/things?q=" + "a" * 9000)

    assert response.status_code == 414
    assert error_of(response)["code"] == "request_uri_too_long"


def test_a_time_is_written_with_its_offset(api: ResalatClient) -> None:
    seen_at = api.get("/api/v1/edge/things/1").get_json()["seen_at"]

    assert seen_at.endswith("+00:00")


# --- the document --------------------------------------------------------------------------------


def test_the_document_lists_every_answer_and_the_bounds(api: ResalatClient) -> None:
    document = api.get("/api/v1/openapi.json").get_json()
    paths = document["paths"]

    for path, operations in paths.items():
        for method, op in operations.items():
            statuses = set(op["responses"])
            assert {"400", "403", "404", "414", "429"} <= statuses, (method, path)
            if op["security"] != []:
                assert "401" in statuses, (method, path)
            if method in {"post", "put", "patch", "delete"}:
                assert {"409", "413"} <= statuses, (method, path)
            for status, answer in op["responses"].items():
                if status[0] in "45":
                    schema = answer["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/Error"}
            for param in op["parameters"]:
                if param["in"] == "path" and param["schema"]["type"] == "integer":
                    assert param["schema"]["maximum"] == MAX_BIG_ID
                if param["name"] == "page":
                    assert param["schema"]["maximum"] == 100_000

    body = document["components"]["schemas"]["fixture_edge.ThingBody"]["properties"]
    assert body["count"]["maximum"] == MAX_INT
    assert body["price_rials"]["maximum"] == MAX_MONEY
    assert (body["parent_id"]["minimum"], body["parent_id"]["maximum"]) == (1, MAX_INT)
    thing = document["components"]["schemas"]["fixture_edge.Thing"]["properties"]
    assert thing["seen_at"]["format"] == "date-time"


# --- lists ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "too_many", "too_long"),
    [("en", "At most 3 entries.", "At most 10 characters."), ("fa", "حداکثر ۳ مورد.", "حداکثر ۱۰ نویسه.")],
)
def test_a_list_too_long_is_told_in_entries_and_a_word_too_long_in_characters(
    api_in: Any, language: str, too_many: str, too_long: str
) -> None:
    client = api_in(language)
    response = client.post("/api/v1/edge/things/1", json={"labels": ["a", "b", "c", "d"]})
    assert response.status_code == 400
    assert error_of(response)["fields"] == {"labels": [too_many]}
    response = client.post("/api/v1/edge/things/1", json={"labels": ["a", "b" * 11]})
    assert response.status_code == 400
    assert error_of(response)["fields"] == {"labels": {"1": [too_long]}}
    assert client.post("/api/v1/edge/things/1", json={"labels": ["a", "b", "c"]}).status_code == 200

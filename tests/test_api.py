"""The JSON API: bearer tokens, error bodies, pagination, routing errors and the OpenAPI document."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

import resalat_core
from resalat_core.auth.models import ApiToken
from resalat_core.auth.services import issue_token, revoke_token
from resalat_core.db import utcnow
from resalat_core.members.models import Member
from resalat_core.regions.models import Region
from resalat_core.testing import PASSWORD

# Flask's ``<int:id>`` is OpenAPI's ``{id}``.
ROUTE_ARGUMENT = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def db(app):
    return app.extensions["resalat"].db


def mobile_of(app, member_id: int) -> str:
    with db(app).new_session() as s:
        return s.get(Member, member_id).mobile


def token_for(app, member_id: int, **kwargs) -> tuple[str, int]:
    with db(app).new_session() as s:
        plain, token = issue_token(s, s.get(Member, member_id), "test", **kwargs)
        s.flush()
        return plain, token.id


def bearer(plain: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {plain}"}


def assert_error_body(response, status: int, code: str | None = None) -> dict:
    """Every API error has the one shape; returns its ``error`` object."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json
    body = response.get_json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"code", "message", "fields"}
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["fields"], dict)
    if code is not None:
        assert error["code"] == code
    return error


def region_count(app) -> int:
    with db(app).new_session() as s:
        return s.scalar(select(func.count(Region.id)))


# --- who am I ------------------------------------------------------------------------------------


def test_a_member_with_a_token_sees_who_they_are(api_as):
    api = api_as("steward", region="zanjan/abhar")

    response = api.get("/api/v1/me")

    assert response.status_code == 200
    me = response.get_json()
    assert me["id"] == api.member_id
    assert me["region"]["code"] == "zanjan/abhar"
    assert me["roles"] == [{"role": "steward", "region": "zanjan", "kind": None}]
    assert "password_hash" not in me


def test_a_tokens_reader_is_one_query_and_its_last_use_is_written_once_a_minute(app, api_as):
    from sqlalchemy import event

    api = api_as("steward", region="zanjan/abhar")
    engine = db(app).engine
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        seen.append(statement)

    assert api.get("/api/v1/me").status_code == 200  # the first use writes its time
    with db(app).new_session() as s:
        first = s.scalar(select(ApiToken.last_used_at).where(ApiToken.member_id == api.member_id))
    assert first is not None
    commits: list[int] = []

    def committed(_conn):  # type: ignore[no-untyped-def]
        commits.append(1)

    event.listen(engine, "before_cursor_execute", count)
    event.listen(engine, "commit", committed)
    try:
        me = api.get("/api/v1/me")
    finally:
        event.remove(engine, "before_cursor_execute", count)
        event.remove(engine, "commit", committed)
    assert me.status_code == 200 and me.get_json()["region"]["code"] == "zanjan/abhar"
    # The token, its member, their place and its province, their roles: one statement (and
    # SQLite's BEGIN); within the minute nothing is written and nothing committed.
    reads = [q for q in seen if q.lstrip().upper().startswith("SELECT")]
    assert len(reads) == 1, seen
    assert not [q for q in seen if q.lstrip().upper().startswith("UPDATE")] and not commits, seen

    # A minute on, the use is written and kept even though the request itself is refused.
    with db(app).new_session() as s:
        token = s.scalar(select(ApiToken).where(ApiToken.member_id == api.member_id))
        token.last_used_at = first - timedelta(minutes=5)
        s.commit()
    assert api.get("/api/v1/no-such-operation").status_code == 404
    with db(app).new_session() as s:
        later = s.scalar(select(ApiToken.last_used_at).where(ApiToken.member_id == api.member_id))
    assert later is not None and later > first - timedelta(minutes=5)


def test_without_a_token_the_api_answers_401_in_the_error_shape(client):
    error = assert_error_body(client.get("/api/v1/me"), 401, "unauthenticated")

    assert error["fields"] == {}


def test_a_revoked_token_no_longer_opens_the_api(app, client, make_member):
    member_id = make_member()
    plain, token_id = token_for(app, member_id)
    assert client.get("/api/v1/me", headers=bearer(plain)).status_code == 200
    with db(app).new_session() as s:
        revoke_token(s, s.get(Member, member_id), token_id)

    assert_error_body(client.get("/api/v1/me", headers=bearer(plain)), 401)


def test_an_expired_token_no_longer_opens_the_api(app, client, make_member):
    plain, token_id = token_for(app, make_member())
    with db(app).new_session() as s:
        s.get(ApiToken, token_id).expires_at = utcnow() - timedelta(seconds=1)

    assert_error_body(client.get("/api/v1/me", headers=bearer(plain)), 401)


def test_a_deactivated_members_token_no_longer_opens_the_api(app, client, make_member):
    member_id = make_member()
    plain, _ = token_for(app, member_id)
    with db(app).new_session() as s:
        s.get(Member, member_id).is_active = False

    assert_error_body(client.get("/api/v1/me", headers=bearer(plain)), 401)


@pytest.mark.parametrize(
    "header",
    ["Bearer garbage", "Bearer rst_not-a-real-token", "Bearer ", "Basic dXNlcjpwYXNz", "rst_abc"],
)
def test_a_garbage_authorization_header_is_a_401_not_a_crash(client, header):
    assert_error_body(client.get("/api/v1/me", headers={"Authorization": header}), 401)


# --- getting a token -----------------------------------------------------------------------------


def test_a_member_exchanges_a_mobile_and_password_for_a_working_token(app, client, make_member):
    member_id = make_member()

    response = client.post(
        "/api/v1/auth/tokens", json={"identifier": mobile_of(app, member_id), "password": PASSWORD}
    )

    assert response.status_code == 201
    body = response.get_json()
    assert body["token"].startswith("rst_")
    assert "password" not in body
    me = client.get("/api/v1/me", headers=bearer(body["token"]))
    assert me.status_code == 200 and me.get_json()["id"] == member_id
    with db(app).new_session() as s:
        stored = s.scalar(select(ApiToken.token_hash).where(ApiToken.member_id == member_id))
    assert body["token"] not in stored  # only its digest is kept


@pytest.mark.parametrize("body", ["not json at all", "[1, 2", ""])
def test_a_token_request_that_is_not_json_is_a_400(client, body):
    response = client.post("/api/v1/auth/tokens", data=body, content_type="application/json")

    assert_error_body(response, 400, "bad_json")


def test_a_token_request_names_every_missing_field(client):
    error = assert_error_body(client.post("/api/v1/auth/tokens", json={}), 400)

    assert set(error["fields"]) == {"identifier", "password"}
    assert all(isinstance(v, list) and v for v in error["fields"].values())


def test_a_token_request_with_a_bad_field_type_is_a_400_naming_it(client):
    error = assert_error_body(
        client.post(
            "/api/v1/auth/tokens", json={"identifier": "09120000000", "password": "x", "days": "ever"}
        ),
        400,
    )

    assert "days" in error["fields"]


def test_a_wrong_password_gets_no_token(app, client, make_member):
    member_id = make_member()

    response = client.post(
        "/api/v1/auth/tokens", json={"identifier": mobile_of(app, member_id), "password": "wrong-one-1"}
    )

    error = assert_error_body(response, 400, "bad_credentials")
    assert "password" in error["fields"]
    with db(app).new_session() as s:
        assert s.scalar(select(func.count(ApiToken.id))) == 0


def test_guessing_passwords_through_the_api_is_throttled(app, client, make_member):
    mobile = mobile_of(app, make_member())
    for _ in range(app.config["RESALAT"]["login_max_failures"]):
        client.post("/api/v1/auth/tokens", json={"identifier": mobile, "password": "guess-again-1"})

    response = client.post("/api/v1/auth/tokens", json={"identifier": mobile, "password": PASSWORD})

    assert_error_body(response, 429, "too_many_attempts")


# --- lists and pages -----------------------------------------------------------------------------


def test_regions_come_in_pages_with_their_total(app, client):
    total = region_count(app)

    first = client.get("/api/v1/regions?per_page=10").get_json()
    second = client.get("/api/v1/regions?per_page=10&page=2").get_json()

    assert first["meta"] == {"page": 1, "per_page": 10, "total": total, "pages": -(-total // 10)}
    assert len(first["items"]) == 10 and len(second["items"]) == 10
    assert second["meta"]["page"] == 2
    assert not {r["code"] for r in first["items"]} & {r["code"] for r in second["items"]}


def test_page_numbers_in_persian_digits_are_understood(client):
    response = client.get("/api/v1/regions", query_string={"page": "۲", "per_page": "۵"})

    assert response.status_code == 200
    assert response.get_json()["meta"]["page"] == 2


def test_a_page_past_the_end_is_empty_not_an_error(client):
    response = client.get("/api/v1/regions?page=9999")

    assert response.status_code == 200
    assert response.get_json()["items"] == []


def test_the_places_of_one_province(client):
    items = client.get("/api/v1/regions?parent=zanjan&per_page=100").get_json()["items"]

    assert items and all(r["code"].startswith("zanjan/") for r in items)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("per_page=0", "per_page"),
        ("per_page=1000", "per_page"),
        ("per_page=-5", "per_page"),
        ("page=abc", "page"),
        ("page=0", "page"),
        ("page=1.5", "page"),
        ("kind=planet", "kind"),
        ("parent=atlantis", "parent"),
    ],
)
def test_bad_list_parameters_are_a_400_naming_the_field(client, query, field):
    error = assert_error_body(client.get(f"/api/v1/regions?{query}"), 400)

    assert field in error["fields"]


# --- routing errors ------------------------------------------------------------------------------


def test_an_unknown_api_address_is_a_json_404(client, api_as):
    assert_error_body(client.get("/api/v1/nope"), 404)
    assert_error_body(api_as().get("/api/v1/nope"), 404)


def test_a_wrong_method_on_the_api_is_a_json_405(client, api_as):
    assert_error_body(client.delete("/api/v1/regions"), 405)
    assert_error_body(api_as().post("/api/v1/me", json={}), 405)


# --- the OpenAPI document ------------------------------------------------------------------------


@pytest.fixture
def openapi_doc(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def test_the_openapi_document_is_valid_openapi_3(openapi_doc):
    import openapi_spec_validator as validator  # a test dependency: missing means failing, not skipping

    validator.validate(openapi_doc)
    assert openapi_doc["openapi"].startswith("3.")


def test_the_openapi_document_describes_the_host_api(openapi_doc):
    paths = openapi_doc["paths"]

    for path in ("/api/v1/me", "/api/v1/regions", "/api/v1/modules", "/api/v1/auth/tokens"):
        assert path in paths, path
    assert "401" in paths["/api/v1/me"]["get"]["responses"]
    assert paths["/api/v1/auth/tokens"]["post"]["security"] == []  # open to anyone
    assert "201" in paths["/api/v1/auth/tokens"]["post"]["responses"]
    assert openapi_doc["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_the_openapi_document_describes_every_api_route_of_the_host_and_plugins(app, openapi_doc):
    documented = openapi_doc["paths"]
    owners = app.extensions["resalat"].blueprint_owner
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.endpoint == "api.openapi":
            continue
        path = ROUTE_ARGUMENT.sub(r"{\1}", rule.rule)
        owner = owners.get(rule.endpoint.split(".")[0], "the host")
        assert path in documented, f"{owner}: {rule.rule} is missing from the OpenAPI document"
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in documented[path], f"{owner}: {method} {rule.rule} is undocumented"


# --- languages -----------------------------------------------------------------------------------

UNAUTHENTICATED = "Sign in first: send a bearer token in the Authorization header."


def persian_catalog_translates(msgid: str) -> bool:
    from babel.messages.mofile import read_mo

    mo = Path(resalat_core.__file__).parent / "translations" / "fa" / "LC_MESSAGES" / "messages.mo"
    if not mo.is_file():
        return False
    with mo.open("rb") as fh:
        message = read_mo(fh).get(msgid)
    return bool(message and message.string and message.string != msgid)


def test_api_errors_speak_the_language_the_client_asks_for(client):
    if not persian_catalog_translates(UNAUTHENTICATED):
        pytest.skip("the Persian catalog is not compiled yet")

    english = client.get("/api/v1/me", headers={"Accept-Language": "en"}).get_json()["error"]
    persian = client.get("/api/v1/me", headers={"Accept-Language": "fa-IR,fa;q=0.9"}).get_json()["error"]

    assert english["message"] == UNAUTHENTICATED
    assert persian["message"] != english["message"]
    assert any("\u0600" <= ch <= "\u06ff" for ch in persian["message"])
    assert english["code"] == persian["code"] == "unauthenticated"


def test_public_operations_say_so_and_the_rest_need_a_token(openapi_doc):
    assert openapi_doc["security"] == [{"bearer": []}]
    operations = {
        (path, method): op for path, item in openapi_doc["paths"].items() for method, op in item.items()
    }
    assert operations[("/api/v1/regions", "get")]["security"] == []
    assert operations[("/api/v1/auth/tokens", "post")]["security"] == []
    assert operations[("/api/v1/me", "get")]["security"] == [{"bearer": []}]
    assert all("security" in op for op in operations.values())

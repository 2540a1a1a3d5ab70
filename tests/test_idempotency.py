"""Idempotency keys: a POST repeated with the same key acts once, whoever and however it is repeated."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from resalat_core.auth.services import issue_token
from resalat_core.members.models import Member
from resalat_core.plugins.activation import set_module
from resalat_core.testing import ResalatClient

FIXTURES = Path(__file__).resolve().parent / "fixtures"
URL = "/api/v1/idem/count"


@pytest.fixture
def idem_app(app: Flask, make_app: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """An app with the test module ``idem`` loaded and switched on, and its counter table.

    It asks for ``app`` so the tables are emptied before, not after, ``idem`` is switched on.
    """
    monkeypatch.syspath_prepend(str(FIXTURES))
    from resalat_fixture_idem import hooks, plugin

    built = make_app(extra_plugins={"idem": plugin})
    record = built.extensions["resalat"].plugins.records["idem"]
    assert record.status == "loaded", record.error
    db = built.extensions["resalat"].db
    hooks.COUNTERS.create(db.engine, checkfirst=True)
    with built.app_context():
        set_module(db.session(), "idem", enabled=True)
        db.session.commit()
        db.session.remove()
    yield built
    hooks.COUNTERS.drop(db.engine, checkfirst=True)


@pytest.fixture
def api_of(idem_app: Flask, make_member: Any) -> Any:
    """``api_of()``: a client of the idem app carrying a new member's bearer token."""

    def factory() -> ResalatClient:
        member_id = make_member()
        with idem_app.extensions["resalat"].db.new_session() as s:
            plain, _token = issue_token(s, s.get(Member, member_id), "idem")
        idem_app.test_client_class = ResalatClient
        client: ResalatClient = idem_app.test_client()  # type: ignore[assignment]
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {plain}"
        return client

    return factory


def hits(app: Flask, name: str = "main") -> int:
    from resalat_fixture_idem.hooks import hits as read_hits

    with app.extensions["resalat"].db.new_session() as s:
        return read_hits(s, name)


def count(client: ResalatClient, key: str | None, body: Any = None, **headers: str) -> Any:
    if key is not None:
        headers["Idempotency-Key"] = key
    return client.post(URL, json={} if body is None else body, headers=headers)


def test_a_repeated_request_gets_the_first_answer_and_counts_once(idem_app, api_of):
    api = api_of()

    first = count(api, "tea-1404", {"counter": "main"})
    again = count(api, "tea-1404", {"counter": "main"})

    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json() == {"counter": "main", "hits": 1}
    assert "Idempotent-Replayed" not in first.headers
    assert again.headers["Idempotent-Replayed"] == "true"
    assert hits(idem_app) == 1


def test_the_same_body_written_differently_is_the_same_request(idem_app, api_of):
    api = api_of()

    count(api, "k", {"counter": "main", "note": "x"})
    again = api.post(
        URL,
        data='{"note": "x",   "counter": "main"}',
        content_type="application/json",
        headers={"Idempotency-Key": "k"},
    )

    assert again.headers.get("Idempotent-Replayed") == "true"
    assert hits(idem_app) == 1


def test_a_new_key_is_a_new_request(idem_app, api_of):
    api = api_of()

    count(api, "first")
    second = count(api, "second")

    assert second.get_json()["hits"] == 2
    assert hits(idem_app) == 2


def test_the_same_key_with_a_different_body_is_a_conflict(idem_app, api_of):
    api = api_of()
    count(api, "tea-1404", {"counter": "main"})

    response = count(api, "tea-1404", {"counter": "other"})

    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "idempotency_key_reused"
    assert hits(idem_app, "main") == 1
    assert hits(idem_app, "other") == 0


def test_the_same_key_with_a_different_query_is_a_conflict(idem_app, api_of):
    api = api_of()
    api.post(f"{URL}?counter=main", json={}, headers={"Idempotency-Key": "q"})

    response = api.post(f"{URL}?counter=other", json={}, headers={"Idempotency-Key": "q"})

    assert response.status_code == 409


@pytest.mark.parametrize(
    ("key", "code"),
    [
        (None, "idempotency_key_required"),
        ("", "idempotency_key_required"),
        ("   ", "idempotency_key_required"),
        ("k" * 201, "idempotency_key_too_long"),
        ("k\x1bk", "control_character"),
    ],
)
def test_a_request_without_a_usable_key_is_refused_and_counts_nothing(idem_app, api_of, key, code):
    response = count(api_of(), key)

    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == code
    assert "Idempotency-Key" in error["fields"]
    assert hits(idem_app) == 0


def test_a_key_of_the_longest_length_is_accepted(idem_app, api_of):
    assert count(api_of(), "k" * 200).status_code == 201


def test_two_members_may_choose_the_same_key(idem_app, api_of):
    ali, zahra = api_of(), api_of()

    first = count(ali, "order-1")
    second = count(zahra, "order-1")

    assert first.get_json()["hits"] == 1
    assert second.get_json()["hits"] == 2
    assert "Idempotent-Replayed" not in second.headers
    assert hits(idem_app) == 2


def test_a_refused_request_is_refused_again_and_changes_nothing(idem_app, api_of):
    api = api_of()

    first = count(api, "bad", {"counter": ""})
    again = count(api, "bad", {"counter": ""})

    assert first.status_code == again.status_code == 400
    assert again.get_json() == first.get_json()
    assert "Idempotent-Replayed" not in again.headers  # looked at afresh: nothing was stored
    assert hits(idem_app) == 0


def test_a_refusal_does_not_use_up_its_key(idem_app, api_of):
    from resalat_fixture_idem.hooks import REFUSE_HEADER

    api = api_of()

    refused = count(api, "after-top-up", **{REFUSE_HEADER: "1"})
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "not_now"
    assert hits(idem_app) == 0  # what it wrote before refusing was rolled back

    # Once the request can succeed (money arrived, say), the same key carries it out, once.
    done = count(api, "after-top-up")
    replayed = count(api, "after-top-up")

    assert done.status_code == replayed.status_code == 201
    assert replayed.headers["Idempotent-Replayed"] == "true"
    assert hits(idem_app) == 1


def test_a_request_that_failed_on_our_side_may_be_retried_with_its_key(idem_app, api_of):
    from resalat_fixture_idem.hooks import EXPLODE_HEADER

    api = api_of()

    failed = count(api, "retry-me", **{EXPLODE_HEADER: "1"})
    retried = count(api, "retry-me")

    assert failed.status_code == 500
    assert retried.status_code == 201
    assert "Idempotent-Replayed" not in retried.headers
    assert hits(idem_app) == 1


def test_an_anonymous_caller_is_asked_to_sign_in_before_anything_else(idem_app):
    response = idem_app.test_client().post(URL, json={}, headers={"Idempotency-Key": "k"})

    assert response.status_code == 401
    assert hits(idem_app) == 0


def test_two_requests_racing_with_one_key_count_once(idem_app, api_of):
    from resalat_fixture_idem.hooks import SLOW_HEADER

    api = api_of()
    token = api.environ_base["HTTP_AUTHORIZATION"]
    start = threading.Barrier(2)
    answers: list[Any] = []

    def racer() -> None:
        client = idem_app.test_client()
        start.wait()
        answers.append(
            client.post(
                URL, json={}, headers={"Authorization": token, "Idempotency-Key": "race", SLOW_HEADER: "0.3"}
            )
        )

    threads = [threading.Thread(target=racer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert hits(idem_app) == 1
    statuses = sorted(a.status_code for a in answers)
    assert statuses in ([201, 201], [201, 409])
    fresh = [a for a in answers if a.status_code == 201 and "Idempotent-Replayed" not in a.headers]
    assert len(fresh) == 1


def test_the_openapi_document_says_the_key_is_required(idem_app):
    doc = idem_app.test_client().get("/api/v1/openapi.json").get_json()

    operation = doc["paths"][URL]["post"]
    header = [p for p in operation["parameters"] if p["in"] == "header" and p["name"] == "Idempotency-Key"]
    assert header and header[0]["required"] is True
    assert "409" in operation["responses"]

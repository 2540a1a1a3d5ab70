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


def _stored(app: Flask, key: str) -> list[tuple[Any, ...]]:
    from sqlalchemy import select

    from resalat_core.rest.models import IdempotencyRecord

    with app.extensions["resalat"].db.new_session() as s:
        rows = s.execute(
            select(IdempotencyRecord.status, IdempotencyRecord.key).where(IdempotencyRecord.key == key)
        )
        return [tuple(r) for r in rows]


def test_a_claim_left_by_a_request_that_died_is_taken_over_by_the_retry(idem_app, api_of):
    """Claims used to be committed before the work: one whose request died stays "in progress".
    The retry does the work once instead of being refused for ever."""
    from resalat_core.rest.models import IdempotencyRecord

    api = api_of()
    member = api.get("/api/v1/me").get_json()["id"]
    with idem_app.extensions["resalat"].db.new_session() as s:
        s.add(IdempotencyRecord(scope=f"{member}:idem_api.count", key="orphan", request_hash="0" * 64))

    retried = count(api, "orphan")
    again = count(api, "orphan")

    assert retried.status_code == 201 and "Idempotent-Replayed" not in retried.headers
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert hits(idem_app) == 1


def test_a_repeat_waits_for_the_first_request_and_gets_its_answer_or_a_retry_after(idem_app, api_of, backend):
    """PostgreSQL: the repeat waits two seconds on the first one's claim, then is told to come
    back (409, Retry-After). SQLite: writers queue, so the repeat waits it out and replays."""
    from resalat_fixture_idem.hooks import INSIDE, SLOW_HEADER

    api = api_of()
    token = api.environ_base["HTTP_AUTHORIZATION"]
    first: list[Any] = []
    INSIDE.clear()
    slow = threading.Thread(
        target=lambda: first.append(
            idem_app.test_client().post(
                URL, json={}, headers={"Authorization": token, "Idempotency-Key": "wait", SLOW_HEADER: "4"}
            )
        )
    )
    slow.start()
    try:
        assert INSIDE.wait(20), "the first request never reached its view"
        repeat = count(api, "wait")
    finally:
        slow.join(timeout=30)

    assert first[0].status_code == 201
    if backend == "postgresql":
        assert repeat.status_code == 409, repeat.get_json()
        assert repeat.get_json()["error"]["code"] == "idempotency_in_progress"
        assert repeat.headers["Retry-After"] == "1"
    else:
        assert repeat.status_code == 201 and repeat.headers["Idempotent-Replayed"] == "true"
    later = count(api, "wait")
    assert later.status_code == 201 and later.headers["Idempotent-Replayed"] == "true"
    assert hits(idem_app) == 1


def _until(condition: Any, message: str, seconds: float = 20) -> None:
    import time

    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, message
        time.sleep(0.05)


def _claim_is_held(app: Flask, backend: str) -> bool:
    """Whether some other connection holds an open write transaction (the first request's)."""
    from sqlalchemy import text

    engine = app.extensions["resalat"].db.engine
    with engine.connect() as conn:
        if backend == "postgresql":
            return bool(
                conn.scalar(
                    text(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                        " AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL"
                    )
                )
            )
        try:  # SQLite: the write lock is taken, so asking for it at once fails
            conn.exec_driver_sql("PRAGMA busy_timeout=0")
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except Exception:
            return True
        conn.exec_driver_sql("ROLLBACK")
        return False


_KILLED_REQUEST = """
import sys
sys.path.insert(0, sys.argv[3])
from resalat_core.app import create_app
from resalat_core.testing import test_config
from resalat_fixture_idem import plugin
from resalat_fixture_idem.hooks import SLOW_HEADER

app = create_app(test_config(sys.argv[1]), extra_plugins={"idem": plugin})
app.test_client().post(
    "/api/v1/idem/count", json={},
    headers={"Authorization": sys.argv[2], "Idempotency-Key": "killed", SLOW_HEADER: "60"},
)
"""


def test_a_request_whose_process_is_killed_mid_work_leaves_its_key_free(idem_app, api_of, backend):
    """A process serving the request is killed with SIGKILL while it holds the key: the database
    drops its transaction with the connection, and the retry does the work once."""
    import os
    import signal
    import subprocess
    import sys

    api = api_of()
    url = idem_app.extensions["resalat"].db.url
    process = subprocess.Popen(  # noqa: S603 (this interpreter, the test's own script)
        [sys.executable, "-c", _KILLED_REQUEST, url, api.environ_base["HTTP_AUTHORIZATION"], str(FIXTURES)],
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    try:
        _until(lambda: _claim_is_held(idem_app, backend), "the doomed request never claimed its key", 60)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)

    retried = count(api, "killed")
    again = count(api, "killed")

    assert retried.status_code == 201 and "Idempotent-Replayed" not in retried.headers, retried.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert hits(idem_app) == 1
    assert _stored(idem_app, "killed") == [(201, "killed")]

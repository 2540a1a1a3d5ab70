"""Liveness (`/healthz`: the worker answers, asking nothing of anyone) and readiness (`/readyz`:
the database and the member cache answer, 503 naming what does not)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import event

REDIS = "redis://127.0.0.1:6379/2"


def _statements(app: Any, path: str) -> tuple[Any, list[str]]:
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    engine = app.extensions["resalat"].db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        answer = app.test_client().get(path)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return answer, seen


def test_liveness_answers_without_asking_the_database(app):
    answer, statements = _statements(app, "/healthz")
    assert answer.status_code == 200 and answer.get_json() == {"status": "ok"}
    assert statements == []


def test_readiness_asks_the_database_once(app):
    answer, statements = _statements(app, "/readyz")
    assert answer.status_code == 200
    assert answer.get_json() == {"status": "ok", "database": "ok"}
    assert [s for s in statements if "SELECT 1" in s] == ["SELECT 1"]


def test_a_database_that_does_not_answer_makes_the_worker_unready_not_dead():
    from resalat_core.app import create_app
    from resalat_core.testing import test_config

    # Nothing listens on port 1: every connection is refused at once.
    down = create_app(test_config("postgresql+psycopg://postgres@127.0.0.1:1/nowhere"))
    client = down.test_client()
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.get_json() == {"status": "unavailable", "database": "unavailable"}
    assert client.get("/healthz").status_code == 200


def test_readiness_reports_the_member_cache_when_one_is_set(make_app):
    import redis

    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip("no Redis server on 127.0.0.1:6379")
    cached = make_app(member_cache_url=REDIS, ratelimit_namespace=uuid.uuid4().hex)
    assert cached.test_client().get("/readyz").get_json() == {
        "status": "ok",
        "database": "ok",
        "member_cache": "ok",
    }
    unreachable = make_app(member_cache_url="redis://127.0.0.1:1/0")
    answer = unreachable.test_client().get("/readyz")
    assert answer.status_code == 503
    assert answer.get_json() == {"status": "unavailable", "database": "ok", "member_cache": "unavailable"}

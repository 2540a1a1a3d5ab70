"""The pool pings a PostgreSQL connection only when it sat idle past database_ping_idle_seconds."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from sqlalchemy import exc, text
from sqlalchemy.engine import Engine, make_url

from resalat_core import testing
from resalat_core.app import create_app
from resalat_core.config import load_config
from resalat_core.db import make_engine


def postgres_url() -> str:
    url = os.environ.get(testing.PG_ENV)
    if not url:
        pytest.skip(f"{testing.PG_ENV} is not set")
    return url


def terminate(pid: int) -> None:
    """Cut the server side of a pooled connection, as a restart or an idle timeout would."""
    conninfo = make_url(postgres_url()).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone() == (True,)
        for _ in range(100):
            if admin.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", (pid,)).fetchone() is None:
                return
            time.sleep(0.02)
    raise AssertionError(f"backend {pid} is still there")


def backend_pid(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())


class Pings:
    """Counts the dialect's pings (each still reaches the server)."""

    def __init__(self, engine: Engine) -> None:
        self.count = 0
        self._ping = engine.dialect.do_ping

        def counted(dbapi_connection: Any) -> bool:
            self.count += 1
            return self._ping(dbapi_connection)

        engine.dialect.do_ping = counted  # type: ignore[method-assign]


@pytest.fixture
def engine_with(request: pytest.FixtureRequest) -> Iterator[Any]:
    made: list[Engine] = []

    def make(seconds: float) -> Engine:
        engine = make_engine(postgres_url(), ping_idle_seconds=seconds, pool_size=1, max_overflow=0)
        made.append(engine)
        return engine

    yield make
    for engine in made:
        engine.dispose()


def test_a_connection_idle_past_the_threshold_is_pinged_and_replaced(engine_with: Any) -> None:
    engine = engine_with(0.2)
    pings = Pings(engine)
    first = backend_pid(engine)
    time.sleep(0.3)
    terminate(first)
    # The ping finds it dead; the pool drops it and hands out a fresh one: nothing fails.
    second = backend_pid(engine)
    assert second != first
    assert pings.count == 1


def test_a_recently_used_connection_is_not_pinged(engine_with: Any) -> None:
    engine = engine_with(3600)
    pings = Pings(engine)
    first = backend_pid(engine)
    for _ in range(5):
        assert backend_pid(engine) == first  # the same connection, five checkouts, no ping
    assert pings.count == 0


def test_within_the_threshold_the_first_query_fails_once_and_the_pool_recovers(engine_with: Any) -> None:
    engine = engine_with(3600)
    first = backend_pid(engine)
    terminate(first)
    with pytest.raises(exc.OperationalError) as failed, engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    assert failed.value.connection_invalidated
    second = backend_pid(engine)
    assert second != first


def test_zero_pings_on_every_checkout(engine_with: Any) -> None:
    engine = engine_with(0)
    pings = Pings(engine)
    first = backend_pid(engine)
    assert backend_pid(engine) == first
    terminate(first)
    assert backend_pid(engine) != first
    assert pings.count == 2


def test_a_negative_threshold_is_refused() -> None:
    with pytest.raises(ValueError, match="database_ping_idle_seconds"):
        make_engine("postgresql+psycopg://u@127.0.0.1/x", ping_idle_seconds=-1)


def test_the_setting_reaches_the_apps_engine() -> None:
    app = create_app({"database_url": postgres_url(), "database_ping_idle_seconds": 0.2, "testing": True})
    db = app.extensions["resalat"].db
    try:
        first = backend_pid(db.engine)
        time.sleep(0.3)
        terminate(first)
        assert backend_pid(db.engine) != first
    finally:
        db.dispose()


def test_the_threshold_can_be_set_in_fractions_of_a_second(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RESALAT_DATABASE_PING_IDLE_SECONDS", "2.5")
    assert load_config()["database_ping_idle_seconds"] == 2.5

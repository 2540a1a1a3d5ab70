"""The app keeps no session state on its PostgreSQL connections, so it runs behind PgBouncer."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from resalat_core import testing
from resalat_core.db import make_engine

ROOT = Path(__file__).resolve().parent.parent

# What would tie a transaction's work to the server connection it happened to run on; under
# PgBouncer in transaction mode the next transaction may get another one.
SESSION_STATE = {
    "a SET without LOCAL": re.compile(r"""["']\s*SET\s+(?!LOCAL\b)(SESSION\s+)?\w+\s*(=|TO\b)""", re.I),
    "a session-level advisory lock": re.compile(r"pg_(try_)?advisory_lock(_shared)?\s*\(", re.I),
    "LISTEN": re.compile(r"""["']\s*LISTEN\s""", re.I),
    "a temporary table": re.compile(r"CREATE\s+(GLOBAL\s+|LOCAL\s+)?TEMP(ORARY)?\s+TABLE", re.I),
    "session_replication_role": re.compile(r"session_replication_role", re.I),
    "a server-side cursor (stream_results / yield_per)": re.compile(r"stream_results|yield_per\s*\("),
    "a prepared statement of its own": re.compile(r"""["']\s*PREPARE\s+\w""", re.I),
}


def app_sources() -> list[Path]:
    sources = list((ROOT / "resalat_core").rglob("*.py")) + list((ROOT / "plugins").rglob("*.py"))
    return [p for p in sources if "tests" not in p.parts and ".venv" not in p.parts]


def test_the_code_keeps_no_session_state_on_a_connection() -> None:
    found = []
    for path in app_sources():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for what, pattern in SESSION_STATE.items():
                if pattern.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {what}")
    assert found == []


def test_the_checks_would_see_what_they_look_for() -> None:
    assert SESSION_STATE["a SET without LOCAL"].search('text("SET lock_timeout = 5")')
    assert not SESSION_STATE["a SET without LOCAL"].search('text("SET LOCAL lock_timeout = 5")')
    assert SESSION_STATE["a session-level advisory lock"].search("SELECT pg_advisory_lock(1)")
    assert not SESSION_STATE["a session-level advisory lock"].search("SELECT pg_advisory_xact_lock(1)")


def test_an_unknown_pooler_is_refused() -> None:
    with pytest.raises(ValueError, match="database_pooler"):
        make_engine("postgresql+psycopg://u@127.0.0.1/x", pooler="pgpool")


def postgres_url() -> str:
    url = os.environ.get(testing.PG_ENV)
    if not url:
        pytest.skip(f"{testing.PG_ENV} is not set")
    return url


def test_behind_pgbouncer_psycopg_prepares_nothing() -> None:
    engine = make_engine(postgres_url(), pooler="pgbouncer")
    try:
        with engine.connect() as conn:
            assert conn.connection.driver_connection.prepare_threshold is None  # type: ignore[union-attr]
            # Many runs of one statement, in many transactions: prepared after the fifth without it.
            for _ in range(8):
                assert conn.execute(text("SELECT 1")).scalar() == 1
                conn.commit()
    finally:
        engine.dispose()
    direct = make_engine(postgres_url())
    try:
        with direct.connect() as conn:
            assert conn.connection.driver_connection.prepare_threshold == 5  # type: ignore[union-attr]
    finally:
        direct.dispose()


@pytest.mark.skipif(os.environ.get("RESALAT_DATABASE_POOLER") != "pgbouncer", reason="not behind PgBouncer")
def test_this_run_really_goes_through_the_bouncer() -> None:
    """scripts/test-pgbouncer: the app's URL names the bouncer's port, the server is elsewhere."""
    url = postgres_url()
    engine = make_engine(url, pooler="pgbouncer")
    try:
        with engine.connect() as conn:
            server_port = conn.execute(text("SELECT inet_server_port()")).scalar()
    finally:
        engine.dispose()
    assert make_url(url).port != server_port

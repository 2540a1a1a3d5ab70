"""Periodic jobs in chunks: declared by plugins, run in-process, and on a real Celery worker."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from resalat_core.db import utcnow
from resalat_core.jobs import run_job, split_ids

ROOT = Path(__file__).resolve().parent.parent
# The jobs these tests run are the credit plugins' (the host alone declares none).
credit = pytest.mark.skipif(
    importlib.util.find_spec("resalat_merat") is None or importlib.util.find_spec("resalat_loans") is None,
    reason="needs the merat and loans plugins",
)
BROKER = os.environ.get("RESALAT_TEST_CELERY_BROKER", "redis://127.0.0.1:6379/5")


def _redis_up() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(BROKER, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def test_split_ids_makes_inclusive_ranges() -> None:
    assert split_ids([5, 1, 3, 9, 7], 2) == [
        {"first": 1, "last": 3},
        {"first": 5, "last": 7},
        {"first": 9, "last": 9},
    ]
    assert split_ids([], 10) == []


@credit
def test_the_plugins_declare_their_jobs_and_the_cli_lists_them(app: Any) -> None:
    result = app.test_cli_runner().invoke(args=["jobs", "list", "--json"])
    assert result.exit_code == 0, result.output
    codes = {row["code"]: row for row in json.loads(result.stdout)}
    assert {"loans.run_due", "merat.refresh"} <= set(codes)
    assert codes["merat.refresh"]["plugin"] == "merat"
    unknown = app.test_cli_runner().invoke(args=["jobs", "run", "nothing.here"])
    assert unknown.exit_code == 1
    assert "nothing.here" in unknown.output


def _scores(app: Any) -> dict[int, tuple[int, str]]:
    with app.app_context():
        session = app.extensions["resalat"].db.session()
        rows = session.execute(
            text("SELECT member_id, value, rating FROM merat_scores WHERE reason = 'periodic'")
        ).all()
        session.rollback()
    return {r[0]: (r[1], r[2]) for r in rows}


def _count(app: Any) -> int:
    with app.app_context():
        session = app.extensions["resalat"].db.session()
        n = session.scalar(text("SELECT count(*) FROM merat_scores"))
        session.rollback()
    return int(n or 0)


@pytest.fixture
def worker(make_app: Any, database_url: str) -> Iterator[Any]:
    """A Celery worker process on this test's database and a queue of its own in Redis db 5,
    and an app that sends to it."""
    if not _redis_up():
        pytest.skip(f"no Redis at {BROKER}")
    queue = f"resalat-test-{uuid.uuid4().hex[:8]}"
    settings = {"celery_broker_url": BROKER, "celery_result_backend": BROKER, "celery_queue": queue}
    sender = make_app(**settings)
    env = {
        **os.environ,
        "RESALAT_DATABASE_URL": database_url,
        "RESALAT_TESTING": "true",
        "RESALAT_SECRET_KEY": "test-secret",
        **{f"RESALAT_{k.upper()}": v for k, v in settings.items()},
    }
    process = subprocess.Popen(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", "celery", "-A", "resalat_core.jobs.worker", "worker", "--pool", "solo"]
        + ["-Q", queue, "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "warning"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        yield sender
    finally:
        # Every chunk it took is done and acknowledged: nothing is lost by not waiting for a warm
        # shutdown, which costs seconds of CI time.
        process.kill()
        _out, err = process.communicate()
        if err and b"Traceback" in err:
            sys.stderr.write(err.decode(errors="replace"))


@credit
def test_a_real_worker_runs_the_chunks_as_the_process_does_and_a_chunk_sent_twice_changes_nothing(
    app: Any, make_member: Any, worker: Any
) -> None:
    from resalat_core.jobs.celery import send_job

    for _ in range(7):
        make_member()
    # In-process first, as `resalat merat refresh` runs it, in chunks of 3 members.
    first = utcnow() - timedelta(seconds=5)
    with app.app_context():
        here = run_job("merat.refresh", now=first, chunk_size=3)
    assert here.chunks == 3
    assert here.counts["scored"] == 7
    in_process = _scores(app)
    assert len(in_process) == 7
    with app.app_context():
        app.extensions["resalat"].db.session().execute(text("DELETE FROM merat_score_lines"))
        app.extensions["resalat"].db.session().execute(text("DELETE FROM merat_requests"))
        app.extensions["resalat"].db.session().execute(text("DELETE FROM merat_scores"))
        app.extensions["resalat"].db.session().commit()

    # The same job on the worker: the same scores.
    now = utcnow()
    with worker.app_context():
        from resalat_core.jobs import plan_job

        chunks = plan_job("merat.refresh", now, chunk_size=3)
    there = send_job(worker, "merat.refresh", now=now, chunks=chunks, timeout=120)
    assert there.chunks == 3
    assert dict(there.counts) == dict(here.counts)
    assert _scores(app) == in_process
    before = _count(app)

    # A chunk delivered twice (a retry, a worker lost after doing it): nobody is scored again.
    again = send_job(worker, "merat.refresh", now=now, chunks=chunks[:1] * 2, timeout=60)
    assert again.counts["scored"] == 0
    assert _count(app) == before


@credit
def test_beat_follows_the_declared_schedules(app: Any) -> None:
    from resalat_core.jobs.celery import PLAN_JOB, celery_for, crontab_of

    schedule = celery_for(app).conf.beat_schedule
    assert schedule["merat.refresh"]["task"] == PLAN_JOB
    assert schedule["merat.refresh"]["kwargs"] == {"options": {"stale_only": True}}
    assert schedule["loans.run_due"]["schedule"] == crontab_of("30 0 * * *")
    with pytest.raises(ValueError):
        crontab_of("every night")


@credit
def test_the_cli_runs_a_job_in_process_and_a_region_switched_off_is_left_alone(
    app: Any, make_member: Any
) -> None:
    for _ in range(3):
        make_member(region="zanjan/zanjan")
    make_member(region="tehran/tehran")
    runner = app.test_cli_runner()
    off = runner.invoke(args=["modules", "disable", "merat", "--region", "tehran", "--with-dependants"])
    assert off.exit_code == 0, off.output
    result = runner.invoke(args=["jobs", "run", "merat.refresh", "--option", "chunk_size=2", "--json"])
    assert result.exit_code == 0, result.output
    done = json.loads(result.stdout)
    assert done["chunks"] == 2
    assert done["scored"] == 3
    bad = runner.invoke(args=["jobs", "run", "merat.refresh", "--option", "chunk_size"])
    assert bad.exit_code == 1

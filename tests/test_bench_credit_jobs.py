"""bench/credit_jobs.py runs on tiny data, through Celery workers too, so that it cannot rot."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PG_ENV = "RESALAT_TEST_DATABASE_URL"
BROKER = os.environ.get("RESALAT_TEST_CELERY_BROKER", "redis://127.0.0.1:6379/5")


@pytest.mark.skipif(not os.environ.get(PG_ENV), reason="needs PostgreSQL")
@pytest.mark.skipif(
    importlib.util.find_spec("resalat_merat") is None or importlib.util.find_spec("resalat_loans") is None,
    reason="needs the credit plugins",
)
def test_the_credit_jobs_bench_runs_on_tiny_data() -> None:
    from sqlalchemy.engine import make_url

    url = make_url(os.environ[PG_ENV])
    env = {
        **os.environ,
        "RESALAT_BENCH_SERVER": url.set(database="postgres").render_as_string(hide_password=False),
        "RESALAT_BENCH_DB_PREFIX": f"{url.database}_bench",
        "RESALAT_BENCH_BROKER": BROKER,
    }
    args = ["--seed", "3", "--loans", "8", "--members", "12", "--seconds", "0.2", "--json"]
    done = subprocess.run(  # noqa: S603 (our own interpreter and script)
        [sys.executable, str(ROOT / "bench" / "credit_jobs.py"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout)
    runs = out["celery"]["runs"]
    # Every way of running gave the same counts: the chunks are the same work.
    assert runs["0"]["loans.run_due"]["counts"] == runs["1"]["loans.run_due"]["counts"]
    assert runs["0"]["merat.refresh"]["counts"] == runs["2"]["merat.refresh"]["counts"]
    assert runs["0"]["merat.refresh"]["counts"]["scored"] == 12
    rows = {r["figure"]: r for r in out["celery"]["rows"]}
    assert rows["merat refresh, 5,000,000 at 8 workers (s)"]["target"] == 3600

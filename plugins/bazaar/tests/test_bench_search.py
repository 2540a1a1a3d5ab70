"""The search bench runs end to end on a tiny catalogue, so it cannot rot (PostgreSQL only)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[3]
DATABASE = "resalat_bench_search_ci"


@pytest.mark.skipif(not os.environ.get("RESALAT_TEST_DATABASE_URL"), reason="needs PostgreSQL")
def test_the_search_bench_prints_its_table_as_json():
    server = make_url(os.environ["RESALAT_TEST_DATABASE_URL"]).set(database="postgres")
    admin = server.set(drivername="postgresql").render_as_string(hide_password=False)
    env = {**os.environ, "RESALAT_BENCH_SERVER": server.render_as_string(hide_password=False)}
    try:
        done = subprocess.run(  # noqa: S603 (our own script, fixed arguments)
            [sys.executable, "bench/bazaar_search.py", "--products", "1000", "--queries", "10"]
            + ["--database", DATABASE, "--json"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout)
    assert result["products"] == 1000 and result["median_hits"] > 0
    assert [r["figure"] for r in result["search"]] == ["search service", "JSON search API", "search page"]
    for row in result["search"]:
        assert row["p50_ms"] <= row["p95_ms"] <= row["p99_ms"] and row["reference_p95_ms"] > 0
        assert row["target_p95_ms"] == 50.0 and isinstance(row["met"], bool)

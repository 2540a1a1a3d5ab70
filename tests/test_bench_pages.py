"""The pages bench runs (briefly, on the test's database) so that it cannot rot: gunicorn serves
the app and the bare reference, wrk loads each, and the table and its JSON come out whole."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from resalat_core.testing import PASSWORD

ROOT = Path(__file__).resolve().parent.parent


def test_the_pages_bench_prints_every_figure_beside_the_bare_reference(backend, database_url, app, person):
    if backend != "postgresql":
        pytest.skip("gunicorn's workers share a PostgreSQL database; on SQLite one process serves")
    if shutil.which("wrk") is None:
        if os.environ.get("CI"):
            pytest.fail("wrk is missing: scripts/test installs Debian's package")
        pytest.skip("wrk is missing (apt-get install wrk)")
    member = person()
    done = subprocess.run(  # noqa: S603 (the project's own bench)
        [
            sys.executable,
            str(ROOT / "bench" / "pages.py"),
            "--database-url",
            database_url,
            "--member",
            member.mobile,
            "--password",
            PASSWORD,
            "--seconds",
            "1",
            "--warmup",
            "1",
            "--connections",
            "4",
            "--startup-runs",
            "1",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout)
    figures = {row["figure"]: row for row in result["rows"]}
    assert {"bare Flask endpoint", "/healthz", "home page, signed in", "M-Hesam accounts API"} <= set(figures)
    assert all(row["rps"] > 0 for row in figures.values()), figures
    # The home page and /healthz answer for real (the product and the search may find nothing here).
    assert figures["home page, signed in"]["errors"] == 0 and figures["/healthz"]["errors"] == 0
    assert figures["home page, signed in"]["ratio"] is not None
    assert result["startup"]["app_seconds"] > 0 and result["memory"]["worker_rss_mb"]

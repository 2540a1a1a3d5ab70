"""The wallet bench runs end to end on tiny settings, so that it cannot rot."""

from __future__ import annotations

import json
import os
import shutil
import subprocess  # noqa: S404 (runs the bench, a file of this repository)
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent


def test_the_wallet_bench_measures_every_kind_and_verifies(backend: str, database_url: str) -> None:
    if backend != "postgresql":
        pytest.skip("the bench measures PostgreSQL")
    if shutil.which("pgbench") is None:
        pytest.skip("pgbench is missing (Debian's postgresql package has it)")
    server = make_url(database_url).set(database="postgres").render_as_string(hide_password=False)
    done = subprocess.run(  # noqa: S603 - our own bench script
        [sys.executable, str(ROOT / "bench" / "wallet_transfers.py"), "--seconds", "1", "--clients", "2",
         "--accounts", "10", "--json"],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "RESALAT_BENCH_SERVER": server},
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout)
    assert result["verify"]["ok"], result["verify"]
    rows = {row["figure"]: row for row in result["rows"]}
    assert set(rows) == {"ledger single per s", "ledger linked per s", "ledger two-phase per s"}
    for row in rows.values():
        assert row["value"] > 0 and row["reference_value"] > 0 and row["errors"] == 0, row
        assert row["met"] == (row["ratio"] >= row["target"])

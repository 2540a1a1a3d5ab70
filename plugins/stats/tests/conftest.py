"""The stats tests run with a probe plugin whose figures they choose (no other plugin's hooks needed)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from resalat_core.testing import session_app

sys.path.insert(0, str(Path(__file__).resolve().parent / "fixtures"))

from resalat_fixture_stats_probe import BROKEN, VALUES, plugin  # noqa: E402 (after the fixtures folder is on the path)


@pytest.fixture(scope="session")
def _session_app(database_url: str) -> Iterator[Flask]:
    yield from session_app(database_url, {"stats_probe": plugin})


@pytest.fixture(autouse=True)
def _probe_values() -> Iterator[dict[str, int]]:
    VALUES.clear()
    BROKEN.clear()
    yield VALUES
    VALUES.clear()
    BROKEN.clear()

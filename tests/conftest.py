"""The host's tests run on an app that also loads the test world (roles, accounts, purposes)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def _session_app(database_url: str) -> Iterator[Flask]:
    from resalat_core.testing import session_app

    sys.path.insert(0, str(FIXTURES))
    from resalat_fixture_world import plugin

    yield from session_app(database_url, {"fixture_world": plugin})


@pytest.fixture
def make_app(database_url: str, _session_app: Flask) -> Iterator[object]:
    """The host's ``make_app``, with the test world loaded beside whatever plugins a test adds."""
    from resalat_fixture_world import plugin

    from resalat_core.app import create_app
    from resalat_core.testing import empty_tables, test_config

    made: list[Flask] = []

    def factory(*, extra_plugins: dict[str, object] | None = None, **overrides: object) -> Flask:
        plugins = {"fixture_world": plugin, **(extra_plugins or {})}
        built = create_app(test_config(database_url, **overrides), extra_plugins=plugins)
        made.append(built)
        return built

    empty_tables(_session_app)
    yield factory
    for built in made:
        built.extensions["resalat"].db.dispose()


@pytest.fixture
def edge_app(app: Flask, make_app: Any) -> Flask:
    """An app with the edge fixture switched on: the SDK's request edge, used as a plugin would."""
    # ``app`` first: it empties the tables (module switches too) before this app switches edge on.
    from resalat_fixture_edge import FAIL_STATS, JOINED
    from resalat_fixture_edge import plugin as edge

    JOINED.clear()
    FAIL_STATS.clear()
    built = make_app(extra_plugins={"edge": edge})
    result = built.test_cli_runner().invoke(args=["modules", "enable", "edge", "--all"])
    assert result.exit_code == 0, result.output
    return built  # type: ignore[no-any-return]


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """The journey's table of pages, clicks and fills per step (tests/test_journey.py), and the
    fault run's counts of requests, kills, retries and replays (tests/test_faults.py)."""
    for report in terminalreporter.stats.get("passed", []) + terminalreporter.stats.get("failed", []):
        for name, value in getattr(report, "user_properties", []):
            if name in ("journey", "faults") and report.when == "call":
                terminalreporter.write_line(f"\n{value}")

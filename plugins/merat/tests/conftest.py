"""Fixtures for the Merat tests: the app context's session committed like a request, and scoring helpers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from resalat_merat.models import FinancialProfile, FinancialProfileChange, Score, ScoringRequest
from sqlalchemy import func, select

from resalat_core.sdk import Member
from resalat_core.testing import work


@pytest.fixture
def snapshot(app: Flask) -> Callable[[], tuple[Any, ...]]:
    """Every row of Merat's tables that input could change: equal snapshots mean nothing changed."""

    def take() -> tuple[Any, ...]:
        with work(app) as s:
            return (
                s.scalar(select(func.count(Score.id))),
                s.scalar(select(func.count(ScoringRequest.id))),
                tuple(
                    s.execute(
                        select(
                            FinancialProfile.member_id,
                            FinancialProfile.monthly_income,
                            FinancialProfile.monthly_expenses,
                        )
                    ).all()
                ),
                s.scalar(select(func.count(FinancialProfileChange.id))),
            )

    return take


@pytest.fixture
def member_of(app: Flask) -> Callable[[Any, int], Member]:
    """``member_of(session, id)``."""
    return lambda s, member_id: s.get(Member, member_id)


FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def signals_app(app: Flask, make_app: Any, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Flask]:
    """``signals_app([(kind, value)], **merat_settings)``: an app with a test plugin that gives every
    member those credit signals, and Merat's settings overridden as ``[plugins.merat]`` would.

    It asks for ``app`` so the tables are emptied before, not after, the test plugin is switched on.
    """
    monkeypatch.syspath_prepend(str(FIXTURES))
    from resalat_fixture_meratsignals import hooks, plugin

    def build(signals: list[tuple[str, int]], **settings: Any) -> Flask:
        monkeypatch.setattr(hooks, "SIGNALS", list(signals))
        built = make_app(extra_plugins={"fixture_signals": plugin}, plugins={"merat": settings})
        record = built.extensions["resalat"].plugins.records["fixture_signals"]
        assert record.status == "loaded", record.error
        result = built.test_cli_runner().invoke(args=["modules", "enable", "fixture_signals", "--all"])
        assert result.exit_code == 0, result.output
        return built

    return build


def score_in(app: Flask, member_id: int, **kw: Any) -> dict[str, Any]:
    """Score the member in ``app`` (committed); the score as plain data."""
    from resalat_merat import services

    kw.setdefault("reason", "on_demand")
    with work(app) as s:
        member = s.get(Member, member_id)
        score = services.score_member(s, member, requested_by=kw.pop("requested_by", None), **kw)
        return {
            "id": score.id,
            "value": score.value,
            "rating": score.rating,
            "capacity": score.max_monthly_repayment,
            "lines": {line.kind: (line.value, line.points, line.weight) for line in score.lines},
            "sources": {line.kind: line.source for line in score.lines},
        }

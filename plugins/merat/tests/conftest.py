"""Fixtures for the Merat tests: the app context's session committed like a request, and scoring helpers."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from resalat_merat.models import FinancialProfile, FinancialProfileChange, Score, ScoringRequest
from sqlalchemy import func, select

from resalat_core.sdk import Member, SignalKind
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
    """``signals_app([(kind, value)], kinds=[SignalKind...], **merat_settings)``: an app with a test
    plugin that declares ``kinds`` and gives every member those signals, and Merat's settings
    overridden as ``[plugins.merat]`` would.

    ``alone`` (the default) switches every other plugin off everywhere, so the test controls
    every signal a score counts and may assert its exact value. It asks for ``app`` so the tables
    are emptied before, not after, the test plugin is switched on.
    """
    monkeypatch.syspath_prepend(str(FIXTURES))
    from resalat_fixture_meratsignals import hooks, plugin

    def build(
        signals: list[tuple[str, int]], *, kinds: Any = (), alone: bool = True, **settings: Any
    ) -> Flask:
        monkeypatch.setattr(hooks, "SIGNALS", list(signals))
        monkeypatch.setattr(hooks, "KINDS", list(kinds))
        built = make_app(extra_plugins={"fixture_signals": plugin}, plugins={"merat": settings})
        record = built.extensions["resalat"].plugins.records["fixture_signals"]
        assert record.status == "loaded", record.error
        run = built.test_cli_runner().invoke
        result = run(args=["modules", "enable", "fixture_signals", "--all"])
        assert result.exit_code == 0, result.output
        if alone:
            listed = run(args=["modules", "list", "--json"])
            assert listed.exit_code == 0, listed.output
            others = [
                n for n in json.loads(listed.stdout)["modules"] if n not in {"merat", "fixture_signals"}
            ]
            for name in reversed(others):
                off = run(args=["modules", "disable", name, "--all", "--with-dependants"])
                assert off.exit_code == 0, off.output
        return built

    return build


def kind(code: str, points: int, per: int = 1, cap: int = 1000, money: bool = False) -> SignalKind:
    """A signal kind the test plugin declares (see ``signals_app``)."""
    return SignalKind(code, f"نشانه‌ی آزمایشی {code}: %(value)s", points, per, cap, money=money)


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
            "descriptions": {line.kind: line.description for line in score.lines},
        }

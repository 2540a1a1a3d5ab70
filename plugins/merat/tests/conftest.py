"""Fixtures for the Merat tests: the app context's session committed like a request, and scoring helpers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from resalat_core.sdk import Member, get_db
from resalat_merat.models import FinancialProfile, FinancialProfileChange, Score, ScoringRequest


@contextmanager
def work(app: Flask) -> Iterator[Any]:
    """The app context's session, committed at the end, as a request or a CLI command would."""
    with app.app_context():
        session = get_db().session()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


@pytest.fixture
def db(app: Flask) -> Callable[[], Any]:
    """``with db() as s:``: the app context's session, committed at the end of the block."""
    return lambda: work(app)


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

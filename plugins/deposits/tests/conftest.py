"""Fixtures for the deposits tests: members with money in their main account, and histories placed in time.

Each helper works in an app context and a transaction of its own, committed before it returns, the
way another request would. Members and money come from the host's fixtures (``person``,
``make_member``, ``top_up``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from itertools import count
from typing import Any

import pytest
from flask import Flask
from resalat_deposits import services
from resalat_deposits.models import PointsMovement
from sqlalchemy import select, update

from resalat_core.sdk import Account, Entry, Member, Transfer
from resalat_core.testing import work

_keys = count(1)


@pytest.fixture
def funded(make_member: Any, top_up: Any) -> Callable[..., int]:
    """``funded(rials, name=...)``: a new member whose main account holds ``rials``; returns the id."""

    def make(rials: int = 0, **kwargs: Any) -> int:
        member_id = make_member(**kwargs)
        if rials:
            top_up(member_id, rials=rials)
        return member_id

    return make


def backdate(session: Any, transfer: Transfer, at: datetime) -> None:
    """Place a transfer and its entries at ``at``, as if made then (histories in tests and the demo)."""
    session.execute(update(Transfer).where(Transfer.id == transfer.id).values(created_at=at))
    session.execute(update(Entry).where(Entry.transfer_id == transfer.id).values(created_at=at))


@pytest.fixture
def history(app: Flask, top_up: Any) -> Callable[..., None]:
    """``history(member_id, [(at, +rials), (at, -rials)...])``: deposits and withdrawals made at those times.

    The main account is topped up first so every deposit succeeds; the moves are made in time order
    so the entries' ids and times agree.
    """

    def make(member_id: int, moves: list[tuple[datetime, int]]) -> None:
        top_up(member_id, rials=sum(r for _at, r in moves if r > 0) or 1)
        with work(app) as s:
            member = s.get(Member, member_id)
            for at, rials in sorted(moves, key=lambda m: m[0]):
                key = f"hist-{next(_keys)}"
                if rials > 0:
                    t = services.deposit(s, member, rials, key=key)
                else:
                    t = services.withdraw(s, member, -rials, key=key)
                backdate(s, t, at)

    return make


@pytest.fixture
def points(app: Flask) -> Callable[..., services.Points]:
    def read(member_id: int, now: datetime | None = None) -> services.Points:
        with work(app) as s:
            return services.points_of(s, s.get(Member, member_id), now=now)

    return read


@pytest.fixture
def snapshot(app: Flask) -> Callable[[], dict[str, Any]]:
    """Every row and balance the plugin touches, to prove that refused input changed nothing."""

    def take() -> dict[str, Any]:
        with work(app) as s:
            return {
                "movements": [
                    (m.id, m.member_id, m.kind, m.amount, m.counterpart_id, m.reference)
                    for m in s.scalars(select(PointsMovement).order_by(PointsMovement.id))
                ],
                "accounts": [(a.code, a.posted) for a in s.scalars(select(Account).order_by(Account.id))],
                "transfers": s.scalar(select(Transfer.id).order_by(Transfer.id.desc()).limit(1)),
            }

    return take


@pytest.fixture
def settings(app: Flask) -> Iterator[Callable[..., None]]:
    """``settings(window_months=3)``: change the plugin's settings for this test only."""
    config = app.config["RESALAT"]
    before = dict(config.get("plugins") or {})
    plugins = dict(before)
    config["plugins"] = plugins

    def change(**values: Any) -> None:
        plugins["deposits"] = {**(plugins.get("deposits") or {}), **values}

    yield change
    config["plugins"] = before


T0 = datetime(2026, 1, 1, 8, 0, 0)


@pytest.fixture
def t0() -> datetime:
    """A fixed start of history; tests pass ``now`` relative to it."""
    return T0


def days(n: float) -> timedelta:
    return timedelta(days=n)

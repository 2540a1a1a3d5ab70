"""Fixtures for the cores tests: registering cores from outside, and looking at the tables.

Each works in an app context and a transaction of its own, committed before it returns, the way
another request would (holding the ``session`` fixture across client requests would keep one
SQLite write transaction open and lock the requests out).
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import count
from typing import Any

import pytest
from flask import Flask
from resalat_cores import services
from resalat_cores.models import Core, CoreMember, CoreStatusChange, Field
from sqlalchemy import func, select

from resalat_core.sdk import Member, national_code_with_check_digit
from resalat_core.testing import work

_bodies = count(700_000_001)


def a_national_code() -> str:
    """A valid national code nobody else in the test uses."""
    return national_code_with_check_digit(f"{next(_bodies):09d}")


@pytest.fixture
def new_core(app: Flask) -> Callable[..., int]:
    """``new_core(leader_id, field="livestock", region="zanjan/gorg-tappeh", approve_by=None, ...)``:
    a registered (and, with ``approve_by``, approved) core, committed; returns its id."""
    names = count(1)

    def make(
        leader_id: int,
        *,
        name: str | None = None,
        field: str = "livestock",
        region: str = "zanjan/gorg-tappeh",
        approve_by: int | None = None,
        family: list[dict[str, Any]] | None = None,
        existed_before: bool = True,
    ) -> int:
        with work(app) as s:
            core = services.register_core(
                s,
                leader=s.get(Member, leader_id),
                name=name or f"هسته‌ی آزمایشی {next(names)}",
                field=field,
                region=region,
                existed_before=existed_before,
                family=family or [],
            )
            if approve_by is not None:
                services.approve_core(s, core, actor=s.get(Member, approve_by))
            return core.id

    return make


@pytest.fixture
def core_of(app: Flask) -> Callable[[int], dict[str, Any]]:
    """``core_of(core_id)``: the core's state, read straight from the database."""

    def read(core_id: int) -> dict[str, Any]:
        with work(app) as s:
            core = s.get(Core, core_id)
            return {
                "code": core.code,
                "status": core.status,
                "name": core.name,
                "approved_by_id": core.approved_by_id,
                "members": [(m.name, m.national_code, m.relation, m.member_id) for m in core.members],
                "history": [(h.from_status, h.to_status, h.reason, h.actor_id) for h in core.history],
            }

    return read


@pytest.fixture
def snapshot(app: Flask) -> Callable[[], tuple[Any, ...]]:
    """Every core's id, code and status, and the row counts of the other tables: equal snapshots
    mean nothing changed."""

    def take() -> tuple[Any, ...]:
        with work(app) as s:
            # Fields seed themselves on first use; seeded here, a page's first look changes nothing.
            services.ensure_default_fields(s)
            cores = tuple(s.execute(select(Core.id, Core.code, Core.status).order_by(Core.id)).all())
            counts = tuple(
                s.scalar(select(func.count()).select_from(model))
                for model in (CoreMember, CoreStatusChange, Field)
            )
            return cores, counts

    return take


@pytest.fixture
def member_info(app: Flask) -> Callable[[int], Member]:
    """``member_info(member_id)``: the member, detached (name, mobile, national_code...)."""

    def read(member_id: int) -> Member:
        with work(app) as s:
            member = s.get(Member, member_id)
            s.expunge(member)
            return member

    return read


@pytest.fixture
def run(app: Flask) -> Callable[..., Any]:
    """``run("cores", "list", "--json")``: a ``resalat`` command, as the shell would run it."""
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=[str(a) for a in args])


@pytest.fixture
def new_code() -> Callable[[], str]:
    """``new_code()``: a valid national code nobody else in the test uses."""
    return a_national_code

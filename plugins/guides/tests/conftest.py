"""Fixtures for the guides tests: guides with areas, candidates, cores, and a look at every table.

Each works in the app context's own session and commits before it returns, the way another request
would (holding the ``session`` fixture across client requests would keep one SQLite write
transaction open and lock the requests out).
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import count
from typing import Any

import pytest
from flask import Flask
from resalat_cores import services as cores
from resalat_guides import services
from resalat_guides.models import Advice, Candidate, CoreLink, StatusChange
from sqlalchemy import func, select

from resalat_core.sdk import Member, national_code_with_check_digit
from resalat_core.testing import PASSWORD, db, work  # noqa: F401 (a fixture)

_n = count(1)


def _new_person() -> dict[str, str]:
    n = next(_n)
    return {
        "national_code": national_code_with_check_digit(f"0771{n:05d}"),
        "mobile": f"0936{n:07d}",
    }


@pytest.fixture
def new_person() -> Callable[[], dict[str, str]]:
    """``new_person()``: a national code and mobile nobody has, for a candidate who is no member."""
    return _new_person


@pytest.fixture
def guide(client_as: Callable[..., Any]) -> Any:
    """A signed-in guide of Zanjan province (the role held in the province reaches its places)."""
    return client_as("guide", region="zanjan/zanjan", name="علی رهیار زنجانی")


@pytest.fixture
def record(app: Flask) -> Callable[..., int]:
    """``record(guide_id, name=..., region=..., intent=..., field=..., years=...)``: a committed
    candidate recorded by that guide; returns its id."""

    def make(
        guide_id: int,
        *,
        name: str = "رقیه محمدی",
        region: str = "zanjan/gorg-tappeh",
        intent: str = "grow",
        field: str = "livestock",
        years: int = 3,
        national_code: str | None = None,
        mobile: str | None = None,
    ) -> int:
        person = _new_person()
        with work(app) as s:
            scope = services.scope_of(s, s.get(Member, guide_id))
            candidate = services.record_candidate(
                s,
                scope,
                name=name,
                national_code=national_code or person["national_code"],
                mobile=mobile or person["mobile"],
                region=region,
                intent=intent,
                field=field,
                experience_years=years,
            )
            return candidate.id

    return make


@pytest.fixture
def act(app: Flask) -> Callable[..., Any]:
    """``act(guide_id, candidate_id, fn, ...)``: run ``fn(session, scope, candidate, ...)`` and commit."""

    def run(guide_id: int, candidate_id: int, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        with work(app) as s:
            scope = services.scope_of(s, s.get(Member, guide_id))
            result = fn(s, scope, services.get_candidate(s, scope, candidate_id), *args, **kwargs)
            return getattr(result, "id", result)

    return run


@pytest.fixture
def make_core(app: Flask, make_member: Callable[..., int]) -> Callable[..., int]:
    """``make_core(region="yazd/ardakan", field="hand_weaving", leader_id=None, approve=True)``: a
    committed core led by a new member (or ``leader_id``), approved by a nationwide admin; its id."""
    admin: list[int] = []

    def make(
        region: str = "zanjan/gorg-tappeh",
        field: str = "livestock",
        *,
        leader_id: int | None = None,
        approve: bool = True,
        name: str | None = None,
    ) -> int:
        if not admin:
            admin.append(make_member("admin", role_region=None, name="مدیر سامانه"))
        leader_id = leader_id or make_member(region=region, name="راهبر هسته")
        with work(app) as s:
            actor = s.get(Member, admin[0])
            core = cores.register_core(
                s,
                leader=s.get(Member, leader_id),
                name=name or f"هسته‌ی آزمایشی {next(_n)}",
                field=field,
                region=region,
                existed_before=True,
                actor=actor,
            )
            if approve:
                cores.approve_core(s, core, actor=actor)
            return core.id

    return make


@pytest.fixture
def suggest(app: Flask) -> Callable[..., int]:
    """``suggest(guide_id, source_id, target_id, product="پشم")``: a committed pending link; its id."""

    def make(guide_id: int, source_id: int, target_id: int, product: str = "پشم") -> int:
        with work(app) as s:
            scope = services.scope_of(s, s.get(Member, guide_id))
            return services.suggest_link(s, scope, source=source_id, target=target_id, product=product).id

    return make


@pytest.fixture
def snapshot(app: Flask) -> Callable[[], tuple[Any, ...]]:
    """Row counts and statuses of every table this plugin writes, plus the cores: equal snapshots
    mean a refused request changed nothing."""

    def take() -> tuple[Any, ...]:
        with work(app) as s:
            return (
                tuple(
                    s.execute(
                        select(Candidate.id, Candidate.status, Candidate.core_id).order_by(Candidate.id)
                    )
                ),
                s.scalar(select(func.count(StatusChange.id))),
                s.scalar(select(func.count(Advice.id))),
                tuple(s.execute(select(CoreLink.id, CoreLink.status).order_by(CoreLink.id))),
                tuple(s.execute(select(cores.Core.id, cores.Core.status).order_by(cores.Core.id))),
            )

    return take


@pytest.fixture
def candidate_of(app: Flask) -> Callable[[int], Candidate]:
    """``candidate_of(id)``: the candidate as stored now (detached, its columns loaded)."""

    def read(candidate_id: int) -> Candidate:
        with work(app) as s:
            candidate = s.get(Candidate, candidate_id)
            s.expunge(candidate)
            return candidate

    return read


@pytest.fixture
def person_of(app: Flask) -> Callable[[int], dict[str, str]]:
    """``person_of(member_id)``: the member's mobile and national code."""

    def read(member_id: int) -> dict[str, str]:
        with work(app) as s:
            m = s.get(Member, member_id)
            return {"mobile": m.mobile, "national_code": m.national_code, "name": m.name}

    return read


@pytest.fixture
def api(app: Flask, person_of: Callable[[int], dict[str, str]]) -> Callable[[int], Any]:
    """``api(member_id)``: a client with a bearer token of an existing member, got as any app gets one."""

    def client_for(member_id: int) -> Any:
        anonymous = app.test_client()
        answer = anonymous.post(
            "/api/v1/auth/tokens", json={"identifier": person_of(member_id)["mobile"], "password": PASSWORD}
        )
        assert answer.status_code == 201, answer.get_json()
        bearer = app.test_client()
        bearer.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {answer.get_json()['token']}"
        return bearer

    return client_for

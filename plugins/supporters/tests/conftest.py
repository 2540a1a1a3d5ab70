"""Fixtures for the supporters tests: cores and centres to support, and reading the tables from outside.

Each works in the app context's own session and commits before it returns, the way another
request would (holding the ``session`` fixture across client requests would keep one SQLite
write transaction open and lock the requests out).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from resalat_centers import services as centres
from resalat_cores import services as cores
from resalat_supporters import hooks
from resalat_supporters.models import Introduction, IntroductionEvent, Sponsorship, SupportAction
from sqlalchemy import func, select

from resalat_core.sdk import Member, get_region, hookimpl
from resalat_core.testing import work


@dataclass(frozen=True)
class Identity:
    id: int
    mobile: str
    national_code: str
    name: str


@pytest.fixture
def identity(app: Flask) -> Callable[[int], Identity]:
    """``identity(member_id)``: how a member another fixture made is named (mobile, national code)."""

    def read(member_id: int) -> Identity:
        with work(app) as s:
            m = s.get(Member, member_id)
            return Identity(m.id, m.mobile, m.national_code, m.name)

    return read


@pytest.fixture
def reviewer(make_member: Callable[..., int]) -> int:
    """An administrator everywhere, who approves cores."""
    return make_member("admin", role_region=None, name="مدیر آزمایشی")


@dataclass(frozen=True)
class CoreRef:
    id: int
    code: str | None
    leader_id: int


@pytest.fixture
def make_core(app: Flask, make_member: Callable[..., int], reviewer: int) -> Callable[..., CoreRef]:
    """``make_core(leader_id=None, active=True, region=..., members=[ids])``: a registered core.

    Active cores are approved by an administrator and so have a core ID; ``members`` are
    M-Resalat members added to the core as its workers.
    """

    def make(
        leader_id: int | None = None,
        *,
        active: bool = True,
        region: str = "zanjan/gorg-tappeh",
        members: tuple[int, ...] = (),
        name: str = "دامداری قراجه‌لو",
    ) -> CoreRef:
        leader_id = leader_id or make_member(region=region, name="جعفر قراجه‌لو")
        with work(app) as s:
            cores.ensure_default_fields(s)
            leader = s.get(Member, leader_id)
            core = cores.register_core(
                s,
                leader=leader,
                name=name,
                field="livestock",
                region=get_region(s, region),
                existed_before=True,
            )
            for member_id in members:
                member = s.get(Member, member_id)
                cores.add_core_member(
                    s,
                    core,
                    name=member.name,
                    national_code=member.national_code,
                    relation="child",
                    member=member,
                    actor=leader,
                )
            if active:
                cores.approve_core(s, core, actor=s.get(Member, reviewer))
            s.flush()
            return CoreRef(core.id, core.code, leader_id)

    return make


@pytest.fixture
def make_centre(app: Flask, make_member: Callable[..., int], reviewer: int) -> Callable[..., int]:
    """``make_centre(leader_id=None, members=[ids], region=..., name=...)``: a centre's id."""
    count = iter(range(1, 10_000))

    def make(
        leader_id: int | None = None,
        *,
        members: tuple[int, ...] = (),
        region: str = "sistan-baluchestan/arbab",
        name: str | None = None,
    ) -> int:
        leader_id = leader_id or make_member(region=region, name="فاطمه قادری")
        with work(app) as s:
            admin = s.get(Member, reviewer)
            centre = centres.register_centre(
                s,
                admin,
                name=name or f"کانون الغدیر {next(count)}",
                region=region,
                leader=s.get(Member, leader_id),
            )
            for member_id in members:
                centres.add_member(s, centre, admin, s.get(Member, member_id))
            s.flush()
            return centre.id

    return make


@pytest.fixture
def snapshot(app: Flask) -> Callable[[], tuple[Any, ...]]:
    """Every row of the plugin's tables, as tuples: equal snapshots mean nothing changed."""

    def take() -> tuple[Any, ...]:
        with work(app) as s:
            return (
                tuple(s.execute(select(SupportAction.id, SupportAction.description)).all()),
                tuple(
                    s.execute(select(Introduction.id, Introduction.status, Introduction.status_note)).all()
                ),
                s.scalar(select(func.count(IntroductionEvent.id))),
                tuple(s.execute(select(Sponsorship.id, Sponsorship.ends_on, Sponsorship.ended_at)).all()),
            )

    return take


@pytest.fixture
def introduction_status(app: Flask) -> Callable[[int], str]:
    def read(introduction_id: int) -> str:
        with work(app) as s:
            return s.get(Introduction, introduction_id).status

    return read


@pytest.fixture
def signals_of(app: Flask) -> Callable[[int], list[Any]]:
    """``signals_of(member_id)``: this plugin's own answer to Merat's credit-signals hook."""

    def read(member_id: int) -> list[Any]:
        with work(app) as s:
            member = s.get(Member, member_id)
            return hooks.resalat_credit_signals(member=member)

    return read


@pytest.fixture
def introduce_form(identity: Callable[[int], Identity]) -> Callable[..., Any]:
    """``introduce_form(client, core, member_id, estimate="600000000", amount="200000000", **changes)``:
    the introduction form filled and sent as a browser would."""

    def send(client: Any, core_ref: CoreRef, member_id: int, **changes: str) -> Any:
        who = identity(member_id)
        data = {
            "core": core_ref.code or "",
            "mobile": who.mobile,
            "national_code": who.national_code,
            "estimate": "600,000,000",
            "purpose": "خرید ده رأس میش افشاری",
            "amount": "200,000,000",
            **changes,
        }
        return client.form("/supporters/introductions/new", data)

    return send


def _field_error(html: str, name: str) -> str:
    marker = f'id="e-{name}">'
    if marker not in html:
        return ""
    return html.split(marker, 1)[1].split("</div>", 1)[0]


@pytest.fixture
def field_error() -> Callable[[str, str], str]:
    """``field_error(html, name)``: the message shown under the field ``name`` ('' when none)."""
    return _field_error


class Told:
    """Hears what this plugin tells members, as a notification plugin would, and passes it on."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, str]] = []

    @hookimpl
    def resalat_notify(self, member: Any, message: Any) -> None:
        if message.source == "supporters":
            self.sent.append((member.id, message.kind.kind))
        return None  # not an answer: the notifications plugin, if any, still delivers it


@pytest.fixture
def notified(app: Flask) -> Iterator[Callable[[int], list[str]]]:
    """``notified(member_id)``: the kinds of what this plugin told the member, oldest first."""
    told = Told()
    pm = app.extensions["resalat"].plugins.pm
    pm.register(told, name="supporters_test_told")
    try:
        yield lambda member_id: [kind for who, kind in told.sent if who == member_id]
    finally:
        pm.unregister(told)

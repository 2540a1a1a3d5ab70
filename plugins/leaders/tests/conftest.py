"""Fixtures for the leaders tests: Ms. Ghaderi's community in Sistan and Baluchestan, seen from outside.

Each helper works in an app context and a transaction of its own, committed before it returns, the
way another request would (holding the ``session`` fixture across client requests would keep one
SQLite write transaction open and lock the requests out).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from flask import Flask
from resalat_leaders import services
from resalat_leaders.models import SocialGuarantee, TalentIntroduction, TradeIntroduction
from sqlalchemy import select

from resalat_core.sdk import Member, get_db, read_money
from resalat_core.testing import PASSWORD, db, work  # noqa: F401 (a fixture)

ARBAB = "sistan-baluchestan/arbab"
ZABOL = "sistan-baluchestan/zabol"
GORG_TAPPEH = "zanjan/gorg-tappeh"


@dataclass(frozen=True)
class Identity:
    id: int
    mobile: str
    national_code: str
    name: str


@pytest.fixture
def identity_of(app: Flask) -> Callable[[int], Identity]:
    """``identity_of(member_id)``: the identity of a member a client signed in as, read once."""

    def read(member_id: int) -> Identity:
        with app.app_context():
            m = get_db().session.get(Member, member_id)
            return Identity(m.id, m.mobile, m.national_code, m.name)

    return read


@pytest.fixture
def ghaderi(client_as):
    """Ms. Ghaderi: a social leader of Sistan and Baluchestan (the role held province-wide), signed in."""
    return client_as("social_leader", region=ARBAB, name="فاطمه قادری")


@pytest.fixture
def arbab_member(person) -> Callable[..., Any]:
    """``arbab_member()``: a new member living in Arbab, in Ms. Ghaderi's community."""

    def make(name: str = "زهرا نارویی", region: str = ARBAB) -> Any:
        return person(region=region, name=name)

    return make


@pytest.fixture
def outsider(person) -> Any:
    """A member of Gorg-Tappeh, Zanjan: outside Ms. Ghaderi's community."""
    return person(region=GORG_TAPPEH, name="مریم احمدی")


@pytest.fixture
def snapshot(app: Flask) -> Callable[[], dict[str, list[tuple[Any, ...]]]]:
    """Every row the plugin owns (and the sign-in failures), to prove that refused input changed nothing."""

    def take() -> dict[str, list[tuple[Any, ...]]]:
        with work(app) as s:
            return {
                "guarantees": [
                    (g.id, g.leader_id, g.member_id, g.cap_rials, g.status, g.valid_until, g.revoked_reason)
                    for g in s.scalars(select(SocialGuarantee).order_by(SocialGuarantee.id))
                ],
                "talents": [
                    (t.id, t.member_id, t.talent, t.status)
                    for t in s.scalars(select(TalentIntroduction).order_by(TalentIntroduction.id))
                ],
                "trades": [
                    (t.id, t.region_id, t.name, t.households, t.status)
                    for t in s.scalars(select(TradeIntroduction).order_by(TradeIntroduction.id))
                ],
            }

    return take


@pytest.fixture
def sign(app: Flask) -> Callable[..., SocialGuarantee]:
    """``sign(leader_id, member_mobile, cap="1,000,000", **more)``: a guarantee signed through the
    service, its cap typed in tomans as a leader would type it."""

    def make(leader_id: int, member: str, cap: Any = "1,000,000", **more: Any) -> SocialGuarantee:
        more.setdefault("statement", "او را می‌شناسم و ضامن خوش‌حسابی‌اش هستم.")
        more.setdefault("password", PASSWORD)
        with work(app) as s:
            leader = s.get(Member, leader_id)
            rials = read_money(cap, unit="toman", field="cap")
            guarantee = services.sign_guarantee(s, leader, member=member, cap_rials=rials, **more)
            s.flush()
            return guarantee

    return make


@pytest.fixture
def signals_of(app: Flask) -> Callable[..., list[Any]]:
    """``signals_of(member_id)``: what this plugin tells Merat about the member, asked as Merat asks
    every plugin (only this plugin's answer is looked at: another's signals are its own affair)."""

    def ask(member_id: int) -> list[Any]:
        with work(app) as s:
            member = s.get(Member, member_id)
            caller = app.extensions["resalat"].plugins.pm.hook.resalat_credit_signals
            ours = [impl for impl in caller.get_hookimpls() if impl.plugin_name == "leaders"]
            return [signal for impl in ours for signal in (impl.function(member=member) or [])]

    return ask


@pytest.fixture
def long_ago() -> date:
    return date(2024, 3, 20)  # 1402/12/30, the brochure's year end

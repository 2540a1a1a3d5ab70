"""How Merat plugs into the host: wiring, its home tile, figures and its part of the demo."""

from __future__ import annotations

from typing import Any

from flask import url_for
from sqlalchemy.orm import Session, object_session

from resalat_core.sdk import (
    Figure,
    Member,
    Permission,
    Tile,
    _l,
    db_session,
    hookimpl,
)
from resalat_merat import TOMAN, plugin, services
from resalat_merat.api import bp as api_bp
from resalat_merat.cli import merat as merat_cli
from resalat_merat.views import bp as pages_bp


def _session_of(member: Member) -> Session:
    # The caller's own session, so what we read shares its transaction.
    return object_session(member) or db_session()


# --- wiring ------------------------------------------------------------------------------------


@hookimpl
def resalat_blueprints() -> list[Any]:
    return [pages_bp, api_bp]


@hookimpl
def resalat_cli() -> Any:
    return merat_cli


@hookimpl
def resalat_permissions() -> list[Permission]:
    # Social leaders guarantee members through the leaders plugin and see what they signed there;
    # a member's whole credit report is for the people who decide loans.
    return [
        Permission(
            services.VIEW_REPORTS,
            _l("See members' credit reports in Merat"),
            services.STAFF_ROLES,
        )
    ]


@hookimpl
def resalat_tiles(member: Member) -> list[Tile]:
    # One query: the member's newest valid score is the tile's description.
    score = services.current_score(_session_of(member), member)
    if score is None:
        description = _l("See your credit score")
    else:
        description = _l("Score %(score)s · rating %(rating)s", score=score.value, rating=score.rating)
    tiles = [
        Tile(
            title=plugin.title,
            url=url_for("merat.report"),
            icon=plugin.icon,
            description=description,
            order=45,
        )
    ]
    if any(g.role in services.STAFF_ROLES for g in member.roles):
        tiles.append(
            Tile(
                title=_l("Members' credit reports"),
                url=url_for("merat.staff"),
                icon=plugin.icon,
                description=_l("Look up a Merat report by mobile or national code"),
                order=46,
            )
        )
    return tiles


@hookimpl
def resalat_stats() -> list[Figure]:
    count, average = services.figures(db_session())
    return [
        Figure(_l("Members with a valid Merat score"), count, _l("members")),
        Figure(_l("Average Merat score"), average, _l("of 1000")),
    ]


# --- demo --------------------------------------------------------------------------------------

# Declared months of the personas (tomans): income, expenses, where the income comes from.
DEMO_PROFILES = {
    "member": (28_000_000, 17_000_000, "پرورش ۲۰ رأس میش و فروش شیر و پشم"),
    "core_leader": (65_000_000, 38_000_000, "دامداری قراجه‌لو: فروش بره و لبنیات محلی"),
    "supporter": (120_000_000, 70_000_000, "حقوق کارمندی و اجاره‌ی مغازه"),
    "credit_officer": (45_000_000, 30_000_000, "حقوق کارمندی بانک"),
}


@hookimpl
def resalat_demo(session: Any, world: Any) -> None:
    """Profiles and scores for the personas, and the credit officer's look-up of the member."""
    made: dict[str, Any] = {}
    for key, (income, expenses, note) in DEMO_PROFILES.items():
        member = world.members.get(key)
        if member is None:
            continue
        services.save_profile(
            session,
            member,
            monthly_income=income * TOMAN,
            monthly_expenses=expenses * TOMAN,
            note=note,
            unit="rial",
        )
        made[key] = services.score_member(session, member, requested_by=member, reason=services.ON_DEMAND)
    officer = world.members.get("credit_officer")
    member = world.members.get("member")
    if (
        officer is not None
        and member is not None
        and services.can(services.VIEW_REPORTS, member.region, officer)
    ):
        services.staff_lookup(session, officer, member.id)
    world.extras["merat"] = made

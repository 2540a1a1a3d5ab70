"""How Merat plugs into the host: wiring, its own signal kinds, its home tiles, figures and demo."""

from __future__ import annotations

from typing import Any

from flask import url_for
from sqlalchemy.orm import Session, object_session

from resalat_core.sdk import (
    Figure,
    Member,
    PeriodicJob,
    Permission,
    SignalKind,
    Tile,
    Words,
    _l,
    can,
    db_session,
    hookimpl,
)
from resalat_merat import demo, plugin, services
from resalat_merat.api import bp as api_bp
from resalat_merat.cli import merat as merat_cli
from resalat_merat.signals import OWN_KINDS
from resalat_merat.views import bp as pages_bp
from resalat_merat.weighing import RATING_NAMES

# Who decides loans sees members' reports: administrators, and the loans plugin's credit officers
# (a role of a plugin that requires Merat; named here so the permission holds it once it is there).
# Administrators; the loans plugin's credit officers hold it too (their Role says so).
REPORT_ROLES = ("admin",)


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
    return [Permission(services.VIEW_REPORTS, _l("See members' credit reports in Merat"), REPORT_ROLES)]


@hookimpl
def resalat_periodic_jobs() -> list[PeriodicJob]:
    # Nightly, renewing only the scores past the stale limit; `resalat merat refresh` renews all.
    return [
        PeriodicJob(
            services.REFRESH,
            _l("Merat: renew credit scores"),
            "0 2 * * *",
            plan=services.plan_refresh,
            run_chunk=services.refresh_chunk,
            options={"stale_only": True},
        )
    ]


@hookimpl
def resalat_credit_signal_kinds() -> list[SignalKind]:
    """Merat's own kinds, declared like any plugin's (Merat reads them without asking itself)."""
    return list(OWN_KINDS)


@hookimpl
def resalat_tiles(member: Member) -> list[Tile]:
    # One query: the member's newest valid score is the tile's description.
    score = services.current_score(_session_of(member), member)
    if score is None:
        description = _l("See your credit score")
    else:
        description = _l(
            "Score %(score)s · rating %(rating)s",
            score=score.value,
            rating=Words(RATING_NAMES.get(score.rating, score.rating)),
        )
    tiles = [
        Tile(
            title=plugin.title,
            url=url_for("merat.report"),
            icon=plugin.icon,
            description=description,
            order=45,
        )
    ]
    if can(services.VIEW_REPORTS, None, member):
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
def resalat_stats(session: Session, area: list[int] | None) -> list[Figure]:
    count, average = services.figures(session, area)
    return [
        Figure(_l("Members with a valid Merat score"), count, _l("members")),
        Figure(_l("Average Merat score"), average, _l("of 1000")),
    ]


@hookimpl
def resalat_demo(session: Any, world: Any) -> None:
    demo.build(session, world)


@hookimpl
def resalat_demo_rows(session: Any, world: Any, rows: int) -> None:
    demo.add_rows(session, world, rows)

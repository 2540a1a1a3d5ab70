"""How the festivals plugin plugs into the host: pages, API, CLI, permission, tile, figures, demo."""

from __future__ import annotations

from typing import Any

from flask import url_for
from sqlalchemy.orm import Session, object_session

from resalat_core.sdk import (
    Figure,
    Member,
    NextStep,
    Number,
    Permission,
    Tile,
    _l,
    can,
    db_session,
    hookimpl,
)
from resalat_festivals import demo, plugin, services
from resalat_festivals.api import bp as api_bp
from resalat_festivals.cli import festivals as festivals_cli
from resalat_festivals.views import bp as pages_bp


@hookimpl
def resalat_blueprints() -> list[Any]:
    return [pages_bp, api_bp]


@hookimpl
def resalat_cli() -> Any:
    return festivals_cli


@hookimpl
def resalat_permissions() -> list[Permission]:
    return [
        Permission(
            services.ORGANISE,
            _l("Announce festivals and fairs and answer the cores' applications"),
            # Guides and social leaders organise local fairs in their area; their roles come from
            # their own plugins, and a role nobody declares is left alone.
            ("admin", "guide", "social_leader"),
        )
    ]


@hookimpl
def resalat_tiles(member: Member) -> list[Tile]:
    return [
        Tile(
            title=plugin.title,
            url=url_for("festivals.index"),
            icon=plugin.icon,
            description=_l("Upcoming local fairs; cores apply for a booth"),
            order=60,
        )
    ]


@hookimpl
def resalat_next_steps(member: Member) -> list[NextStep]:
    # Only organisers can have applications waiting for them: no query for anyone else.
    if not can(services.ORGANISE, None, member):
        return []
    waiting = services.applications_waiting(object_session(member) or db_session(), member)
    if not waiting:
        return []
    return [
        NextStep(
            _l("Cores are waiting for a booth"),
            _l("Applications to your festivals waiting for your answer: %(count)s", count=Number(waiting)),
            url_for("festivals.organised"),
            priority=50,
            icon=plugin.icon,
        )
    ]


@hookimpl
def resalat_stats(session: Session, area: list[int] | None) -> list[Figure]:
    found = services.figures(session, area)
    return [
        Figure(_l("Upcoming festivals"), found.upcoming, key="upcoming_festivals"),
        Figure(_l("Applications to festivals"), found.applications, key="festival_applications"),
        Figure(_l("Cores given a festival booth"), found.accepted, key="festival_booths"),
        Figure(_l("Festivals held"), found.finished, key="festivals_finished"),
        Figure(_l("Sold at festivals in person"), found.fair_sales, money=True, key="festival_fair_sales"),
    ]


@hookimpl
def resalat_demo(session: Session, world: Any) -> None:
    """Ardakan's handicrafts and saffron fair, held and counted; a Zanjan fair taking applications."""
    demo.load(session, world)


@hookimpl
def resalat_demo_rows(session: Session, world: Any, rows: int) -> None:
    demo.add_rows(session, world, rows)

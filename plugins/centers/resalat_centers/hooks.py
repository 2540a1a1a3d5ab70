"""How the centres plugin plugs into the host: pages, API, CLI, permissions, tile, figures, demo."""

from __future__ import annotations

from typing import Any

from flask import url_for
from sqlalchemy.orm import Session, object_session

from resalat_centers import demo, plugin, services
from resalat_centers.api import bp as api_bp
from resalat_centers.cli import centers as centers_cli
from resalat_centers.views import bp as pages_bp
from resalat_core.sdk import Figure, Member, Permission, Tile, _l, db_session, hookimpl


@hookimpl
def resalat_blueprints() -> list[Any]:
    return [pages_bp, api_bp]


@hookimpl
def resalat_cli() -> Any:
    return centers_cli


@hookimpl
def resalat_permissions() -> list[Permission]:
    return [
        Permission(
            services.REGISTER,
            _l("Register a cooperation centre"),
            # Admins; the supporters plugin's role holds it too (its Role says so), and the
            # services let only cultural supporters through.
            ("admin",),
        ),
        Permission(
            services.MANAGE,
            _l("Manage the cooperation centres of a region"),
            # Admins, and the leaders plugin's social leaders (their Role says so); a centre's own
            # leader manages it whatever their role (checked in the services).
            ("admin",),
        ),
    ]


@hookimpl
def resalat_tiles(member: Member) -> list[Tile]:
    # The badge is what waits for this member's answer as a core leader: two small queries.
    waiting = services.awaiting_answer(object_session(member) or db_session(), member)
    return [
        Tile(
            title=plugin.title,
            url=url_for("centers.index"),
            icon=plugin.icon,
            description=_l("Local centres, their cores, and the orders they share among the cores"),
            badge=waiting or None,
            order=40,
        )
    ]


@hookimpl
def resalat_stats(session: Session, area: list[int] | None) -> list[Figure]:
    found = services.figures(session, area)
    return [
        Figure(_l("Cooperation centres"), found.centres),
        Figure(_l("Cores in centres"), found.cores),
        Figure(_l("Centres' orders"), found.orders),
        Figure(_l("Units delivered"), found.units_delivered),
    ]


@hookimpl
def resalat_demo(session: Session, world: Any) -> None:
    """The Al-Ghadir centre of Arbab village, its 15 clothing cores and an order of 300 garments."""
    demo.load(session, world)


@hookimpl
def resalat_demo_rows(session: Any, world: Any, rows: int) -> None:
    demo.add_rows(session, world, rows)

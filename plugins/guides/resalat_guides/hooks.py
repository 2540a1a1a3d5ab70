"""How the guides plugin plugs into the host: pages, API, CLI, permission, tiles, next steps, demo."""

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
from resalat_guides import demo, plugin, services
from resalat_guides.api import bp as api_bp
from resalat_guides.cli import guides as guides_cli
from resalat_guides.models import ADVISED, IDENTIFIED
from resalat_guides.mydata import resalat_member_closed as resalat_member_closed
from resalat_guides.mydata import resalat_member_data as resalat_member_data
from resalat_guides.services import MANAGE
from resalat_guides.views import bp as pages_bp


def _session_of(member: Member) -> Session:
    return object_session(member) or db_session()


# --- wiring ------------------------------------------------------------------------------------


@hookimpl
def resalat_blueprints() -> list[Any]:
    return [pages_bp, api_bp]


@hookimpl
def resalat_cli() -> Any:
    return guides_cli


@hookimpl
def resalat_permissions() -> list[Permission]:
    return [
        Permission(
            MANAGE,
            _l("A guide's work: candidates, advice, registering and linking cores in their area"),
            ("guide", "admin"),
        )
    ]


@hookimpl
def resalat_tiles(member: Member) -> list[Tile]:
    tiles = []
    if can(MANAGE, member=member):
        tiles.append(
            Tile(
                title=plugin.title,
                url=url_for("guides.dashboard"),
                icon="compass",
                description=_l("Your area's candidates, advice and links between cores"),
                order=30,
            )
        )
    # One cheap query for everyone: a core leader with links sees them, those awaiting their
    # answer counted on the badge.
    links, waiting = services.links_for_leader(_session_of(member), member)
    if links:
        tiles.append(
            Tile(
                title=_l("Suggested links between cores"),
                url=url_for("guides.my_links"),
                icon="link",
                description=_l("Guides suggest your core works with another along the value chain"),
                badge=waiting or None,
                order=31,
            )
        )
    return tiles


@hookimpl
def resalat_next_steps(member: Member) -> list[NextStep]:
    """A guide's candidates waiting: not advised yet, or advised and still without a core (one
    grouped count over the guide's area; nothing is asked of a member who is no guide)."""
    if not can(MANAGE, member=member):
        return []
    session = _session_of(member)
    counts = services.candidates_by_status(session, services.scope_of(session, member).area)
    new, advised = counts[IDENTIFIED], counts[ADVISED]
    if not new and not advised:
        return []
    return [
        NextStep(
            title=_l("Candidates waiting for you"),
            text=_l(
                "Not advised yet: %(new)s · advised, still without a core: %(advised)s",
                new=Number(new),
                advised=Number(advised),
            ),
            link=url_for("guides.candidates", status=IDENTIFIED if new else ADVISED),
            priority=60,
            icon="person-lines-fill",
        )
    ]


@hookimpl
def resalat_stats(session: Session, area: list[int] | None) -> list[Figure]:
    return [
        Figure(_l("Candidates identified by guides"), services.candidates_count(session, area), _l("people"))
    ]


@hookimpl
def resalat_demo(session: Session, world: Any) -> None:
    demo.build(session, world)


@hookimpl
def resalat_demo_rows(session: Any, world: Any, rows: int) -> None:
    demo.add_rows(session, world, rows)

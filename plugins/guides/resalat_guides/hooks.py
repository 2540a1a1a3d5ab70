"""How the guides plugin plugs into the host: pages, API, CLI, its permission, tiles, figures and demo."""

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
    can,
    db_session,
    hookimpl,
)
from resalat_guides import demo, plugin, services
from resalat_guides.api import bp as api_bp
from resalat_guides.cli import guides as guides_cli
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
    # One cheap query for everyone: a core leader sees suggestions that await their answer.
    waiting = services.pending_for_leader(_session_of(member), member)
    if waiting:
        tiles.append(
            Tile(
                title=_l("Suggested links between cores"),
                url=url_for("guides.my_links"),
                icon="link",
                description=_l("Guides suggest your core works with another along the value chain"),
                badge=waiting,
                order=31,
            )
        )
    return tiles


@hookimpl
def resalat_stats(session: Session, area: list[int] | None) -> list[Figure]:
    return [
        Figure(_l("Candidates identified by guides"), services.candidates_count(session, area), _l("people"))
    ]


@hookimpl
def resalat_demo(session: Session, world: Any) -> None:
    demo.build(session, world)

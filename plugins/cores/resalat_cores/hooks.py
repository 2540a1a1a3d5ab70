"""How the cores plugin plugs into the host: pages, API, CLI, permissions, tiles, figures, demo, events."""

from __future__ import annotations

from typing import Any

from flask import url_for
from sqlalchemy import func, select
from sqlalchemy.orm import Session, object_session

from resalat_core.sdk import (
    CreditSignal,
    Figure,
    Member,
    Permission,
    Tile,
    _l,
    area_of,
    db_session,
    has_role,
    hookimpl,
)
from resalat_cores import demo, plugin, services
from resalat_cores.api import bp as api_bp
from resalat_cores.cli import cores as cores_cli
from resalat_cores.models import ACTIVE, CANDIDATE, Core
from resalat_cores.views import bp as pages_bp


def _session_of(member: Member) -> Session:
    # The caller's own session, so what is read or written shares its transaction.
    return object_session(member) or db_session()


# --- wiring ------------------------------------------------------------------------------------


@hookimpl
def resalat_blueprints() -> list[Any]:
    return [pages_bp, api_bp]


@hookimpl
def resalat_cli() -> Any:
    return cores_cli


@hookimpl
def resalat_permissions() -> list[Permission]:
    return [
        # Every member may register their own core; pages check it with login_required, since a
        # permission every member holds would close nothing.
        Permission("cores.register", _l("Register a core"), ("member",)),
        Permission(
            "cores.approve",
            _l("Approve a core and issue its core ID"),
            ("guide", "admin"),
        ),
        Permission(
            "cores.suspend",
            _l("Suspend and reactivate a core"),
            ("guide", "admin"),
        ),
    ]


@hookimpl
def resalat_tiles(member: Member) -> list[Tile]:
    session = _session_of(member)
    mine = (
        session.scalar(select(func.count()).select_from(services.cores_of_member_query(member).subquery()))
        or 0
    )
    tiles = [
        Tile(
            title=plugin.title,
            url=url_for("cores.mine") if mine else url_for("cores.search"),
            icon=plugin.icon,
            description=_l("Your cores and their core IDs") if mine else _l("Register your family business"),
            order=30,
        )
    ]
    if any(has_role(member, role) for role in services.REVIEWERS):
        area = area_of(session, member, services.REVIEWERS)
        waiting = session.scalar(
            select(func.count()).select_from(
                services.cores_query(region_ids=area, status=CANDIDATE).subquery()
            )
        )
        tiles.append(
            Tile(
                title=_l("Cores of my area"),
                url=url_for("cores.queue"),
                icon="clipboard-check",
                description=_l("Candidate cores waiting for approval"),
                badge=waiting or None,
                order=31,
            )
        )
    return tiles


@hookimpl
def resalat_stats() -> list[Figure]:
    return [
        Figure(_l("Active cores"), services.count_cores(db_session(), ACTIVE), _l("cores")),
    ]


# --- questions and events ----------------------------------------------------------------------


@hookimpl(optionalhook=True)
def resalat_credit_signals(member: Member) -> list[CreditSignal]:
    """Leading an active core is social capital Merat may weigh (the value: how many)."""
    led = (
        _session_of(member).scalar(
            select(func.count(Core.id)).where(Core.leader_id == member.id, Core.status == ACTIVE)
        )
        or 0
    )
    if not led:
        return []
    return [
        CreditSignal(
            source=plugin.name,
            kind="active_core_leader",
            value=led,
            description_fa="راهبر هسته‌ی کارآفرینی فعال با شناسه‌ی هسته",
            description_en="Leads an active entrepreneurship core with a core ID",
        )
    ]


@hookimpl
def resalat_member_joined(member: Member) -> None:
    # A family member listed in a core before they joined is linked to their new account.
    services.link_joined_member(_session_of(member), member)


@hookimpl
def resalat_demo(session: Any, world: Any) -> None:
    world.extras["cores"] = demo.build(session, world)

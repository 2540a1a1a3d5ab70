"""How the campaigns plugin plugs into the host: wiring, permissions, a tile, an approver's next
step, references, the dashboard's figures and the demo."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import Session, object_session

from resalat_core.sdk import (
    Figure,
    Member,
    NextStep,
    Number,
    Permission,
    Reference,
    Tile,
    _,
    _l,
    area_of,
    can,
    db_session,
    hookimpl,
)

from . import APPROVE, OPEN, ORGANISER, demo, plugin, services
from .api import bp as api_bp
from .cli import group
from .models import DRAFT, Campaign
from .views import bp as pages_bp


@hookimpl
def resalat_blueprints() -> list[Blueprint]:
    return [pages_bp, api_bp]


@hookimpl
def resalat_cli() -> Any:
    return group


@hookimpl
def resalat_permissions() -> list[Permission]:
    # Roles other plugins declare (social leaders, guides) are named here as they are: a name no
    # installed plugin declares grants nothing.
    return [
        Permission(OPEN, _l("Open a campaign in one's area"), (ORGANISER, "social_leader", "guide")),
        Permission(APPROVE, _l("Approve and cancel the campaigns of one's area"), ("admin",)),
    ]


@hookimpl
def resalat_tiles(member: Member) -> list[Tile]:
    return [
        Tile(
            plugin.title,
            url_for("campaigns.index"),
            icon=plugin.icon,
            description=_l("Give to your region's campaigns"),
            order=60,
        )
    ]


@hookimpl
def resalat_next_steps(member: Member) -> list[NextStep]:
    # Only an approver can be concerned: no query for anyone else.
    if not can(APPROVE):
        return []
    session = object_session(member) or db_session()
    area = area_of(session, member, APPROVE)
    stmt = select(func.count(Campaign.id)).where(Campaign.status == DRAFT)
    if area is not None:
        stmt = stmt.where(Campaign.region_id.in_(area))
    waiting = session.scalar(stmt) or 0
    if not waiting:
        return []
    return [
        NextStep(
            _l("Campaigns wait for your approval"),
            _l("Campaigns waiting: %(count)s", count=Number(waiting)),
            url_for("campaigns.manage"),
            priority=50,
            icon="heart",
        )
    ]


@hookimpl
def resalat_reference(kind: str, ident: int) -> Reference | None:
    if kind != "campaign":
        return None
    found = db_session().get(Campaign, ident)
    if found is None:
        return None
    return Reference(
        _("Campaign: %(title)s", title=found.title), url_for("campaigns.show", campaign_id=found.id)
    )


@hookimpl
def resalat_stats(session: Session, area: list[int] | None) -> list[Figure]:
    t = services.totals(session, area)
    figures = [
        Figure(_l("Open campaigns"), t.open, key="open_campaigns"),
        Figure(_l("Raised by open campaigns"), t.raised, money=True, key="raised_open"),
        Figure(_l("Campaign money delivered to causes"), t.delivered, money=True, key="delivered"),
        Figure(_l("Campaign donations refunded"), t.refunded, money=True, key="refunded"),
        Figure(_l("Campaign donations"), t.donations, key="donations"),
    ]
    if area is None:
        # The pool is one account for the whole country: only a nationwide dashboard shows it.
        figures.append(Figure(_l("Campaigns' pool"), services.pool_balance(session), money=True, key="pool"))
    return figures


@hookimpl
def resalat_demo(session: Any, world: Any) -> None:
    demo.load(session, world)


@hookimpl
def resalat_demo_rows(session: Any, world: Any, rows: int) -> None:
    demo.add_rows(session, world, rows)

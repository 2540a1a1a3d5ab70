"""How the value chain plugs into the host: pages, API, CLI, permissions, tile, next step, figures, demo."""

from __future__ import annotations

from typing import Any

from flask import url_for
from sqlalchemy import func, select
from sqlalchemy.orm import Session, object_session

from resalat_core.sdk import Figure, Member, NextStep, Number, Permission, Tile, _l, can, db_session, hookimpl
from resalat_value_chain import ORGANISATION, demo, plugin, services
from resalat_value_chain.api import bp as api_bp
from resalat_value_chain.cli import value_chain as value_chain_cli
from resalat_value_chain.models import MADE, OPEN, Need, Suggestion
from resalat_value_chain.views import bp as pages_bp


def _session_of(member: Member) -> Session:
    return object_session(member) or db_session()


@hookimpl
def resalat_blueprints() -> list[Any]:
    return [pages_bp, api_bp]


@hookimpl
def resalat_cli() -> Any:
    return value_chain_cli


@hookimpl
def resalat_permissions() -> list[Permission]:
    return [
        Permission(
            services.LINK,
            _l("See a core's suppliers and buyers, make or decline suggested links in one's area"),
            # Guides (the guides plugin) and social leaders (the leaders plugin, when installed).
            ("guide", "social_leader", "admin"),
        ),
        Permission(services.ADMIN, _l("Manage the goods and the fields' inputs and outputs"), ("admin",)),
        Permission(services.POST_NEED, _l("Post what an organisation needs"), (ORGANISATION, "admin")),
    ]


@hookimpl
def resalat_tiles(member: Member) -> list[Tile]:
    # The badge counts suggestions waiting in the member's area; nothing is asked of a member
    # who may not answer them.
    waiting = services.waiting_for(_session_of(member), member) if can(services.LINK, member=member) else 0
    return [
        Tile(
            title=plugin.title,
            url=url_for("value_chain.index"),
            icon=plugin.icon,
            description=_l("From raw goods to finished ones: suppliers, buyers and organisations' needs"),
            badge=waiting or None,
            order=45,
        )
    ]


@hookimpl
def resalat_next_steps(member: Member) -> list[NextStep]:
    """Suggested links waiting in a guide's or social leader's area (one count)."""
    if not can(services.LINK, member=member):
        return []
    waiting = services.waiting_for(_session_of(member), member)
    if not waiting:
        return []
    return [
        NextStep(
            title=_l("Suggested links along the value chain"),
            text=_l("Suggestions waiting for you: %(count)s", count=Number(waiting)),
            link=url_for("value_chain.suggestions"),
            priority=50,
            icon="diagram-3",
        )
    ]


@hookimpl
def resalat_stats(session: Session, area: list[int] | None) -> list[Figure]:
    needs = select(func.count()).select_from(Need).where(Need.status == OPEN)
    made = select(func.count()).select_from(Suggestion).where(Suggestion.status == MADE)
    if area is not None:
        needs = needs.where(Need.region_id.in_(area))
        made = made.where(Suggestion.source_region_id.in_(area))
    return [
        Figure(_l("Organisations' open needs"), session.scalar(needs) or 0, key="open_needs"),
        Figure(_l("Value-chain links made from suggestions"), session.scalar(made) or 0, key="links_made"),
    ]


@hookimpl
def resalat_demo(session: Session, world: Any) -> None:
    """Suppliers for the Al-Ghadir clothing cores, the Pariz saffron chain, the organisation's need."""
    demo.load(session, world)


@hookimpl
def resalat_demo_rows(session: Session, world: Any, rows: int) -> None:
    demo.add_rows(session, world, rows)

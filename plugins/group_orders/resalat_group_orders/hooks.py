"""How group orders plugs in: pages, API, CLI, permissions, tile and next steps, M-Bazar's events,
loan money's spend policy, ledger references, the dashboard and the demo."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from sqlalchemy import func, select
from sqlalchemy.orm import Session, object_session

from resalat_core.sdk import (
    Account,
    Digits,
    Figure,
    Member,
    NextStep,
    Number,
    Permission,
    Reference,
    Spend,
    SpendDecision,
    Tile,
    _l,
    current_member,
    db_session,
    hookimpl,
)

from . import ORGANISE, demo, plugin, services
from .api import bp as api_bp
from .cli import group
from .models import HANDED, PROPOSED, BulkOrder, Purchase, Share
from .views import bp as pages_bp


def _session_of(thing: Any) -> Session:
    # The caller's own session, so what this writes shares its transaction (and its rollback).
    return object_session(thing) or db_session()


@hookimpl
def resalat_blueprints() -> list[Blueprint]:
    return [pages_bp, api_bp]


@hookimpl
def resalat_cli() -> Any:
    return group


@hookimpl
def resalat_permissions() -> list[Permission]:
    return [
        Permission(
            ORGANISE,
            _l("Open group purchases for the cores of the region"),
            ("social_leader", "guide", "admin"),
        )
    ]


@hookimpl
def resalat_tiles(member: Member) -> list[Tile]:
    return [
        Tile(
            plugin.title,
            "/group_orders/",
            icon=plugin.icon,
            description=_l("Cores buy together at a group price"),
            order=45,
        )
    ]


@hookimpl
def resalat_next_steps(member: Member) -> list[NextStep]:
    session = _session_of(member)
    found: list[NextStep] = []
    asked = session.scalar(
        select(func.count()).select_from(services.supplier_query(member).order_by(None).subquery())
    )
    if asked:
        found.append(
            NextStep(
                _l("Group purchases ask for your price"),
                _l("Group purchases waiting for your answer: %(count)s", count=Number(asked)),
                "/group_orders/",
                priority=100,
                icon="people-fill",
            )
        )
    handed = session.scalar(
        select(func.count(Share.id)).where(Share.leader_id == member.id, Share.status == HANDED)
    )
    if handed:
        found.append(
            NextStep(
                _l("Confirm what you received"),
                _l("Parts of group purchases handed over to you: %(count)s", count=Number(handed)),
                "/group_orders/",
                priority=50,
                icon="box-seam",
            )
        )
    found.extend(_bulk_steps(session, member))
    return found


def _bulk_steps(session: Session, member: Member) -> list[NextStep]:
    """A core's leader answers offered parts; a customer confirms delivered ones."""
    found = []
    offered = services.bulk.waiting_parts(session, member)
    if offered:
        found.append(
            NextStep(
                _l("Answer your cores' parts of bulk orders"),
                _l("Parts of bulk orders waiting for your answer: %(count)s", count=Number(offered)),
                "/group_orders/bulk/",
                priority=60,
                icon="people-fill",
            )
        )
    delivered = services.bulk.to_confirm(session, member)
    if delivered:
        found.append(
            NextStep(
                _l("Confirm the parts of your bulk order"),
                _l("Delivered parts waiting for your confirmation: %(count)s", count=Number(delivered)),
                "/group_orders/bulk/",
                priority=60,
                icon="box-seam",
            )
        )
    return found


@hookimpl
def resalat_stats(session: Session, area: list[int] | None) -> list[Figure]:
    found = services.figures(session, area)
    bulk = services.bulk.bulk_figures(session, area)
    return [
        Figure(_l("Group purchases open"), found.open, key="open"),
        Figure(_l("Group purchases ordered"), found.placed, key="placed"),
        Figure(_l("Cores in group purchases"), found.cores, key="cores"),
        Figure(_l("Held for group purchases"), found.held, money=True, key="held"),
        Figure(_l("Bulk orders in progress"), bulk.open, key="bulk_open"),
        Figure(_l("Held for bulk orders"), bulk.held, money=True, key="bulk_held"),
    ]


@hookimpl
def resalat_reference(kind: str, ident: int) -> Reference | None:
    """A ledger line's "group_orders_purchase:12" named as the purchase, linked for who may see it."""
    if kind == services.bulk.BULK_REFERENCE:
        return _bulk_reference(ident)
    if kind != services.REFERENCE_KIND:
        return None
    name = _l("Group purchase %(purchase)s", purchase=Digits(str(ident)))
    session = db_session()
    found = session.get(Purchase, ident)
    seen = found is not None and (found.status != PROPOSED or services.manages(current_member(), found))
    return Reference(name=name, url=f"/group_orders/{ident}" if seen else None)


def _bulk_reference(ident: int) -> Reference:
    name = _l("Bulk order %(order)s", order=Digits(str(ident)))
    session = db_session()
    found = session.get(BulkOrder, ident)
    viewer = current_member()
    seen = (
        found is not None
        and viewer is not None
        and (
            found.customer_id == viewer.id
            or services.bulk.splits(viewer, found)
            or any(p.leader_id == viewer.id for p in found.parts)
        )
    )
    return Reference(name=name, url=f"/group_orders/bulk/{ident}" if seen else None)


@hookimpl
def resalat_spend_allowed(account: Account, spend: Spend) -> SpendDecision | None:
    return services.spend_allowed(account, spend)


@hookimpl
def resalat_order_completed(order: Any) -> None:
    services.order_completed(_session_of(order), order)


@hookimpl
def resalat_payment_refunded(order: Any, payments: list[Any]) -> None:
    services.order_refunded(_session_of(order), order, payments)


@hookimpl
def resalat_demo(session: Any, world: Any) -> None:
    demo.load(session, world)
    demo.load_bulk(session, world)


@hookimpl
def resalat_demo_rows(session: Any, world: Any, rows: int) -> None:
    demo.add_rows(session, world, rows)

"""How M-ST plugs in: M-Bazar's delivery quotes, paid and cancelled orders; the home; the ledger."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from sqlalchemy.orm import Session, object_session

from resalat_core.sdk import (
    Digits,
    Figure,
    Member,
    NextStep,
    Number,
    Permission,
    Reference,
    Tile,
    _l,
    current_member,
    db_session,
    hookimpl,
)

from . import APPROVE, CONSIGN, OPTION, demo, plugin, services
from .api import bp as api_bp
from .cli import group
from .models import APPROVED, Shipment
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
        Permission(APPROVE, _l("Approve and suspend the M-ST operators of the region"), ("guide", "admin")),
        Permission(
            CONSIGN,
            _l("Open M-ST consignments from places of the region"),
            ("social_leader", "guide", "admin"),
        ),
    ]


@hookimpl
def resalat_tiles(member: Member) -> list[Tile]:
    return [Tile(plugin.title, "/stm/", icon=plugin.icon, description=_l("Deliveries by member operators"))]


@hookimpl
def resalat_next_steps(member: Member) -> list[NextStep]:
    session = _session_of(member)
    found: list[NextStep] = []
    operator = services.operator_of(session, member)
    if operator is not None and operator.status == APPROVED:
        near = services.open_jobs_near(session, operator)
        if near:
            found.append(
                NextStep(
                    _l("Jobs near you"),
                    _l("Parcels waiting for an operator in your area: %(count)s", count=Number(near)),
                    "/stm/jobs",
                    priority=50,
                    icon="truck",
                )
            )
    coming = services.on_the_way(session, member)
    if coming:
        found.append(
            NextStep(
                _l("A parcel is on its way to you"),
                _l(
                    "Parcels on the way: %(count)s. Keep your delivery code for the door.",
                    count=Number(coming),
                ),
                "/stm/",
                priority=50,
                icon="box-seam",
            )
        )
    return found


@hookimpl
def resalat_stats(session: Session, area: list[int] | None) -> list[Figure]:
    moving, delivered = services.figures(session, area)
    # Keyed: the stats plugin keeps their history (the brochure's deliveries).
    return [
        Figure(_l("M-ST parcels on the way"), moving, key="parcels_moving"),
        Figure(_l("M-ST parcels delivered"), delivered, key="parcels_delivered"),
    ]


@hookimpl
def resalat_reference(kind: str, ident: int) -> Reference | None:
    """A ledger line's "stm_shipment:12" named as the shipment, linked to its tracking page."""
    if kind != services.REFERENCE_KIND:
        return None
    name = _l("Shipment %(shipment)s", shipment=Digits(str(ident)))
    session = db_session()
    found = session.get(Shipment, ident)
    viewer = current_member()
    seen = found is not None and services.role_in(session, viewer, found) is not None
    return Reference(name=name, url=services.track_url(found) if seen and found is not None else None)


@hookimpl
def resalat_demo(session: Any, world: Any) -> None:
    demo.load(session, world)


# --- M-Bazar -------------------------------------------------------------------------------------


@hookimpl
def resalat_delivery_quotes(buyer: Member, groups: list[Any], option: str) -> Any:
    if option != OPTION:
        return None
    return services.quotes(_session_of(buyer), buyer, groups)


@hookimpl
def resalat_order_paid(order: Any) -> None:
    services.plan_shipment(_session_of(order), order)


@hookimpl
def resalat_order_cancelled(order: Any) -> None:
    services.order_cancelled(_session_of(order), order)


@hookimpl
def resalat_demo_rows(session: Any, world: Any, rows: int) -> None:
    demo.add_rows(session, world, rows)

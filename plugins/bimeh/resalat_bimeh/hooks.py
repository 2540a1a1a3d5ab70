"""How M-Bimeh plugs in: loans' disbursal and M-Bazar's paid orders make offers; the home page,
the dashboard, references on statement lines, the demo."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from sqlalchemy.orm import Session, object_session

from resalat_core.sdk import (
    AuditAction,
    Figure,
    Member,
    Money,
    NextStep,
    Number,
    Permission,
    Reference,
    Tile,
    _l,
    can,
    current_member,
    db_session,
    hookimpl,
)

from . import ASSESS, VIEW_POOL, demo, plugin, services, setting
from .api import bp as api_bp
from .cli import group
from .models import ON_LOAN, ON_ORDER, Claim, Policy
from .views import bp as pages_bp

LOAN_KIND = "bimeh_policy"
CLAIM_KIND = "bimeh_claim"


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
        Permission(ASSESS, _l("Assess the insurance claims of the region"), ("admin", "bimeh_insurer")),
        Permission(VIEW_POOL, _l("See the insurance pool's figures"), ("admin",)),
    ]


@hookimpl
def resalat_audit_actions() -> list[AuditAction]:
    return [
        AuditAction("bimeh.claim_approved", _l("Insurance claim approved")),
        AuditAction("bimeh.claim_part_approved", _l("Insurance claim partly approved")),
        AuditAction("bimeh.claim_rejected", _l("Insurance claim rejected")),
    ]


@hookimpl
def resalat_tiles(member: Member) -> list[Tile]:
    return [Tile(plugin.title, services.page_url(), icon=plugin.icon, description=_l("Insurance"))]


@hookimpl
def resalat_next_steps(member: Member) -> list[NextStep]:
    session = _session_of(member)
    steps: list[NextStep] = []
    if can(ASSESS, member=member):
        waiting = services.queue_count(session, member)
        if waiting:
            steps.append(
                NextStep(
                    _l("Insurance claims to assess"),
                    _l("Claims waiting in your area: %(count)s", count=Number(waiting)),
                    services.queue_url(),
                    priority=50,
                    icon="clipboard-check",
                )
            )
    total, late = services.due_soon(session, member)
    if total:
        steps.append(
            NextStep(
                _l("An insurance instalment is due"),
                _l("Pay %(amount)s to stay covered.", amount=Money(total)),
                services.page_url(),
                priority=100 if late else 50,
                icon="shield-exclamation",
            )
        )
    offers = services.count_open_offers(session, member)
    if offers:
        steps.append(
            NextStep(
                _l("Insurance offered to you"),
                _l("Offers waiting for your decision: %(count)s", count=Number(offers)),
                services.page_url(),
                priority=10,
                icon="shield-check",
            )
        )
    return steps


@hookimpl
def resalat_stats(session: Session, area: list[int] | None) -> list[Figure]:
    found = services.figures(session, area)
    return [
        # Keyed: the stats plugin keeps their history (the brochure's policies in force).
        Figure(_l("Insurance policies in force"), found.active, key="policies_in_force"),
        Figure(_l("Insurance claims waiting"), found.waiting, key="claims_waiting"),
        # The pool is nationwide whatever the area: not kept per province, so not keyed.
        Figure(_l("Insurance pool"), found.balance, money=True),
    ]


@hookimpl
def resalat_reference(kind: str, ident: int) -> Reference | None:
    """A ledger line's "bimeh_policy:12" or "bimeh_claim:3", linked for those who may open it."""
    viewer = current_member()
    session = db_session()
    if kind == LOAN_KIND:
        policy = session.get(Policy, ident)
        mine = policy is not None and viewer is not None and viewer.id == policy.member_id
        return Reference(
            name=_l("Insurance policy no. %(policy)s", policy=services.digits(ident)),
            url=services.policy_url(ident) if mine else None,
        )
    if kind == CLAIM_KIND:
        claim = session.get(Claim, ident)
        seen = (
            claim is not None
            and viewer is not None
            and (viewer.id == claim.member_id or services.may_assess(session, viewer, claim))
        )
        return Reference(
            name=_l("Insurance claim no. %(claim)s", claim=services.digits(ident)),
            url=services.claim_url(ident) if seen else None,
        )
    return None


# --- loans ---------------------------------------------------------------------------------------


@hookimpl
def resalat_loan_disbursed(loan: Any) -> None:
    """Offer remaining-debt life insurance on every loan, and livestock insurance on the
    livestock programme's loans: records and notifications, never a charge."""
    session = _session_of(loan)
    member = loan.member
    services.make_offer(session, member, "loan_life", ON_LOAN, loan.id, amount=loan.amount + loan.fee)
    if loan.product is not None and loan.product.code == "livestock":
        services.make_offer(session, member, "livestock", ON_LOAN, loan.id, amount=loan.amount)


# --- M-Bazar (not required: only the order's own attributes are read) ----------------------------


@hookimpl(optionalhook=True)
def resalat_order_paid(order: Any) -> None:
    """A delivered order is offered parcel insurance; one buying sheep or goats, livestock insurance."""
    buyer = order.buyer
    # The buyer is the checkout's own row, so its session is the checkout's transaction.
    session = _session_of(buyer)
    if getattr(order, "delivery", "pickup") != "pickup":
        services.make_offer(session, buyer, "parcel", ON_ORDER, order.id, amount=int(order.total))
    wanted = set(setting("livestock_categories"))
    heads = 0
    value = 0
    for item in order.items:
        category = getattr(item.product, "category", None)
        if category is not None and category.code in wanted:
            heads += int(item.quantity)
            value += int(item.unit_price) * int(item.quantity)
    if heads:
        services.make_offer(session, buyer, "livestock", ON_ORDER, order.id, amount=value, heads=heads)


@hookimpl(optionalhook=True)
def resalat_shipment_changed(shipment: Any) -> None:
    """M-ST's parcel failed or came back: the holder of its parcel cover is told how to claim."""
    session = object_session(shipment)
    assert session is not None
    services.shipment_changed(session, shipment.order_id, shipment.status)


@hookimpl
def resalat_demo(session: Any, world: Any) -> None:
    demo.load(session, world)


@hookimpl
def resalat_demo_rows(session: Any, world: Any, rows: int) -> None:
    demo.add_rows(session, world, rows)

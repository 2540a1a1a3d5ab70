"""How the vouchers plug in: the host's wiring, and M-Bazar's payment-method hooks."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, url_for
from resalat_bazaar.services import Due, PaymentMethod, PaymentPart
from sqlalchemy import func, select
from sqlalchemy.orm import Session, object_session

from resalat_core.sdk import (
    Figure,
    Member,
    Permission,
    Tile,
    _l,
    db_session,
    hookimpl,
    today_in_iran,
)

from . import ISSUE, NAME, demo, plugin, services
from .api import bp as api_bp
from .cli import group
from .models import Voucher
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
    return [Permission(ISSUE, _l("Issue vouchers from the vouchers' budget"), ("admin",))]


@hookimpl
def resalat_tiles(member: Member) -> list[Tile]:
    session = _session_of(member)
    usable = session.scalar(
        select(func.count(Voucher.id)).where(
            Voucher.holder_id == member.id, Voucher.balance > 0, Voucher.expires_on >= today_in_iran()
        )
    )
    return [Tile(plugin.title, url_for(f"{NAME}.index"), icon=plugin.icon, badge=usable or None)]


@hookimpl
def resalat_stats(session: Session, area: list[int] | None) -> list[Figure]:
    # Balances are nationwide money in one float: the figure is the same for every area.
    return [Figure(_l("Left on vouchers"), services.outstanding(session), money=True)]


@hookimpl
def resalat_payment_methods(buyer: Member, cart: Any) -> list[PaymentMethod]:
    return services.payment_methods(_session_of(buyer), buyer, cart)


@hookimpl
def resalat_payment_take(buyer: Member, code: str, dues: list[Due], key: str) -> list[PaymentPart] | None:
    if not code.startswith(f"{NAME}."):
        return None
    return services.take(_session_of(buyer), buyer, code, dues, key)


@hookimpl
def resalat_payment_refunded(order: Any, payments: list[Any]) -> None:
    mine = [p for p in payments if (p.method or "").startswith(f"{NAME}.")]
    if mine:
        services.refunded(_session_of(order), order, mine)


@hookimpl
def resalat_demo(session: Any, world: Any) -> None:
    demo.load(session, world)


@hookimpl
def resalat_demo_rows(session: Any, world: Any, rows: int) -> None:
    demo.add_rows(session, world, rows)

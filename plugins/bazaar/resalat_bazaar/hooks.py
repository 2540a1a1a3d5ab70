"""How M-Bazar plugs into the host: pages, API, CLI, permissions, tile, cart badge, figures,
the spend policy for loan money, and its part of the demo."""

from __future__ import annotations

from typing import Any

from flask import url_for
from sqlalchemy import func, select
from sqlalchemy.orm import Session, object_session

from resalat_bazaar import plugin, services
from resalat_bazaar.api import bp as api_bp
from resalat_bazaar.cli import bazaar as bazaar_cli
from resalat_bazaar.demo import load_demo
from resalat_bazaar.models import COMPLETED, Order
from resalat_bazaar.views import bp as pages_bp
from resalat_core.sdk import (
    Account,
    CreditSignal,
    Figure,
    Member,
    NavItem,
    Permission,
    Spend,
    SpendDecision,
    Tile,
    _l,
    db_session,
    hookimpl,
    to_persian_digits,
)


def _session_of(member: Member) -> Session:
    return object_session(member) or db_session()


# --- wiring --------------------------------------------------------------------------------------


@hookimpl
def resalat_blueprints() -> list[Any]:
    return [pages_bp, api_bp]


@hookimpl
def resalat_cli() -> Any:
    return bazaar_cli


@hookimpl
def resalat_permissions() -> list[Permission]:
    return [
        # Any member may open a booth and sell (a core leader links one of their cores).
        Permission(services.SELL, _l("Sell in M-Bazar"), ("member",)),
        Permission(
            services.ADMIN,
            _l("Administer M-Bazar: hide booths and products, refund orders"),
            ("admin",),
        ),
    ]


@hookimpl
def resalat_tiles(member: Member) -> list[Tile]:
    waiting = services.orders_to_handle(_session_of(member), member)
    return [
        Tile(
            title=plugin.title,
            url=url_for("bazaar.index"),
            icon="shop",
            description=_l("Buy and sell the cores' goods and services"),
            badge=waiting or None,
            order=15,
        )
    ]


@hookimpl
def resalat_nav_items(member: Member) -> list[NavItem]:
    # On every page: one sum over the member's cart lines.
    count = services.cart_count(_session_of(member), member)
    return [
        NavItem(
            title=_l("Cart"),
            url=url_for("bazaar.cart_page"),
            badge=count or None,
            icon="cart",
            order=20,
        )
    ]


@hookimpl
def resalat_stats() -> list[Figure]:
    session = db_session()
    return [
        Figure(_l("M-Bazar booths"), services.count_booths(session), _l("booths")),
        Figure(
            _l("Products in M-Bazar"),
            services.count_products(session),
            _l("products"),
        ),
        Figure(
            _l("Completed M-Bazar sales"),
            services.sold_total(session) // 10,
            _l("tomans"),
        ),
    ]


# --- questions -----------------------------------------------------------------------------------


@hookimpl(optionalhook=True)
def resalat_credit_signals(member: Member) -> list[CreditSignal]:
    """Sales the member completed through their booths: Merat weighs them (one query)."""
    sold = _session_of(member).scalar(
        select(func.count(Order.id)).where(Order.seller_id == member.id, Order.status == COMPLETED)
    )
    if not sold:
        return []
    return [
        CreditSignal(
            source=plugin.name,
            kind="bazaar_sales_completed",
            value=sold,
            description_fa=f"{to_persian_digits(str(sold))} فروش تکمیل‌شده در غرفه‌های ام‌بازار این عضو",
            description_en=f"{sold} completed sales in the member's M-Bazar booths",
        )
    ]


@hookimpl
def resalat_spend_allowed(account: Account, spend: Spend) -> SpendDecision | None:
    return services.spend_allowed(account, spend)


# --- demo ----------------------------------------------------------------------------------------


@hookimpl
def resalat_demo(session: Any, world: Any) -> None:
    load_demo(session, world)

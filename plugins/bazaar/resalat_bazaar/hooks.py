"""How M-Bazar plugs into the host: pages, API, CLI, permissions, tile, cart badge, figures, the
spend policy for loan money, its credit signal for Merat, and its part of the demo."""

from __future__ import annotations

from typing import Any

from flask import url_for
from sqlalchemy import func, select
from sqlalchemy.orm import Session, object_session

from resalat_bazaar import plugin, services
from resalat_bazaar.api import bp as api_bp
from resalat_bazaar.cli import bazaar as bazaar_cli
from resalat_bazaar.demo import add_rows, load_demo
from resalat_bazaar.models import COMPLETED, Order
from resalat_bazaar.mydata import resalat_closing_blockers as resalat_closing_blockers
from resalat_bazaar.mydata import resalat_member_closed as resalat_member_closed
from resalat_bazaar.mydata import resalat_member_data as resalat_member_data
from resalat_bazaar.views import bp as pages_bp
from resalat_core.sdk import (
    Account,
    CreditSignal,
    Figure,
    FileStore,
    Member,
    NavItem,
    Permission,
    SignalKind,
    Spend,
    SpendDecision,
    Tile,
    _l,
    db_session,
    hookimpl,
)

SALES_COMPLETED = "bazaar_sales_completed"


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
            services.ADMIN, _l("Administer M-Bazar: hide booths and products, refund orders"), ("admin",)
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
    cart = url_for("bazaar.cart_page")
    return [
        NavItem(title=plugin.title, url=url_for("bazaar.index"), icon="shop", order=15),
        NavItem(title=_l("Cart"), url=cart, badge=count or None, icon="cart", order=20),
    ]


@hookimpl
def resalat_stats(session: Session, area: list[int] | None) -> list[Figure]:
    found = services.market_figures(session, area)
    return [
        # Keyed: the stats plugin keeps their history (the brochure's sales volume and orders).
        Figure(_l("M-Bazar booths"), found.booths, unit=_l("booths"), key="booths"),
        Figure(_l("Products in M-Bazar"), found.products, unit=_l("products"), key="products"),
        Figure(_l("Completed M-Bazar sales"), found.sold, money=True, key="sales_volume"),
        Figure(_l("Completed M-Bazar orders"), found.orders, unit=_l("orders"), key="orders"),
    ]


# --- questions -----------------------------------------------------------------------------------


@hookimpl(optionalhook=True)
def resalat_credit_signal_kinds() -> list[SignalKind]:
    """The signal M-Bazar gives Merat, with its default weight: 2 points a sale, at most 80."""
    return [
        SignalKind(
            SALES_COMPLETED,
            _l("%(value)s completed sales in the member's M-Bazar booths"),
            points=2,
            per=1,
            cap=80,
        )
    ]


@hookimpl(optionalhook=True)
def resalat_credit_signals(member: Member) -> list[CreditSignal]:
    """Sales the member completed through their booths: Merat weighs them (one query)."""
    return resalat_credit_signals_many(_session_of(member), [member]).get(member.id, [])


@hookimpl(optionalhook=True)
def resalat_credit_signals_many(session: Session, members: list[Member]) -> dict[int, list[CreditSignal]]:
    """Sales completed, for a whole chunk of members in one query (Merat's refresh)."""
    sold = session.execute(
        select(Order.seller_id, func.count(Order.id))
        .where(Order.seller_id.in_([m.id for m in members]), Order.status == COMPLETED)
        .group_by(Order.seller_id)
    )
    return {seller_id: [CreditSignal(SALES_COMPLETED, int(n))] for seller_id, n in sold if n}


@hookimpl
def resalat_spend_allowed(account: Account, spend: Spend) -> SpendDecision | None:
    return services.spend_allowed(account, spend)


@hookimpl
def resalat_file_stores(session: Session) -> list[FileStore]:
    """The product photos (and their thumbnails) in M-Bazar's own storage, for the backups."""
    from resalat_bazaar import media
    from resalat_bazaar.models import ProductPhoto

    keys = session.scalars(select(ProductPhoto.key).distinct())
    return [
        FileStore(
            "bazaar", media.storage(), [name for key in keys for name in (f"{key}.jpg", f"{key}_t.jpg")]
        )
    ]


# --- demo ----------------------------------------------------------------------------------------


@hookimpl
def resalat_demo(session: Any, world: Any) -> None:
    load_demo(session, world)


@hookimpl
def resalat_demo_rows(session: Any, world: Any, rows: int) -> None:
    add_rows(session, world, rows)

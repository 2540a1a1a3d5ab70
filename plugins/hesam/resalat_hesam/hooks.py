"""How M-Hesam plugs into the host: pages, API, CLI, its permissions, its tile and figure."""

from __future__ import annotations

from typing import Any

from flask import url_for
from sqlalchemy.orm import Session, object_session

from resalat_core.sdk import (
    AuditAction,
    Figure,
    Member,
    Money,
    NavItem,
    Permission,
    Tile,
    _l,
    can,
    db_session,
    hookimpl,
)
from resalat_hesam import demo, plugin, services
from resalat_hesam.api import bp as api_bp
from resalat_hesam.cli import hesam as hesam_cli
from resalat_hesam.money_views import PAYOUTS, RECONCILE
from resalat_hesam.mydata import resalat_closing_blockers as resalat_closing_blockers
from resalat_hesam.mydata import resalat_member_closed as resalat_member_closed
from resalat_hesam.mydata import resalat_member_data as resalat_member_data
from resalat_hesam.views import TOPUP
from resalat_hesam.views import bp as pages_bp


def _session_of(member: Member) -> Session:
    return object_session(member) or db_session()


# --- wiring ------------------------------------------------------------------------------------


@hookimpl
def resalat_blueprints() -> list[Any]:
    return [pages_bp, api_bp]


@hookimpl
def resalat_cli() -> Any:
    return hesam_cli


@hookimpl
def resalat_permissions() -> list[Permission]:
    return [
        Permission(TOPUP, _l("Record a cash top-up to a member's account"), ("admin",)),
        Permission(PAYOUTS, _l("Export withdrawals to the bank and record its answers"), ("admin",)),
        Permission(
            RECONCILE,
            _l("See card payments needing attention and reconcile the gateway's clearing account"),
            ("admin",),
        ),
    ]


@hookimpl
def resalat_audit_actions() -> list[AuditAction]:
    return [
        AuditAction("hesam.top_up", _l("Wallet topped up")),
        AuditAction("hesam.withdrawal_settled", _l("Withdrawal paid by the bank")),
        AuditAction("hesam.withdrawal_refused", _l("Withdrawal refused by the bank")),
    ]


@hookimpl
def resalat_nav_items(member: Member) -> list[NavItem]:
    # The wallet is one tap away on every page (a phone's bottom bar); it costs no query.
    return [NavItem(title=plugin.title, url=url_for("hesam.accounts"), icon="wallet2", order=30)]


@hookimpl
def resalat_tiles(member: Member) -> list[Tile]:
    # One query, and it never opens an account: the home screen only reads.
    balance = services.main_balance(_session_of(member), member)
    tiles = [
        Tile(
            title=plugin.title,
            url=url_for("hesam.accounts"),
            icon="wallet",
            description=_l("Balance: %(balance)s", balance=Money(balance)),
            order=20,
        )
    ]
    # The administrators' desks: where they find the bank batches and the gateway's loose ends.
    if can(PAYOUTS, member=member):
        tiles.append(
            Tile(
                title=_l("Withdrawals to bank accounts"),
                url=url_for("hesam.payouts"),
                icon="bank",
                description=_l("Make the bank's batch and record its answers"),
                order=21,
            )
        )
    if can(RECONCILE, member=member):
        tiles.append(
            Tile(
                title=_l("Card payments needing attention"),
                url=url_for("hesam.card_attention"),
                icon="credit-card",
                description=_l("Mismatches, stuck payments and the gateway's reconciliation"),
                order=22,
            )
        )
    return tiles


@hookimpl
def resalat_stats(session: Session, area: list[int] | None) -> list[Figure]:
    return [
        Figure(
            _l("Transfers between members"),
            services.transfers_between_members(session, area),
            _l("transfers"),
        )
    ]


@hookimpl
def resalat_demo(session: Session, world: Any) -> None:
    demo.build(session, world)


@hookimpl
def resalat_demo_rows(session: Session, world: Any, rows: int) -> None:
    demo.add_rows(session, world, rows)

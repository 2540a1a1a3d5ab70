"""How the deposits plugin plugs into the host: wiring, a tile, credit signals, figures and the demo."""

from __future__ import annotations

from typing import Any

from flask import url_for
from sqlalchemy.orm import Session, object_session

from resalat_core.sdk import (
    CreditSignal,
    Figure,
    Member,
    Money,
    Permission,
    SignalKind,
    Tile,
    _l,
    db_session,
    hookimpl,
)
from resalat_deposits import demo, services
from resalat_deposits.api import bp as api_bp
from resalat_deposits.cli import deposits as deposits_cli
from resalat_deposits.views import bp as pages_bp


def _session_of(member: Member) -> Session:
    # The caller's own session, so what is read belongs to the caller's transaction.
    return object_session(member) or db_session()


# --- wiring ------------------------------------------------------------------------------------


@hookimpl
def resalat_blueprints() -> list[Any]:
    return [pages_bp, api_bp]


@hookimpl
def resalat_cli() -> Any:
    return deposits_cli


@hookimpl
def resalat_permissions() -> list[Permission]:
    # Administrators, and the loans plugin's credit officers (their Role says so), see the
    # totals of the regions they oversee.
    return [
        Permission(
            "deposits.view_totals",
            _l("See the totals of Qard al-Hasan deposits and points"),
            ("admin",),
        )
    ]


@hookimpl
def resalat_tiles(member: Member) -> list[Tile]:
    # Every member may deposit; the description carries the balance (one query on a unique code).
    balance = services.balance_of(_session_of(member), member)
    return [
        Tile(
            title=_l("Qard al-Hasan deposit and points"),
            url=url_for("deposits.mine"),
            icon="piggy-bank",
            description=_l("Deposit balance: %(balance)s", balance=Money(balance)),
            order=30,
        )
    ]


# --- Merat's questions (optional: Merat may not be installed) ----------------------------------


@hookimpl(optionalhook=True)
def resalat_credit_signal_kinds() -> list[SignalKind]:
    return [services.DEPOSIT_AVERAGE]


@hookimpl(optionalhook=True)
def resalat_credit_signals(member: Member) -> list[CreditSignal]:
    """The deposit's average over the window, in rials, when above zero (two queries)."""
    return services.credit_signals(_session_of(member), member)


@hookimpl(optionalhook=True)
def resalat_credit_signals_many(session: Session, members: list[Member]) -> dict[int, list[CreditSignal]]:
    """Deposit averages for a whole chunk of members in three queries (Merat's refresh)."""
    return services.credit_signals_many(session, [m.id for m in members])


# --- the dashboard and the demo ----------------------------------------------------------------


@hookimpl
def resalat_stats(session: Session, area: list[int] | None) -> list[Figure]:
    totals = services.totals(session, area)
    return [
        Figure(_l("Qard al-Hasan deposits"), totals.total, money=True),
        Figure(_l("Qard al-Hasan depositors"), totals.depositors, _l("members")),
    ]


@hookimpl
def resalat_demo(session: Session, world: Any) -> None:
    demo.build(session, world)


@hookimpl
def resalat_demo_rows(session: Session, world: Any, rows: int) -> None:
    demo.add_rows(session, world, rows)

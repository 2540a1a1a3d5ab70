"""How pay later plugs in: M-Bazar's checkout and refunds, M-Hesam's credit lines, Merat, the home."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from resalat_bazaar.services import Due, PaymentMethod, PaymentPart
from resalat_hesam.services import CreditLine
from sqlalchemy.orm import Session, object_session

from resalat_core.sdk import (
    CreditSignal,
    Day,
    Digits,
    Figure,
    Member,
    Money,
    NextStep,
    PeriodicJob,
    Permission,
    Reference,
    SignalKind,
    Tile,
    _l,
    current_member,
    db_session,
    hookimpl,
)

from . import NAME, VIEW_DEBTS, demo, plugin, services
from .api import bp as api_bp
from .cli import group
from .models import Debt
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
    return [Permission(VIEW_DEBTS, _l("See the pay-later debts of the region"), ("admin",))]


@hookimpl
def resalat_tiles(member: Member) -> list[Tile]:
    return [Tile(plugin.title, services.page_url(), icon=plugin.icon, description=_l("Buy now, pay later"))]


@hookimpl
def resalat_next_steps(member: Member) -> list[NextStep]:
    # One query over the member's open debts (none has no card); the limit is not needed here.
    day = services.today()
    used, overdue, _count, next_due = services.open_debts(_session_of(member), member, day)
    if not used:
        return []
    if overdue:
        return [
            NextStep(
                _l("A pay-later purchase is overdue"),
                _l("Pay %(amount)s to unfreeze your pay-later limit.", amount=Money(overdue)),
                services.page_url(),
                priority=100,
                icon="exclamation-circle",
            )
        ]
    soon = day.toordinal() + int(plugin.setting("reminder_days"))
    if next_due is not None and next_due.toordinal() <= soon:
        return [
            NextStep(
                _l("A pay-later purchase is due soon"),
                _l("Due on %(day)s: keep the money in your main account.", day=Day(next_due)),
                services.page_url(),
                priority=50,
                icon="calendar-check",
            )
        ]
    return []


@hookimpl
def resalat_stats(session: Session, area: list[int] | None) -> list[Figure]:
    owed, overdue = services.figures(session, area)
    return [
        Figure(_l("Owed on pay later"), owed, money=True),
        Figure(_l("Overdue on pay later"), overdue, money=True),
    ]


# --- M-Bazar -------------------------------------------------------------------------------------


@hookimpl
def resalat_payment_methods(buyer: Member, cart: Any) -> list[PaymentMethod]:
    found = services.offer(_session_of(buyer), buyer, cart.total, url=services.page_url())
    return [found] if found is not None else []


@hookimpl
def resalat_payment_take(buyer: Member, code: str, dues: list[Due], key: str) -> list[PaymentPart] | None:
    return services.take(_session_of(buyer), buyer, code, dues, key)


@hookimpl
def resalat_payment_refunded(order: Any, payments: list[Any]) -> None:
    services.refunded(_session_of(order), order, payments)


# --- M-Hesam -------------------------------------------------------------------------------------


@hookimpl
def resalat_credit_lines(member: Member) -> list[CreditLine]:
    now = services.standing(_session_of(member), member)
    if now.limit <= 0 and now.used <= 0:
        return []
    return [
        CreditLine(
            _l("Pay later (M-Nasieh)"),
            now.limit,
            now.used,
            url=services.page_url(),
            note=now.reason_text or "",
            frozen=now.frozen,
        )
    ]


# --- Merat ---------------------------------------------------------------------------------------

SIGNAL_KINDS = (
    SignalKind(
        "paylater_on_time", _l("Pay-later purchases repaid on time: %(value)s"), points=4, per=1, cap=80
    ),
    SignalKind(
        "paylater_late", _l("Pay-later purchases repaid late: %(value)s"), points=-10, per=1, cap=-100
    ),
    SignalKind(
        "paylater_overdue", _l("Pay-later purchases overdue now: %(value)s"), points=-50, per=1, cap=-300
    ),
)


@hookimpl
def resalat_credit_signals(member: Member) -> list[CreditSignal]:
    return services.credit_signals(_session_of(member), member)


@hookimpl
def resalat_credit_signals_many(session: Session, members: list[Member]) -> dict[int, list[CreditSignal]]:
    """The same for a whole chunk of members, in one query (Merat's refresh)."""
    return services.credit_signals_many(session, [m.id for m in members])


@hookimpl
def resalat_periodic_jobs() -> list[PeriodicJob]:
    return [
        PeriodicJob(
            services.RUN_DUE,
            _l("M-Nasieh: remind, collect what is due and follow up overdue purchases"),
            "15 1 * * *",
            plan=services.plan_run_due,
            run_chunk=services.run_due_chunk,
        )
    ]


@hookimpl
def resalat_credit_signal_kinds() -> list[SignalKind]:
    return list(SIGNAL_KINDS)


@hookimpl
def resalat_reference(kind: str, ident: int) -> Reference | None:
    """A ledger line's "paylater_debt:12" named as the purchase, linked to its owner's page."""
    if kind != services.REFERENCE_KIND:
        return None
    name = _l("Pay-later purchase no. %(debt)s", debt=Digits(str(ident)))
    found = db_session().get(Debt, ident)
    viewer = current_member()
    mine = found is not None and viewer is not None and viewer.id == found.member_id
    return Reference(name=name, url=services.page_url() if mine else None)


@hookimpl
def resalat_demo(session: Any, world: Any) -> None:
    demo.load(session, world)


@hookimpl
def resalat_demo_rows(session: Any, world: Any, rows: int) -> None:
    demo.add_rows(session, world, rows)


__all__ = ["NAME"]

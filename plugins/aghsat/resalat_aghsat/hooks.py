"""How M-Aghsat plugs in: M-Bazar's payment methods, Merat's signals, tiles, next steps, figures, demo."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, url_for
from resalat_bazaar.services import REST, PaymentMethod
from resalat_hesam import services as hesam
from resalat_merat import services as merat
from sqlalchemy import func, select
from sqlalchemy.orm import Session, object_session

from resalat_aghsat import ADMIN, demo, plugin, services
from resalat_aghsat.api import bp as api_bp
from resalat_aghsat.cli import group
from resalat_aghsat.models import RUNNING, Instalment, Purchase
from resalat_aghsat.views import bp as pages_bp
from resalat_core.sdk import (
    CreditSignal,
    Day,
    Figure,
    Member,
    Money,
    NextStep,
    Number,
    PeriodicJob,
    Permission,
    SignalKind,
    Tile,
    _l,
    can,
    db_session,
    hookimpl,
    today_in_iran,
)


def _session_of(thing: Any) -> Session:
    # The caller's own session, so what this reads and writes shares its transaction.
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
        Permission(ADMIN, _l("Manage instalment plans and see the instalment fund's exposure"), ("admin",))
    ]


@hookimpl
def resalat_tiles(member: Member) -> list[Tile]:
    tiles = [
        Tile(
            plugin.title,
            url_for("aghsat.home"),
            icon=plugin.icon,
            description=_l("My instalments, and paying one now"),
            order=38,
        )
    ]
    if can(ADMIN, member=member):
        tiles.append(
            Tile(
                _l("Instalment plans"),
                url_for("aghsat.admin_plans"),
                icon="sliders",
                description=_l("Plans and the fund's exposure"),
                order=39,
            )
        )
    return tiles


@hookimpl
def resalat_next_steps(member: Member) -> list[NextStep]:
    """The buyer's next unpaid instalment: one indexed query."""
    due = (
        _session_of(member)
        .execute(
            select(
                Instalment.purchase_id,
                Instalment.due_on,
                Instalment.principal + Instalment.fee - Instalment.paid,
            )
            .join(Purchase, Purchase.id == Instalment.purchase_id)
            .where(Purchase.buyer_id == member.id, Purchase.status == RUNNING, Instalment.paid_at.is_(None))
            .order_by(Instalment.due_on, Instalment.id)
            .limit(1)
        )
        .first()
    )
    if due is None:
        return []
    purchase_id, due_on, amount = due
    late = due_on < today_in_iran()
    return [
        NextStep(
            _l("Your instalment is overdue") if late else _l("Your next instalment"),
            _l("%(amount)s, due on %(day)s", amount=Money(amount), day=Day(due_on)),
            url_for("aghsat.confirm_pay", purchase_id=purchase_id),
            priority=100 if late else 60,
            icon="calendar-check",
        )
    ]


# --- M-Bazar's checkout ---------------------------------------------------------------------------


@hookimpl
def resalat_payment_methods(buyer: Member, cart: Any) -> list[PaymentMethod]:
    """Each plan this buyer may take for this cart now, with its down payment, instalments and total."""
    session = _session_of(buyer)
    parts = services.parts_of_cart(cart)
    methods = []
    for found in services.offers(session, buyer, parts):
        if found.refused is not None:
            continue
        plan = found.plan
        runs = services.runs_of(found.instalments)
        terms = [
            _l("%(count)s monthly instalments of %(amount)s", count=Number(count), amount=Money(amount))
            for count, amount in runs
        ]
        terms.append(_l("Down payment today: %(amount)s", amount=Money(found.down_payment)))
        terms.append(_l("Service fee, fixed now: %(amount)s", amount=Money(found.total - cart.total)))
        methods.append(
            PaymentMethod(
                services.method_code(plan),
                _l("In %(months)s monthly instalments", months=Number(plan.months)),
                pay_now=found.down_payment,
                total=found.total,
                description=_l(
                    "%(plan)s: the down payment now, the rest monthly from your main account.",
                    plan=services.plan_name(plan),
                ),
                terms=tuple(terms),
                url=f"/{plugin.name}/",  # no url_for: checkouts run in scripts and the demo too
                stage=REST,
            )
        )
    return methods


@hookimpl
def resalat_payment_take(buyer: Member, code: str, dues: list[Any], key: str) -> list[Any]:
    return services.take(_session_of(buyer), buyer, code, dues, key)


@hookimpl
def resalat_payment_refunded(order: Any, payments: list[Any]) -> None:
    services.refunded(_session_of(order), order, payments)


# --- Merat ----------------------------------------------------------------------------------------


@hookimpl
def resalat_credit_signal_kinds() -> list[SignalKind]:
    return list(services.SIGNAL_KINDS)


@hookimpl
def resalat_credit_signals(member: Member) -> list[CreditSignal]:
    return services.credit_signals(_session_of(member), member)


@hookimpl
def resalat_credit_signals_many(session: Session, members: list[Member]) -> dict[int, list[CreditSignal]]:
    """The same for a whole chunk of buyers, in one query (Merat's refresh)."""
    return services.credit_signals_many(session, [m.id for m in members])


@hookimpl
def resalat_periodic_jobs() -> list[PeriodicJob]:
    # Early in Tehran's morning: instalments are taken before the day's purchases start.
    return [
        PeriodicJob(
            services.RUN_DUE,
            _l("M-Aghsat: collect instalments, remind and follow up overdue purchases"),
            "0 1 * * *",
            plan=services.plan_run_due,
            run_chunk=services.run_due_chunk,
        )
    ]


@hookimpl
def resalat_stats(session: Session, area: list[int] | None) -> list[Figure]:
    stmt = select(func.count(Purchase.id), func.coalesce(func.sum(Purchase.financed), 0)).where(
        Purchase.status == RUNNING
    )
    if area is not None:
        stmt = stmt.where(Purchase.region_id.in_(area))
    count, financed = session.execute(stmt).one()
    return [
        Figure(_l("Instalment purchases running"), int(count), unit=_l("purchases")),
        Figure(_l("Financed by the instalment fund"), int(financed), money=True),
    ]


@hookimpl
def resalat_demo(session: Session, world: Any) -> None:
    demo.load(session, world)


@hookimpl
def resalat_credit_lines(member: Member) -> list[Any]:
    """M-Hesam's accounts page: what the member owes the instalment fund and what their rating allows."""

    session = _session_of(member)
    score = merat.current_score(session, member)
    used = services.owed(session, member)
    if score is None and not used:
        return []
    limit = services.limit_for(score.rating) if score is not None else 0
    return [
        hesam.CreditLine(
            _l("Instalment purchases"),
            limit=limit,
            used=used,
            url=f"/{plugin.name}/",
            note=_l("What your Merat rating allows you to owe in instalments at once."),
        )
    ]


@hookimpl
def resalat_demo_rows(session: Session, world: Any, rows: int) -> None:
    demo.add_rows(session, world, rows)

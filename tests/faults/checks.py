"""What must hold after the load, however the workers died: each check returns its problems."""

from __future__ import annotations

from collections import Counter
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from .load import Call
from .world import World


def ledger(app: Flask) -> list[str]:
    """``resalat wallet verify``, as an operator runs it."""
    result = app.test_cli_runner().invoke(args=["wallet", "verify"])
    return [] if result.exit_code == 0 else [f"resalat wallet verify failed:\n{result.output}"]


def orders_and_escrow(session: Any, world: World) -> list[str]:
    """Every new order has its whole price in escrow, and escrow holds no money without its order."""
    from resalat_bazaar.models import Checkout, Order

    from resalat_core.sdk import Transfer, system_account

    problems = []
    escrow = system_account(session, "escrow")
    orders = list(session.scalars(select(Order).where(Order.id > world.last_order_id)))
    into_escrow: Counter[str] = Counter()
    for t in session.scalars(
        select(Transfer).where(
            Transfer.id > world.last_transfer_id,
            Transfer.credit_account_id == escrow.id,
            Transfer.state == "posted",
        )
    ):
        into_escrow[t.reference or f"transfer {t.id} without a reference"] += t.amount
    for order in orders:
        paid = into_escrow.pop(f"bazaar:order:{order.id}", 0)
        if paid != order.total:
            problems.append(f"order {order.id} ({order.total} rials) has {paid} rials in escrow")
    for reference, amount in into_escrow.items():
        problems.append(f"{amount} rials went into escrow for {reference}, which is no new order")
    moved = escrow.posted - world.escrow_before
    if moved != sum(o.total for o in orders):
        problems.append(f"escrow grew by {moved}, the new orders hold {sum(o.total for o in orders)}")
    empty = session.scalars(
        select(Checkout.id).where(
            Checkout.id.not_in(select(Order.checkout_id)), Checkout.buyer_id.in_(world.buyer_ids)
        )
    ).all()
    if empty:
        problems.append(f"checkouts without an order: {empty}")
    return problems


def stock(session: Any, world: World) -> list[str]:
    """Stock left plus pieces sold is the stock the run began with, for every product it sold."""
    from resalat_bazaar.models import Order, OrderItem, Product

    sold = dict(
        session.execute(
            select(OrderItem.product_id, func.sum(OrderItem.quantity))
            .join(Order, Order.id == OrderItem.order_id)
            .where(Order.id > world.last_order_id)
            .group_by(OrderItem.product_id)
        ).all()
    )
    problems = []
    for product_id, before in world.stock_before.items():
        now = session.get(Product, product_id).stock
        if now + sold.get(product_id, 0) != before:
            problems.append(f"product {product_id}: {now} left + {sold.get(product_id, 0)} sold != {before}")
        if now < 0:
            problems.append(f"product {product_id}: stock {now}")
    return problems


def vouchers(session: Any, world: World) -> list[str]:
    """Each buyer's voucher holds what it was issued with less what orders took from it."""
    from resalat_bazaar.models import OrderPayment
    from resalat_vouchers.models import Voucher

    taken = dict(
        session.execute(
            select(OrderPayment.method, func.sum(OrderPayment.amount))
            .where(OrderPayment.method.like("vouchers.%"))
            .group_by(OrderPayment.method)
        ).all()
    )
    return [
        f"voucher {v.id}: balance {v.balance}, issued {v.amount}, taken {taken.get(f'vouchers.v{v.id}', 0)}"
        for v in session.scalars(select(Voucher).where(Voucher.holder_id.in_(world.buyer_ids)))
        if v.balance + taken.get(f"vouchers.v{v.id}", 0) != v.amount
    ]


def pending_transfers(session: Any, world: World) -> list[str]:
    """A two-phase transfer the run made and left pending has an expiry (``resalat wallet expire``
    voids it). The demo's own (a withdrawal waiting for the bank's batch) are not the run's."""
    from resalat_core.sdk import Transfer

    stuck = session.scalars(
        select(Transfer.id).where(
            Transfer.id > world.last_transfer_id, Transfer.state == "pending", Transfer.timeout_at.is_(None)
        )
    ).all()
    return [f"pending transfers without an expiry: {stuck}"] if stuck else []


def idempotency(session: Any, calls: list[Call]) -> list[str]:
    """No key is left in progress; every success the clients got is the stored outcome of its key."""
    from resalat_core.rest.models import IdempotencyRecord

    problems = []
    open_rows = session.scalars(select(IdempotencyRecord.key).where(IdempotencyRecord.status.is_(None))).all()
    if open_rows:
        problems.append(f"idempotency rows with no outcome: {open_rows[:10]}")
    stored = {
        r.key: r
        for r in session.scalars(
            select(IdempotencyRecord).where(IdempotencyRecord.key.in_([c.key for c in calls if c.key]))
        )
    }
    for call in calls:
        if call.status is None:
            problems.append(f"{call.kind} {call.key} never got a final answer ({call.attempts} attempts)")
            continue
        if call.key is None:
            continue
        row = stored.get(call.key)
        if call.status < 400:
            if row is None or row.status != call.status or row.body != call.answer:
                problems.append(f"{call.kind} {call.key}: the answer given is not the one stored")
        elif row is not None:
            problems.append(f"{call.kind} {call.key} was refused ({call.status}) but its key was used up")
    return problems


def replays(pairs: list[tuple[Call, Call]]) -> list[str]:
    return [
        f"{first.kind} {first.key}: replayed {again.status} {again.answer!r:.200}, first {first.status}"
        for first, again in pairs
        if (again.status, again.answer) != (first.status, first.answer) or not again.replayed
    ]


def counted_once(session: Any, world: World, calls: list[Call]) -> list[str]:
    """Each success acted exactly once, each refusal not at all: checkouts, transfers, instalments,
    disbursals and repayments counted in the database against the answers the clients got."""
    from resalat_aghsat.models import AghsatPayment
    from resalat_bazaar.models import Checkout
    from resalat_loans.models import Loan, Payment

    from resalat_core.sdk import Transfer, system_account

    ok = Counter(c.kind for c in calls if c.status is not None and c.status < 400)
    problems = []
    checkouts = session.scalar(
        select(func.count())
        .select_from(Checkout)
        .where(Checkout.key.in_([c.key for c in calls if c.kind == "checkout"]))
    )
    transfers = session.scalar(
        select(func.count())
        .select_from(Transfer)
        .where(Transfer.id > world.last_transfer_id, Transfer.purpose == "member_transfer")
    )
    payments = session.scalar(
        select(func.count())
        .select_from(AghsatPayment)
        .where(AghsatPayment.key.in_([c.key for c in calls if c.kind == "instalment"]))
    )
    repayments = session.scalar(
        select(func.count())
        .select_from(Payment)
        .where(Payment.key.in_([c.key for c in calls if c.kind == "repayment"]))
    )
    loans = session.scalars(select(Loan).where(Loan.id.in_([loan_id for loan_id, _ in world.loans]))).all()
    disbursed = [loan for loan in loans if loan.status in ("disbursed", "repaid")]
    for kind, found in (
        ("checkout", checkouts),
        ("transfer", transfers),
        ("instalment", payments),
        ("disbursal", len(disbursed)),
        ("repayment", repayments),
    ):
        if found != ok[kind]:
            problems.append(f"{ok[kind]} {kind}s answered as done, {found} in the database")
    # Paid out of the loan fund once per loan (repayments flow back into it, so its balance says less).
    fund = system_account(session, "loan_fund")
    paid_out = session.scalars(
        select(Transfer.amount)
        .where(Transfer.id > world.last_transfer_id, Transfer.debit_account_id == fund.id)
        .where(Transfer.state == "posted")
    ).all()
    if sorted(paid_out) != sorted(loan.amount for loan in disbursed):
        amounts = [loan.amount for loan in disbursed]
        problems.append(f"the loan fund paid out {sorted(paid_out)} for loans of {amounts}")
    return problems

"""Purchases: taking a plan at checkout, paying instalments (the buyer, run-due, a supporter), refunds.

Money. At checkout the down payment (buyer's main account) and the financed rest (the instalment
fund) are ``PaymentPart`` values that M-Bazar posts into escrow with the rest of the checkout. An
instalment payment moves the principal back to the fund and the fee to fee income, as linked
transfers whose keys derive from the payment's row id, so a payment moves money once.
"""

from __future__ import annotations

from typing import Any

from resalat_bazaar import services as bazaar
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from resalat_aghsat import DOWN_PAYMENT, FEE, FEE_INCOME, FINANCED, FUND, FUNDING, REFUND, REPAYMENT, messages
from resalat_aghsat.models import (
    BUYER,
    CANCELLED,
    CURRENT,
    KEY_MAX,
    REPAID,
    RUNNING,
    SUPPORTER,
    Instalment,
    Payment,
    Purchase,
)
from resalat_aghsat.services.plans import parts_of_dues, plan_by_code, quotes, refusal, standing
from resalat_core.sdk import (
    BadInput,
    Conflict,
    Member,
    Money,
    NotFound,
    TransferSpec,
    _,
    main_account,
    normalize_mobile,
    notify,
    system_account,
    today_in_iran,
    transfer,
    transfer_linked,
    utcnow,
)


def url_of(purchase: Purchase) -> str:
    return f"/aghsat/purchases/{purchase.id}"


def _refuse(message: str, code: str) -> BadInput:
    return BadInput(message, fields={"methods": message}, code=code)


def take(session: Session, buyer: Member, code: str, dues: list[Any], key: str) -> list[Any]:
    """Pay every due of a checkout with the plan ``code`` (``aghsat.<plan>``): the answer to M-Bazar's
    ``resalat_payment_take``. One purchase and schedule per order, recorded in the checkout's
    transaction; refused with the reason (nothing changes) when the plan cannot be taken now.
    """
    plan = plan_by_code(session, code.split(".", 1)[1]) if "." in code else None
    if plan is None:
        raise _refuse(_("This instalment plan is not offered now."), "unknown_plan")
    # One checkout at a time per buyer decides against their limit: the row lock makes a second
    # checkout wait here until the first commits, then count what the first took. NO KEY UPDATE:
    # the checkout's own rows hold a key-share lock on the member, which this must not wait for.
    session.execute(select(Member.id).where(Member.id == buyer.id).with_for_update(key_share=True)).all()
    parts = parts_of_dues(dues)
    known = standing(session, buyer, parts)
    refused = refusal(session, plan, parts, known)
    if refused is not None:
        raise _refuse(refused, "plan_refused")
    found = quotes(plan, parts)
    down = sum(q.down_payment for q in found)
    main = main_account(session, buyer)
    if down > main.available:
        raise _refuse(
            _(
                "The down payment is %(down)s and your main account holds %(balance)s.",
                down=Money(down),
                balance=Money(main.available),
            ),
            "insufficient_funds",
        )
    fund = system_account(session, FUND)
    score_rating = known.rating or ""
    region_id = buyer.region_id
    taken = []
    for due, q in zip(dues, found, strict=True):
        order = due.order
        purchase = Purchase(
            buyer_id=buyer.id,
            plan_id=plan.id,
            order_id=order.id,
            region_id=region_id,
            checkout_key=key[:KEY_MAX],
            rating=score_rating,
            price=q.price,
            down_payment=q.down_payment,
            financed=q.financed,
            fee=q.fee,
            months=plan.months,
            status=RUNNING,
            bucket=CURRENT,
            created_at=utcnow(),
        )
        purchase.schedule = [
            Instalment(seq=line.seq, due_on=line.due_on, principal=line.principal, fee=line.fee, paid=0)
            for line in q.lines
        ]
        session.add(purchase)
        params = {"order": order.id, "booth": order.booth.name}
        if q.down_payment:
            taken.append(bazaar.PaymentPart(order.id, main, q.down_payment, DOWN_PAYMENT, params))
        taken.append(bazaar.PaymentPart(order.id, fund, q.financed, FINANCED, params))
    session.flush()
    return taken


def refunded(session: Session, order: Any, payments: list[Any]) -> Purchase | None:
    """The order was cancelled and its parts went back (the down payment to the buyer, the financed
    part to the fund): cancel the purchase and return every instalment paid to whoever paid it."""
    if not any(p.method.startswith("aghsat.") for p in payments):
        return None
    purchase = session.scalar(
        select(Purchase).where(Purchase.order_id == order.id).with_for_update(of=Purchase)
    )
    if purchase is None or purchase.status == CANCELLED:
        return purchase
    purchase.status = CANCELLED
    purchase.closed_at = utcnow()
    purchase.bucket = CURRENT
    fund, income = system_account(session, FUND), system_account(session, FEE_INCOME)
    specs = []
    returned = 0
    paid = list(
        session.scalars(
            select(Payment).where(Payment.purchase_id == purchase.id, Payment.refunded.is_(False))
        )
    )
    for payment in paid:
        to = main_account(session, payment.payer_member)
        params = {"purchase": purchase.id}
        reference = f"aghsat:purchase:{purchase.id}"
        if payment.principal:
            specs.append(
                TransferSpec(
                    f"aghsat:payment:{payment.id}:refund:principal",
                    fund,
                    to,
                    payment.principal,
                    REFUND,
                    reference,
                    params=params,
                )
            )
        if payment.fee:
            specs.append(
                TransferSpec(
                    f"aghsat:payment:{payment.id}:refund:fee",
                    income,
                    to,
                    payment.fee,
                    REFUND,
                    reference,
                    params=params,
                )
            )
        payment.refunded = True
        returned += payment.amount
    if specs:
        transfer_linked(session, specs)
    session.flush()
    notify(
        purchase.buyer,
        messages.CANCELLED(
            url=url_of(purchase), order=order.id, purchase=purchase.id, amount=Money(returned)
        ),
    )
    return purchase


# --- paying instalments ---------------------------------------------------------------------------


def unpaid(purchase: Purchase) -> list[Instalment]:
    return [i for i in purchase.schedule if i.paid_at is None]


def own_purchase(session: Session, member: Member, purchase_id: int) -> Purchase:
    """The member's own purchase; someone else's answers 404, as a missing one does."""
    purchase = session.get(Purchase, purchase_id) if isinstance(purchase_id, int) else None
    if purchase is None or purchase.buyer_id != member.id:
        raise NotFound(_("No such instalment purchase."), code="unknown_purchase")
    return purchase


def _check_key(key: Any) -> str:
    clean = str(key or "").strip()
    if not clean or len(clean) > KEY_MAX:
        raise BadInput(_("This form has expired; open it again."), code="bad_key")
    return clean


def _lock(session: Session, purchase: Purchase) -> Purchase:
    # Payments of one purchase (the buyer's tap, run-due, a supporter) are taken one at a time.
    session.execute(
        select(Purchase.id).where(Purchase.id == purchase.id).with_for_update(key_share=True)
    ).all()
    session.refresh(purchase)
    for item in purchase.schedule:
        session.refresh(item)
    return purchase


def apply_payment(
    session: Session,
    purchase: Purchase,
    payer: Member,
    amount: int,
    key: str,
    *,
    kind: str = BUYER,
) -> Payment:
    """Pay ``amount`` rials from ``payer``'s main account towards the purchase's instalments, oldest
    first (principal before fee within each), once per ``key``. The caller checked who may pay."""
    existing = session.scalar(select(Payment).where(Payment.purchase_id == purchase.id, Payment.key == key))
    if existing is not None:
        return existing
    with session.begin_nested():
        _lock(session, purchase)
        if purchase.status != RUNNING:
            raise Conflict(_("This purchase has nothing left to pay."), code="not_running")
        left_total = sum(i.left for i in unpaid(purchase))
        if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
            raise BadInput(
                _("Enter an amount above zero."), fields={"amount": _("Enter an amount above zero.")}
            )
        if amount > left_total:
            message = _("At most %(left)s is left to pay.", left=Money(left_total))
            raise BadInput(message, fields={"amount": message}, code="too_much")
        now, day = utcnow(), today_in_iran()
        principal = fee = 0
        lines: dict[str, int] = {}
        rest = amount
        for item in unpaid(purchase):
            if rest <= 0:
                break
            portion = min(rest, item.left)
            to_principal = min(portion, max(0, item.principal - item.paid))
            principal += to_principal
            fee += portion - to_principal
            item.paid += portion
            if item.paid == item.amount:
                item.paid_at, item.paid_on = now, day
            lines[str(item.seq)] = portion
            rest -= portion
        payment = Payment(
            purchase_id=purchase.id,
            payer_id=payer.id,
            payer=kind,
            key=key,
            principal=principal,
            fee=fee,
            lines=lines,
            created_at=now,
        )
        session.add(payment)
        session.flush()
        main = main_account(session, payer)
        reference = f"aghsat:purchase:{purchase.id}"
        params = {"purchase": purchase.id, "instalment": ", ".join(lines)}
        specs = []
        if principal:
            specs.append(
                TransferSpec(
                    f"aghsat:payment:{payment.id}:principal",
                    main,
                    system_account(session, FUND),
                    principal,
                    REPAYMENT,
                    reference,
                    params=params,
                )
            )
        if fee:
            specs.append(
                TransferSpec(
                    f"aghsat:payment:{payment.id}:fee",
                    main,
                    system_account(session, FEE_INCOME),
                    fee,
                    FEE,
                    reference,
                    params={"purchase": purchase.id},
                )
            )
        transfer_linked(session, specs, actor=payer)
        if not unpaid(purchase):
            purchase.status = REPAID
            purchase.closed_at = now
            purchase.bucket = CURRENT
            notify(purchase.buyer, messages.REPAID(url=url_of(purchase), purchase=purchase.id))
        else:
            from resalat_aghsat.services.collection import rebucket

            rebucket(purchase, day, notify_member=False)
        session.flush()
    return payment


def next_instalment(purchase: Purchase) -> Instalment | None:
    return next(iter(unpaid(purchase)), None)


def pay_next(
    session: Session, member: Member, purchase_id: int, *, key: str, first: int | None = None
) -> Payment:
    """Pay the next instalment now (early or late, the same amount) from the buyer's main account.

    ``first`` is the instalment the page showed: if it was paid meanwhile the payment is refused
    rather than paying the one after it.
    """
    purchase = own_purchase(session, member, purchase_id)
    key = _check_key(key)
    existing = session.scalar(select(Payment).where(Payment.purchase_id == purchase.id, Payment.key == key))
    if existing is not None:
        return existing
    item = next_instalment(purchase)
    if purchase.status != RUNNING or item is None:
        raise Conflict(_("This purchase has nothing left to pay."), code="not_running")
    if first is not None and item.seq != first:
        raise Conflict(_("This instalment was already paid."), code="already_paid")
    return apply_payment(session, purchase, member, item.left, key)


def find_for_supporter(session: Session, mobile: Any, purchase_id: Any) -> Purchase:
    """The running purchase a supporter names by the buyer's mobile and its number (both must match)."""
    number = normalize_mobile(str(mobile or ""))
    purchase = session.get(Purchase, purchase_id) if isinstance(purchase_id, int) else None
    if purchase is None or purchase.buyer.mobile != number or purchase.status != RUNNING:
        # One answer whichever part is wrong: a guess learns nothing about other members.
        message = _("No running instalment purchase has this number and mobile.")
        raise BadInput(message, fields={"number": message}, code="unknown_purchase")
    return purchase


def support(session: Session, supporter: Member, purchase: Purchase, amount: int, *, key: str) -> Payment:
    """A supporter pays part (or all) of what is left of a member's purchase; the member is told."""
    key = _check_key(key)
    if supporter.id == purchase.buyer_id:
        raise BadInput(_("Pay your own instalments from your instalments page."), code="own_purchase")
    payment = apply_payment(
        session, purchase, supporter, amount, f"support:{supporter.id}:{key}", kind=SUPPORTER
    )
    notify(
        purchase.buyer,
        messages.SUPPORTED(
            url=url_of(purchase), supporter=supporter.name, amount=Money(payment.amount), purchase=purchase.id
        ),
    )
    return payment


def purchases_query(member: Member) -> Any:
    """The member's purchases, newest first, each page's schedules read in one more query (the
    list shows each purchase's next instalment)."""
    return (
        select(Purchase)
        .where(Purchase.buyer_id == member.id)
        .options(selectinload(Purchase.schedule))
        .order_by(Purchase.id.desc())
    )


def payments_of(session: Session, purchase: Purchase) -> list[Payment]:
    return list(
        session.scalars(select(Payment).where(Payment.purchase_id == purchase.id).order_by(Payment.id))
    )


REPAID_STATUSES = (REPAID, CANCELLED)


def fund(session: Session, amount: int, *, key: str, actor: Member | None = None) -> int:
    """Bring ``amount`` rials into the instalment fund from outside (cash in), once per ``key``;
    the fund's balance after."""
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        message = _("Enter an amount above zero.")
        raise BadInput(message, fields={"amount": message})
    clean = _check_key(key)
    target = system_account(session, FUND)
    transfer(
        session,
        f"aghsat:fund:{clean}",
        system_account(session, "cash_in"),
        target,
        amount,
        FUNDING,
        actor=actor,
    )
    return target.posted

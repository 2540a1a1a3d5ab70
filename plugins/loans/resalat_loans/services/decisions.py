"""The credit officer: the queue of their area, what they read, and the decision; approval pays out at once.

Money. Disbursal moves the loan's amount from the system account ``loan_fund`` into an earmarked
account that can only pay for M-Bazar purchases the product's rules allow: it is never cash.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from resalat_bazaar import services as bazaar
from resalat_deposits import services as deposits
from resalat_icap import services as icap
from resalat_merat import services as merat
from resalat_supporters import services as supporters
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from resalat_core.sdk import (
    BadInput,
    Conflict,
    Day,
    Member,
    Money,
    NotAllowed,
    Page,
    Words,
    _,
    area_of,
    audit,
    notify,
    open_earmarked,
    paginate,
    region_hook,
    system_account,
    transfer,
    utcnow,
)
from resalat_loans import messages
from resalat_loans.models import (
    DISBURSED,
    REASON_MAX,
    REJECTED,
    REQUESTED,
    STATUSES,
    Instalment,
    Loan,
    LoanProduct,
)
from resalat_loans.services.checks import check_rials, invalid
from resalat_loans.services.requests import get_loan, release, url_of
from resalat_loans.services.schedules import monthly_instalment, schedule_for, summary
from resalat_loans.services.status import STATUS_LABELS, record_event, reference_of, today

DECIDE = "loans.decide"
# The purposes this plugin declares for the money it moves (see the plugin's card).
DISBURSAL = "loan_disbursal"
FUNDING = "loan_funding"
LOAN_MONEY = "loan"
# What loan money may pay for: purchases in M-Bazar, and nothing else.
PURCHASE = bazaar.PURCHASE


def officer_area(session: Session, officer: Member) -> list[int] | None:
    """Region ids where ``officer`` decides loans (None: everywhere, as a nationwide admin)."""
    return area_of(session, officer, DECIDE)


def may_decide(session: Session, officer: Member, loan: Loan) -> bool:
    area = officer_area(session, officer)
    return area is None or loan.region_id in area


def queue_query(
    session: Session, officer: Member, *, status: str | None = REQUESTED, product: str | None = None
) -> Select[Any]:
    """The loans in ``officer``'s area, newest first, of one status and product if given."""
    if status and status not in STATUSES:
        message = _("Choose one of: %(values)s.", values=", ".join(STATUSES))
        raise BadInput(message, fields={"status": message})
    stmt = select(Loan)
    area = officer_area(session, officer)
    if area is not None:
        stmt = stmt.where(Loan.region_id.in_(area))
    if status:
        stmt = stmt.where(Loan.status == status)
    if product:
        stmt = stmt.join(LoanProduct, LoanProduct.id == Loan.product_id).where(LoanProduct.code == product)
    return stmt.order_by(Loan.id.desc())


def queue(
    session: Session,
    officer: Member,
    *,
    status: str | None = REQUESTED,
    product: str | None = None,
    page: int = 1,
    per_page: int = 20,
) -> Page[Loan]:
    """One page of the officer's queue."""
    return paginate(session, queue_query(session, officer, status=status, product=product), page, per_page)


def for_officer(session: Session, officer: Member, loan_id: int) -> Loan:
    """A loan the officer may see: in their area (403 outside it, 404 if there is none)."""
    loan = get_loan(session, loan_id)
    if not may_decide(session, officer, loan):
        raise NotAllowed(_("This member is outside the area where you decide loans."), code="outside_area")
    return loan


def officer_report(session: Session, loan: Loan) -> dict[str, Any]:
    """What the officer reads before deciding: the score, the note, guarantees, points, introduction."""
    score = session.get(merat.Score, loan.score_id) if loan.score_id else None
    note = icap.get_note(session, loan.note_id) if loan.note_id else None
    intro = supporters.get_introduction(session, loan.introduction_id) if loan.introduction_id else None
    return {
        "score": score,
        "note": note,
        "introduction": intro,
        "points": deposits.points_of(session, loan.member),
        "guarantees": loan.guarantees,
        "monthly": monthly_instalment(loan.amount, loan.fee, loan.instalments),
        # The exact instalments (23 × 3,399,000 + 3,423,000), never one rounded figure, and the
        # schedule as it will be written if the loan is paid out today.
        "runs": summary(loan.amount, loan.fee, loan.instalments),
        "schedule": loan.schedule or schedule_for(loan.amount, loan.fee, loan.instalments, today()),
    }


def _reason(reason: str, approve: bool) -> str:
    text = str(reason or "").strip()
    if len(text) > REASON_MAX:
        message = _("Keep the reason under %(n)s characters.", n=REASON_MAX)
        raise BadInput(message, fields={"reason": message})
    if not approve and not text:
        message = _("Say why the request is rejected: the member will read it.")
        raise BadInput(message, fields={"reason": message}, code="reason_required")
    return text


def decide(session: Session, officer: Member, loan_id: int, *, approve: bool, reason: str = "") -> Loan:
    """Approve (and at once disburse) or reject (a reason is required) a waiting request.

    Plugins following loans hear ``resalat_loan_decided`` (and, on approval,
    ``resalat_loan_disbursed``); an exception there undoes the decision.
    """
    loan = for_officer(session, officer, loan_id)
    text = _reason(reason, approve)
    if loan.status != REQUESTED:
        raise Conflict(
            _("This request was already decided: %(status)s.", status=Words(STATUS_LABELS[loan.status])),
            code="already_decided",
        )
    with session.begin_nested():
        loan.decided_by = officer
        loan.decided_at = utcnow()
        loan.reason = text
        if approve:
            record_event(session, loan, "approved", text, officer)
            disburse(session, loan, officer)
        else:
            loan.status = REJECTED
            release(session, loan)
            record_event(session, loan, REJECTED, text, officer)
        session.flush()
        audit(
            session,
            "loans.approved" if approve else "loans.rejected",
            subject=f"loan:{loan.id}",
            region=loan.region_id,
            actor=officer,
            before={"status": REQUESTED},
            after={"status": loan.status, "amount": loan.amount},
        )
        region_hook("resalat_loan_decided", loan.member)(loan=loan)
    if approve:
        region_hook("resalat_loan_disbursed", loan.member)(loan=loan)
        first_due = Day(loan.schedule[0].due_on)
        notify(
            loan.member,
            messages.DISBURSED(
                url=url_of(loan), loan=loan.id, amount=Money(loan.amount), first_due=first_due
            ),
        )
    else:
        notify(loan.member, messages.REJECTED(url=url_of(loan), loan=loan.id, reason=text))
    return loan


def disburse(session: Session, loan: Loan, actor: Member | None, on: date | None = None) -> None:
    """Credit the earmarked account from the loan fund and write the schedule; never cash.

    The account is named for its owner by the loan's purpose: "Loan no. 12 for Light livestock
    programme", the product's name as the member reads it. What it may buy is the product's spend
    rules (codes only: M-Hesam and M-Bazar say what they mean).
    """
    product = loan.product
    account = open_earmarked(
        session,
        loan.member,
        code=reference_of(loan),
        purpose=LOAN_MONEY,
        purposes=[PURCHASE],
        params={"loan": loan.id, "product": product.name(loan.member.language)},
        rules=dict(product.spend_rules or {}),
    )
    fund_account = system_account(session, "loan_fund")
    try:
        transfer(
            session,
            f"loans:disburse:{loan.id}",
            fund_account,
            account,
            loan.amount,
            DISBURSAL,
            reference_of(loan),
            params={"loan": loan.id},
            actor=actor,
        )
    except BadInput as exc:
        if exc.code != "insufficient_funds":
            raise
        raise Conflict(
            _(
                "The loan fund holds only %(balance)s; fund it before approving.",
                balance=Money(fund_account.available),
            ),
            code="fund_empty",
        ) from None
    loan.account_id = account.id
    loan.status = DISBURSED
    loan.disbursed_on = on or today()
    for line in schedule_for(loan.amount, loan.fee, loan.instalments, loan.disbursed_on):
        session.add(
            Instalment(
                loan_id=loan.id, seq=line.seq, due_on=line.due_on, principal=line.principal, fee=line.fee
            )
        )
    session.flush()
    session.expire(loan, ["schedule"])
    record_event(session, loan, DISBURSED, "", actor)


def fund(session: Session, amount: int, *, key: str, actor: Member | None = None) -> int:
    """Bring ``amount`` rials into the loan fund (from ``cash_in``), once per key; its balance after."""
    errors: dict[str, Any] = {}
    rials = check_rials(amount, "amount", errors)
    if errors:
        raise invalid(errors)
    fund_account = system_account(session, "loan_fund")
    transfer(
        session,
        f"loans:fund:{key}",
        system_account(session, "cash_in"),
        fund_account,
        rials,
        FUNDING,
        actor=actor,
    )
    return fund_account.posted

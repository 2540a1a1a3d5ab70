"""Repayment: instalments paid from the member's main account, once each, early or late at the same price.

An instalment is paid as two linked transfers (principal back to ``loan_fund``, fee to
``fee_income``) whose keys are derived from the instalment, so it is paid once whatever keys
callers send. The fee (کارمزد) was fixed at request time and split over the instalments.
"""

from __future__ import annotations

from typing import Any

from resalat_icap import services as icap
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from resalat_core.sdk import (
    BadInput,
    Conflict,
    Member,
    TransferSpec,
    Words,
    _,
    main_account,
    notify,
    system_account,
    transfer_linked,
    utcnow,
)
from resalat_loans import messages
from resalat_loans.models import CURRENT, DISBURSED, KEY_MAX, REPAID, Instalment, Loan, Payment
from resalat_loans.services.checks import check_whole, invalid
from resalat_loans.services.delinquency import rebucket
from resalat_loans.services.requests import own_loan, url_of
from resalat_loans.services.status import STATUS_LABELS, record_event, reference_of, today

REPAYMENT = "loan_repayment"
FEE = "loan_fee"


def unpaid(loan: Loan) -> list[Instalment]:
    """The loan's instalments not paid yet, in order."""
    return [i for i in loan.schedule if i.paid_at is None]


def _chosen(loan: Loan, count: int | None, everything: bool, first: int | None) -> list[Instalment]:
    """The instalments this payment covers: the next ``count``, or everything left."""
    left = unpaid(loan)
    if everything:
        chosen = left
    else:
        errors: dict[str, Any] = {}
        n = check_whole(count, "count", errors, low=1, high=max(1, len(left)))
        if errors:
            raise invalid(errors)
        chosen = left[:n]
    if first is not None and (not chosen or chosen[0].seq != int(first)):
        # The page showed instalment ``first`` as the next to pay: someone paid it meanwhile.
        raise Conflict(_("This instalment was already paid."), code="already_paid")
    return chosen


def _claim(session: Session, loan: Loan, member: Member, record: Payment, chosen: list[Instalment]) -> None:
    """Claim each instalment with a conditional update and move its two parts' money."""
    now, day = record.created_at, today()
    main = main_account(session, member)
    fund_account = system_account(session, "loan_fund")
    fee_income = system_account(session, "fee_income")
    specs = []
    for item in chosen:
        claimed = session.execute(
            update(Instalment)
            .where(Instalment.id == item.id, Instalment.paid_at.is_(None))
            .values(paid_at=now, paid_on=day, payment_id=record.id)
            .execution_options(synchronize_session=False)
        ).rowcount
        if not claimed:
            raise Conflict(_("This instalment was just paid."), code="already_paid")
        reference = f"{reference_of(loan)}:{item.seq}"
        params = {"loan": loan.id, "instalment": item.seq}
        if item.principal:
            specs.append(
                TransferSpec(
                    f"loans:pay:{item.id}:principal",
                    main,
                    fund_account,
                    item.principal,
                    REPAYMENT,
                    reference,
                    params=params,
                )
            )
        if item.fee:
            specs.append(
                TransferSpec(
                    f"loans:pay:{item.id}:fee", main, fee_income, item.fee, FEE, reference, params=params
                )
            )
    transfer_linked(session, specs, actor=member)


def pay(
    session: Session,
    member: Member,
    loan_id: int,
    *,
    key: str,
    count: int | None = 1,
    everything: bool = False,
    first: int | None = None,
) -> Payment:
    """Pay the next ``count`` instalments (or ``everything`` left: early repayment, no discount, no
    extra charge) from the member's main account; once per ``key``.

    ``first``, when given, is the instalment the caller means to start from (what the page showed):
    if it is paid already the payment is refused rather than paying the one after it. Each
    instalment is claimed with a conditional update and its money moves under keys derived
    from it, so racing payments pay it once; the loser gets a Conflict and pays nothing.
    """
    loan = own_loan(session, member, loan_id)
    key = str(key or "").strip()
    if not key or len(key) > KEY_MAX:
        raise BadInput(_("A payment needs a key of 1 to 200 characters."), code="bad_key")
    existing = session.scalar(select(Payment).where(Payment.loan_id == loan.id, Payment.key == key))
    if existing is not None:
        return existing
    if loan.status != DISBURSED:
        raise Conflict(
            _("This loan has nothing to pay: %(status)s.", status=Words(STATUS_LABELS[loan.status])),
            code="not_running",
        )
    chosen = _chosen(loan, count, everything, first)
    total = sum(i.amount for i in chosen)
    with session.begin_nested():
        record = Payment(loan_id=loan.id, key=key, amount=total, instalments=len(chosen), created_at=utcnow())
        session.add(record)
        session.flush()
        _claim(session, loan, member, record, chosen)
        for item in chosen:
            session.expire(item)
        record_event(session, loan, "paid", f"{len(chosen)} × {total}", member)
        session.flush()
        if not unpaid(loan):
            _repaid(session, loan)
        else:
            rebucket(session, loan, today(), notify_member=False)
    return record


def _repaid(session: Session, loan: Loan) -> None:
    loan.status = REPAID
    loan.repaid_at = utcnow()
    loan.bucket = CURRENT
    if loan.note_id is not None:
        # A protested note is settled: it goes back to the member too, its protest kept in iCAP.
        if loan.note_protested_at is None:
            icap.release_note(session, reference=reference_of(loan))
        else:
            icap.settle_note(session, reference=reference_of(loan))
    record_event(session, loan, REPAID)
    notify(loan.member, messages.REPAID(url=url_of(loan), loan=loan.id))

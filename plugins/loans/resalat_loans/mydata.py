"""The loans plugin's part of a member's own data, and what stops the member closing the account.

A loan is a money record the law keeps: closing never changes it. What stops the closing is a
loan still running (paid out and not repaid), a request still waiting for a decision, and a
running loan of someone else that the member guarantees.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, lazyload

from resalat_core.sdk import DataRow, DataSection, Member, _, _l, current_language, hookimpl
from resalat_loans.models import DISBURSED, REQUESTED, Loan, LoanGuarantee

STATUS = {
    "requested": _l("Waiting for a decision"),
    "rejected": _l("Refused"),
    "cancelled": _l("Withdrawn"),
    "disbursed": _l("Running"),
    "repaid": _l("Repaid"),
}


# Of each loan only its product's name is read besides its own columns: not its member (with
# their roles, one more query) nor its schedule, events and guarantees.
_OWN = (lazyload("*"), joinedload(Loan.product).lazyload("*"))


def _loans(session: Session, member: Member) -> list[Loan]:
    return list(
        session.scalars(select(Loan).where(Loan.member_id == member.id).order_by(Loan.id).options(*_OWN))
    )


def _guaranteed(session: Session, member: Member) -> list[Loan]:
    return list(
        session.scalars(
            select(Loan)
            .join(LoanGuarantee, LoanGuarantee.loan_id == Loan.id)
            .where(LoanGuarantee.member_id == member.id)
            .order_by(Loan.id)
            .options(*_OWN)
        )
    )


def _product_name(loan: Loan) -> str:
    return loan.product.name_fa if current_language() == "fa" else loan.product.name_en


@hookimpl
def resalat_member_data(session: Session, member: Member) -> list[DataSection]:
    loans = _loans(session, member)
    guaranteed = _guaranteed(session, member)
    if not loans and not guaranteed:
        return []
    rows = [
        DataRow(
            _l("Loan no. %(id)s, %(product)s", id=loan.id, product=_product_name(loan)),
            loan.amount,
            money=True,
        )
        for loan in loans
    ]
    rows += [
        DataRow(_l("Status of loan no. %(id)s", id=loan.id), STATUS.get(loan.status, "")) for loan in loans
    ]
    rows += [
        DataRow(_l("You guarantee loan no. %(id)s", id=loan.id), loan.amount, money=True)
        for loan in guaranteed
    ]
    data = {
        "loans": [
            {
                "id": loan.id,
                "product": loan.product.code,
                "amount_rials": loan.amount,
                "fee_rials": loan.fee,
                "instalments": loan.instalments,
                "purpose": loan.purpose,
                "status": loan.status,
                "requested_at": loan.created_at.isoformat(),
                "disbursed_on": loan.disbursed_on.isoformat() if loan.disbursed_on else None,
                "repaid_at": loan.repaid_at.isoformat() if loan.repaid_at else None,
            }
            for loan in loans
        ],
        "guaranteed_loans": [{"id": loan.id, "status": loan.status} for loan in guaranteed],
    }
    return [DataSection("loans", _l("Qard al-Hasan loans"), rows, data)]


@hookimpl
def resalat_closing_blockers(session: Session, member: Member) -> list[str]:
    reasons = []
    for loan in _loans(session, member):
        if loan.status == DISBURSED:
            reasons.append(_("Loan no. %(id)s is still running: repay it first.", id=loan.id))
        elif loan.status == REQUESTED:
            reasons.append(
                _("Your loan request no. %(id)s waits for a decision: withdraw it first.", id=loan.id)
            )
    for loan in _guaranteed(session, member):
        if loan.status in (DISBURSED, REQUESTED):
            reasons.append(
                _("You guarantee loan no. %(id)s, which is not repaid yet: wait until it is.", id=loan.id)
            )
    return reasons

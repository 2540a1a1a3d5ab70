"""What is read back: a member's loans and progress, a supporter's introductions and their loans, figures."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from resalat_icap import services as icap
from resalat_supporters import services as supporters
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from resalat_core.sdk import Member, Page, get_account, paginate
from resalat_loans.models import DISBURSED, REPAID, Instalment, Loan, LoanProduct


def loans_of(session: Session, member: Member, page: int = 1, per_page: int = 20) -> Page[Loan]:
    """One page of the member's loans, newest first."""
    stmt = select(Loan).where(Loan.member_id == member.id).order_by(Loan.id.desc())
    return paginate(session, stmt, page, per_page)


@dataclass(frozen=True)
class Progress:
    """How far a loan's repayment has come."""

    paid: int
    total: int
    paid_rials: int
    next_due: date | None
    next_amount: int | None


def progress_of(session: Session, loan_ids: Sequence[int]) -> dict[int, Progress]:
    """Instalments paid, rials paid and the next due instalment of each loan: one query."""
    if not loan_ids:
        return {}
    unpaid_due = case((Instalment.paid_at.is_(None), Instalment.due_on))
    rows = session.execute(
        select(
            Instalment.loan_id,
            func.count(Instalment.paid_at),
            func.count(Instalment.id),
            func.coalesce(
                func.sum(case((Instalment.paid_at.is_not(None), Instalment.principal + Instalment.fee))), 0
            ),
            func.min(unpaid_due),
        )
        .where(Instalment.loan_id.in_(list(loan_ids)))
        .group_by(Instalment.loan_id)
    ).all()
    found = {}
    for loan_id, paid, total, paid_rials, next_due in rows:
        if isinstance(next_due, str):  # SQLite returns the MIN of a CASE as text
            next_due = date.fromisoformat(next_due)
        found[loan_id] = Progress(int(paid), int(total), int(paid_rials), next_due, None)
    return found


def loans_of_introductions(session: Session, introduction_ids: Iterable[int]) -> dict[int, Loan]:
    """The newest loan of each introduction (for the supporter's page): one query."""
    ids = list(introduction_ids)
    if not ids:
        return {}
    found: dict[int, Loan] = {}
    for loan in session.scalars(select(Loan).where(Loan.introduction_id.in_(ids)).order_by(Loan.id)):
        found[loan.introduction_id] = loan
    return found


def introductions_page(
    session: Session, supporter: Member, page: int = 1, per_page: int = 20
) -> tuple[Page[Any], dict[int, Loan], dict[int, Progress]]:
    """The credit supporter's introductions, each with its loan and repayment: four queries in all."""
    intros = supporters.introductions_by(session, supporter, page=page, per_page=per_page)
    loans = loans_of_introductions(session, [i.id for i in intros.items])
    return intros, loans, progress_of(session, [loan.id for loan in loans.values()])


def notes_for(session: Session, member: Member) -> list[Any]:
    """The member's iCAP notes that could be pledged (issued or freed by a cancelled request,
    unpledged, signed, payable to the fund, not past due)."""
    return icap.usable_notes(session, member, 1, payee_code=icap.fund_payee_code())


def pledged_note(session: Session, loan: Loan) -> Any:
    """The iCAP note pledged to the loan, or None."""
    return icap.get_note(session, loan.note_id) if loan.note_id else None


def balance_of(session: Session, loan: Loan) -> int:
    """What is left unspent in the loan's earmarked account."""
    if loan.account_id is None:
        return 0
    return get_account(session, loan.account_id).available


def figures(session: Session, area: list[int] | None = None) -> tuple[int, int, int]:
    """(loans paid out, rials lent, loans repaid) of members in ``area`` (None: nationwide), one query."""
    stmt = select(
        func.count(Loan.id),
        func.coalesce(func.sum(Loan.amount), 0),
        func.count(case((Loan.status == REPAID, 1))),
    ).where(Loan.status.in_((DISBURSED, REPAID)))
    if area is not None:
        stmt = stmt.where(Loan.region_id.in_(area))
    lent, total, repaid = session.execute(stmt).one()
    return int(lent or 0), int(total or 0), int(repaid or 0)


def lent_by_product(session: Session, area: list[int] | None = None) -> list[tuple[LoanProduct, int, int]]:
    """(product, loans paid out, rials lent) for each product or programme with a loan paid out to
    members in ``area`` (None: nationwide), by product code, in one query."""
    stmt = (
        select(LoanProduct, func.count(Loan.id), func.coalesce(func.sum(Loan.amount), 0))
        .join(Loan, Loan.product_id == LoanProduct.id)
        .where(Loan.status.in_((DISBURSED, REPAID)))
        .group_by(LoanProduct.id)
        .order_by(LoanProduct.code)
    )
    if area is not None:
        stmt = stmt.where(Loan.region_id.in_(area))
    return [(product, int(n), int(total)) for product, n, total in session.execute(stmt)]

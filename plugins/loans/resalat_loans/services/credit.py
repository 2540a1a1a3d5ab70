"""What loans tell Merat: the kinds of signal with their default weights, and a member's repayment history."""

from __future__ import annotations

from datetime import date

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from resalat_core.sdk import CreditSignal, Member, SignalKind, _l
from resalat_loans.models import REPAID, Instalment, Loan
from resalat_loans.services.status import today

# The defaults a deployment may override in [plugins.merat.weights.<kind>].
SIGNAL_KINDS = (
    SignalKind("loans_repaid", _l("Qard al-Hasan loans repaid: %(value)s"), points=30, per=1, cap=120),
    SignalKind(
        "instalments_on_time", _l("Loan instalments paid on time: %(value)s"), points=5, per=1, cap=150
    ),
    SignalKind("instalments_late", _l("Loan instalments paid late: %(value)s"), points=-15, per=1, cap=-150),
    SignalKind(
        "instalments_overdue", _l("Loan instalments overdue now: %(value)s"), points=-60, per=1, cap=-400
    ),
)


def credit_signals(session: Session, member: Member, on: date | None = None) -> list[CreditSignal]:
    """Repayment history for Merat: instalments paid on time, paid late, overdue now; loans repaid.

    Two queries: one over the member's instalments, one counting repaid loans.
    """
    day = on or today()
    on_time, late, overdue = session.execute(
        select(
            func.count(case((Instalment.paid_on <= Instalment.due_on, 1))),
            func.count(case((Instalment.paid_on > Instalment.due_on, 1))),
            func.count(case(((Instalment.paid_at.is_(None)) & (Instalment.due_on < day), 1))),
        )
        .join(Loan, Loan.id == Instalment.loan_id)
        .where(Loan.member_id == member.id)
    ).one()
    repaid = (
        session.scalar(select(func.count(Loan.id)).where(Loan.member_id == member.id, Loan.status == REPAID))
        or 0
    )
    values = {
        "instalments_on_time": int(on_time or 0),
        "instalments_late": int(late or 0),
        "instalments_overdue": int(overdue or 0),
        "loans_repaid": int(repaid),
    }
    return [CreditSignal(kind, value) for kind, value in values.items() if value]

"""What loans tell Merat: the kinds of signal with their default weights, and a member's repayment history."""

from __future__ import annotations

from collections.abc import Sequence
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
    """Repayment history for Merat: instalments paid on time, paid late, overdue now; loans repaid."""
    return credit_signals_many(session, [member.id], on).get(member.id, [])


def credit_signals_many(
    session: Session, member_ids: Sequence[int], on: date | None = None
) -> dict[int, list[CreditSignal]]:
    """``credit_signals`` of many members by id, in two queries whatever their number: one over
    their instalments, one counting their repaid loans (members with nothing are left out)."""
    day = on or today()
    ids = list(member_ids)
    values: dict[int, dict[str, int]] = {}
    for member_id, on_time, late, overdue in session.execute(
        select(
            Loan.member_id,
            func.count(case((Instalment.paid_on <= Instalment.due_on, 1))),
            func.count(case((Instalment.paid_on > Instalment.due_on, 1))),
            func.count(case(((Instalment.paid_at.is_(None)) & (Instalment.due_on < day), 1))),
        )
        .join(Loan, Loan.id == Instalment.loan_id)
        .where(Loan.member_id.in_(ids))
        .group_by(Loan.member_id)
    ):
        values[member_id] = {
            "instalments_on_time": int(on_time or 0),
            "instalments_late": int(late or 0),
            "instalments_overdue": int(overdue or 0),
        }
    for member_id, repaid in session.execute(
        select(Loan.member_id, func.count(Loan.id))
        .where(Loan.member_id.in_(ids), Loan.status == REPAID)
        .group_by(Loan.member_id)
    ):
        values.setdefault(member_id, {})["loans_repaid"] = int(repaid)
    order = ("instalments_on_time", "instalments_late", "instalments_overdue", "loans_repaid")
    return {
        member_id: [CreditSignal(kind, found[kind]) for kind in order if found.get(kind)]
        for member_id, found in values.items()
    }

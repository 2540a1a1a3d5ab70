"""A loan's status and history: how statuses and buckets read, and the events that record each step."""

from __future__ import annotations

from sqlalchemy.orm import Session

from resalat_core.sdk import Member, _l, today_in_iran
from resalat_loans.models import (
    CANCELLED,
    CURRENT,
    DISBURSED,
    REASON_MAX,
    REJECTED,
    REPAID,
    REQUESTED,
    Loan,
    LoanEvent,
)

STATUS_LABELS = {
    REQUESTED: _l("Waiting for the credit officer"),
    REJECTED: _l("Rejected"),
    CANCELLED: _l("Cancelled"),
    DISBURSED: _l("Paid out, being repaid"),
    REPAID: _l("Repaid"),
}
BUCKET_LABELS = {
    CURRENT: _l("On time"),
    "1-30": _l("1 to 30 days overdue"),
    "31-60": _l("31 to 60 days overdue"),
    "61-90": _l("61 to 90 days overdue"),
    "90+": _l("More than 90 days overdue"),
}

# Iranian calendar days (due dates, validity, reminder days) end at Tehran's midnight.
today = today_in_iran


def record_event(
    session: Session, loan: Loan, kind: str, note: str = "", actor: Member | None = None
) -> None:
    """One step of the loan's history, for the audit trail (a status, a bucket, a payment...)."""
    session.add(
        LoanEvent(loan_id=loan.id, kind=kind, note=note[:REASON_MAX], actor_id=actor.id if actor else None)
    )


def reference_of(loan: Loan) -> str:
    """How other plugins' records name the loan (the note's pledge, the deposit points, Merat's request)."""
    return f"loan:{loan.id}"

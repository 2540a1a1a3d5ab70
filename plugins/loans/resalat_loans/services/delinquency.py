"""Delinquency: reminders before a due day, buckets by days overdue, guarantees called, the note protested.

Never a late fee: what a member owes never grows with time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from resalat_icap import services as icap
from sqlalchemy import select, true
from sqlalchemy.orm import Session, selectinload

from resalat_core.sdk import Day, Member, Money, Words, _, notify, region_hook, split_ids, utcnow
from resalat_loans import messages, setting
from resalat_loans.models import BUCKETS, CURRENT, DISBURSED, GUARANTOR, Instalment, Loan
from resalat_loans.services.requests import url_of
from resalat_loans.services.status import BUCKET_LABELS, record_event, reference_of, today


def bucket_for(days_overdue: int) -> str:
    """The delinquency bucket of a loan whose oldest unpaid instalment is ``days_overdue`` late."""
    if days_overdue <= 0:
        return CURRENT
    starts = list(setting("bucket_starts"))
    name = CURRENT
    for index, start in enumerate(starts):
        if days_overdue >= int(start):
            name = BUCKETS[min(index, len(BUCKETS) - 1)]
    return name


def rebucket(session: Session, loan: Loan, day: date, *, notify_member: bool = True) -> bool:
    """Move the loan to the bucket its oldest overdue instalment says; True if it moved."""
    oldest = next((i for i in loan.schedule if i.paid_at is None), None)
    days = (day - oldest.due_on).days if oldest is not None else 0
    bucket = bucket_for(days)
    if bucket == loan.bucket:
        return False
    before, loan.bucket = loan.bucket, bucket
    record_event(session, loan, "bucket", f"{before} -> {bucket}")
    if notify_member and bucket != CURRENT:
        owed = sum(i.amount for i in loan.schedule if i.paid_at is None and i.due_on < day)
        notify(
            loan.member,
            messages.OVERDUE(
                url=url_of(loan), loan=loan.id, bucket=Words(BUCKET_LABELS[bucket]), amount=Money(owed)
            ),
        )
    return True


def _call_guarantees(session: Session, loan: Loan, now: datetime) -> int:
    """Tell every guarantor (and the leader of a social guarantee) that the loan went bad."""
    called = 0
    for guarantee in loan.guarantees:
        if guarantee.called_at is not None:
            continue
        guarantee.called_at = now
        person = guarantee.member if guarantee.kind == GUARANTOR else guarantee.leader
        if person is not None:
            notify(
                person,
                messages.GUARANTEE_CALLED(
                    loan=loan.id, member=loan.member.name, bucket=Words(BUCKET_LABELS[loan.bucket])
                ),
            )
        called += 1
    loan.guarantors_called_at = now
    record_event(session, loan, "guarantees_called", str(called))
    return called


@dataclass
class DueResult:
    """What a run of ``run_due`` did."""

    reminded: int = 0
    moved: int = 0
    guarantees_called: int = 0
    protested: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "reminded": self.reminded,
            "moved": self.moved,
            "guarantees_called": self.guarantees_called,
            "protested": self.protested,
        }


def _in_range(column: Any, loans: tuple[int, int] | None) -> Any:
    """``column`` within the inclusive range of loan ids (a job's chunk), or no condition."""
    return true() if loans is None else column.between(loans[0], loans[1])


def _remind(
    session: Session,
    day: date,
    size: int,
    result: DueResult,
    commit: Callable[[], None] | None,
    loans: tuple[int, int] | None = None,
) -> None:
    """Remind of every unpaid instalment due within the reminder days, once each, in batches."""
    soon = timedelta(days=int(setting("reminder_days")))
    last = 0
    while True:
        due = list(
            session.scalars(
                select(Instalment)
                .join(Loan, Loan.id == Instalment.loan_id)
                .where(
                    Loan.status == DISBURSED,
                    Instalment.paid_at.is_(None),
                    Instalment.reminded_on.is_(None),
                    Instalment.due_on <= day + soon,
                    Instalment.id > last,
                    _in_range(Instalment.loan_id, loans),
                )
                .order_by(Instalment.id)
                .limit(size)
                # The loans (with their members) of the whole batch in one more query, not one each.
                .options(selectinload(Instalment.loan))
            )
        )
        if not due:
            return
        for item in due:
            item.reminded_on = day
            loan = item.loan
            region_hook("resalat_instalment_due", loan.member)(item=item)
            notify(
                loan.member,
                messages.DUE(url=url_of(loan), seq=item.seq, due=Day(item.due_on), amount=Money(item.amount)),
            )
            result.reminded += 1
        last = due[-1].id
        session.flush()
        if commit is not None:
            commit()


def _escalate(session: Session, loan: Loan, now: datetime, actor: Member | None, result: DueResult) -> None:
    """Call the guarantees from the configured bucket, and protest the note at the last."""
    call_at = int(setting("call_guarantors_bucket"))
    protest_at = int(setting("protest_bucket"))
    level = BUCKETS.index(loan.bucket) if loan.bucket in BUCKETS else -1
    if level >= call_at >= 0 and loan.guarantors_called_at is None:
        result.guarantees_called += _call_guarantees(session, loan, now)
    if level >= protest_at >= 0 and loan.note_id is not None and loan.note_protested_at is None:
        icap.protest_note(
            session,
            reference=reference_of(loan),
            # iCAP keeps a reason as text: written in the language of whoever runs the job.
            reason=_(
                "Loan no. %(loan)s is %(bucket)s.", loan=loan.id, bucket=Words(BUCKET_LABELS[loan.bucket])
            ),
            actor=actor,
        )
        loan.note_protested_at = now
        record_event(session, loan, "note_protested")
        result.protested += 1


def run_due(
    session: Session,
    on: date | None = None,
    *,
    actor: Member | None = None,
    progress: Callable[[int], None] | None = None,
    batch_size: int = 500,
    commit: Callable[[], None] | None = None,
    loans: tuple[int, int] | None = None,
) -> DueResult:
    """The periodic job: remind and fire ``resalat_instalment_due`` for instalments due within the
    reminder days (once each), move overdue loans through the buckets (telling the member), call
    the guarantees at the configured bucket and protest the note at the last. Never a late fee.
    Idempotent: a second run on the same day changes nothing more.

    Works through ``batch_size`` rows at a time (keyset by id) and calls ``commit`` after each
    batch when given, so a million running loans never sit in one session or one transaction; a
    run cut short is finished by the next one.
    """
    day = on or today()
    result = DueResult()
    now = utcnow()
    size = max(1, int(batch_size))
    _remind(session, day, size, result, commit, loans)
    last = 0
    while True:
        # Each batch's schedules and guarantees in two more queries, whatever its size.
        running = list(
            session.scalars(
                select(Loan)
                .where(Loan.status == DISBURSED, Loan.id > last, _in_range(Loan.id, loans))
                .options(selectinload(Loan.schedule), selectinload(Loan.guarantees))
                .order_by(Loan.id)
                .limit(size)
            )
        )
        if not running:
            break
        for loan in running:
            if rebucket(session, loan, day):
                result.moved += 1
            _escalate(session, loan, now, actor, result)
            if progress:
                progress(1)
        last = running[-1].id
        session.flush()
        if commit is not None:
            commit()
    return result


# --- the periodic job, in chunks of loans ------------------------------------------------------

# Loans a chunk takes: a few seconds of work, so many workers share a run evenly.
CHUNK_LOANS = 500


def day_of(now: datetime) -> date:
    """The Iranian calendar day (Tehran's) of ``now``, a naive UTC moment: the job's day."""
    return now.replace(tzinfo=UTC).astimezone(ZoneInfo("Asia/Tehran")).date()


def plan_run_due(
    session: Session, now: datetime, *, day: str | None = None, chunk_size: int = CHUNK_LOANS
) -> list[dict[str, Any]]:
    """The chunks of a run-due on ``day`` (ISO; default the day of ``now``): the running loans'
    ids cut into ranges, each with the day, so a chunk run later or again does the same day."""
    on = (date.fromisoformat(day) if day else day_of(now)).isoformat()
    ids = list(session.scalars(select(Loan.id).where(Loan.status == DISBURSED).order_by(Loan.id)))
    return [{**chunk, "day": on} for chunk in split_ids(ids, chunk_size)]


def run_due_chunk(session: Session, chunk: dict[str, Any], now: datetime) -> dict[str, int]:
    """One chunk of the job: ``run_due`` over the loans of the chunk's id range, on its day.
    Idempotent as the whole run is (each reminder once, a bucket moved once, guarantees called
    and the note protested once); moves no money."""
    result = run_due(
        session,
        date.fromisoformat(chunk["day"]),
        loans=(int(chunk["first"]), int(chunk["last"])),
        batch_size=CHUNK_LOANS,
    )
    return result.as_dict()

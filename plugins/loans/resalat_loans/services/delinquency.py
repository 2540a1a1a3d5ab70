"""Delinquency: reminders before a due day, buckets by days overdue, guarantees called, the note protested.

Never a late fee: what a member owes never grows with time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from resalat_icap import services as icap
from sqlalchemy import and_, case, func, insert, or_, select, true, update
from sqlalchemy.orm import Session, lazyload
from sqlalchemy.orm.attributes import set_committed_value

from resalat_core.sdk import Day, Member, Money, Words, _, notify, region_hook, split_ids, utcnow
from resalat_loans import messages, setting
from resalat_loans.models import (
    BUCKETS,
    CURRENT,
    DISBURSED,
    GUARANTOR,
    Instalment,
    Loan,
    LoanEvent,
    LoanGuarantee,
)
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


def _bucket_case(oldest: Any, day: date) -> Any:
    """``bucket_for`` in SQL, from the due day of the oldest unpaid instalment: each bucket's start
    in days overdue turned into a due day, so both databases compare dates (no date arithmetic)."""
    whens: list[tuple[Any, str]] = [(or_(oldest.is_(None), oldest >= day), CURRENT)]
    starts = list(setting("bucket_starts"))
    # bucket_for keeps the last start reached in the list's order: the first match from the end.
    for index in reversed(range(len(starts))):
        whens.append(
            (oldest <= day - timedelta(days=int(starts[index])), BUCKETS[min(index, len(BUCKETS) - 1)])
        )
    return case(*whens, else_=CURRENT)


def _from(level: int) -> list[str]:
    """The buckets at or past ``level`` (an index into BUCKETS); none when switched off (< 0)."""
    return [] if level < 0 else list(BUCKETS[level:])


def _with_work(session: Session, first: int, last: int, day: date) -> list[int]:
    """The running loans of ids ``first``..``last`` with something to do on ``day``, in one query:
    an instalment to remind of, a bucket to move, guarantees to call or a note to protest. A loan
    with nothing to do (most of them, and all of them the second time a day) is never loaded."""
    soon = day + timedelta(days=int(setting("reminder_days")))
    unpaid = Instalment.paid_at.is_(None)
    oldest = func.min(case((unpaid, Instalment.due_on)))
    to_remind = func.count(
        case((and_(unpaid, Instalment.reminded_on.is_(None), Instalment.due_on <= soon), 1))
    )
    bucket = _bucket_case(oldest, day)
    wanted = [to_remind > 0, bucket != Loan.bucket]
    calling = _from(int(setting("call_guarantors_bucket")))
    if calling:
        wanted.append(and_(bucket.in_(calling), Loan.guarantors_called_at.is_(None)))
    protesting = _from(int(setting("protest_bucket")))
    if protesting:
        wanted.append(
            and_(bucket.in_(protesting), Loan.note_id.is_not(None), Loan.note_protested_at.is_(None))
        )
    stmt = (
        select(Loan.id)
        .join(Instalment, Instalment.loan_id == Loan.id, isouter=True)
        .where(Loan.status == DISBURSED, Loan.id.between(first, last))
        # Grouped by every loan column the HAVING reads (PostgreSQL would accept the key alone).
        .group_by(Loan.id, Loan.bucket, Loan.guarantors_called_at, Loan.note_id, Loan.note_protested_at)
        .having(or_(*wanted))
        .order_by(Loan.id)
    )
    return list(session.scalars(stmt))


def _claim(session: Session, ids: Iterable[int], condition: Any, **values: Any) -> set[int]:
    """Set ``values`` on the loans among ``ids`` that still meet ``condition``, in one UPDATE, and
    return the ids it changed: a chunk retried (or run twice at once) finds them taken and does
    nothing more for them."""
    wanted = list(ids)
    if not wanted:
        return set()
    return set(
        session.execute(
            update(Loan).where(Loan.id.in_(wanted), condition).values(**values).returning(Loan.id),
            execution_options={"synchronize_session": False},
        ).scalars()
    )


def _due_batch(
    session: Session, first: int, last: int, day: date, now: datetime, actor: Member | None, result: DueResult
) -> None:
    """run-due over the running loans of ids ``first``..``last``, set-wise: a handful of queries
    and conditional UPDATEs whatever the number of loans, the notifications written together."""
    ids = _with_work(session, first, last, day)
    if not ids:
        return
    soon = day + timedelta(days=int(setting("reminder_days")))
    # The loans with their members (joined), then their unpaid instalments due by the end of the
    # reminder days: two queries. Those later are never reminded, owed or overdue yet (a loan
    # whose oldest unpaid instalment is still to come is current), so they are not loaded.
    loans = {
        loan.id: loan
        for loan in session.scalars(select(Loan).where(Loan.id.in_(ids)).options(lazyload(Loan.product)))
    }
    unpaid: dict[int, list[Instalment]] = {loan_id: [] for loan_id in loans}
    for item in session.scalars(
        select(Instalment)
        .where(Instalment.loan_id.in_(ids), Instalment.paid_at.is_(None), Instalment.due_on <= soon)
        .order_by(Instalment.loan_id, Instalment.seq)
    ):
        unpaid[item.loan_id].append(item)
        set_committed_value(item, "loan", loans[item.loan_id])

    # Reminders: once each, claimed by one conditional UPDATE.
    candidates = [i for items in unpaid.values() for i in items if i.reminded_on is None and i.due_on <= soon]
    if candidates:
        claimed = set(
            session.execute(
                update(Instalment)
                .where(Instalment.id.in_([i.id for i in candidates]), Instalment.reminded_on.is_(None))
                .values(reminded_on=day)
                .returning(Instalment.id),
                execution_options={"synchronize_session": False},
            ).scalars()
        )
        for item in sorted(candidates, key=lambda i: i.id):
            if item.id not in claimed:
                continue
            set_committed_value(item, "reminded_on", day)
            loan = item.loan
            region_hook("resalat_instalment_due", loan.member)(item=item)
            notify(
                loan.member,
                messages.DUE(url=url_of(loan), seq=item.seq, due=Day(item.due_on), amount=Money(item.amount)),
            )
            result.reminded += 1

    # Buckets: one conditional UPDATE per move (from, to), so a bucket moves once.
    moves: dict[tuple[str, str], list[int]] = {}
    for loan in loans.values():
        items = unpaid[loan.id]
        bucket = bucket_for((day - items[0].due_on).days if items else 0)
        if bucket != loan.bucket:
            moves.setdefault((loan.bucket, bucket), []).append(loan.id)
    events: list[dict[str, Any]] = []
    for (before, bucket), moving in moves.items():
        for loan_id in sorted(_claim(session, moving, Loan.bucket == before, bucket=bucket)):
            loan = loans[loan_id]
            set_committed_value(loan, "bucket", bucket)
            events.append({"loan_id": loan_id, "kind": "bucket", "note": f"{before} -> {bucket}"})
            result.moved += 1
            if bucket != CURRENT:
                owed = sum(i.amount for i in unpaid[loan_id] if i.due_on < day)
                notify(
                    loan.member,
                    messages.OVERDUE(
                        url=url_of(loan),
                        loan=loan.id,
                        bucket=Words(BUCKET_LABELS[bucket]),
                        amount=Money(owed),
                    ),
                )

    # Guarantees from the configured bucket, then the note at the last.
    call_at = int(setting("call_guarantors_bucket"))
    protest_at = int(setting("protest_bucket"))

    def level(loan: Loan) -> int:
        return BUCKETS.index(loan.bucket) if loan.bucket in BUCKETS else -1

    calling = _claim(
        session,
        (
            loan.id
            for loan in loans.values()
            if call_at >= 0 and level(loan) >= call_at and loan.guarantors_called_at is None
        ),
        Loan.guarantors_called_at.is_(None),
        guarantors_called_at=now,
    )
    if calling:
        called: dict[int, int] = dict.fromkeys(calling, 0)
        guarantees = list(
            session.scalars(
                select(LoanGuarantee)
                .where(LoanGuarantee.loan_id.in_(list(calling)), LoanGuarantee.called_at.is_(None))
                .order_by(LoanGuarantee.loan_id, LoanGuarantee.id)
            )
        )
        if guarantees:
            session.execute(
                update(LoanGuarantee)
                .where(LoanGuarantee.id.in_([g.id for g in guarantees]), LoanGuarantee.called_at.is_(None))
                .values(called_at=now),
                execution_options={"synchronize_session": False},
            )
        for guarantee in guarantees:
            set_committed_value(guarantee, "called_at", now)
            loan = loans[guarantee.loan_id]
            person = guarantee.member if guarantee.kind == GUARANTOR else guarantee.leader
            if person is not None:
                notify(
                    person,
                    messages.GUARANTEE_CALLED(
                        loan=loan.id, member=loan.member.name, bucket=Words(BUCKET_LABELS[loan.bucket])
                    ),
                )
            called[loan.id] += 1
        for loan_id in sorted(calling):
            set_committed_value(loans[loan_id], "guarantors_called_at", now)
            events.append({"loan_id": loan_id, "kind": "guarantees_called", "note": str(called[loan_id])})
            result.guarantees_called += called[loan_id]

    protesting = _claim(
        session,
        (
            loan.id
            for loan in loans.values()
            if protest_at >= 0
            and level(loan) >= protest_at
            and loan.note_id is not None
            and loan.note_protested_at is None
        ),
        Loan.note_protested_at.is_(None),
        note_protested_at=now,
    )
    if protesting:
        icap.protest_notes(
            session,
            [
                (
                    reference_of(loans[loan_id]),
                    # iCAP keeps a reason as text: written in the language of whoever runs the job.
                    _(
                        "Loan no. %(loan)s is %(bucket)s.",
                        loan=loan_id,
                        bucket=Words(BUCKET_LABELS[loans[loan_id].bucket]),
                    ),
                )
                for loan_id in sorted(protesting)
            ],
            actor=actor,
        )
        for loan_id in sorted(protesting):
            set_committed_value(loans[loan_id], "note_protested_at", now)
            events.append({"loan_id": loan_id, "kind": "note_protested", "note": ""})
            result.protested += 1
    if events:
        # The loans' history in one batched INSERT.
        session.execute(insert(LoanEvent), [{**e, "actor_id": None, "at": now} for e in events])


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

    Works through ``batch_size`` running loans at a time (keyset by id), each batch set-wise: one
    query finds the loans with something to do (the rest are never loaded), a few more load them
    with their unpaid instalments and guarantees, and conditional UPDATEs claim each reminder,
    bucket move, call and protest, so a batch run twice (a retried chunk) does nothing twice.
    ``commit`` is called after each batch when given, so a million running loans never sit in
    one session or one transaction; a run cut short is finished by the next one.
    """
    day = on or today()
    result = DueResult()
    now = utcnow()
    size = max(1, int(batch_size))
    last = 0 if loans is None else int(loans[0]) - 1
    while True:
        ids = list(
            session.scalars(
                select(Loan.id)
                .where(Loan.status == DISBURSED, Loan.id > last, _in_range(Loan.id, loans))
                .order_by(Loan.id)
                .limit(size)
            )
        )
        if not ids:
            break
        _due_batch(session, ids[0], ids[-1], day, now, actor, result)
        if progress:
            progress(len(ids))
        last = ids[-1]
        session.flush()
        if commit is not None:
            commit()
        if len(ids) < size:
            break  # the last batch: no need to ask again
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

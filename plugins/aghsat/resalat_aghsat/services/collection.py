"""Collection: run-due pays what falls due from the buyer's main account, reminds, and moves overdue
purchases through the buckets (like loans: 1-30, 31-60, 61-90, 90+ days). Never a late fee: what a
buyer owes never grows with time. Also what Merat hears, and the fund's exposure for administrators.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import case, func, select, true
from sqlalchemy.orm import Session, selectinload

from resalat_aghsat import setting
from resalat_aghsat.messages import COLLECTED, DUE, OVERDUE
from resalat_aghsat.models import BUCKETS, CURRENT, REPAID, RUNNING, Instalment, Purchase
from resalat_core.sdk import (
    CreditSignal,
    Day,
    Money,
    Region,
    SignalKind,
    Words,
    _l,
    main_account,
    notify,
    split_ids,
    today_in_iran,
)

BUCKET_LABELS = {
    CURRENT: _l("on time"),
    "b1_30": _l("1 to 30 days overdue"),
    "b31_60": _l("31 to 60 days overdue"),
    "b61_90": _l("61 to 90 days overdue"),
    "b90_plus": _l("over 90 days overdue"),
}


def bucket_for(days_overdue: int) -> str:
    """The bucket of a purchase whose oldest unpaid instalment is ``days_overdue`` late."""
    name = CURRENT
    if days_overdue <= 0:
        return name
    for index, start in enumerate(setting("bucket_starts")):
        if days_overdue >= int(start):
            name = BUCKETS[min(index, len(BUCKETS) - 1)]
    return name


def overdue_amount(purchase: Purchase, day: date) -> int:
    return sum(i.left for i in purchase.schedule if i.paid_at is None and i.due_on < day)


def rebucket(purchase: Purchase, day: date, *, notify_member: bool = True) -> bool:
    """Move the purchase to the bucket its oldest overdue instalment says; True if it moved."""
    oldest = next((i for i in purchase.schedule if i.paid_at is None), None)
    days = (day - oldest.due_on).days if oldest is not None and purchase.status == RUNNING else 0
    bucket = bucket_for(days)
    if bucket == purchase.bucket:
        return False
    purchase.bucket = bucket
    if notify_member and bucket != CURRENT:
        notify(
            purchase.buyer,
            OVERDUE(
                url=f"/aghsat/purchases/{purchase.id}",
                purchase=purchase.id,
                bucket=Words(BUCKET_LABELS[bucket]),
                amount=Money(overdue_amount(purchase, day)),
            ),
        )
    return True


@dataclass
class DueResult:
    """What a run of ``run_due`` did."""

    collected: int = 0
    collected_rials: int = 0
    reminded: int = 0
    moved: int = 0
    overdue: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def _collect(session: Session, purchase: Purchase, day: date, result: DueResult) -> None:
    """Pay each instalment due by ``day`` from the buyer's main account while it holds enough."""
    from resalat_aghsat.services.purchases import apply_payment

    for item in [i for i in purchase.schedule if i.paid_at is None and i.due_on <= day]:
        if main_account(session, purchase.buyer).available < item.left:
            return  # the rest waits: overdue, reminded, bucketed; never partly taken
        amount = item.left
        apply_payment(session, purchase, purchase.buyer, amount, f"collect:{item.seq}")
        result.collected += 1
        result.collected_rials += amount
        notify(
            purchase.buyer,
            COLLECTED(url=f"/aghsat/purchases/{purchase.id}", amount=Money(amount), purchase=purchase.id),
        )


def _remind(purchase: Purchase, day: date, result: DueResult) -> None:
    soon = day + timedelta(days=int(setting("reminder_days")))
    for item in purchase.schedule:
        if item.paid_at is None and item.reminded_on is None and day <= item.due_on <= soon:
            item.reminded_on = day
            notify(
                purchase.buyer,
                DUE(
                    url=f"/aghsat/purchases/{purchase.id}",
                    seq=item.seq,
                    purchase=purchase.id,
                    amount=Money(item.left),
                    due=Day(item.due_on),
                ),
            )
            result.reminded += 1


def running_count(session: Session) -> int:
    return session.scalar(select(func.count(Purchase.id)).where(Purchase.status == RUNNING)) or 0


def run_due(
    session: Session,
    on: date | None = None,
    *,
    progress: Callable[[int], None] | None = None,
    commit: Callable[[], None] | None = None,
    batch_size: int | None = None,
    purchases: tuple[int, int] | None = None,
) -> DueResult:
    """The monthly job (run daily): collect what fell due from each buyer's main account, remind of
    what falls due within the reminder days, move overdue purchases through the buckets (telling
    the buyer). Idempotent: payments are keyed by the instalment, reminders kept once each.

    Works ``batch_size`` purchases at a time (keyset by id), committing after each batch when
    ``commit`` is given, so a run cut short is finished by the next one. ``purchases`` limits the
    run to an inclusive range of purchase ids: one chunk of the periodic job (``run_due_chunk``).
    """
    day = on or today_in_iran()
    within = true() if purchases is None else Purchase.id.between(purchases[0], purchases[1])
    size = max(1, int(batch_size or setting("batch_size")))
    result = DueResult()
    last = 0
    while True:
        batch = list(
            session.scalars(
                select(Purchase)
                .where(Purchase.status == RUNNING, Purchase.id > last, within)
                .options(selectinload(Purchase.schedule))
                .order_by(Purchase.id)
                .limit(size)
            )
        )
        if not batch:
            break
        for purchase in batch:
            _collect(session, purchase, day, result)
            if purchase.status == RUNNING:
                _remind(purchase, day, result)
                if rebucket(purchase, day):
                    result.moved += 1
                if purchase.bucket != CURRENT:
                    result.overdue += 1
            if progress:
                progress(1)
        last = batch[-1].id
        session.flush()
        if commit is not None:
            commit()
    return result


# --- the periodic job, in chunks of purchases ----------------------------------------------------

RUN_DUE = "aghsat.run_due"
CHUNK_PURCHASES = 500


def plan_run_due(
    session: Session, now: datetime, *, day: str | None = None, chunk_size: int = CHUNK_PURCHASES
) -> list[dict[str, Any]]:
    """The chunks of a run-due on ``day`` (ISO; default today in Iran): the running purchases' ids
    cut into ranges, each with the day, so a chunk run later or again does the same day."""
    on = day or today_in_iran().isoformat()
    ids = list(session.scalars(select(Purchase.id).where(Purchase.status == RUNNING).order_by(Purchase.id)))
    return [{**chunk, "day": on} for chunk in split_ids(ids, chunk_size)]


def run_due_chunk(session: Session, chunk: dict[str, Any], now: datetime) -> dict[str, int]:
    """One chunk: ``run_due`` over the purchases of the chunk's id range on its day. Safe to run
    again: every payment is keyed by its instalment, every reminder kept once."""
    result = run_due(
        session, date.fromisoformat(chunk["day"]), purchases=(int(chunk["first"]), int(chunk["last"]))
    )
    return result.as_dict()


# --- Merat ----------------------------------------------------------------------------------------

ON_TIME, LATE, FINISHED = "aghsat_on_time", "aghsat_overdue", "aghsat_repaid"
SIGNAL_KINDS = (
    SignalKind(ON_TIME, _l("Instalments paid on time: %(value)s"), points=3, per=1, cap=60),
    SignalKind(LATE, _l("Instalment purchases overdue now: %(value)s"), points=-40, per=1, cap=-160),
    SignalKind(FINISHED, _l("Instalment purchases paid off: %(value)s"), points=10, per=1, cap=40),
)


def credit_signals(session: Session, member: Any) -> list[CreditSignal]:
    """Instalments paid on time, purchases overdue now (as run-due last bucketed them) and purchases
    paid off: one query."""
    return credit_signals_many(session, [member.id]).get(member.id, [])


def credit_signals_many(session: Session, member_ids: Sequence[int]) -> dict[int, list[CreditSignal]]:
    """``credit_signals`` of many buyers by id, in one query (buyers with nothing left out)."""
    on_time = func.count(case((Instalment.paid_on <= Instalment.due_on, 1)))
    late = func.count(
        func.distinct(case(((Purchase.status == RUNNING) & (Purchase.bucket != CURRENT), Purchase.id)))
    )
    done = func.count(func.distinct(case((Purchase.status == REPAID, Purchase.id))))
    found: dict[int, list[CreditSignal]] = {}
    for buyer_id, *row in session.execute(
        select(Purchase.buyer_id, on_time, late, done)
        .join(Purchase, Purchase.id == Instalment.purchase_id)
        .where(Purchase.buyer_id.in_(list(member_ids)))
        .group_by(Purchase.buyer_id)
    ):
        signals = [
            CreditSignal(kind, int(value))
            for kind, value in zip((ON_TIME, LATE, FINISHED), row, strict=True)
            if value
        ]
        if signals:
            found[buyer_id] = signals
    return found


# --- exposure -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExposureRow:
    label: str
    purchases: int
    outstanding: int  # principal the fund still has out
    overdue: int  # instalments' rials past due


def exposure(session: Session, area: list[int] | None, by: str) -> list[ExposureRow]:
    """What the fund has out in running purchases, ``by`` "region" (the buyer's province) or "rating",
    within ``area`` (None: nationwide): two grouped queries whatever the number of purchases."""
    day = today_in_iran()
    out = case((Instalment.paid < Instalment.principal, Instalment.principal - Instalment.paid), else_=0)
    late = case(
        (
            (Instalment.paid_at.is_(None)) & (Instalment.due_on < day),
            Instalment.principal + Instalment.fee - Instalment.paid,
        ),
        else_=0,
    )
    if by == "region":
        key: Any = func.coalesce(Region.parent_id, Region.id)
    else:
        key = Purchase.rating
    stmt = (
        select(
            key,
            func.count(func.distinct(Purchase.id)),
            func.coalesce(func.sum(out), 0),
            func.coalesce(func.sum(late), 0),
        )
        .join(Instalment, Instalment.purchase_id == Purchase.id)
        .where(Purchase.status == RUNNING)
        .group_by(key)
    )
    if by == "region":
        stmt = stmt.join(Region, Region.id == Purchase.region_id)
    if area is not None:
        stmt = stmt.where(Purchase.region_id.in_(area))
    rows = session.execute(stmt).all()
    if by == "region":
        ids = [r[0] for r in rows]
        names = {r.id: r for r in session.scalars(select(Region).where(Region.id.in_(ids)))} if ids else {}
        from resalat_core.sdk import current_language

        en = current_language() == "en"
        label = lambda i: (names[i].name_en if en else names[i].name_fa) if i in names else str(i)  # noqa: E731
    else:
        from resalat_merat import services as merat

        label = merat.rating_name
    found = [ExposureRow(label(r[0]), int(r[1]), int(r[2]), int(r[3])) for r in rows]
    return sorted(found, key=lambda r: -r.outstanding)

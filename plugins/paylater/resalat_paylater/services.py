"""Pay-later rules: the limit from Merat, taking a purchase, repaying it, the due-day job, refunds.

No Flask request code here: pages, API, CLI and M-Bazar's hooks all call these. Nothing commits
except ``run_due``'s ``commit`` callback between batches. Never a fee, never a late charge: what a
member owes is what they bought.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from resalat_bazaar.services import REST, Due, PaymentMethod, PaymentPart
from resalat_merat import services as merat
from sqlalchemy import Select, case, func, select, true, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, selectinload

from resalat_core.sdk import (
    BadInput,
    Conflict,
    CreditSignal,
    Day,
    Member,
    Money,
    NotFound,
    Region,
    Text,
    Words,
    _,
    _l,
    main_account,
    notify,
    split_ids,
    system_account,
    today_in_iran,
    transfer,
    utcnow,
)

from . import FUND, FUNDING, METHOD, PURCHASE, REPAYMENT, RETURN, messages, setting
from .models import (
    BUCKETS,
    BY_MEMBER,
    CANCELLED,
    COLLECTED,
    CURRENT,
    KEY_MAX,
    OPEN,
    PAID,
    CreditLine,
    Debt,
)

STATUS_LABELS: dict[str, Text] = {
    OPEN: _l("To pay"),
    PAID: _l("Repaid"),
    CANCELLED: _l("Cancelled (order refunded)"),
}
BUCKET_LABELS: dict[str, Text] = {
    CURRENT: _l("Not overdue"),
    "d1_30": _l("1 to 30 days overdue"),
    "d31_60": _l("31 to 60 days overdue"),
    "d61_90": _l("61 to 90 days overdue"),
    "d90_plus": _l("more than 90 days overdue"),
}
# Why a member has no pay-later credit now, as they read it.
NO_SCORE = "no_score"
NO_CREDIT = "no_credit"
FROZEN = "frozen"
REASONS: dict[str, Text] = {
    NO_SCORE: _l("You have no valid Merat score yet: get one in Merat to open a pay-later limit."),
    NO_CREDIT: _l("Your Merat rating and repayment capacity give no pay-later limit yet."),
    FROZEN: _l("Your limit is frozen while a purchase is overdue: pay it to buy on pay later again."),
}


def today() -> date:
    """Today in Iran: due days end at Tehran's midnight."""
    return today_in_iran()


# A debt's reference on ledger lines ("paylater_debt:12"), named by ``resalat_reference``.
REFERENCE_KIND = "paylater_debt"


def reference_of(debt: Debt) -> str:
    return f"{REFERENCE_KIND}:{debt.id}"


def key_of(debt: Debt) -> str:
    """The root of the idempotency keys of a debt's money moves."""
    return f"paylater:debt:{debt.id}"


# --- the limit ---------------------------------------------------------------------------------


def _whole(value: Any, name: str) -> int:
    """A whole, non-negative number from the settings; a wrong one names the setting."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"[plugins.paylater] {name} must be a whole number of 0 or more, not {value!r}")
    return value


def limit_for(rating: str | None, capacity: int) -> int:
    """The pay-later limit (rials) of a Merat ``rating`` with a monthly repayment ``capacity``.

    From the settings' ``limits`` table: the smaller of the rating's ``max`` and its
    ``capacity_percent`` of the capacity, rounded down. A rating not in the table gets 0.
    """
    table = setting("limits") or {}
    row = table.get(rating) if rating else None
    if not row:
        return 0
    most = _whole(row.get("max", 0), f"limits.{rating}.max")
    percent = _whole(row.get("capacity_percent", 0), f"limits.{rating}.capacity_percent")
    rounding = max(1, _whole(setting("limit_rounding"), "limit_rounding"))
    limit = min(most, max(0, capacity) * percent // 100)
    return limit // rounding * rounding


@dataclass(frozen=True)
class Standing:
    """A member's pay-later standing now: the limit, what is in use, and whether it is frozen."""

    rating: str | None
    capacity: int
    limit: int
    used: int
    overdue: int  # rials overdue now
    overdue_count: int
    next_due: date | None
    reason: str | None  # NO_SCORE, NO_CREDIT or FROZEN when nothing may be bought

    @property
    def frozen(self) -> bool:
        return self.overdue_count > 0

    @property
    def free(self) -> int:
        return 0 if self.frozen else max(self.limit - self.used, 0)

    @property
    def reason_text(self) -> Text | None:
        return REASONS[self.reason] if self.reason else None


def standing(session: Session, member: Member, day: date | None = None) -> Standing:
    """The member's limit (from their valid Merat score), what their open debts use, and any
    overdue (which freezes the limit). Two queries."""
    day = day or today()
    score = merat.current_score(session, member)
    rating = score.rating if score is not None else None
    capacity = score.max_monthly_repayment if score is not None else 0
    limit = limit_for(rating, capacity)
    used, overdue, overdue_count, next_due = open_debts(session, member, day)
    reason = None
    if overdue_count:
        reason = FROZEN
    elif score is None:
        reason = NO_SCORE
    elif limit <= 0:
        reason = NO_CREDIT
    return Standing(rating, capacity, limit, int(used), int(overdue), int(overdue_count), next_due, reason)


def open_debts(session: Session, member: Member, day: date) -> tuple[int, int, int, date | None]:
    """The member's open debts in one indexed query: rials owed, rials overdue on ``day``, how
    many are overdue, and the soonest due day."""
    used, overdue, overdue_count, next_due = session.execute(
        select(
            func.coalesce(func.sum(Debt.amount), 0),
            func.coalesce(func.sum(case((Debt.due_on < day, Debt.amount), else_=0)), 0),
            func.count(case((Debt.due_on < day, 1))),
            func.min(Debt.due_on),
        ).where(Debt.member_id == member.id, Debt.status == OPEN)
    ).one()
    return int(used), int(overdue), int(overdue_count), next_due


def due_day(day: date | None = None) -> date:
    """The due day of a purchase made on ``day``."""
    return (day or today()) + timedelta(days=_whole(setting("due_days"), "due_days"))


def fund_balance(session: Session) -> int:
    return system_account(session, FUND).available


# --- at M-Bazar's checkout -----------------------------------------------------------------------


def offer(session: Session, buyer: Member, total: int, url: str | None = None) -> PaymentMethod | None:
    """The pay-later way to pay a cart of ``total`` rials, if it would succeed for ``buyer`` now:
    a valid limit, not frozen, the cart within what is free, and the fund able to pay."""
    if total <= 0:
        return None
    now = standing(session, buyer)
    if now.free < total or fund_balance(session) < total:
        return None
    due = due_day()
    return PaymentMethod(
        METHOD,
        _l("Pay later, with no fee"),
        pay_now=0,
        total=total,
        description=_l("Buy now and pay from your main account by the due day; nothing is added."),
        terms=(
            _l("Pay %(amount)s by %(day)s", amount=Money(total), day=Day(due)),
            _l("Collected from your main account on the due day"),
            _l("Free pay-later limit after this purchase: %(amount)s", amount=Money(now.free - total)),
        ),
        url=url,
        stage=REST,
    )


def _changed(result: Any) -> int:
    """Rows an UPDATE changed (the claim of a conditional UPDATE)."""
    return int(result.rowcount)


def _ensure_line(session: Session, member: Member) -> None:
    """The member's line row, created once (two first checkouts at once both find it)."""
    dialect = session.get_bind().dialect.name
    maker = pg_insert if dialect == "postgresql" else sqlite_insert
    session.execute(
        maker(CreditLine)
        .values(member_id=member.id, used=0, updated_at=utcnow())
        .on_conflict_do_nothing(index_elements=["member_id"])
    )


def _use(session: Session, member: Member, amount: int, limit: int) -> bool:
    """Take ``amount`` of the line if it stays within ``limit``; the database decides, at once."""
    _ensure_line(session, member)
    claimed = _changed(
        session.execute(
            update(CreditLine)
            .where(CreditLine.member_id == member.id, CreditLine.used + amount <= limit)
            .values(used=CreditLine.used + amount, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )
    )
    return bool(claimed)


def _release(session: Session, member_id: int, amount: int) -> None:
    """Give ``amount`` back to the line (a debt repaid or cancelled)."""
    session.execute(
        update(CreditLine)
        .where(CreditLine.member_id == member_id)
        .values(used=CreditLine.used - amount, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def _refuse(message: str, code: str) -> BadInput:
    return BadInput(message, fields={"methods": message}, code=code)


def take(session: Session, buyer: Member, code: str, dues: Sequence[Due], key: str) -> list[PaymentPart]:
    """Pay every due from the pay-later fund into escrow and write a debt per order for the buyer.

    Refuses (BadInput in the buyer's words, nothing changed) a frozen or missing limit, a purchase
    beyond what is free (decided by one conditional UPDATE on the buyer's line, so two checkouts
    at once cannot pass the limit together) and a fund that cannot pay.
    """
    if code != METHOD:
        raise _refuse(_("This way to pay is not offered; choose another."), "unknown_method")
    amount = sum(d.due for d in dues)
    if amount <= 0:
        return []
    day = today()
    now = standing(session, buyer, day)
    if now.reason is not None:
        raise _refuse(str(now.reason_text), now.reason)
    fund = system_account(session, FUND)
    if fund.available < amount:
        raise _refuse(_("Pay later cannot take purchases now; choose another way to pay."), "fund_short")
    if not _use(session, buyer, amount, now.limit):
        line = session.scalar(select(CreditLine.used).where(CreditLine.member_id == buyer.id)) or 0
        raise _refuse(
            _(
                "This purchase of %(amount)s is more than your free pay-later limit of %(free)s.",
                amount=Money(amount),
                free=Money(max(now.limit - line, 0)),
            ),
            "limit_exceeded",
        )
    due = due_day(day)
    parts = []
    for item in dues:
        debt = Debt(
            member_id=buyer.id,
            region_id=buyer.region_id,
            order_id=item.order.id,
            checkout_key=str(key)[:KEY_MAX],
            amount=item.due,
            status=OPEN,
            bucket=CURRENT,
            due_on=due,
        )
        session.add(debt)
        # params None: M-Bazar words the line with the order's number and booth.
        parts.append(PaymentPart(item.order.id, fund, item.due, PURCHASE))
    session.flush()
    notify(buyer, messages.BOUGHT(url=page_url(), amount=Money(amount), day=Day(due)))
    return parts


def refunded(session: Session, order: Any, payments: Sequence[Any]) -> None:
    """M-Bazar refunded an order this plugin paid: the money is back in the fund; cancel the debt
    (the limit is free again) and give back what the buyer had already repaid of it."""
    if not any(str(p.method).startswith(f"{METHOD.split('.')[0]}.") for p in payments):
        return
    debt = session.scalar(select(Debt).where(Debt.order_id == order.id))
    if debt is None or debt.status == CANCELLED:
        return
    was = debt.status
    claimed = _changed(
        session.execute(
            update(Debt)
            .where(Debt.id == debt.id, Debt.status == was)
            .values(status=CANCELLED, cancelled_at=utcnow())
            .execution_options(synchronize_session=False)
        )
    )
    session.expire(debt)
    if not claimed:
        raise Conflict(_("This pay-later purchase changed meanwhile; try again."), code="changed")
    if was == OPEN:
        _release(session, debt.member_id, debt.amount)
    else:  # repaid already: the fund had it twice, the buyer gets theirs back
        buyer = debt.member
        transfer(
            session,
            f"{key_of(debt)}:return",
            system_account(session, FUND),
            main_account(session, buyer),
            debt.amount,
            RETURN,
            reference_of(debt),
            params={"order": debt.order_id},
        )
        debt.returned = debt.amount
    session.flush()
    notify(debt.member, messages.CANCELLED(url=page_url(), order=debt.order_id, amount=Money(debt.amount)))


# --- repaying ------------------------------------------------------------------------------------


def page_url() -> str:
    """The member's pay-later page (a plain path where no request is on: the CLI, the demo)."""
    from flask import has_request_context, url_for

    return url_for("paylater.mine") if has_request_context() else "/paylater/"


def debts_query(member: Member) -> Select[Any]:
    """The member's debts: open ones first (soonest due first), then the rest, newest first."""
    return (
        select(Debt)
        .where(Debt.member_id == member.id)
        .order_by(case((Debt.status == OPEN, 0), else_=1), Debt.due_on, Debt.id.desc())
    )


def own_debt(session: Session, member: Member, debt_id: int) -> Debt:
    """One of the member's own debts (another member's is as unknown as a missing one)."""
    debt = session.get(Debt, debt_id)
    if debt is None or debt.member_id != member.id:
        raise NotFound(_("No such pay-later purchase."), code="unknown_debt")
    return debt


def _settle(session: Session, debt: Debt, how: str, day: date, actor: Member | None) -> None:
    """Claim the debt (open -> paid) with a conditional UPDATE and move the money once."""
    claimed = _changed(
        session.execute(
            update(Debt)
            .where(Debt.id == debt.id, Debt.status == OPEN)
            .values(status=PAID, paid_on=day, paid_at=utcnow(), paid_by=how)
            .execution_options(synchronize_session=False)
        )
    )
    if not claimed:
        session.expire(debt)
        raise Conflict(_("This purchase is already %(status)s.", status=Words(STATUS_LABELS[debt.status])))
    buyer = debt.member
    transfer(
        session,
        f"{key_of(debt)}:repay",
        main_account(session, buyer),
        system_account(session, FUND),
        debt.amount,
        REPAYMENT,
        reference_of(debt),
        params={"debt": debt.id},
        actor=actor,
    )
    _release(session, debt.member_id, debt.amount)
    session.expire(debt)


def pay(session: Session, member: Member, debt_id: int) -> Debt:
    """The member pays a purchase now (early, or late), in full, from their main account.

    A second payment of the same purchase is a Conflict and moves nothing; too little in the main
    account is a BadInput naming the shortfall.
    """
    debt = own_debt(session, member, debt_id)
    if debt.status != OPEN:
        raise Conflict(
            _("This purchase is already %(status)s.", status=Words(STATUS_LABELS[debt.status])),
            code="not_open",
        )
    balance = main_account(session, member).available
    if balance < debt.amount:
        raise BadInput(
            _(
                "Your main account holds %(balance)s; this purchase needs %(amount)s. Top it up first.",
                balance=Money(balance),
                amount=Money(debt.amount),
            ),
            code="insufficient_funds",
        )
    with session.begin_nested():
        _settle(session, debt, BY_MEMBER, today(), member)
    return debt


# --- the due-day job -----------------------------------------------------------------------------


def bucket_for(days_overdue: int) -> str:
    """The overdue bucket of a debt ``days_overdue`` late (the settings' ``bucket_starts``)."""
    name = CURRENT
    if days_overdue <= 0:
        return name
    for index, start in enumerate(setting("bucket_starts")):
        if days_overdue >= int(start):
            name = BUCKETS[min(index, len(BUCKETS) - 1)]
    return name


@dataclass
class DueResult:
    """What a run of ``run_due`` did."""

    reminded: int = 0
    collected: int = 0
    collected_rials: int = 0
    overdue: int = 0
    moved: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "reminded": self.reminded,
            "collected": self.collected,
            "collected_rials": self.collected_rials,
            "overdue": self.overdue,
            "moved": self.moved,
        }


def due_count(session: Session, day: date | None = None) -> int:
    """How many open debts the job looks at on ``day`` (for its progress bar)."""
    day = day or today()
    soon = day + timedelta(days=int(setting("reminder_days")))
    return session.scalar(select(func.count(Debt.id)).where(Debt.status == OPEN, Debt.due_on <= soon)) or 0


def _collect_or_overdue(session: Session, debt: Debt, day: date, result: DueResult) -> None:
    """On or after the due day: collect from the main account if it holds enough, else move the
    debt through the overdue buckets (telling the member at each) and tell Merat."""
    balance = main_account(session, debt.member).available
    if balance >= debt.amount:
        with session.begin_nested():
            _settle(session, debt, COLLECTED, day, None)
        result.collected += 1
        result.collected_rials += debt.amount
        notify(debt.member, messages.COLLECTED(url=page_url(), debt=debt.id, amount=Money(debt.amount)))
        return
    if debt.due_on >= day:
        return  # due today: not overdue before the day ends
    result.overdue += 1
    bucket = bucket_for((day - debt.due_on).days)
    if bucket != debt.bucket:
        debt.bucket = bucket
        result.moved += 1
        notify(
            debt.member,
            messages.OVERDUE(
                url=page_url(),
                debt=debt.id,
                amount=Money(debt.amount),
                day=Day(debt.due_on),
                bucket=Words(BUCKET_LABELS[bucket]),
            ),
        )


def run_due(
    session: Session,
    on: date | None = None,
    *,
    progress: Callable[[int], None] | None = None,
    batch_size: int | None = None,
    commit: Callable[[], None] | None = None,
    debts: tuple[int, int] | None = None,
) -> DueResult:
    """The periodic job: remind of purchases due within the reminder days (once each); on and after
    the due day collect each from the buyer's main account when it holds enough, else mark it
    overdue (buckets, notifications; the limit stays frozen and Merat hears it). Never a late fee.

    Keyset batches of ``batch_size`` debts, ``commit`` after each: a run cut short is finished by
    the next one; a second run on the same day changes nothing more. ``debts`` limits the run to
    an inclusive range of debt ids: one chunk of the periodic job (``run_due_chunk``).
    """
    day = on or today()
    within = true() if debts is None else Debt.id.between(debts[0], debts[1])
    result = DueResult()
    size = max(1, int(batch_size or setting("batch_size")))
    soon = day + timedelta(days=int(setting("reminder_days")))
    last = 0
    while True:
        batch = list(
            session.scalars(
                select(Debt)
                .where(Debt.status == OPEN, Debt.due_on <= soon, Debt.id > last, within)
                .order_by(Debt.id)
                .limit(size)
                .options(selectinload(Debt.member))
            )
        )
        if not batch:
            break
        for debt in batch:
            if debt.due_on > day:
                if debt.reminded_on is None:
                    debt.reminded_on = day
                    result.reminded += 1
                    notify(
                        debt.member,
                        messages.DUE_SOON(url=page_url(), amount=Money(debt.amount), day=Day(debt.due_on)),
                    )
            else:
                _collect_or_overdue(session, debt, day, result)
            if progress:
                progress(1)
        last = batch[-1].id
        session.flush()
        if commit is not None:
            commit()
    return result


# --- the periodic job, in chunks of debts ---------------------------------------------------------

RUN_DUE = "paylater.run_due"
CHUNK_DEBTS = 500


def plan_run_due(
    session: Session, now: datetime, *, day: str | None = None, chunk_size: int = CHUNK_DEBTS
) -> list[dict[str, Any]]:
    """The chunks of a run-due on ``day`` (ISO; default today): the open debts due by the end of
    the reminder days, their ids cut into ranges, each with the day."""
    on = date.fromisoformat(day) if day else today()
    soon = on + timedelta(days=int(setting("reminder_days")))
    ids = list(
        session.scalars(select(Debt.id).where(Debt.status == OPEN, Debt.due_on <= soon).order_by(Debt.id))
    )
    return [{**chunk, "day": on.isoformat()} for chunk in split_ids(ids, chunk_size)]


def run_due_chunk(session: Session, chunk: dict[str, Any], now: datetime) -> dict[str, int]:
    """One chunk: ``run_due`` over the debts of the chunk's id range on its day. Safe to run again:
    a collection is keyed by its debt, a reminder kept once, a paid debt no longer open."""
    result = run_due(
        session, date.fromisoformat(chunk["day"]), debts=(int(chunk["first"]), int(chunk["last"]))
    )
    return result.as_dict()


# --- the fund ------------------------------------------------------------------------------------


def fund(session: Session, amount: Any, *, key: str, actor: Member | None = None) -> int:
    """Bring ``amount`` rials into the pay-later fund from outside (cash in), once per key; the
    fund's balance after."""
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        message = _("Enter a whole number of rials above zero.")
        raise BadInput(message, fields={"amount": message})
    clean = str(key or "").strip()
    if not clean or len(clean) > KEY_MAX:
        message = _("Give a key of 1 to 200 characters, so the money moves once.")
        raise BadInput(message, fields={"key": message})
    account = system_account(session, FUND)
    transfer(
        session,
        f"paylater:fund:{clean}",
        system_account(session, "cash_in"),
        account,
        amount,
        FUNDING,
        actor=actor,
    )
    return account.posted


# --- administrators ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegionRow:
    region: Region
    open_count: int
    open_rials: int
    overdue_count: int
    overdue_rials: int


def by_region(session: Session, area: list[int] | None, day: date | None = None) -> list[RegionRow]:
    """Open and overdue debts summed by the buyer's region, within ``area`` (None: nationwide),
    the most overdue first. Two queries (the sums, then the regions)."""
    day = day or today()
    overdue = Debt.due_on < day
    stmt = (
        select(
            Debt.region_id,
            func.count(Debt.id),
            func.coalesce(func.sum(Debt.amount), 0),
            func.count(case((overdue, 1))),
            func.coalesce(func.sum(case((overdue, Debt.amount), else_=0)), 0),
        )
        .where(Debt.status == OPEN)
        .group_by(Debt.region_id)
    )
    if area is not None:
        stmt = stmt.where(Debt.region_id.in_(area))
    rows = session.execute(stmt).all()
    regions = {
        r.id: r for r in session.scalars(select(Region).where(Region.id.in_([row[0] for row in rows])))
    }
    found = [RegionRow(regions[r[0]], int(r[1]), int(r[2]), int(r[3]), int(r[4])) for r in rows]
    return sorted(found, key=lambda r: (-r.overdue_rials, -r.open_rials, r.region.code))


def overdue_query(area: list[int] | None, day: date | None = None) -> Select[Any]:
    """Overdue debts within ``area``, the oldest due first (members and regions joined in)."""
    day = day or today()
    stmt = (
        select(Debt)
        .where(Debt.status == OPEN, Debt.due_on < day)
        .order_by(Debt.due_on, Debt.id)
        .options(selectinload(Debt.member), selectinload(Debt.region))
    )
    if area is not None:
        stmt = stmt.where(Debt.region_id.in_(area))
    return stmt


def figures(session: Session, area: list[int] | None, day: date | None = None) -> tuple[int, int]:
    """Rials owed on pay later, and rials overdue, within ``area``."""
    rows = by_region(session, area, day)
    return sum(r.open_rials for r in rows), sum(r.overdue_rials for r in rows)


# --- Merat ---------------------------------------------------------------------------------------


def credit_signals(session: Session, member: Member, day: date | None = None) -> list[CreditSignal]:
    """Repayment history for Merat: purchases repaid on time, repaid late, overdue now. One query."""
    return credit_signals_many(session, [member.id], day).get(member.id, [])


def credit_signals_many(
    session: Session, member_ids: Sequence[int], day: date | None = None
) -> dict[int, list[CreditSignal]]:
    """``credit_signals`` of many members by id, in one query (members with nothing left out)."""
    day = day or today()
    found: dict[int, list[CreditSignal]] = {}
    for member_id, on_time, late, overdue in session.execute(
        select(
            Debt.member_id,
            func.count(case(((Debt.status == PAID) & (Debt.paid_on <= Debt.due_on), 1))),
            func.count(case(((Debt.status == PAID) & (Debt.paid_on > Debt.due_on), 1))),
            func.count(case(((Debt.status == OPEN) & (Debt.due_on < day), 1))),
        )
        .where(Debt.member_id.in_(list(member_ids)))
        .group_by(Debt.member_id)
    ):
        values = {
            "paylater_on_time": int(on_time or 0),
            "paylater_late": int(late or 0),
            "paylater_overdue": int(overdue or 0),
        }
        found[member_id] = [CreditSignal(kind, value) for kind, value in values.items() if value]
    return found

"""The daily job (instalment reminders, lapses, ends of term, renewal reminders, stale offers),
filling the pool, and the administrators' figures."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from resalat_core.sdk import (
    BadInput,
    Day,
    Digits,
    Member,
    Money,
    Words,
    _,
    notify,
    system_account,
    transfer,
    utcnow,
)

from .. import FUNDING, POOL, messages, setting
from ..models import (
    ACTIVE,
    APPROVED,
    EXPIRED,
    KEY_MAX,
    LAPSED,
    OFFER_EXPIRED,
    OFFER_OPEN,
    PART_APPROVED,
    WAITING,
    Claim,
    Offer,
    Policy,
    Premium,
)
from .catalogue import product as product_of
from .policies import policy_url, today


@dataclass
class DueResult:
    reminded: int = 0
    lapsed: int = 0
    expired: int = 0
    renewal_reminded: int = 0
    offers_expired: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def due_count(session: Session, day: date | None = None) -> int:
    """Rows the job may touch (for its progress bar)."""
    day = day or today()
    horizon = day + timedelta(days=int(setting("reminder_days")))
    premiums = session.scalar(
        select(func.count(Premium.id))
        .join(Policy, Policy.id == Premium.policy_id)
        .where(Policy.status == ACTIVE, Premium.paid_at.is_(None), Premium.due_on <= horizon)
    )
    ending = session.scalar(
        select(func.count(Policy.id)).where(
            Policy.status == ACTIVE, Policy.ends_on <= day + timedelta(days=int(setting("renewal_days")))
        )
    )
    return int(premiums or 0) + int(ending or 0)


def run_due(
    session: Session,
    day: date | None = None,
    *,
    progress: Callable[[int], Any] | None = None,
    commit: Callable[[], Any] | None = None,
) -> DueResult:
    """One pass; idempotent (a reminder is sent once, a lapse happens once), so a run cut short is
    finished by the next one. Commits through ``commit`` after every ``batch_size`` rows."""
    day = day or today()
    step = progress or (lambda _n: None)
    batch = max(1, int(setting("batch_size")))
    result = DueResult()
    grace = timedelta(days=int(setting("grace_days")))
    horizon = day + timedelta(days=int(setting("reminder_days")))
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        step(1)
        if commit is not None and done % batch == 0:
            commit()

    # Unpaid instalments of active policies: lapse past the grace days, else remind once.
    rows = session.execute(
        select(Premium, Policy)
        .join(Policy, Policy.id == Premium.policy_id)
        .where(Policy.status == ACTIVE, Premium.paid_at.is_(None), Premium.due_on <= horizon)
        .order_by(Premium.id)
    ).all()
    for item, policy in rows:
        if policy.status != ACTIVE:
            tick()
            continue
        if item.due_on + grace < day:
            changed: Any = session.execute(
                update(Policy)
                .where(Policy.id == policy.id, Policy.status == ACTIVE)
                .values(status=LAPSED, lapsed_at=utcnow())
                .execution_options(synchronize_session=False)
            )
            if changed.rowcount:
                session.refresh(policy)
                result.lapsed += 1
                notify(
                    policy.member, messages.LAPSED(policy=Digits(str(policy.id)), url=policy_url(policy.id))
                )
        elif item.reminded_on is None:
            item.reminded_on = day
            result.reminded += 1
            notify(
                policy.member,
                messages.PREMIUM_DUE(
                    amount=Money(item.amount),
                    policy=Digits(str(policy.id)),
                    day=Day(item.due_on),
                    url=policy_url(policy.id),
                ),
            )
        tick()

    # Active policies: past their end they expire; in their last days the holder is told to renew.
    renew_from = day + timedelta(days=int(setting("renewal_days")))
    for policy in session.scalars(
        select(Policy).where(Policy.status == ACTIVE, Policy.ends_on <= renew_from).order_by(Policy.id)
    ):
        if policy.ends_on <= day:
            policy.status = EXPIRED
            result.expired += 1
        elif policy.renewal_reminded_on is None and policy.product != "parcel":
            policy.renewal_reminded_on = day
            result.renewal_reminded += 1
            notify(
                policy.member,
                messages.RENEW(
                    policy=Digits(str(policy.id)),
                    product=Words(product_of(policy.product).words.name),
                    day=Day(policy.ends_on),
                    url=policy_url(policy.id),
                ),
            )
        tick()

    stale: Any = session.execute(
        update(Offer)
        .where(Offer.status == OFFER_OPEN, Offer.expires_on < day)
        .values(status=OFFER_EXPIRED)
        .execution_options(synchronize_session=False)
    )
    result.offers_expired = int(stale.rowcount or 0)
    session.flush()
    return result


def fund(session: Session, amount: Any, *, key: str, actor: Member | None = None) -> int:
    """Bring ``amount`` rials into the insurance pool from outside (cash in), once per key; the
    pool's balance after."""
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        message = _("Enter a whole number of rials above zero.")
        raise BadInput(message, fields={"amount": message})
    clean = str(key or "").strip()
    if not clean or len(clean) > KEY_MAX:
        message = _("Give a key of 1 to 200 characters, so the money moves once.")
        raise BadInput(message, fields={"key": message})
    pool = system_account(session, POOL)
    transfer(
        session, f"bimeh:fund:{clean}", system_account(session, "cash_in"), pool, amount, FUNDING, actor=actor
    )
    return pool.posted


def pool_balance(session: Session) -> int:
    return system_account(session, POOL).available


@dataclass(frozen=True)
class PoolFigures:
    balance: int
    premiums: int
    payouts: int
    active: int
    lapsed: int
    waiting: int
    waiting_rials: int
    paid_claims: int


def figures(session: Session, area: list[int] | None = None) -> PoolFigures:
    """The pool's balance (nationwide) and, within ``area``, premiums collected, claims paid,
    policies active and lapsed, claims waiting: a few aggregate queries."""
    paid_premiums = (
        select(func.coalesce(func.sum(Premium.amount), 0)).join(Policy).where(Premium.paid_at.is_not(None))
    )
    payouts = select(func.coalesce(func.sum(Claim.paid), 0)).where(
        Claim.status.in_((APPROVED, PART_APPROVED))
    )
    waiting = select(func.count(Claim.id), func.coalesce(func.sum(Claim.amount), 0)).where(
        Claim.status == WAITING
    )
    paid_count = select(func.count(Claim.id)).where(Claim.status.in_((APPROVED, PART_APPROVED)))
    by_status = select(Policy.status, func.count(Policy.id)).group_by(Policy.status)
    if area is not None:
        paid_premiums = paid_premiums.where(Policy.region_id.in_(area))
        payouts = payouts.where(Claim.region_id.in_(area))
        waiting = waiting.where(Claim.region_id.in_(area))
        paid_count = paid_count.where(Claim.region_id.in_(area))
        by_status = by_status.where(Policy.region_id.in_(area))
    counts = dict(session.execute(by_status).all())
    w_count, w_rials = session.execute(waiting).one()
    return PoolFigures(
        balance=pool_balance(session),
        premiums=int(session.scalar(paid_premiums) or 0),
        payouts=int(session.scalar(payouts) or 0),
        active=int(counts.get(ACTIVE, 0)),
        lapsed=int(counts.get(LAPSED, 0)),
        waiting=int(w_count or 0),
        waiting_rials=int(w_rials or 0),
        paid_claims=int(session.scalar(paid_count) or 0),
    )

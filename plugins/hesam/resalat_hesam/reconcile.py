"""The gateway's side of card top-ups checked: payments needing attention, the clearing account reconciled.

The clearing account ``card_gateway`` stands for the card network. Every card top-up credited
to a member is one ledger transfer out of it, so its balance is minus what was credited. The
gateway's verify says what it took from each card (``gateway_amount``). Reconciled, the books
say: what the gateway verified minus what was credited is exactly the money of the payments
named as needing attention (taken from a card, not credited: an amount mismatch), and the
clearing account moved for nothing else. Any other difference is a problem, named with its
payment or transfer.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session, joinedload

from resalat_core.sdk import Member, Page, Transfer, paginate, system_account, utcnow
from resalat_hesam.models import CREATED, REDIRECTED, VERIFIED, CardPayment
from resalat_hesam.payments import AMOUNT_MISMATCH, CLEARING

# A payment still open this long after it was asked is stuck: the member never came back, or
# the gateway never answered.
STUCK_MINUTES = 30
# How many of each kind of problem a report names (the counts are always whole).
LISTED = 50

MISMATCH = "amount_mismatch"
NOT_CREDITED = "verified_not_credited"
STUCK = "stuck"
ATTENTION_KINDS = (MISMATCH, NOT_CREDITED, STUCK)
_OPEN = (CREATED, REDIRECTED)
POSTED = "posted"


def _cutoff(now: datetime | None, minutes: int) -> datetime:
    return (now or utcnow()) - timedelta(minutes=minutes)


def attention_query(
    area: list[int] | None = None, *, now: datetime | None = None, minutes: int = STUCK_MINUTES
) -> Select[Any]:
    """Card payments needing an administrator, newest first: an amount mismatch, verified but not
    credited, or still open ``minutes`` after they were asked (of members in ``area``)."""
    open_ = CardPayment.state.in_(_OPEN)
    stmt = (
        select(CardPayment)
        .where(
            or_(
                and_(open_, CardPayment.failure == AMOUNT_MISMATCH),
                and_(CardPayment.state == VERIFIED, CardPayment.transfer_id.is_(None)),
                and_(open_, CardPayment.created_at < _cutoff(now, minutes)),
            )
        )
        .options(joinedload(CardPayment.member))
        .order_by(CardPayment.id.desc())
    )
    if area is not None:
        stmt = stmt.join(Member, Member.id == CardPayment.member_id).where(Member.region_id.in_(area))
    return stmt


def attention_kind(payment: CardPayment) -> str:
    """Why ``payment`` is on the list (a mismatch first: it is money taken from a card)."""
    if payment.failure == AMOUNT_MISMATCH:
        return MISMATCH
    if payment.state == VERIFIED:
        return NOT_CREDITED
    return STUCK


def attention_page(
    session: Session,
    area: list[int] | None,
    page: int,
    per_page: int,
    *,
    now: datetime | None = None,
    minutes: int = STUCK_MINUTES,
) -> Page[CardPayment]:
    """One page of the payments needing attention, with their members (two queries, and a count)."""
    return paginate(session, attention_query(area, now=now, minutes=minutes), page, per_page)


@dataclass
class Problem:
    """One thing that does not reconcile: what, which payment or ledger transfer, how much."""

    code: str
    amount: int
    payment_id: int | None = None
    transfer_id: int | None = None


@dataclass
class Reconciliation:
    """The clearing account's figures (integer rials) and whether they agree."""

    clearing_balance: int
    gateway_verified: int
    credited: int
    uncredited: int
    awaiting_attention: int
    ledger_in: int
    ledger_out: int
    problems: list[Problem] = field(default_factory=list)
    problem_counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problem_counts

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["ok"] = self.ok
        return data


def _add(report: Reconciliation, code: str, rows: list[Problem], count: int) -> None:
    if count:
        report.problem_counts[code] = count
        report.problems.extend(rows[:LISTED])


def reconcile(session: Session) -> Reconciliation:
    """Check the clearing account against the card payments; a handful of aggregate queries.

    - every ledger transfer touching the clearing account is the credit of one card payment
      (``stray_transfer`` otherwise);
    - each credit is posted, out of the clearing account, of exactly the payment's amount, which
      the gateway verified (``credit_differs``);
    - every verified payment was credited (``verified_not_credited``);
    - so the clearing balance is minus what was credited, and what the gateway verified minus
      what was credited is the money of the payments awaiting attention (``totals_differ``).
    """
    clearing = system_account(session, CLEARING)
    touches = or_(Transfer.debit_account_id == clearing.id, Transfer.credit_account_id == clearing.id)
    ledger_out, ledger_in = session.execute(
        select(
            func.coalesce(func.sum(Transfer.amount).filter(Transfer.debit_account_id == clearing.id), 0),
            func.coalesce(func.sum(Transfer.amount).filter(Transfer.credit_account_id == clearing.id), 0),
        ).where(touches, Transfer.state == POSTED)
    ).one()
    verified, awaiting = session.execute(
        select(
            func.coalesce(func.sum(CardPayment.gateway_amount), 0),
            func.coalesce(func.sum(CardPayment.gateway_amount).filter(CardPayment.transfer_id.is_(None)), 0),
        )
    ).one()
    credited = session.scalar(
        select(func.coalesce(func.sum(Transfer.amount), 0))
        .join(CardPayment, CardPayment.transfer_id == Transfer.id)
        .where(Transfer.state == POSTED, Transfer.debit_account_id == clearing.id)
    )
    report = Reconciliation(
        clearing_balance=int(clearing.posted),
        gateway_verified=int(verified or 0),
        credited=int(credited or 0),
        uncredited=int(verified or 0) - int(credited or 0),
        awaiting_attention=int(awaiting or 0),
        ledger_in=int(ledger_in),
        ledger_out=int(ledger_out),
    )

    # Transfers on the clearing account that no card payment accounts for.
    linked = select(CardPayment.transfer_id).where(CardPayment.transfer_id.is_not(None))
    stray = select(Transfer.id, Transfer.amount).where(touches, Transfer.id.not_in(linked))
    stray_count = session.scalar(select(func.count()).select_from(stray.subquery())) or 0
    stray_rows = session.execute(stray.order_by(Transfer.id).limit(LISTED)).all()
    _add(
        report,
        "stray_transfer",
        [Problem("stray_transfer", r.amount, transfer_id=r.id) for r in stray_rows],
        stray_count,
    )

    # Credits that are not exactly what the gateway verified for the payment.
    differs = (
        select(CardPayment.id, CardPayment.amount, Transfer.id.label("tid"))
        .join(Transfer, Transfer.id == CardPayment.transfer_id)
        .where(
            or_(
                Transfer.amount != CardPayment.amount,
                Transfer.debit_account_id != clearing.id,
                Transfer.state != POSTED,
                CardPayment.state != VERIFIED,
                CardPayment.gateway_amount.is_(None),
                CardPayment.gateway_amount != CardPayment.amount,
            )
        )
    )
    count = session.scalar(select(func.count()).select_from(differs.subquery())) or 0
    differ_rows = session.execute(differs.order_by(CardPayment.id).limit(LISTED)).all()
    _add(
        report,
        "credit_differs",
        [Problem("credit_differs", r.amount, payment_id=r.id, transfer_id=r.tid) for r in differ_rows],
        count,
    )

    # Verified payments with no credit at all.
    missing = select(CardPayment.id, CardPayment.amount).where(
        CardPayment.state == VERIFIED, CardPayment.transfer_id.is_(None)
    )
    count = session.scalar(select(func.count()).select_from(missing.subquery())) or 0
    rows = session.execute(missing.order_by(CardPayment.id).limit(LISTED)).all()
    _add(
        report,
        NOT_CREDITED,
        [Problem(NOT_CREDITED, r.amount, payment_id=r.id) for r in rows],
        count,
    )

    # The two identities the figures must keep.
    if (
        report.clearing_balance != report.ledger_in - report.ledger_out
        or report.clearing_balance != -report.credited
    ):
        _add(
            report,
            "balance_differs",
            [Problem("balance_differs", report.clearing_balance + report.credited)],
            1,
        )
    if report.uncredited != report.awaiting_attention:
        diff = report.uncredited - report.awaiting_attention
        _add(report, "totals_differ", [Problem("totals_differ", diff)], 1)
    return report

"""The vouchers' rules (no Flask here): pages, API, CLI and hooks all call these.

The rooms: ``people`` (who may give whom a voucher), ``issuing`` (batches, the budget, giving a
voucher on), ``rules`` (where a voucher may be spent), ``spending`` (checkout, booths, refunds),
``expiry`` (value back to the issuer). Money only moves through the ledger, between the issuer's
account, the float (every voucher's balance) and escrow or a seller.
"""

from __future__ import annotations

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from resalat_core.sdk import Member

from ..models import Voucher, VoucherBatch, VoucherUse
from .expiry import Expired, expire_due, expire_one, expiring_ids
from .issuing import (
    CheckedBatch,
    budget_account,
    check_batch,
    float_account,
    fund_budget,
    give_voucher,
    issue_batch,
    own_voucher,
)
from .people import add_person, issuer_kinds, may_receive, people_of, remove_person, supports
from .spending import (
    ChargePreview,
    charge,
    clean_code,
    method_code,
    payment_methods,
    preview_charge,
    refunded,
    take,
    usable_vouchers,
)


def vouchers_query(member: Member) -> Select[Voucher]:
    """The member's vouchers, the newest first."""
    return select(Voucher).where(Voucher.holder_id == member.id).order_by(Voucher.id.desc())


def vouchers_of_batch(batch: VoucherBatch) -> Select[int]:
    return select(Voucher.id).where(Voucher.batch_id == batch.id).order_by(Voucher.id)


def batches_query(issuer: Member) -> Select[VoucherBatch]:
    return select(VoucherBatch).where(VoucherBatch.issuer_id == issuer.id).order_by(VoucherBatch.id.desc())


# How many of a voucher's latest uses its detail in the API carries; the rest page by page.
USES_SHOWN = 20


def uses_query(voucher: Voucher) -> Select[VoucherUse]:
    """What happened to the voucher, the latest first: a voucher spent in small parts has many."""
    return select(VoucherUse).where(VoucherUse.voucher_id == voucher.id).order_by(VoucherUse.id.desc())


def uses_of(session: Session, voucher: Voucher, limit: int = USES_SHOWN) -> list[VoucherUse]:
    """The voucher's ``limit`` latest uses, the latest first."""
    return list(session.scalars(uses_query(voucher).limit(limit)))


def batch_left(session: Session, batch_ids: list[int]) -> dict[int, int]:
    """What is still on each batch's vouchers (one query for a page of batches)."""
    if not batch_ids:
        return {}
    rows = session.execute(
        select(Voucher.batch_id, func.sum(Voucher.balance))
        .where(Voucher.batch_id.in_(batch_ids))
        .group_by(Voucher.batch_id)
    )
    return {batch_id: int(left or 0) for batch_id, left in rows}


def outstanding(session: Session) -> int:
    """Every voucher's balance together: what the float account must hold."""
    return int(session.scalar(select(func.coalesce(func.sum(Voucher.balance), 0))) or 0)


__all__ = [
    "CheckedBatch",
    "check_batch",
    "ChargePreview",
    "Expired",
    "add_person",
    "batch_left",
    "batches_query",
    "budget_account",
    "charge",
    "clean_code",
    "expire_due",
    "expire_one",
    "expiring_ids",
    "float_account",
    "fund_budget",
    "give_voucher",
    "issue_batch",
    "issuer_kinds",
    "may_receive",
    "method_code",
    "outstanding",
    "own_voucher",
    "payment_methods",
    "people_of",
    "preview_charge",
    "refunded",
    "remove_person",
    "supports",
    "take",
    "usable_vouchers",
    "USES_SHOWN",
    "uses_of",
    "uses_query",
    "vouchers_of_batch",
    "vouchers_query",
]

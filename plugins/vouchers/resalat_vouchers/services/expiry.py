"""Expiry: what is left on a voucher past its last day goes back to the account that paid for it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from resalat_core.sdk import get_account, today_in_iran, transfer

from .. import RETURNED
from ..models import USE_EXPIRED, Voucher, VoucherUse
from .issuing import float_account
from .spending import _lock


@dataclass
class Expired:
    vouchers: int = 0
    rials: int = 0


def expiring_ids(session: Session, today: date | None = None) -> list[int]:
    """Vouchers past their last day with value still on them (a refund may put value back later)."""
    day = today or today_in_iran()
    return list(
        session.scalars(
            select(Voucher.id).where(Voucher.expires_on < day, Voucher.balance > 0).order_by(Voucher.id)
        )
    )


def expire_one(session: Session, voucher_id: int, today: date | None = None) -> int:
    """Return what is left on one expired voucher to its issuer's account; the rials returned."""
    voucher = _lock(session, voucher_id)
    day = today or today_in_iran()
    if voucher is None or voucher.expires_on >= day or voucher.balance <= 0:
        return 0
    # A refund may put value back on an expired voucher: each return has its own key.
    n = session.scalar(
        select(func.count(VoucherUse.id)).where(
            VoucherUse.voucher_id == voucher.id, VoucherUse.kind == USE_EXPIRED
        )
    )
    key = f"vouchers:voucher:{voucher.id}:expired:{(n or 0) + 1}"
    amount = voucher.balance
    session.add(VoucherUse(voucher_id=voucher.id, key=key, kind=USE_EXPIRED, amount=amount))
    voucher.balance = 0
    session.flush()
    transfer(
        session,
        key,
        float_account(session),
        get_account(session, voucher.batch.source_account_id),
        amount,
        RETURNED,
        f"vouchers:voucher:{voucher.id}",
        params={"voucher": voucher.id},
    )
    return amount


def expire_due(
    session: Session, today: date | None = None, progress: Callable[[int], None] | None = None
) -> Expired:
    """Expire every voucher past its last day; ``progress(n)`` after each."""
    result = Expired()
    for voucher_id in expiring_ids(session, today):
        with session.begin_nested():
            returned = expire_one(session, voucher_id, today)
        if returned:
            result.vouchers += 1
            result.rials += returned
        if progress is not None:
            progress(1)
    return result

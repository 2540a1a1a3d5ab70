"""Spending vouchers: offered at M-Bazar's checkout (each usable voucher a way to pay first, in
part), charged by a booth that scans one, and the value put back when an order is cancelled.

Races. Every change of a balance locks the voucher's row first (``FOR UPDATE`` on PostgreSQL;
SQLite's write transactions are one at a time) and reads the balance again under the lock, so two
checkouts spending the same voucher at once take what it holds once: the second finds what the
first left.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from resalat_bazaar.services import FIRST, Booth, Cart, Due, PaymentMethod, PaymentPart
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from resalat_core.sdk import (
    BadInput,
    Day,
    Member,
    Money,
    NotAllowed,
    _,
    _l,
    main_account,
    normalize_text,
    notify,
    to_latin_digits,
    today_in_iran,
    transfer,
)

from .. import CHARGED, SPENT, messages
from ..models import CODE_LENGTH, USE_BOOTH, USE_CHECKOUT, USE_REFUND, Voucher, VoucherUse
from .issuing import float_account
from .rules import Rules

METHOD_PREFIX = "vouchers.v"
OFFERED_MAX = 8  # the checkout lets a buyer choose ten ways at once: room for a plan too
_CODE = re.compile(r"^vouchers\.v([1-9][0-9]{0,9})$")


def method_code(voucher: Voucher) -> str:
    return f"{METHOD_PREFIX}{voucher.id}"


def voucher_url(voucher: Voucher) -> str:
    return f"/vouchers/{voucher.id}"


def usable_vouchers(session: Session, member: Member) -> list[Voucher]:
    """The member's vouchers with value left that may still be spent, the soonest to expire first."""
    return list(
        session.scalars(
            select(Voucher)
            .where(Voucher.holder_id == member.id, Voucher.balance > 0, Voucher.expires_on >= today_in_iran())
            .order_by(Voucher.expires_on, Voucher.id)
            .limit(OFFERED_MAX)
        ).unique()
    )


def payment_methods(session: Session, buyer: Member, cart: Cart) -> list[PaymentMethod]:
    """Each usable voucher that can pay part of this cart, as a way to pay first."""
    rules = Rules(session)
    offered = []
    for voucher in usable_vouchers(session, buyer):
        payable = sum(
            rules.payable(
                voucher.batch,
                group.booth,
                [(line.product.category_id, line.product.programmes, line.total) for line in group.lines],
            )
            for group in cart.groups
        )
        covers = min(payable, voucher.balance)
        if covers <= 0:
            continue
        offered.append(
            PaymentMethod(
                method_code(voucher),
                _l("Voucher: %(title)s", title=voucher.batch.title),
                pay_now=cart.total - covers,
                total=cart.total - covers,
                description=_l("From %(issuer)s", issuer=voucher.batch.issuer.name),
                terms=(
                    _l(
                        "Pays %(amount)s of this cart; %(left)s stays on the voucher.",
                        amount=Money(covers),
                        left=Money(voucher.balance - covers),
                    ),
                    _l("Valid through %(day)s.", day=Day(voucher.expires_on)),
                ),
                url=voucher_url(voucher),
                stage=FIRST,
            )
        )
    return offered


def _lock(session: Session, voucher_id: int) -> Voucher | None:
    """The voucher, its row locked to the end of the transaction, read afresh under the lock."""
    locked = session.scalar(select(Voucher.id).where(Voucher.id == voucher_id).with_for_update())
    if locked is None:
        return None
    return (
        session.scalars(
            select(Voucher).where(Voucher.id == voucher_id).execution_options(populate_existing=True)
        )
        .unique()
        .one()
    )


def _refuse_unusable(voucher: Voucher) -> None:
    if voucher.expired(today_in_iran()):
        raise BadInput(
            _("This voucher expired on %(day)s; it can no longer pay.", day=Day(voucher.expires_on)),
            fields={"methods": _("This voucher has expired.")},
            code="voucher_expired",
        )
    if voucher.balance <= 0:
        raise BadInput(
            _("This voucher has been spent already; nothing is left on it."),
            fields={"methods": _("This voucher has been spent.")},
            code="voucher_spent",
        )


def take(session: Session, buyer: Member, code: str, dues: list[Due], key: str) -> list[PaymentPart]:
    """Pay what the voucher named by ``code`` may of each due order; the rest stays on it.

    Refuses (``BadInput``, nothing changed) a voucher that is not the buyer's, that has expired or
    been spent, or that may pay for nothing in these orders.
    """
    match = _CODE.match(code or "")
    voucher = _lock(session, int(match.group(1))) if match else None
    if voucher is None or voucher.holder_id != buyer.id:
        raise BadInput(
            _("This voucher is not yours; only its holder may spend it."),
            fields={"methods": _("This voucher is not yours.")},
            code="voucher_foreign",
        )
    _refuse_unusable(voucher)
    rules = Rules(session)
    left = voucher.balance
    parts: list[PaymentPart] = []
    for due in dues:
        if left <= 0:
            break
        order = due.order
        payable = rules.payable(
            voucher.batch,
            order.booth,
            [
                (item.category_id, item.product.programmes, item.unit_price * item.quantity)
                for item in order.items
            ],
        )
        amount = min(left, due.due, payable)
        if amount <= 0:
            continue
        left -= amount
        parts.append(
            PaymentPart(
                order.id, float_account(session), amount, SPENT, {"voucher": voucher.id, "order": order.id}
            )
        )
        session.add(
            VoucherUse(
                voucher_id=voucher.id,
                key=f"vouchers:voucher:{voucher.id}:order:{order.id}",
                kind=USE_CHECKOUT,
                amount=amount,
                order_id=order.id,
                booth_id=order.booth_id,
                actor_id=buyer.id,
                params={"checkout": key[:100]},
            )
        )
    if not parts:
        raise BadInput(
            _("This voucher may not pay for anything in your cart: %(title)s.", title=voucher.batch.title),
            fields={"methods": _("This voucher may not pay for these goods.")},
            code="voucher_not_here",
        )
    voucher.balance = left
    session.flush()
    return parts


def refunded(session: Session, order: Any, payments: list[Any]) -> None:
    """An order a voucher paid was cancelled: its money is back in the float, so its value goes
    back on the voucher (once per payment)."""
    for payment in payments:
        match = _CODE.match(payment.method or "")
        if match is None:
            continue
        key = f"vouchers:refund:payment:{payment.id}"
        if session.scalar(select(VoucherUse.id).where(VoucherUse.key == key)) is not None:
            continue
        voucher_id = int(match.group(1))
        session.execute(
            update(Voucher)
            .where(Voucher.id == voucher_id)
            .values(balance=Voucher.balance + payment.amount)
            .execution_options(synchronize_session=False)
        )
        session.add(
            VoucherUse(
                voucher_id=voucher_id,
                key=key,
                kind=USE_REFUND,
                amount=-payment.amount,
                order_id=order.id,
                booth_id=order.booth_id,
            )
        )
        voucher = session.get(Voucher, voucher_id)
        if voucher is not None:
            session.refresh(voucher, ["balance"])
    session.flush()


# --- a booth charges a voucher it scanned ------------------------------------------------------------


@dataclass(frozen=True)
class ChargePreview:
    """What the booth confirms before the money moves."""

    voucher: Voucher
    booth: Booth
    amount: int

    @property
    def left(self) -> int:
        return self.voucher.balance - self.amount


def clean_code(code: Any) -> str:
    """A code as typed or scanned: any digits, spaces and dashes, any letter case."""
    text = to_latin_digits(normalize_text(str(code or ""))).upper()
    return re.sub(r"[\s\-]", "", text)


def preview_charge(
    session: Session, seller: Member, booth_id: int | None, code: Any, amount: int | None
) -> ChargePreview:
    """Check that the seller's booth may charge ``amount`` rials to the voucher with ``code``."""
    booth = session.get(Booth, booth_id) if isinstance(booth_id, int) else None
    if booth is None or booth.owner_id != seller.id:
        raise NotAllowed(_("Only a booth's owner may charge vouchers there."))
    if not booth.is_open:
        raise BadInput(_("Open your booth before charging vouchers."), code="booth_closed")
    clean = clean_code(code)
    voucher = (
        session.scalars(select(Voucher).where(Voucher.code == clean)).unique().one_or_none()
        if len(clean) == CODE_LENGTH
        else None
    )
    if voucher is None:
        message = _("No voucher has this code; scan it again or type it as shown.")
        raise BadInput(message, fields={"code": message}, code="unknown_voucher")
    if voucher.holder_id == seller.id:
        message = _("A booth may not charge its owner's own voucher.")
        raise BadInput(message, fields={"code": message})
    try:
        _refuse_unusable(voucher)
    except BadInput as exc:
        raise BadInput(exc.message, fields={"code": exc.message}, code=exc.code) from exc
    if voucher.batch.restricted_to_goods:
        message = _(
            "This voucher may buy only some goods; it is spent at M-Bazar's checkout, not at a booth."
        )
        raise BadInput(message, fields={"code": message}, code="voucher_not_here")
    if not Rules(session).booth_ok(voucher.batch, booth):
        message = _("This voucher may not be spent at this booth.")
        raise BadInput(message, fields={"code": message}, code="voucher_not_here")
    if amount is None or isinstance(amount, bool) or amount <= 0:
        message = _("Enter the amount to charge.")
        raise BadInput(message, fields={"amount": message})
    if amount > voucher.balance:
        message = _("This voucher holds only %(balance)s.", balance=Money(voucher.balance))
        raise BadInput(message, fields={"amount": message}, code="insufficient_funds")
    return ChargePreview(voucher, booth, amount)


def charge(
    session: Session, seller: Member, booth_id: int | None, code: Any, amount: int | None, *, key: str
) -> VoucherUse:
    """Charge ``amount`` rials to the voucher for the seller's booth, paid into the seller's main
    account, once per ``key`` (the confirmation page's)."""
    if not key or len(key) > 100:
        raise BadInput(_("This form has expired; open it again."), fields={"key": _("Required.")})
    use_key = f"vouchers:charge:{seller.id}:{key}"
    done = session.scalar(select(VoucherUse).where(VoucherUse.key == use_key))
    if done is not None:
        return done
    checked = preview_charge(session, seller, booth_id, code, amount)
    voucher = _lock(session, checked.voucher.id)
    assert voucher is not None
    checked = preview_charge(session, seller, booth_id, code, amount)  # again, under the lock
    booth = checked.booth
    use = VoucherUse(
        voucher_id=voucher.id,
        key=use_key,
        kind=USE_BOOTH,
        amount=checked.amount,
        booth_id=booth.id,
        actor_id=seller.id,
        params={"booth": booth.name},
    )
    session.add(use)
    voucher.balance -= checked.amount
    session.flush()
    transfer(
        session,
        use_key,
        float_account(session),
        main_account(session, seller),
        checked.amount,
        CHARGED,
        f"vouchers:voucher:{voucher.id}",
        params={"voucher": voucher.id, "booth": booth.name},
        actor=seller,
    )
    notify(
        voucher.holder,
        messages.CHARGED(
            amount=Money(checked.amount),
            booth=booth.name,
            left=Money(voucher.balance),
            url=voucher_url(voucher),
        ),
    )
    return use

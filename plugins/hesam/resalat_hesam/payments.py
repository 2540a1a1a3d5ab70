"""Top-ups by bank card through an internet payment gateway: start, verify on return, credit once.

The rules, in one place for the pages, the API and the tests:
- a payment is asked once per member and key: asking again with the same key and amount finds
  the first payment (and its gateway page); with another amount it is a conflict;
- the callback's own words are never trusted: the gateway's ``verify`` decides, and only a
  verified payment of exactly the amount asked credits the member;
- the credit moves once: the payment row is locked while it is verified, and the ledger key
  ``hesam:card:<payment id>`` would refuse a second credit even without the lock;
- a refused callback (unknown token, another amount, nothing paid yet) changes nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from resalat_core.sdk import (
    MAX_BIG_ID,
    BadInput,
    Conflict,
    Digits,
    Member,
    Money,
    NotFound,
    Page,
    _,
    main_account,
    notify,
    paginate,
    system_account,
    transfer,
)
from resalat_hesam import gateways
from resalat_hesam.gateways import GatewayError, PaymentGateway
from resalat_hesam.messages import CARD_TOP_UP_VERIFIED
from resalat_hesam.models import (
    CANCELLED,
    CREATED,
    FAILED,
    KEY_MAX,
    REDIRECTED,
    VERIFIED,
    CardPayment,
)

PURPOSE_CARD = "card_top_up"
AMOUNT_MISMATCH = "amount_mismatch"
# The gateway's clearing account: what the card network owes us until the bank settles it.
CLEARING = "card_gateway"
# Shaparak's gateways take at least 1,000 tomans; the cap is the usual one per card payment.
MIN_RIALS = 10_000
MAX_RIALS = 2_000_000_000
FINAL = (VERIFIED, FAILED, CANCELLED)


@dataclass(frozen=True)
class Started:
    """A payment asked of the gateway (or found already asked with the same key: ``replayed``)."""

    payment: CardPayment
    replayed: bool


@dataclass(frozen=True)
class Returned:
    """What the member's return from the gateway did: the payment as it now stands, and whether
    this return found it already decided (``replayed``: nothing moved this time)."""

    payment: CardPayment
    replayed: bool


def _mismatch() -> str:
    return _("The gateway's answer does not match this payment; nothing was done.")


def payment_key(key: str | None) -> str:
    """The member's idempotency key, as stored (a long API key is kept as its hash)."""
    key = (key or "").strip()
    if not key or not key.isprintable() or len(key) > 200:
        raise BadInput(_("This form has no valid payment key; please start again."), code="bad_key")
    if len(key) > KEY_MAX:
        key = "sha256:" + hashlib.sha256(key.encode()).hexdigest()
    return key


def check_card_amount(amount: int | None, field: str = "amount") -> int:
    """Whole rials between the gateway's least and most; else BadInput naming ``field``."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        message = _("Enter the amount in digits.")
        raise BadInput(message, fields={field: message})
    if amount < MIN_RIALS:
        message = _("A card top-up is at least %(amount)s.", amount=Money(MIN_RIALS))
        raise BadInput(message, fields={field: message}, code="too_small")
    if amount > MAX_RIALS:
        message = _("A card top-up is at most %(amount)s.", amount=Money(MAX_RIALS))
        raise BadInput(message, fields={field: message}, code="too_large")
    return amount


def start_payment(
    session: Session,
    member: Member,
    amount: int | None,
    *,
    key: str,
    gateway: PaymentGateway,
    callback_url: str,
) -> Started:
    """Ask the gateway for a payment of ``amount`` rials into ``member``'s main account.

    Returns the payment with its ``redirect_url`` (the gateway's page). Nothing is credited
    here. Nothing is committed: the caller commits.
    """
    rials = check_card_amount(amount)
    stored_key = payment_key(key)
    if not member.is_active:
        raise BadInput(_("This member's account is deactivated."), code="inactive_member")
    found = _asked(session, member, stored_key, rials)
    if found is not None:
        return found
    payment = CardPayment(
        member_id=member.id, amount=rials, key=stored_key, gateway=gateway.name, state=CREATED
    )
    try:
        with session.begin_nested():
            session.add(payment)
    except IntegrityError:
        # The same form sent twice at once: the other request holds the key; answer with its payment.
        again = _asked(session, member, stored_key, rials)
        assert again is not None
        return again
    try:
        started = gateway.create(session, order_id=payment.id, amount=rials, callback_url=callback_url)
    except GatewayError as exc:
        raise BadInput(
            _("The payment gateway is not answering; please try again in a few minutes."),
            code="gateway_unreachable",
        ) from exc
    payment.token = started.token
    payment.redirect_url = started.redirect_url
    payment.state = REDIRECTED
    session.flush()
    return Started(payment, False)


def _asked(session: Session, member: Member, key: str, rials: int) -> Started | None:
    """The payment already asked with ``key``, if any; with another amount, a Conflict."""
    found = session.scalar(
        select(CardPayment).where(CardPayment.member_id == member.id, CardPayment.key == key)
    )
    if found is None:
        return None
    if found.amount != rials:
        raise Conflict(_("This payment key was already used for another amount."), code="key_reused")
    return Started(found, True)


def _locked_payment(session: Session, gateway: PaymentGateway, token: str) -> CardPayment:
    """The payment of ``token``, its row held until the transaction ends, so that two returns at
    once are verified one after the other (SQLite's BEGIN IMMEDIATE serialises them already)."""
    token = (token or "").strip()
    found = (
        session.scalar(
            select(CardPayment)
            .where(CardPayment.gateway == gateway.name, CardPayment.token == token)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        if token and len(token) <= 100
        else None
    )
    if found is None:
        raise NotFound(_("No such payment."), code="unknown_payment")
    return found


def complete_payment(
    session: Session, token: str, *, gateway: PaymentGateway, amount: str | int | None = None
) -> Returned:
    """The member came back from the gateway with ``token``: verify it, and credit once if paid.

    ``amount``, when the callback carries one, must be the payment's own (a changed one is a
    tampered callback). The callback's status is not even read: only ``verify`` decides.
    A payment already decided answers as it stands (``replayed``). Nothing is committed.
    """
    payment = _locked_payment(session, gateway, token)
    if amount not in (None, "") and str(amount).strip() != str(payment.amount):
        raise BadInput(_mismatch(), code="tampered")
    if payment.state in FINAL:
        return Returned(payment, True)
    try:
        verdict = gateway.verify(session, payment.token or "")
    except GatewayError as exc:
        raise BadInput(
            _("The payment gateway is not answering; please try again in a few minutes."),
            code="gateway_unreachable",
        ) from exc
    if verdict.paid:
        payment.gateway_amount = verdict.amount
        if verdict.amount != payment.amount or not verdict.reference:
            # Never credit another amount than asked: the payment waits for someone to look, so
            # what the gateway said is kept (the refusal commits it) for the administrators' list.
            payment.failure = AMOUNT_MISMATCH
            payment.reference = verdict.reference or None
            session.flush()
            raise BadInput(
                _(
                    "The gateway reports another amount than this payment's; nothing was added. "
                    "An administrator will look at it."
                ),
                code="amount_mismatch",
                keep_changes=True,
            )
        _credit(session, payment, verdict.reference)
        return Returned(payment, False)
    if verdict.failure == gateways.UNPAID:
        raise BadInput(_("The gateway has not confirmed this payment; nothing was added."), code="not_paid")
    payment.state = CANCELLED if verdict.failure == gateways.CANCELLED else FAILED
    payment.failure = verdict.failure or gateways.DECLINED
    session.flush()
    return Returned(payment, False)


def _credit(session: Session, payment: CardPayment, reference: str) -> None:
    member = session.get(Member, payment.member_id)
    assert member is not None  # the foreign key keeps it
    made = transfer(
        session,
        f"hesam:card:{payment.id}",
        system_account(session, CLEARING),
        main_account(session, member),
        payment.amount,
        PURPOSE_CARD,
        reference,
        params={"reference": Digits(reference)},
    )
    payment.state = VERIFIED
    payment.reference = reference
    payment.transfer_id = made.id
    session.flush()
    notify(member, CARD_TOP_UP_VERIFIED(url=f"/hesam/payments/{payment.id}", amount=Money(payment.amount)))


def my_payment(session: Session, member: Member, payment_id: int) -> CardPayment:
    """One of ``member``'s payments; anyone else's (or none) is NotFound."""
    found = session.get(CardPayment, payment_id) if 0 < payment_id <= MAX_BIG_ID else None
    if found is None or found.member_id != member.id:
        raise NotFound(_("No such payment."), code="unknown_payment")
    return found


def payments_of(session: Session, member: Member, page: int, per_page: int) -> Page[CardPayment]:
    """The member's card payments, newest first, one page."""
    stmt = select(CardPayment).where(CardPayment.member_id == member.id).order_by(CardPayment.id.desc())
    return paginate(session, stmt, page, per_page)

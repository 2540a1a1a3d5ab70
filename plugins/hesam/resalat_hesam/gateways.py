"""Internet payment gateways (IPG, through Shaparak): one adapter interface and the sandbox gateway.

Every Iranian card gateway works the same way: the merchant asks for a payment (amount, order
id, callback address) and gets a token; the member's browser goes to the gateway's page with it;
the gateway sends the browser back to the callback; the merchant then *verifies* the token
server to server, and only the verification's answer (paid amount and tracking number) counts.
``PaymentGateway`` is that contract; which adapter runs is the setting ``gateway``.

A real provider's adapter is a class with the two methods below (its merchant id and keys read
from its own settings), registered by naming it in the config: ``[plugins.hesam] gateway =
"package.module:ProviderGateway"``. Nothing else in M-Hesam changes.
"""

from __future__ import annotations

import importlib
import secrets
from dataclasses import dataclass
from typing import Protocol

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from resalat_core.sdk import _
from resalat_hesam.models import SandboxPayment

# What a verification may say instead of "paid" (the pages word each code).
DECLINED = "declined"
CANCELLED = "cancelled"
UNPAID = "unpaid"


class GatewayError(Exception):
    """The gateway could not be reached or refused the request; nothing was paid."""


@dataclass(frozen=True)
class Started:
    """The gateway's answer to a new payment: its token and where to send the member."""

    token: str
    redirect_url: str


@dataclass(frozen=True)
class Verdict:
    """The gateway's verification of a token: paid (with the amount and tracking number) or not.

    ``failure`` is ``declined`` or ``cancelled`` (final: the member did not pay), or ``unpaid``
    (the gateway has no payment yet for this token: the callback came early or was forged).
    """

    paid: bool
    amount: int = 0
    reference: str | None = None
    failure: str | None = None


class PaymentGateway(Protocol):
    """An internet payment gateway: create a payment, then verify it when the member returns."""

    name: str

    def create(self, session: Session, *, order_id: int, amount: int, callback_url: str) -> Started:
        """Ask the gateway for a payment of ``amount`` rials; raise GatewayError if it refuses."""
        ...

    def verify(self, session: Session, token: str) -> Verdict:
        """Ask the gateway what happened to ``token``; the same token always gives the same answer
        once it is final. Raise GatewayError if the gateway cannot be reached."""
        ...


# --- the sandbox gateway: served by M-Hesam itself -----------------------------------------------

# The card the sandbox accepts (it passes the Luhn check); any other card is refused.
SANDBOX_CARD = "6037990000000006"


def luhn_ok(digits: str) -> bool:
    """The card number check (ISO/IEC 7812): every second digit from the right doubled."""
    if not digits.isdecimal() or not digits.isascii() or not 16 <= len(digits) <= 19:
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


class SandboxGateway:
    """A gateway for the embedded set-up and the tests, served by M-Hesam's own pages.

    It keeps its side of each payment in its own table, as a bank would on its servers, and
    answers ``verify`` only from there: the callback's own words are never trusted.
    """

    name = "sandbox"

    def create(self, session: Session, *, order_id: int, amount: int, callback_url: str) -> Started:
        token = secrets.token_urlsafe(24)
        session.add(SandboxPayment(token=token, amount=amount, order_id=order_id, callback_url=callback_url))
        session.flush()
        return Started(token, url_for("hesam.sandbox_pay", token=token))

    def verify(self, session: Session, token: str) -> Verdict:
        found = session.scalar(select(SandboxPayment).where(SandboxPayment.token == token))
        if found is None or found.state == "waiting":
            return Verdict(False, failure=UNPAID)
        if found.state == "paid":
            return Verdict(True, amount=found.amount, reference=found.reference)
        return Verdict(False, failure=CANCELLED if found.state == "cancelled" else DECLINED)


def sandbox_payment(session: Session, token: str) -> SandboxPayment | None:
    return session.scalar(select(SandboxPayment).where(SandboxPayment.token == token))


def sandbox_decide(session: Session, payment: SandboxPayment, outcome: str, card: str = "") -> None:
    """The payer's choice on the sandbox page: ``pay`` with the test card, ``fail`` or ``cancel``.

    A decided payment stays as it was decided (a bank does not take money twice).
    """
    if payment.state != "waiting":
        return
    if outcome == "cancel":
        payment.state = "cancelled"
    elif outcome == "fail":
        payment.state = "failed"
    else:
        payment.state = "paid"
        # A tracking number (شماره پیگیری) like a bank's: twelve digits.
        payment.reference = f"{secrets.randbelow(10**12):012d}"
        payment.card_mask = card[:6] + "******" + card[-4:]
    session.flush()


# --- choosing the adapter ------------------------------------------------------------------------

GATEWAYS: dict[str, type] = {"sandbox": SandboxGateway}


def gateway_named(name: str) -> PaymentGateway:
    """The adapter the setting names: a built-in (``sandbox``) or ``package.module:Class``."""
    if name in GATEWAYS:
        made: PaymentGateway = GATEWAYS[name]()
        return made
    module, _sep, attr = name.partition(":")
    if not module or not attr:
        raise GatewayError(_("No payment gateway is named %(name)s.", name=name))
    try:
        factory = getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError) as exc:
        raise GatewayError(_("No payment gateway is named %(name)s.", name=name)) from exc
    found: PaymentGateway = factory()
    return found

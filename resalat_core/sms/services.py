"""Sending text messages through one adapter, chosen by the ``sms_provider`` setting.

An adapter is any object with ``send(mobile, text) -> message id``. The app builds one at start
from ``sms_provider``:

- ``outbox`` (the default): the message is stored in the ``sms_outbox`` table, in the caller's
  transaction, and shown to nationwide administrators at ``/admin/sms``. The embedded set-up and
  the tests read codes there; nothing leaves the machine.
- the name of an entry point in the ``resalat.sms_providers`` group, which an installed package
  declares (``kavenegar = "resalat_kavenegar:KavenegarSms"``);
- or a dotted path, ``package.module:Factory``.

A factory is called once with the app's settings (a dict: a provider reads its own keys, such as
``sms_api_key``) and returns the adapter. An adapter that cannot deliver raises ``SmsNotSent``.
"""

from __future__ import annotations

import importlib
import logging
from importlib.metadata import entry_points
from typing import Any, Protocol, runtime_checkable

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from resalat_core.errors import BadInput, ResalatError
from resalat_core.i18n import _
from resalat_core.identity import normalize_mobile
from resalat_core.pagination import Page, paginate
from resalat_core.sms.models import SmsMessage

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "resalat.sms_providers"
# A long Persian message is sent in parts of 67 characters; ten parts is more than any message needs.
MAX_TEXT = 670


@runtime_checkable
class SmsProvider(Protocol):
    """What an SMS adapter offers: send one message, answer the provider's id for it."""

    def send(self, mobile: str, text: str) -> str:
        """Hand ``text`` to the provider for ``mobile`` (``09…``); raise SmsNotSent on failure."""
        ...


class SmsNotSent(ResalatError):
    """The provider could not take the message (down, out of credit, refused it): 503."""

    status = 503
    code = "sms_not_sent"


class OutboxSms:
    """The provider of the embedded set-up: each message becomes a row of ``sms_outbox``.

    It writes through the request's (or command's) session, so a message is kept only if the act
    that sent it commits, as a real provider would not be called for an act that failed first.
    """

    def __init__(self, config: dict[str, Any] | None = None) -> None:
        self.config = config or {}

    def send(self, mobile: str, text: str) -> str:
        from resalat_core.db import db_session

        session = db_session()
        message = SmsMessage(mobile=mobile, text=text)
        session.add(message)
        session.flush()
        return f"outbox-{message.id}"


BUILT_IN: dict[str, Any] = {"outbox": OutboxSms}


def load_provider(config: dict[str, Any]) -> SmsProvider:
    """The adapter ``config["sms_provider"]`` names; ValueError naming it when it cannot be found."""
    name = str(config.get("sms_provider") or "outbox").strip()
    factory: Any = BUILT_IN.get(name)
    if factory is None and ":" not in name:
        found = [ep for ep in entry_points(group=ENTRY_POINT_GROUP) if ep.name == name]
        if found:
            factory = found[0].load()
    if factory is None and ":" in name:
        module, _sep, attr = name.partition(":")
        try:
            factory = getattr(importlib.import_module(module), attr)
        except (ImportError, AttributeError) as exc:
            raise ValueError(f"sms_provider {name!r} cannot be imported: {exc}") from exc
    if factory is None:
        known = ", ".join(sorted({*BUILT_IN, *(ep.name for ep in entry_points(group=ENTRY_POINT_GROUP))}))
        raise ValueError(
            f"sms_provider {name!r} is not a provider ({known}) nor a 'package.module:Factory' path"
        )
    provider = factory(config)
    if not isinstance(provider, SmsProvider):
        raise ValueError(f"sms_provider {name!r} made {provider!r}, which has no send(mobile, text)")
    return provider


def provider() -> SmsProvider:
    """The current app's adapter."""
    return current_app.extensions["resalat"].sms


def send_sms(mobile: str, text: str) -> str:
    """Send ``text`` to ``mobile`` through the configured provider; the provider's message id.

    The mobile may be typed any way ``normalize_mobile`` reads; ``text`` is sent as given, so
    write it in the recipient's language (``flask_babel.force_locale``). BadInput for a bad
    mobile or an empty or overlong text; SmsNotSent (503) when the provider fails. With the
    outbox provider the message joins the caller's transaction.
    """
    number = normalize_mobile(mobile)
    body = (text or "").strip()
    if not body or len(body) > MAX_TEXT:
        message = _("A text message must have 1 to %(n)d characters.", n=MAX_TEXT)
        raise BadInput(message, fields={"text": message})
    try:
        return str(provider().send(number, body))
    except SmsNotSent:
        raise
    except Exception as exc:
        # A provider's own error (network, credit) must not become a 500 in the act that sent it.
        log.exception("the SMS provider failed to send to %s", number[:4] + "…")
        raise SmsNotSent(_("The text message could not be sent. Please try again in a few minutes.")) from exc


def outbox_page(session: Session, page: int, per_page: int) -> Page[SmsMessage]:
    """One page of the outbox, newest first."""
    stmt = select(SmsMessage).order_by(SmsMessage.created_at.desc(), SmsMessage.id.desc())
    return paginate(session, stmt, page, per_page)

"""Rate limits where money and identity are: per member and per address, shared by every machine.

Sign-in and one-time codes keep their own throttles (in the database, by what was typed and from
where: ``auth.services``, ``auth.recovery``). Here: registration (per address), every money-moving
API call (the ``@idempotent`` views: per member and per address) and every form a signed-in
member sends (per member). A limit is a moving window (``"30/minute"``) counted by the ``limits``
library in the storage ``ratelimit_storage`` names: ``redis://host:6379/0`` where several web
machines serve (every machine counts in the same place), ``memory://`` for the embedded set-up
of one process. Going past a limit is a 429 in the reader's language with ``Retry-After``.
"""

from __future__ import annotations

import math
import time
from typing import Any

from flask import Flask, current_app, request
from flask_login import current_user
from limits import parse, storage, strategies

from resalat_core.config import DEFAULTS
from resalat_core.errors import TooManyAttempts
from resalat_core.i18n import ngettext

# Rule name -> the setting holding its limit ("N/second|minute|hour|day"; empty switches it off).
RULES = {
    "register": "ratelimit_register",  # sign-ups from one address
    "money_member": "ratelimit_money_member",  # money-moving API calls of one member
    "money_address": "ratelimit_money_address",  # ... and from one address
    "forms_member": "ratelimit_forms_member",  # forms one signed-in member sends
}
# The limits' defaults are the configuration's (``resalat_core.config.DEFAULTS``), one place.


class Limiter:
    """The app's limits and where they are counted."""

    def __init__(self, settings: dict[str, Any]) -> None:
        uri = settings.get("ratelimit_storage") or DEFAULTS["ratelimit_storage"]
        self.storage = storage.storage_from_string(uri)
        self.strategy = strategies.MovingWindowRateLimiter(self.storage)
        # Apps sharing one storage (test runs in parallel) keep apart by a namespace of their own.
        self.namespace = str(settings.get("ratelimit_namespace") or "resalat")
        self.items: dict[str, Any] = {}
        for rule, setting in RULES.items():
            value = str(settings.get(setting, DEFAULTS[setting]) or "").strip()
            if value:
                self.items[rule] = parse(value)

    def hit(self, rule: str, key: str) -> None:
        """Count one more ``rule`` for ``key``; TooManyAttempts (429) once past its limit."""
        item = self.items.get(rule)
        if item is None or not key:
            return
        if self.strategy.hit(item, self.namespace, rule, key):
            return
        reset = self.strategy.get_window_stats(item, self.namespace, rule, key).reset_time
        seconds = max(1, math.ceil(reset - time.time()))
        minutes = max(1, math.ceil(seconds / 60))
        refusal = TooManyAttempts(
            ngettext(
                "Too many requests. Please wait %(num)d minute and try again.",
                "Too many requests. Please wait %(num)d minutes and try again.",
                minutes,
            ),
            code="rate_limited",
        )
        refusal.minutes = minutes
        refusal.retry_after = seconds
        raise refusal


def init_ratelimit(app: Flask) -> None:
    settings = {**DEFAULTS, **app.config["RESALAT"]}
    app.extensions["resalat_ratelimit"] = Limiter(settings)

    @app.before_request
    def _forms_of_a_member() -> None:
        # Every form a signed-in member sends (the API's money calls are counted by @idempotent).
        if (
            request.method == "POST"
            and not request.path.startswith("/api/")
            and current_user.is_authenticated
        ):
            hit("forms_member", member_key())


def hit(rule: str, key: str) -> None:
    """Count a ``rule`` for ``key`` in this app's limiter (see ``Limiter.hit``)."""
    limiter: Limiter | None = current_app.extensions.get("resalat_ratelimit")
    if limiter is not None:
        limiter.hit(rule, key)


def member_key() -> str:
    return f"m:{current_user.get_id()}" if current_user.is_authenticated else ""


def address_key() -> str:
    return f"a:{request.remote_addr or ''}"

"""A forgotten password: a one-time code by SMS to the member's mobile, then a new password.

Nothing here tells anyone whether a mobile or national code belongs to a member: asking for a
code is answered the same either way and throttled the same either way (on what was typed and on
the address), and a wrong, expired, used or never-sent code is refused with one message.

A code is six digits, stored only as an HMAC keyed with the app's secret, works once, for
``code_minutes``, and is voided after ``max_wrong`` wrong tries; asking again voids the one
before. Setting the new password signs out every session, remember-me cookie and API token.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask_babel import force_locale
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from resalat_core.auth.models import ApiToken, LoginAttempt, PasswordReset
from resalat_core.auth.services import minutes_until_free, recent_failures
from resalat_core.db import utcnow
from resalat_core.errors import BadInput, TooManyAttempts
from resalat_core.i18n import _, ngettext
from resalat_core.identity import normalize_mobile, normalize_national_code
from resalat_core.members.models import Member
from resalat_core.members.passwords import hash_password, validate_new_password
from resalat_core.members.services import find_member
from resalat_core.sms.services import SmsNotSent, send_sms
from resalat_core.text import to_latin_digits
from resalat_core.words import Digits

log = logging.getLogger(__name__)

CODE_LENGTH = 6
_CODE = re.compile(f"[0-9]{{{CODE_LENGTH}}}")
_SPACES = re.compile(r"[\s\-\u200c]")
HOUR = 3600


@dataclass(frozen=True)
class RecoveryRules:
    """How long a code lives, how many wrong tries it allows, and how often one may be asked for."""

    code_minutes: int = 10
    max_wrong: int = 5
    resend_seconds: int = 60
    per_hour: int = 5
    per_hour_per_address: int = 20

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> RecoveryRules:
        return cls(
            code_minutes=int(config.get("password_reset_code_minutes", cls.code_minutes)),
            max_wrong=int(config.get("password_reset_max_wrong", cls.max_wrong)),
            resend_seconds=int(config.get("password_reset_resend_seconds", cls.resend_seconds)),
            per_hour=int(config.get("password_reset_per_hour", cls.per_hour)),
            per_hour_per_address=int(
                config.get("password_reset_per_hour_per_address", cls.per_hour_per_address)
            ),
        )


def normalize_identifier(value: str, field: str = "identifier") -> str:
    """A mobile (``09…``) or a national code from what was typed; BadInput otherwise.

    Only the shape is checked, so the answer says nothing about membership.
    """
    for normalise in (normalize_mobile, normalize_national_code):
        try:
            return normalise(value)
        except BadInput:
            continue
    message = _("Enter your mobile number (like 09121234567) or your 10-digit national code.")
    raise BadInput(message, fields={field: message})


def _digest(secret: str, member_id: int, code: str) -> str:
    return hmac.new(secret.encode(), f"{member_id}:{code}".encode(), hashlib.sha256).hexdigest()


def _throttle_asking(session: Session, identifier: str, address: str, rules: RecoveryRules) -> list[str]:
    """Refuse (429) a request past the limits; the throttling keys to record it under otherwise."""
    keys = ["reset:" + identifier] + (["reset-ip:" + address] if address else [])
    seen = recent_failures(session, keys, HOUR)
    mine = seen[keys[0]]
    if mine and rules.resend_seconds > 0:
        wait = rules.resend_seconds - int((utcnow() - mine[-1]).total_seconds())
        if wait > 0:
            refusal = TooManyAttempts(
                ngettext(
                    "A code was sent a moment ago. Please wait %(num)d second before asking again.",
                    "A code was sent a moment ago. Please wait %(num)d seconds before asking again.",
                    wait,
                )
            )
            refusal.minutes = 1
            raise refusal
    limits = [(keys[0], rules.per_hour)] + ([(keys[1], rules.per_hour_per_address)] if address else [])
    for key, limit in limits:
        if len(seen[key]) >= limit:
            minutes = minutes_until_free(seen[key], limit, HOUR)
            refusal = TooManyAttempts(
                ngettext(
                    "Too many codes were asked for. Please wait %(num)d minute and try again.",
                    "Too many codes were asked for. Please wait %(num)d minutes and try again.",
                    minutes,
                )
            )
            refusal.minutes = minutes
            raise refusal
    return keys


def request_code(
    session: Session, identifier: str, *, address: str, rules: RecoveryRules, secret: str
) -> str:
    """Send a code to the member this mobile or national code belongs to, if there is one.

    Returns the identifier as normalised, whoever it belongs to: the caller answers the same way
    in every case. BadInput for something that is neither a mobile nor a national code;
    TooManyAttempts when asked too often for this identifier or from this address.
    """
    typed = normalize_identifier(identifier)
    for key in _throttle_asking(session, typed, address, rules):
        session.add(LoginAttempt(key=key))
    session.flush()
    member = find_member(session, typed)
    if member is None or not member.is_active:
        return typed
    # The same mobile may be reached through its national code too: its messages are counted apart,
    # silently, so alternating the two spellings sends no more messages.
    sent = recent_failures(session, ["reset-sms:" + member.mobile], HOUR)["reset-sms:" + member.mobile]
    if len(sent) >= rules.per_hour or (sent and (utcnow() - sent[-1]).total_seconds() < rules.resend_seconds):
        return typed
    now = utcnow()
    session.execute(
        update(PasswordReset)
        .where(
            PasswordReset.member_id == member.id,
            PasswordReset.used_at.is_(None),
            PasswordReset.voided_at.is_(None),
        )
        .values(voided_at=now)
    )
    code = f"{secrets.randbelow(10**CODE_LENGTH):0{CODE_LENGTH}d}"
    session.add(
        PasswordReset(
            member_id=member.id,
            code_hash=_digest(secret, member.id, code),
            created_at=now,
            expires_at=now + timedelta(minutes=rules.code_minutes),
        )
    )
    session.add(LoginAttempt(key="reset-sms:" + member.mobile))
    session.flush()
    try:
        send_sms(member.mobile, recovery_text(member, code, rules.code_minutes))
    except SmsNotSent:
        # Answered the same all the same: saying so would tell the asker this is a member.
        log.warning("a password recovery code could not be sent to member %s", member.id)
    return typed


def recovery_text(member: Member, code: str, minutes: int) -> str:
    """The message with the code, in the member's own language (Persian digits in Persian)."""
    with force_locale(member.language if member.language in ("fa", "en") else "fa"):
        return _(
            "M-Resalat: your password recovery code is %(code)s. It works once, for %(minutes)d "
            "minutes. Do not give it to anyone, not even to us.",
            code=Digits(code),
            minutes=minutes,
        )


def reset_password(
    session: Session,
    identifier: str,
    code: str,
    password: str,
    confirm: str,
    *,
    rules: RecoveryRules,
    secret: str,
) -> Member:
    """Set a new password with a code sent by ``request_code``; every problem is reported at once.

    BadInput lists each field's problem; a wrong code is counted (``keep_changes``: commit it) and
    voids the code at the ``max_wrong``-th. On success the code is spent, every session, remember-me
    cookie and API token of the member stops working, and sign-in throttling on them is lifted.
    """
    errors: dict[str, Any] = {}
    try:
        typed: str | None = normalize_identifier(identifier)
    except BadInput as exc:
        errors.update(exc.fields)
        typed = None
    digits = _SPACES.sub("", to_latin_digits(code or ""))
    if not _CODE.fullmatch(digits):
        errors["code"] = _("The code has %(n)d digits; it is in the text message we sent.", n=CODE_LENGTH)
    problem = validate_new_password(password)
    if problem:
        errors["password"] = problem
    if password != confirm:
        errors["confirm"] = _("The two passwords differ.")
    counted = False
    reset: PasswordReset | None = None
    if typed is not None and "code" not in errors:
        member = find_member(session, typed)
        now = utcnow()
        if member is not None and member.is_active:
            reset = session.scalar(
                select(PasswordReset)
                .where(
                    PasswordReset.member_id == member.id,
                    PasswordReset.used_at.is_(None),
                    PasswordReset.voided_at.is_(None),
                    PasswordReset.expires_at > now,
                )
                .order_by(PasswordReset.created_at.desc(), PasswordReset.id.desc())
                .limit(1)
                .with_for_update(of=PasswordReset)
            )
        if reset is None or not hmac.compare_digest(
            reset.code_hash, _digest(secret, reset.member_id, digits)
        ):
            errors["code"] = _(
                "This code is wrong, has expired or was already used. Check it or ask for a new one."
            )
            if reset is not None:
                reset.wrong_tries += 1
                if reset.wrong_tries >= rules.max_wrong:
                    reset.voided_at = now
                counted = True
                reset = None
    if errors:
        session.flush()
        raise BadInput(_("Please correct the marked fields."), fields=errors, keep_changes=counted)
    assert reset is not None  # every way of not finding it is an error above
    member = reset.member
    # Only now is it known whose password this is: the code stays unused if it is refused here.
    personal = validate_new_password(password, (member.mobile, member.national_code))
    if personal:
        raise BadInput(_("Please correct the marked fields."), fields={"password": personal})
    now = utcnow()
    reset.used_at = now
    member.password_hash = hash_password(password)
    # Every cookie (session and remember-me) carries the version: bumping it signs them all out.
    member.session_version += 1
    session.execute(
        update(ApiToken)
        .where(ApiToken.member_id == member.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    # Whoever proved they hold the mobile may sign in at once, even after a lock-out.
    session.execute(
        delete(LoginAttempt).where(
            LoginAttempt.key.in_(["id:" + member.mobile, "id:" + member.national_code])
        )
    )
    session.flush()
    return member

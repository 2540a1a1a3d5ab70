"""Signing in: password checks with throttling, password changes and API bearer tokens."""

from __future__ import annotations

import functools
import hashlib
import math
import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from resalat_core.audit.services import audit
from resalat_core.auth.models import ApiToken, LoginAttempt
from resalat_core.db import utcnow
from resalat_core.errors import BadInput, NotFound, TooManyAttempts
from resalat_core.i18n import _, ngettext
from resalat_core.identity import normalize_mobile, normalize_national_code
from resalat_core.members.models import Member
from resalat_core.members.passwords import (
    hash_password,
    needs_rehash,
    validate_new_password,
    verify_password,
)
from resalat_core.members.services import find_member
from resalat_core.text import to_latin_digits

TOKEN_PREFIX = "rst_"  # noqa: S105 (a public prefix, not a secret)


class WrongCredentials(BadInput):
    """A sign-in refused for a wrong identifier or password.

    ``warning`` says, before the last attempt, that one is left and what happens after it.
    """

    code = "bad_credentials"

    def __init__(self, message: Any, *, fields: dict[str, Any], warning: str = "") -> None:
        super().__init__(message, fields=fields)
        self.warning = warning


def _identifier_key(identifier: str) -> str:
    """One throttling key per person, however they typed their mobile or national code."""
    raw = to_latin_digits(identifier or "").strip()
    for normalise in (normalize_mobile, normalize_national_code):
        try:
            return "id:" + normalise(raw)
        except BadInput:
            continue
    return "id:" + raw[:60]


def recent_failures(session: Session, keys: list[str], window: int) -> dict[str, list[datetime]]:
    """The moments of each key's failures within the window, oldest first."""
    since = utcnow() - timedelta(seconds=window)
    found: dict[str, list[datetime]] = {key: [] for key in keys}
    rows = session.execute(
        select(LoginAttempt.key, LoginAttempt.at)
        .where(LoginAttempt.key.in_(keys), LoginAttempt.at >= since)
        .order_by(LoginAttempt.at)
    )
    for key, at in rows:
        found[key].append(at)
    return found


def minutes_until_free(moments: list[datetime], limit: int, window: int) -> int:
    """Whole minutes (at least one) until fewer than ``limit`` of ``moments`` lie in the window."""
    # The lock lifts when the failure that made the count reach the limit leaves the window.
    freed_at = moments[len(moments) - limit] + timedelta(seconds=window)
    return max(1, math.ceil((freed_at - utcnow()).total_seconds() / 60))


def _check_throttle(session: Session, keys: list[str], max_failures: int, window: int) -> None:
    """TooManyAttempts, saying for how many minutes, once a key has ``max_failures`` in the window."""
    for moments in recent_failures(session, keys, window).values():
        if len(moments) >= max_failures:
            minutes = minutes_until_free(moments, max_failures, window)
            refusal = TooManyAttempts(
                ngettext(
                    "Too many failed attempts. Please wait %(num)d minute and try again.",
                    "Too many failed attempts. Please wait %(num)d minutes and try again.",
                    minutes,
                )
            )
            refusal.minutes = minutes
            raise refusal


def authenticate(
    session: Session,
    identifier: str,
    password: str,
    *,
    address: str = "",
    max_failures: int = 5,
    window: int = 900,
) -> Member:
    """The member these credentials belong to; BadInput or TooManyAttempts otherwise.

    The message never says which half was wrong, so it cannot be used to find members.
    """
    keys = [_identifier_key(identifier)]
    if address:
        # An address gets more room: a village centre may share one connection.
        keys.append("ip:" + address)
    _check_throttle(session, keys[:1], max_failures, window)
    if address:
        _check_throttle(session, keys[1:], max_failures * 10, window)
    member = find_member(session, identifier or "")
    if member is None:
        # One argon2 run either way, so the time taken does not tell who is a member either.
        hash_password(password or "")
        ok = False
    else:
        ok = verify_password(member.password_hash, password or "") and member.is_active
    if not ok:
        for key in keys:
            session.add(LoginAttempt(key=key))
        # Kept with the throttle's count (the caller commits both); an identifier that is no
        # member's is not written down: it may be a password typed in the wrong field.
        audit(
            session,
            "core.sign_in_failed",
            subject=f"member:{member.id}" if member else None,
            region=member.region_id if member else None,
            actor=None,
            address=address,
        )
        wrong = _("The mobile/national code or the password is wrong.")
        # Counted on the identifier whether or not it is a member's, so the warning tells no one
        # who is a member; it comes before the last attempt, not after it.
        left = max_failures - len(recent_failures(session, keys[:1], window)[keys[0]])
        if left == 1:
            minutes = max(1, math.ceil(window / 60))
            warning = ngettext(
                "One attempt is left: after one more wrong password, signing in is locked for "
                "%(num)d minute. If you have forgotten your password, recover it instead.",
                "One attempt is left: after one more wrong password, signing in is locked for "
                "%(num)d minutes. If you have forgotten your password, recover it instead.",
                minutes,
            )
            raise WrongCredentials(f"{wrong} {warning}", fields={"password": wrong}, warning=warning)
        raise WrongCredentials(wrong, fields={"password": wrong})
    session.execute(delete(LoginAttempt).where(LoginAttempt.key == keys[0]))
    assert member is not None  # a wrong identifier was refused above
    if needs_rehash(member.password_hash):
        member.password_hash = hash_password(password)
    member.last_login_at = utcnow()
    audit(
        session,
        "core.sign_in",
        subject=f"member:{member.id}",
        region=member.region_id,
        actor=member,
        address=address,
    )
    return member


def confirm_password(
    session: Session, member: Member, password: str, *, max_failures: int = 5, window: int = 900
) -> bool:
    """Is ``password`` ``member``'s own? For a weighty act signed by re-entering it (a guarantee).

    Throttled and recorded like a sign-in on the member's mobile, so a borrowed session cannot be
    used to guess the password: TooManyAttempts once the budget is spent. A wrong password is
    recorded (flushed, not committed); the caller refuses the act and commits to keep the record.
    """
    key = _identifier_key(member.mobile)
    _check_throttle(session, [key], max_failures, window)
    if verify_password(member.password_hash, password or ""):
        return True
    session.add(LoginAttempt(key=key))
    session.flush()
    return False


def change_password(session: Session, member: Member, current: str, new: str, confirm: str) -> None:
    errors: dict[str, str] = {}
    if not verify_password(member.password_hash, current or ""):
        errors["current"] = _("The current password is wrong.")
    problem = validate_new_password(new, (member.mobile, member.national_code))
    if problem:
        errors["new"] = problem
    elif new != confirm:
        errors["confirm"] = _("The two new passwords differ.")
    if errors:
        raise BadInput(_("Please correct the marked fields."), fields=errors)
    member.password_hash = hash_password(new)
    member.session_version += 1
    session.flush()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(
    session: Session, member: Member, name: str = "api", days: int | None = 90
) -> tuple[str, ApiToken]:
    """A new bearer token for ``member``; the plain token is returned once and never stored."""
    name = (name or "").strip()
    if not name or len(name) > 80:
        raise BadInput(_("Give the token a name of 1 to 80 characters."), fields={"name": _("Required.")})
    if days is not None and days <= 0:
        raise BadInput(_("A token must last at least one day."), fields={"days": _("Must be positive.")})
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        member=member,
        name=name,
        token_hash=_digest(plain),
        prefix=plain[:12],
        expires_at=utcnow() + timedelta(days=days) if days else None,
    )
    session.add(token)
    session.flush()
    return plain, token


# Set in ``session.info`` when a token's last use was written and is for the caller to commit.
TOKEN_TOUCHED = "resalat_token_touched"  # noqa: S105 (a key of session.info, not a secret)
# How often a token's last use is written.
TOKEN_TOUCH_EVERY = timedelta(minutes=1)


@functools.cache
def reader_options() -> list[Any]:
    """The loader options for what every request reads of its reader: their place with its
    province, their roles with their regions (one query with the member). Built once: building
    them configures the mappers."""
    from sqlalchemy.orm import joinedload

    from resalat_core.members.models import RoleGrant
    from resalat_core.regions.models import Region

    return [
        joinedload(Member.region).joinedload(Region.parent),
        joinedload(Member.roles).joinedload(RoleGrant.region),
    ]


def member_for_token(session: Session, plain: str) -> Member | None:
    """The member a bearer token stands for, or None (unknown, revoked, expired, blocked).

    With the member cache on, a worker that checked the token before takes it as it was while
    nothing about it or its member changed (``membercache.kept_token``), and the member from what
    it keeps of them: no query. Its last use is still written once a minute.
    """
    if not plain or not plain.startswith(TOKEN_PREFIX):
        return None
    from sqlalchemy.orm import joinedload

    from resalat_core.members.models import RoleGrant
    from resalat_core.regions.models import Region
    from resalat_core.web.membercache import KeptToken, keep_token, kept_reader, kept_token

    digest = _digest(plain)
    now = utcnow()
    kept = kept_token(digest)
    if (
        kept is not None
        and (kept.expires_at is None or kept.expires_at >= now)
        and kept.last_used_at is not None
        and now - kept.last_used_at <= TOKEN_TOUCH_EVERY
    ):
        member_id = kept.member_id
        held = kept_reader(member_id, lambda: session.get(Member, member_id, options=reader_options()))
        return held if held is not None and held.is_active else None
    # The token with what every request reads of its reader (their place with its province, their
    # roles with their regions) in one query, as a signed-in page loads its member.
    member = joinedload(ApiToken.member)
    token = session.scalar(
        select(ApiToken)
        .where(ApiToken.token_hash == digest)
        .options(
            member.joinedload(Member.region).joinedload(Region.parent),
            member.joinedload(Member.roles).joinedload(RoleGrant.region),
        )
    )
    if token is None or token.revoked_at is not None or (token.expires_at and token.expires_at < now):
        return None
    if not token.member.is_active:
        return None
    # Only touch the row once a minute: a token used in a loop should not write on every call.
    if token.last_used_at is None or now - token.last_used_at > TOKEN_TOUCH_EVERY:
        token.last_used_at = now
        session.flush()
        session.info[TOKEN_TOUCHED] = True
    else:
        keep_token(digest, KeptToken(token.member_id, token.expires_at, token.last_used_at))
    return token.member


def revoke_token(session: Session, member: Member, token_id: int) -> None:
    token = session.get(ApiToken, token_id)
    if token is None or token.member_id != member.id:
        raise NotFound(_("No such token."))
    token.revoked_at = utcnow()
    session.flush()


def tokens_of(session: Session, member: Member) -> list[ApiToken]:
    return list(
        session.scalars(select(ApiToken).where(ApiToken.member_id == member.id).order_by(ApiToken.id))
    )

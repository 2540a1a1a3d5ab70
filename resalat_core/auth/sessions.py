"""The signed-in session: a new one at every sign-in, and renewed when the member's roles change.

Sessions are signed cookies, so "a new session id" means a cookie that shares nothing with the one
before: no one-time CSRF token, no half-done recovery, nothing a cookie planted before sign-in (or
copied before a role was granted) could still carry into the signed-in or more privileged session.
"""

from __future__ import annotations

import hashlib
import secrets

from flask import g
from flask import session as flask_session
from flask_login import current_user, login_user

from resalat_core.members.models import Member

SID = "sid"
ROLES = "roles"
# What survives a renewal: the reader's language is a choice, not a privilege.
KEPT = ("lang",)


def roles_stamp(member: Member) -> str:
    """A short digest of the member's roles; it changes whenever one is granted or taken away."""
    grants = sorted((r.role, r.region_id or 0, r.kind or "") for r in member.roles)
    return hashlib.sha256(repr(grants).encode()).hexdigest()[:16]


def begin(member: Member, *, remember: bool = False) -> None:
    """Sign ``member`` in on a session that starts empty, with a fresh id."""
    _renew()
    login_user(member, remember=remember)
    flask_session[ROLES] = roles_stamp(member)


def renew_if_roles_changed() -> None:
    """Before a request: a cookie session whose member's roles changed since it was issued is
    renewed (a new id and CSRF token), keeping the sign-in, so a copy of the old cookie no longer
    matches the session that holds the new rights. Token-authenticated API calls have no cookie."""
    if getattr(g, "resalat_token_auth", False) or "_user_id" not in flask_session:
        return
    if not current_user.is_authenticated:
        return
    stamp = roles_stamp(current_user)
    if flask_session.get(ROLES) == stamp:
        return
    member = current_user._get_current_object()
    fresh = bool(flask_session.get("_fresh", False))
    _renew()
    # The remember-me cookie stays as it is: it names the member's session version, not roles.
    login_user(member, fresh=fresh)
    flask_session[ROLES] = stamp


def _renew() -> None:
    kept = {k: flask_session[k] for k in KEPT if k in flask_session}
    flask_session.clear()
    flask_session.update(kept)
    flask_session[SID] = secrets.token_urlsafe(16)

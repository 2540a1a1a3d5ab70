"""A form sent twice does its work once: the ``csrf()`` macro's one-time token, checked on POST.

A phone on a weak signal often sends a form, loses the answer and sends it again. Every form drawn
with the host's ``csrf()`` macro carries a random token of its own (``once``). The first POST with
a token claims it in ``form_submissions``, in the request's own transaction, as the API's
Idempotency-Key is; the view runs, its ``commit()`` held back; its outcome (a redirect's status
and address and the messages it flashed, or a page's HTML) is written, and the claim, the work and
the outcome are committed together. A request whose process dies mid-work leaves nothing behind
(the database drops its transaction with the connection), so the resend does the work once. A
second POST with the same token and the same fields gets that outcome back without running the
view, or, while the first is still being served, a page saying so (409). A refusal (4xx) or a
failure (5xx) changed nothing, so its claim is let go and the form may be sent again. A POST
without a token (an API client, a page from before) is served as always. Claims live
``form_once_hours`` (a day); each member's old ones are cleared as they send forms, and ``resalat
db forget-forms`` clears everyone's.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import secrets
from datetime import timedelta
from typing import Any

from flask import Flask, current_app, flash, g, redirect, request, session
from flask_login import current_user
from sqlalchemy import delete, select
from werkzeug.wrappers import Response

from resalat_core import claims
from resalat_core.db import get_db, utcnow
from resalat_core.rest.models import FormSubmission

FIELD = "once"
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
# A page kept as a replay is at most this long; a longer one is not kept (the form may run again).
MAX_BODY = 512 * 1024
DEFAULT_HOURS = 24


def new_token() -> str:
    """A fresh token for one rendered form (the ``csrf()`` macro calls it)."""
    return secrets.token_urlsafe(18)


def _hours() -> int:
    return int(current_app.config["RESALAT"].get("form_once_hours", DEFAULT_HOURS))


def _scope() -> str:
    if current_user.is_authenticated:
        return f"m:{current_user.id}"
    # Before signing in, the browser's session is who sent it (its CSRF secret is random per session).
    secret = str(session.get("csrf_token") or "")
    return "s:" + hashlib.sha256(secret.encode()).hexdigest()[:40]


def _request_hash() -> str:
    digest = hashlib.sha256()
    digest.update(request.path.encode() + b"?" + request.query_string)
    for name, value in sorted(request.form.items(multi=True)):
        digest.update(b"\0" + name.encode() + b"=" + value.encode())
    for name, upload in sorted(request.files.items(multi=True), key=lambda item: item[0]):
        data = upload.stream.read()
        upload.stream.seek(0)
        digest.update(b"\0" + name.encode() + b":" + hashlib.sha256(data).digest())
    return digest.hexdigest()


def _find(db_session: Any, scope: str, token: str, fingerprint: str) -> FormSubmission | None:
    return db_session.scalar(
        select(FormSubmission).where(
            FormSubmission.scope == scope,
            FormSubmission.token == token,
            FormSubmission.request_hash == fingerprint,
        )
    )


def forget_expired(db_session: Any, *, scope: str | None = None, hours: int = DEFAULT_HOURS) -> int:
    """Delete claims older than ``hours`` (of one scope, or everyone's); returns how many."""
    query = delete(FormSubmission).where(FormSubmission.created_at < utcnow() - timedelta(hours=hours))
    if scope is not None:
        query = query.where(FormSubmission.scope == scope)
    return int(db_session.execute(query).rowcount or 0)


def claim() -> Response | None:
    """Before a POST's view: claim its token, or answer with the first outcome (or a 409)."""
    token = request.form.get(FIELD, "") if request.method == "POST" else ""
    if not token or not TOKEN_RE.match(token):
        return None
    scope = _scope()
    fingerprint = _request_hash()
    db_session = get_db().session
    db_session.commit()  # end what the sign-in check read; the claim opens the work's transaction
    match = {"scope": scope, "token": token, "request_hash": fingerprint}
    try:
        claimed = claims.claim(db_session, FormSubmission, match, {})
    except claims.StillRunning:
        return _being_handled()
    if not claimed:
        found = _find(db_session, scope, token, fingerprint)
        db_session.commit()
        return _replay(found) if found is not None else _being_handled()
    forget_expired(db_session, scope=scope, hours=_hours())
    g.resalat_once = (scope, token, fingerprint, len(session.get("_flashes", [])))
    claims.hold_commits(db_session())
    return None


def _replay(found: FormSubmission) -> Response:
    if found.status is None:
        return _being_handled()
    for category, message in found.flashes or []:
        flash(message, category)
    if found.location is not None:
        return redirect(found.location, code=found.status)
    response = current_app.response_class(found.body or "", status=found.status, mimetype="text/html")
    return response


def _being_handled() -> Response:
    from resalat_core.i18n import _
    from resalat_core.web.views import render_error

    body, status = render_error(
        409,
        _(
            "Your form is being handled: it was sent a moment ago and its answer is on the way. "
            "Wait a few seconds, then open the page again; do not send it once more."
        ),
    )
    response = current_app.make_response((body, status))
    response.headers["Retry-After"] = "5"
    return response


def settle(response: Response) -> Response:
    """After the view: keep the outcome of a claimed token, or let the claim go."""
    claimed = g.pop("resalat_once", None)
    if claimed is None:
        return response
    scope, token, fingerprint, flashes_before = claimed
    db_session = get_db().session
    claims.release_commits(db_session())
    refused = bool(g.pop("resalat_form_refused", False))
    redirected = 300 <= response.status_code < 400
    page = (
        200 <= response.status_code < 300
        and response.mimetype == "text/html"
        and not response.is_streamed
        and len(response.get_data()) <= MAX_BODY
    )
    keep = not refused and (redirected or page)
    if not keep:
        _let_go(db_session, scope, token, fingerprint)
        return response
    found = _find(db_session, scope, token, fingerprint)
    if found is None:  # the view rolled its transaction back, claim and all, then acted again
        found = FormSubmission(scope=scope, token=token, request_hash=fingerprint)
        db_session.add(found)
    found.status = response.status_code
    if redirected:
        found.location = response.headers.get("Location", "/")
        found.flashes = [list(item) for item in session.get("_flashes", [])[flashes_before:]]
    else:
        found.body = response.get_data(as_text=True)
    # Committed with whatever the view left uncommitted: the work and its outcome land together.
    db_session.commit()
    return response


def _let_go(db_session: Any, scope: str, token: str, fingerprint: str) -> None:
    """A refusal or a failure keeps no outcome: its claim goes with its transaction, unless the
    refusal says what it wrote must count (a wrong password): then that is kept, the claim not."""
    if not g.pop("resalat_keep_changes", False):
        db_session.rollback()
        return
    db_session.execute(
        delete(FormSubmission).where(
            FormSubmission.scope == scope,
            FormSubmission.token == token,
            FormSubmission.request_hash == fingerprint,
        )
    )
    db_session.commit()


def init_once(app: Flask) -> None:
    """Let go of a claim whose request ended in an exception no handler answered."""

    @app.after_request
    def _settle(response: Response) -> Response:
        return settle(response)

    @app.teardown_request
    def _unsettled(_exc: BaseException | None) -> None:
        claimed = g.pop("resalat_once", None)
        if claimed is not None:
            # The request failed with nothing to answer it: its claim goes with its transaction.
            db_session = get_db().session
            claims.release_commits(db_session())
            with contextlib.suppress(Exception):
                db_session.rollback()

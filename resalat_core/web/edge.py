"""The request edge every plugin's pages share: who is asking, reading money, a form's unit of work.

Pages and API views parse what people typed here, once, and hand services typed values (integer
rials, dates, ids); services never parse text and never commit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from flask import flash, redirect
from flask_login import current_user

from resalat_core.db import db_session
from resalat_core.errors import BadInput, Conflict, ResalatError, TooManyAttempts
from resalat_core.formats import MAX_RIALS, parse_money
from resalat_core.i18n import _, _l
from resalat_core.words import Text, render

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from resalat_core.members.models import Member

T = TypeVar("T")


def current_member() -> Member | None:
    """The signed-in member, or None."""
    if current_user and current_user.is_authenticated:
        member: Member = current_user._get_current_object()
        return member
    return None


def me() -> Member:
    """The signed-in member, in a view that ``login_required`` or ``permission_required`` guards.

    Raises 401 (an API) or sends to the sign-in page if nobody is signed in, so a view that
    forgot its guard still refuses a stranger.
    """
    from resalat_core.access import Unauthenticated

    member = current_member()
    if member is None:
        raise Unauthenticated(_("Sign in first."))
    return member


def read_money(
    value: Any,
    *,
    unit: str = "toman",
    field: str = "amount",
    required: bool = True,
    allow_zero: bool = False,
    maximum: int = MAX_RIALS,
) -> int | None:
    """What a person typed (or an API client sent) as an amount, in integer rials.

    ``value`` is text in ``unit`` (tomans by default, or rials) with Persian or Latin digits,
    separators (',' '٬' '،' spaces) and the unit word allowed, or a JSON number in ``unit``.
    Empty is None when not ``required``. Zero is refused unless ``allow_zero``; so is anything
    above ``maximum`` rials. Every refusal is a BadInput naming ``field``.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        if not required:
            return None
        message = _l("Enter an amount.")
        raise BadInput(message, fields={field: message})
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        message = _l("Enter the amount in digits.")
        raise BadInput(message, fields={field: message})
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            message = _l("Enter the amount in digits.")
            raise BadInput(message, fields={field: message})
        value = repr(value) if abs(value) < 1e16 else "9" * 18
    rials = parse_money(str(value), unit=unit, field=field)
    if rials == 0 and not allow_zero:
        message = _l("The amount must be more than zero.")
        raise BadInput(message, fields={field: message})
    if rials > maximum:
        message = _l("The amount is too large.")
        raise BadInput(message, fields={field: message})
    return rials


# Errors a form shows beside its fields; a 403 or 404 is a page of its own.
FORM_ERRORS = (BadInput, Conflict, TooManyAttempts)


def handle_form(
    act: Callable[[Session], T],
    *,
    again: Callable[[dict[str, str], int], Any],
    to: str | Callable[[T], str],
    done: Text | Callable[[T], Text] | None = None,
) -> Any:
    """A form's unit of work: do ``act`` (a service call), then commit, flash and redirect.

    ``act(session)`` runs on the request's session. On success the work is committed, ``done``
    (a text, or a function of the result) is flashed and the browser is sent to ``to``. On bad
    input (or a conflict, or too many attempts) the work is rolled back, unless the error says
    to keep it (a wrong password counted for throttling), and ``again(errors, status)`` renders
    the form once more with every field's error (``errors["_form"]`` the summary).
    """
    session = db_session()
    try:
        result = act(session)
    except FORM_ERRORS as exc:
        if exc.keep_changes:
            session.commit()
        else:
            session.rollback()
        return again(exc.form_errors(), exc.status)
    session.commit()
    if done is not None:
        text = done(result) if callable(done) else done
        flash(render(text), "success")
    return redirect(to(result) if callable(to) else to)


def form_errors(exc: ResalatError) -> dict[str, str]:
    """A refused act's errors as a form shows them (for pages that render errors themselves)."""
    return exc.form_errors()

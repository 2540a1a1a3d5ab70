"""The request edge every plugin's pages share: who is asking, reading money, a form's unit of work.

Pages and API views parse what people typed here, once, and hand services typed values (integer
rials, dates, ids); services never parse text and never commit.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from flask import flash, g, redirect
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


def read_count(
    value: Any,
    *,
    field: str,
    required: bool = True,
    minimum: int | None = None,
    maximum: int | None = None,
) -> int | None:
    """A whole number a person typed ("۱۲", "1,200") or a client sent (12), or BadInput naming
    ``field``. Empty is None when not ``required``; ``minimum`` and ``maximum`` are inclusive."""
    from resalat_core.text import normalize_text, to_latin_digits

    if value is None or (isinstance(value, str) and not value.strip()):
        if not required:
            return None
        message = _l("Enter a number.")
        raise BadInput(message, fields={field: message})
    if isinstance(value, bool) or not isinstance(value, int | str):
        message = _l("Enter a whole number.")
        raise BadInput(message, fields={field: message})
    if isinstance(value, str):
        text = to_latin_digits(normalize_text(value)).replace(",", "").replace("\u066c", "").replace(" ", "")
        # A trailing minus is how a negative number looks once typed in a right-to-left field.
        negative = text.startswith(("-", "\u2212")) or text.endswith(("-", "\u2212"))
        digits = text.strip("-\u2212+")
        if not digits.isdecimal() or not digits.isascii() or len(digits) > 18:
            message = _l("Enter a whole number.")
            raise BadInput(message, fields={field: message})
        value = -int(digits) if negative else int(digits)
    if minimum is not None and value < minimum:
        message = _l("At least %(minimum)s.", minimum=minimum)
        raise BadInput(message, fields={field: message})
    if maximum is not None and value > maximum:
        message = _l("At most %(maximum)s.", maximum=maximum)
        raise BadInput(message, fields={field: message})
    return int(value)


class FieldReader:
    """Reads a form's (or an API body's, or a CSV row's) typed fields, keeping each field's error,
    then runs the service, so the person sees every mistake at once.

    Each reader returns None (and keeps the field's error) when it cannot read a field, and None
    without an error when an optional field is empty: the service then says what is required.
    ``run(act)`` raises the service's BadInput with the unreadable fields' errors added (they say
    more than "required" for the same field), or, when the service accepted what it got, a
    BadInput naming only the unreadable fields.

        read = FieldReader()
        amount, months = read.money(form.get("amount"), "amount"), read.count(form.get("months"), "months")
        return read.run(lambda: services.ask(session, member, amount=amount, months=months))
    """

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def keep(self, field: str, message: Any) -> None:
        """Keep a field's error found by the plugin's own reading."""
        self.errors[field] = str(message)

    def _refused(self, exc: BadInput, field: str) -> None:
        self.keep(field, exc.fields.get(field, exc.message))

    def money(
        self, value: Any, field: str, *, unit: str = "toman", required: bool = True, allow_zero: bool = False
    ) -> int | None:
        """``read_money`` for one field."""
        try:
            return read_money(value, unit=unit, field=field, required=required, allow_zero=allow_zero)
        except BadInput as exc:
            self._refused(exc, field)
            return None

    def count(
        self,
        value: Any,
        field: str,
        *,
        required: bool = True,
        minimum: int | None = None,
        maximum: int | None = None,
    ) -> int | None:
        """``read_count`` for one field."""
        try:
            return read_count(value, field=field, required=required, minimum=minimum, maximum=maximum)
        except BadInput as exc:
            self._refused(exc, field)
            return None

    def day(self, value: Any, field: str, *, required: bool = True) -> date | None:
        """A Jalali day as typed (1404/01/31, any digits), or a date given as one."""
        from resalat_core.formats import parse_jalali_date

        if isinstance(value, date):
            return value
        if not required and (value is None or (isinstance(value, str) and not value.strip())):
            return None
        try:
            return parse_jalali_date(value if isinstance(value, str) else "", field=field)
        except BadInput as exc:
            self._refused(exc, field)
            return None

    def collect(self, check: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """``check(*args, **kwargs)``, a plugin's own reader; None, with its errors kept, if it refuses."""
        try:
            return check(*args, **kwargs)
        except BadInput as exc:
            self.errors.update(
                {k: str(v[0] if isinstance(v, list) and v else v) for k, v in exc.fields.items()}
            )
            if not exc.fields:
                self.errors["_form"] = str(exc.message)
            return None

    def run(self, act: Callable[[], T]) -> T:
        """Run the service with what was read; refuse with every field's error together."""
        try:
            result = act()
        except BadInput as exc:
            if self.errors:
                exc.fields = {**exc.fields, **self.errors}
            raise
        if self.errors:
            raise BadInput(_("Please correct the marked fields."), fields=dict(self.errors))
        return result


def chosen_id(value: Any) -> int | None:
    """An id picked from a list (a form's select, a JSON number), or None for an empty or foreign
    choice: a value that cannot be a row's id (not a whole number from 1 to 2³¹−1)."""
    from resalat_core.text import to_latin_digits

    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 < value < 2**31 else None
    text = to_latin_digits(value).strip() if isinstance(value, str) else ""
    return int(text) if text.isdecimal() and text.isascii() and 0 < int(text) < 2**31 else None


# Errors a form shows beside its fields; a 403 or 404 is a page of its own.
FORM_ERRORS = (BadInput, Conflict, TooManyAttempts)


def flash_back(to: str) -> Callable[[dict[str, str], int], Any]:
    """``handle_form``'s ``again`` for a small form or a button on another page: say what was
    wrong (each field's message, else the summary) and go back to ``to``."""

    def again(errors: dict[str, str], _status: int) -> Any:
        fields = [message for name, message in errors.items() if name != "_form"]
        flash("; ".join(fields) if fields else errors.get("_form", ""), "danger")
        return redirect(to)

    return again


def handle_form(
    act: Callable[[Session], T],
    *,
    again: Callable[[dict[str, str], int], Any],
    to: str | Callable[[T], str],
    done: Text | Callable[[T], Text] | None = None,
    done_category: str | Callable[[T], str] = "success",
) -> Any:
    """A form's unit of work: do ``act`` (a service call), then commit, flash and redirect.

    ``act(session)`` runs on the request's session. On success the work is committed, ``done``
    (a text, or a function of the result) is flashed (as ``done_category``, "success" unless told,
    e.g. "info" for a repeat that changed nothing) and the browser is sent to ``to``. On bad
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
        # Refused, even when ``again`` answers with a redirect: the form's one-time token is let
        # go (web/once.py), so the same form may be sent again once it can succeed.
        g.resalat_form_refused = True
        return again(exc.form_errors(), exc.status)
    session.commit()
    if done is not None:
        text = done(result) if callable(done) else done
        category = done_category(result) if callable(done_category) else done_category
        flash(render(text), category)
    return redirect(to(result) if callable(to) else to)


def form_errors(exc: ResalatError) -> dict[str, str]:
    """A refused act's errors as a form shows them (for pages that render errors themselves)."""
    return exc.form_errors()

"""What the centres' rules accept: texts tidied, counts, days and prices checked, each bad field named.

The services take typed values (whole numbers, dates, integer rials); the pages and the API read
what people typed into them first (``resalat_centers.forms``). A value that could not be read
arrives as None and is refused here as missing, so a form still hears about every field at once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from resalat_core.sdk import (
    MAX_AMOUNT,
    BadInput,
    Number,
    _,
    normalize_text,
    to_latin_digits,
    today_in_iran,
)

DESCRIPTION_MAX = 2000
# Big enough for any real order, small enough to stay far from a 32-bit column's limit.
QUANTITY_MAX = 10_000_000


def bad(message: Any, field: str) -> BadInput:
    """A refusal naming one field, with the message under it."""
    return BadInput(message, fields={field: message})


def check_text(value: Any, field: str, *, limit: int, required: bool = True) -> str:
    """Persian-normalised text of at most ``limit`` characters; BadInput naming ``field``."""
    text = normalize_text(value) if isinstance(value, str) else ""
    if required and not text:
        raise bad(_("Required."), field)
    if len(text) > limit:
        raise bad(_("At most %(max)d characters.", max=limit), field)
    return text


def check_paragraphs(value: Any, field: str, *, limit: int) -> str:
    """Like ``check_text``, but line breaks are kept (a description has paragraphs)."""
    raw = value if isinstance(value, str) else ""
    lines = [normalize_text(line) for line in raw.replace("\r\n", "\n").split("\n")]
    text = "\n".join(lines).strip("\n")
    if len(text) > limit:
        raise bad(_("At most %(max)d characters.", max=limit), field)
    return text


def check_quantity(value: int | None, field: str = "quantity") -> int:
    """A whole number of units, from 1 to ``QUANTITY_MAX``; None is a quantity not given."""
    if value is None:
        raise bad(_("Enter a quantity."), field)
    if isinstance(value, bool) or not isinstance(value, int):
        raise bad(_("Enter a whole number."), field)
    if value <= 0:
        raise bad(_("The quantity must be more than zero."), field)
    if value > QUANTITY_MAX:
        raise bad(_("At most %(max)d.", max=Number(QUANTITY_MAX)), field)
    return value


def check_due_date(value: date | None, field: str = "due_date", *, today: date | None = None) -> date:
    """A due date that is today (in Iran) or later; None is a date not given."""
    if not isinstance(value, date):
        raise bad(_("Enter a date."), field)
    if value < (today or today_in_iran()):
        raise bad(_("This date has already passed."), field)
    return value


def check_unit_price(rials: int | None, field: str = "unit_price") -> int | None:
    """An optional unit price in integer rials, zero or more."""
    if rials is None:
        return None
    if isinstance(rials, bool) or not isinstance(rials, int):
        raise bad(_("Enter the amount in digits."), field)
    if rials < 0:
        raise bad(_("The amount cannot be negative."), field)
    if rials > MAX_AMOUNT:
        raise bad(_("The amount is too large."), field)
    return rials


def id_of(value: Any) -> int | None:
    """A database id from a path or a form (any digits), or None when it cannot be one."""
    text = to_latin_digits(str(value)).strip() if value is not None else ""
    return int(text) if text.isdecimal() and len(text) < 10 else None


def collect(errors: dict[str, Any], check: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``check(*args, **kwargs)``, or None with its field errors added to ``errors``."""
    try:
        return check(*args, **kwargs)
    except BadInput as exc:
        errors.update(exc.fields or {})
        return None

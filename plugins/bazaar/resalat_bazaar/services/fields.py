"""Checking the typed fields M-Bazar's services receive: every error of a form is reported at once.

What people type is read at the edge (pages, API, the CSV reader) into integer rials and whole
numbers; these checks only clean text and keep numbers within range.
"""

from __future__ import annotations

import re
from typing import Any

from resalat_core.sdk import MAX_AMOUNT, BadInput, _, normalize_text


def invalid(errors: dict[str, Any]) -> BadInput:
    """The refusal of a form: one message per field."""
    return BadInput(_("Please correct the marked fields."), fields=errors)


def clean_text(value: Any, *, multiline: bool = False) -> str:
    """Text as stored: normalised (Persian Yeh and Kaf, spaces), blank lines squeezed when multiline."""
    if value is None:
        return ""
    raw = str(value)
    if not multiline:
        return normalize_text(raw)
    lines = [normalize_text(line) for line in raw.replace("\r\n", "\n").split("\n")]
    cleaned = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
    return cleaned.strip()


def whole(value: Any, field: str, errors: dict[str, Any], *, low: int, high: int) -> int | None:
    """A whole number within [low, high]; records the field's error otherwise (None: not given)."""
    if isinstance(value, bool) or not isinstance(value, int):
        errors.setdefault(field, _("Enter a whole number."))
        return None
    if value < low:
        errors[field] = _("It cannot be negative.") if low == 0 else _("It must be at least %(n)s.", n=low)
        return None
    if value > high:
        errors[field] = _("It must be at most %(n)s.", n=high)
        return None
    return value


def rials(value: Any, field: str, errors: dict[str, Any]) -> int | None:
    """A price in integer rials, more than zero; records the field's error otherwise."""
    if isinstance(value, bool) or not isinstance(value, int):
        errors.setdefault(field, _("Enter the price."))
        return None
    if value <= 0:
        errors[field] = _("The price must be more than zero.")
        return None
    if value > MAX_AMOUNT:
        errors[field] = _("The amount is too large.")
        return None
    return value

"""Checks of the typed values the loans services take: whole numbers and rials, each naming its field.

Services never read what people typed: the pages, the API and the CLI hand them integers.
"""

from __future__ import annotations

from typing import Any

from resalat_core.sdk import MAX_AMOUNT, BadInput, _


def invalid(errors: dict[str, Any], code: str = "invalid") -> BadInput:
    """One refusal naming every bad field; its message is the first field's."""
    return BadInput(next(iter(errors.values())), fields=errors, code=code)


def check_whole(value: Any, field: str, errors: dict[str, Any], *, low: int, high: int) -> int | None:
    """``value`` if a whole number from ``low`` to ``high``, else None with a message under ``field``."""
    if isinstance(value, bool) or not isinstance(value, int):
        errors[field] = _("Enter a whole number.")
        return None
    if not low <= value <= high:
        errors[field] = _("Enter a number from %(low)s to %(high)s.", low=low, high=high)
        return None
    return value


def check_rials(value: Any, field: str, errors: dict[str, Any]) -> int | None:
    """``value`` if it is a positive whole number of rials, else None with a message under ``field``."""
    if isinstance(value, bool) or not isinstance(value, int):
        errors[field] = _("Enter an amount.")
        return None
    if not 0 < value <= MAX_AMOUNT:
        errors[field] = _("The amount must be more than zero.")
        return None
    return value

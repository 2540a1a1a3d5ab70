"""What people type on the loans pages, read once into what the services take.

Amounts become integer rials (the host's ``read_money``), counts whole numbers (``read_count``),
a chosen note or introduction its id, a list of codes a list. Each field's error is kept, and
the refusal names them together with the service's own, so a form shows every mistake at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from resalat_core.sdk import BadInput, read_count, read_money, to_latin_digits

T = TypeVar("T")


class Reader:
    """Reads a form's fields, keeping each field's error, then runs the service."""

    def __init__(self) -> None:
        self.errors: dict[str, Any] = {}

    def money(self, value: Any, field: str, *, unit: str = "toman") -> int | None:
        """Rials from what was typed in ``unit``; None (and the field's error) when it cannot be read."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return None  # the service says the amount is needed
        try:
            return read_money(value, unit=unit, field=field)
        except BadInput as exc:
            self.errors[field] = exc.fields.get(field, exc.message)
            return None

    def whole(self, value: Any, field: str) -> int | None:
        """A whole number typed with any digits (the host's ``read_count``); None when left empty."""
        try:
            return read_count(value, field=field, required=False)
        except BadInput as exc:
            self.errors[field] = exc.fields.get(field, exc.message)
            return None

    def run(self, act: Callable[[], T]) -> T:
        """Run the service; refuse with every field's error, what was read and what it checked."""
        try:
            result = act()
        except BadInput as exc:
            # What could not be read says more than the service's own message for the same field.
            exc.fields = {**exc.fields, **self.errors}
            raise
        if self.errors:
            raise BadInput(next(iter(self.errors.values())), fields=self.errors)
        return result


def chosen_id(value: Any) -> int | None:
    """An id picked from a list (a form's select), or None for an empty or foreign choice."""
    text = to_latin_digits(value).strip() if isinstance(value, str) else ""
    return int(text) if text.isdigit() and 0 < int(text) < 2**31 else None


def codes(value: Any) -> list[str]:
    """Codes typed one after another, separated by commas (categories, programmes, mobiles)."""
    if value is None:
        return []
    items = value.split(",") if isinstance(value, str) else list(value)
    return [str(x).strip() for x in items if str(x).strip()]

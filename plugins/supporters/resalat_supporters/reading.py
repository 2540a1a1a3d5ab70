"""What people type on the pages and send to the API, read once into what the services take.

Amounts become integer rials (the host's ``read_money``), Jalali days dates, hours minutes, a
chosen id an int. Each field's error is kept, and the refusal names them together with the
service's own, so a form shows every mistake at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from resalat_core.sdk import BadInput, _, normalize_text, parse_jalali_date, read_money, to_latin_digits

T = TypeVar("T")
_HOURS_RE = re.compile(r"([0-9]{1,4})(?:[.\u066b/]([0-9]))?")


class Reader:
    """Reads a form's or a body's fields, keeping each field's error, then runs the service."""

    def __init__(self) -> None:
        self.errors: dict[str, Any] = {}

    def _keep(self, exc: BadInput, field: str) -> None:
        self.errors[field] = exc.fields.get(field, exc.message)

    def money(self, value: Any, field: str, *, required: bool = True, unit: str = "toman") -> int | None:
        """Rials from what was typed in ``unit`` (tomans on a page, rials from the API)."""
        try:
            return read_money(value, unit=unit, field=field, required=required)
        except BadInput as exc:
            self._keep(exc, field)
            return None

    def day(self, value: Any, field: str) -> date | None:
        """A Jalali day as typed (1404/01/31, any digits), or a date given as one."""
        if isinstance(value, date):
            return value
        try:
            return parse_jalali_date(value if isinstance(value, str) else "", field=field)
        except BadInput as exc:
            self._keep(exc, field)
            return None

    def minutes(self, value: Any, field: str = "hours") -> int | None:
        """Hours given (optional) as minutes: '2', '1.5', '۱٫۵' on a page, a number in the API."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, bool):
            hours = None
        elif isinstance(value, int | float):
            hours = float(value)
        else:
            match = _HOURS_RE.fullmatch(to_latin_digits(normalize_text(str(value))).replace(" ", ""))
            hours = float(f"{match.group(1)}.{match.group(2) or 0}") if match else None
        if hours is None:
            self.errors[field] = _("Enter the hours as a number, like 2 or 1.5.")
            return None
        return round(hours * 60)

    def run(self, act: Callable[[], T]) -> T:
        """Run the service; refuse with every field's error, what was read and what it checked."""
        try:
            result = act()
        except BadInput as exc:
            # What could not be read says more than the service's "required" for the same field.
            exc.fields = {**exc.fields, **self.errors}
            raise
        if self.errors:
            raise BadInput(_("Please correct the marked fields."), fields=self.errors)
        return result


def chosen_id(value: Any) -> int | None:
    """An id picked from a list (a form's select, a JSON number), or None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 < value < 2**31 else None
    text = to_latin_digits(value).strip() if isinstance(value, str) else ""
    return int(text) if text.isdigit() and 0 < int(text) < 2**31 else None

"""Reading what people type into M-Bazar's forms and CSV files, once, at the edge.

Amounts go through the host's money reader; whole numbers (stock, quantities) are read here in
any digits. Every field that cannot be read keeps its error, to be reported together with the
errors the service finds in the other fields, so a person fixes everything in one go.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

from resalat_core.sdk import BadInput, _, normalize_text, read_money, to_latin_digits

T = TypeVar("T")
_WHOLE = re.compile(r"-?[0-9]{1,12}")
_SEPARATORS = re.compile(r"[,\u066c\u060c\s]")


class Typed:
    """Reads the typed fields of one form (or one CSV row), keeping each field's error."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def money(self, value: Any, field: str, *, unit: str = "toman", required: bool = True) -> int | None:
        """An amount typed in ``unit`` as integer rials (None, with the field's error, if unreadable)."""
        try:
            return read_money(value, unit=unit, field=field, required=required, allow_zero=True)
        except BadInput as exc:
            self.errors.update({k: str(v) for k, v in exc.fields.items()} or {field: str(exc.message)})
            return None

    def count(self, value: Any, field: str, *, required: bool = True) -> int | None:
        """A whole number typed in Persian or Latin digits ('۱۲', '1,200'); None if empty or wrong."""
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raw = _SEPARATORS.sub("", to_latin_digits(normalize_text(str(value if value is not None else ""))))
        if not raw:
            if required:
                self.errors[field] = _("Enter a number.")
            return None
        if not _WHOLE.fullmatch(raw):
            self.errors[field] = _("Enter a whole number in digits.")
            return None
        return int(raw)

    def then(self, act: Callable[[], T]) -> T:
        """Run the service with what was read; raise its errors and the unreadable fields' together."""
        try:
            result = act()
        except BadInput as exc:
            if not self.errors:
                raise
            raise BadInput(exc.message, fields={**exc.fields, **self.errors}, code=exc.code) from None
        if self.errors:
            raise BadInput(_("Please correct the marked fields."), fields=dict(self.errors))
        return result

"""Hours of help as typed on the supporters' pages and sent to the API, read as minutes."""

from __future__ import annotations

import re
from typing import Any

from resalat_core.sdk import FieldReader, _, normalize_text, to_latin_digits

_HOURS_RE = re.compile(r"([0-9]{1,4})(?:[.\u066b/]([0-9]))?")


def read_minutes(read: FieldReader, value: Any, field: str = "hours") -> int | None:
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
        read.keep(field, _("Enter the hours as a number, like 2 or 1.5."))
        return None
    return round(hours * 60)

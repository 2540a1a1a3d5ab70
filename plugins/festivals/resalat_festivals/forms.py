"""What organisers type into the festival form or send in an API body, read once at the request edge.

Jalali dates and the booth count arrive as text in any digits (or JSON numbers); the services get
dates and whole numbers. A value that cannot be read is passed on as None with its field's error
kept in the ``FieldReader``, so the service's own errors and these are shown together.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from resalat_core.sdk import FieldReader, _, to_latin_digits
from resalat_festivals.services import Details


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _day(read: FieldReader, value: Any, name: str) -> Any:
    """A Jalali date; a Gregorian one typed by mistake (2025-08-11) would read as a Jalali year six
    centuries ahead, so years outside 1300-1499 are refused with a hint."""
    text = to_latin_digits(value).strip() if isinstance(value, str) else ""
    if len(text) >= 4 and text[:4].isdecimal() and not 1300 <= int(text[:4]) <= 1499:
        read.keep(name, _("Enter the date in the Persian calendar, like 1404/05/20."))
        return None
    return read.day(text, name, required=False)


def read_details(form: Mapping[str, Any], read: FieldReader) -> Details:
    """A festival's details from a form or a JSON body."""
    booths = form.get("booths")
    return Details(
        title=_text(form.get("title")),
        theme=_text(form.get("theme")),
        region=_text(form.get("region")),
        address=_text(form.get("address")),
        starts_on=_day(read, form.get("starts_on"), "starts_on"),
        ends_on=_day(read, form.get("ends_on"), "ends_on"),
        apply_by=_day(read, form.get("apply_by"), "apply_by"),
        booths=read.count(booths if isinstance(booths, str | int) else None, "booths", required=False),
        description=_text(form.get("description")),
    )

"""What organisers type into the festival form or send in an API body, read once at the request edge.

Jalali dates and the booth count arrive as text in any digits (or JSON numbers); the services get
dates and whole numbers. A value that cannot be read is passed on as None with its field's error
kept in the ``FieldReader``, so the service's own errors and these are shown together.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from resalat_core.sdk import FieldReader
from resalat_festivals.services import Details


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _day(read: FieldReader, value: Any, name: str) -> Any:
    return read.day(value if isinstance(value, str) else "", name, required=False)


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

"""What people type into the centres' forms and API bodies, read once here at the request edge.

Quantities and Jalali dates arrive as text in any digits (or JSON numbers), prices in tomans; the
services get whole numbers, dates and integer rials. A value that cannot be read is passed on as
None with its field's error kept aside, so the service's own errors and these are shown together.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, TypeVar

from resalat_centers.services import SharePart
from resalat_centers.services.checks import bad
from resalat_core.sdk import (
    FieldReader,
    _,
    parse_jalali_date,
    read_count,
    read_money,
    to_latin_digits,
)

__all__ = ["read_day", "read_parts", "read_price", "read_quantity"]

T = TypeVar("T")


def read_quantity(value: Any, field: str = "quantity") -> int | None:
    """A whole number as typed (any digits, separators) or sent, with the host's ``read_count``;
    None when left empty (the service then asks for it)."""
    return read_count(value, field=field, required=False)


def read_day(value: Any, field: str = "due_date") -> date | None:
    """A Jalali date as typed (1404/05/20, any digits); None when left empty.

    A Gregorian date typed by mistake (2025-08-11) would read as a Jalali year six centuries
    ahead, so years outside 1300-1499 are refused with a hint instead of being taken literally.
    """
    if isinstance(value, date):
        return value
    text = to_latin_digits(value.strip()) if isinstance(value, str) else ""
    if not text:
        return None
    if len(text) >= 4 and text[:4].isdecimal() and not 1300 <= int(text[:4]) <= 1499:
        raise bad(_("Enter the date in the Persian calendar, like 1404/05/20."), field)
    return parse_jalali_date(text, field=field)


def read_price(value: Any, field: str = "unit_price") -> int | None:
    """A unit price typed in tomans, as rials; None when left empty."""
    return read_money(value, unit="toman", field=field, required=False, allow_zero=True)


def read_parts(rows: list[Mapping[str, Any]], read: FieldReader) -> list[SharePart]:
    """The shares of a split as typed, one mapping (core, quantity, due_date) per row; errors are
    named ``shares.<i>.<field>`` as the service names its own."""
    return [
        SharePart(
            row.get("core"),
            read.collect(read_quantity, row.get("quantity"), f"shares.{i}.quantity"),
            read.collect(read_day, row.get("due_date"), f"shares.{i}.due_date"),
        )
        for i, row in enumerate(rows)
    ]

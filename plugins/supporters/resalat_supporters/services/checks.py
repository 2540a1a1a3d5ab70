"""Checks every supporters service makes on what it is given: texts, core IDs, ids and rials.

Services take typed values (integer rials, dates, minutes): the pages and the API read what people
typed. Each check records its message under the field's name, so a refusal names every bad field.
"""

from __future__ import annotations

import re
from typing import Any

from resalat_cores.services import Core, get_core_by_code
from sqlalchemy.orm import Session

from resalat_core.sdk import (
    MAX_AMOUNT,
    BadInput,
    NotFound,
    Region,
    _,
    current_language,
    normalize_text,
    to_latin_digits,
    today_in_iran,
)

# Iranian calendar days (advice days, sponsorship periods) end at Tehran's midnight.
today = today_in_iran


def refusal(errors: dict[str, Any]) -> BadInput:
    """One refusal naming every bad field, as the forms show it."""
    return BadInput(_("Please correct the marked fields."), fields=errors)


def region_name(region: Region) -> str:
    """A region's name in the reader's language (names are data, kept in both languages)."""
    return region.name("fa" if current_language("en") == "fa" else "en")


def check_rials(value: Any, field: str, errors: dict[str, Any], *, required: bool = True) -> int | None:
    """``value`` if it is a positive whole number of rials, else None with a message under ``field``."""
    if value is None:
        if required:
            errors[field] = _("Enter an amount.")
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        errors[field] = _("Enter the amount in digits.")
        return None
    if value <= 0:
        errors[field] = _("The amount must be more than zero.")
        return None
    if value > MAX_AMOUNT:
        errors[field] = _("The amount is too large.")
        return None
    return value


def read_text(value: Any, field: str, limit: int, errors: dict[str, Any], *, required: bool) -> str:
    """A one-line text, normalised (Persian letters, single spaces), within ``limit`` characters."""
    text = normalize_text(value) if isinstance(value, str) else ""
    if required and not text:
        errors[field] = _("Required.")
    elif len(text) > limit:
        errors[field] = _("At most %(max)d characters.", max=limit)
    return text


def read_paragraphs(value: Any, field: str, limit: int, errors: dict[str, Any]) -> str:
    """Normalised text that keeps its line breaks (a description may have several paragraphs)."""
    raw = value if isinstance(value, str) else ""
    lines = [normalize_text(line) for line in raw.replace("\r\n", "\n").split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
    if not text:
        errors[field] = _("Required.")
    elif len(text) > limit:
        errors[field] = _("At most %(max)d characters.", max=limit)
    return text


def find_core(session: Session, code: Any, errors: dict[str, Any], field: str = "core") -> Core | None:
    """The core with this core ID (as typed: any case, any digits), else a message under ``field``."""
    typed = to_latin_digits(normalize_text(code)).upper() if isinstance(code, str) else ""
    if not typed:
        errors[field] = _("Enter the core ID.")
        return None
    try:
        core = get_core_by_code(session, typed)
    except (NotFound, BadInput):
        core = None
    if core is None:
        errors[field] = _("No core has this core ID.")
    return core

"""What a member types onto a note, read and checked: the amount, the due date, the payee and the
guarantors; and what follows from the amount (its words, its stamp duty)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from num2fawords import words
from sqlalchemy import select
from sqlalchemy.orm import Session

from resalat_core.sdk import (
    BadInput,
    Member,
    Number,
    _,
    normalize_mobile,
    normalize_national_code,
    normalize_text,
    parse_jalali_date,
    to_latin_digits,
    today_in_iran,
)
from resalat_icap import setting
from resalat_icap.models import COMPANY, NAME_MAX, PERSON

# Parties an "on demand" due date may be written as, in either language.
ON_DEMAND_WORDS = ("عندالمطالبه", "عند المطالبه", "on demand", "on_demand")


def today() -> date:
    """Today in Iran: due dates, validity and advice days end at Tehran's midnight."""
    return today_in_iran()


def amount_in_words(amount: int) -> str:
    """The amount in Persian words with «ریال» after it, as written on the note."""
    return f"{words(int(amount))} ریال"


def stamp_duty(amount: int) -> int:
    """حق تمبر: the duty rate (parts per ten thousand) of the face value, rounded up to a rial."""
    rate = int(setting("duty_per_10000"))
    return -(-int(amount) * rate // 10_000)


def is_valid_legal_id(value: str) -> bool:
    """Is ``value`` a valid 11-digit national ID of a legal person (شناسه‌ی ملی)?

    The last digit checks the first ten: with d = (tenth digit + 2), the sum of (digit + d) times
    29, 27, 23, 19, 17, 29, 27, 23, 19, 17, modulo 11 (10 counts as 0), must equal it.
    """
    if len(value) != 11 or not value.isdecimal() or value == "0" * 11:
        return False
    digits = [int(c) for c in value]
    shift = digits[9] + 2
    weights = (29, 27, 23, 19, 17, 29, 27, 23, 19, 17)
    total = sum((d + shift) * w for d, w in zip(digits[:10], weights, strict=True))
    check = total % 11
    return (0 if check == 10 else check) == digits[10]


def text_field(value: Any, field: str, limit: int, errors: dict[str, str], *, required: bool = True) -> str:
    text = normalize_text(str(value)) if value is not None else ""
    if required and not text:
        errors[field] = _("Required.")
    elif len(text) > limit:
        errors[field] = _("At most %(max)d characters.", max=limit)
    return text


def check_amount(value: Any, errors: dict[str, str], field: str = "amount") -> int | None:
    """A face value in whole rials, within the plugin's limits; else None, the message in ``errors``.

    Pages and the API read what people type (``read_money``); this takes integers only.
    """
    if isinstance(value, bool) or not isinstance(value, int):
        errors[field] = _("Enter the amount in digits.")
        return None
    if value < 0:
        errors[field] = _("The amount cannot be negative.")
        return None
    low, high = int(setting("min_amount_rials")), int(setting("max_amount_rials"))
    if value < low or value > high:
        errors[field] = _(
            "A note's face value is between %(low)s and %(high)s rials.", low=Number(low), high=Number(high)
        )
        return None
    return value


def read_due_date(value: Any, errors: dict[str, str], on: date | None = None) -> date | None:
    """The due date: a date or Jalali text, today or later; empty or «عندالمطالبه» is on demand."""
    if value is None or isinstance(value, date):
        day = value
    else:
        text = normalize_text(str(value))
        if not text or text.casefold() in ON_DEMAND_WORDS:
            return None
        try:
            day = parse_jalali_date(text, "due_date")
        except BadInput as exc:
            errors["due_date"] = str(exc.fields.get("due_date") or exc)
            return None
    if day is not None and day < (on or today()):
        errors["due_date"] = _("The due date cannot be in the past.")
    return day


def read_payee(
    name: Any, code: Any, errors: dict[str, str], *, prefix: str = "payee"
) -> tuple[str, str, str]:
    """(kind, name, code): a person by national code (10 digits) or a company by national ID (11)."""
    clean_name = text_field(name, f"{prefix}_name", NAME_MAX, errors)
    raw = to_latin_digits(normalize_text(str(code or ""))).replace(" ", "").replace("-", "")
    field = f"{prefix}_code"
    if not raw:
        errors[field] = _("Enter the payee's national code (a person) or national ID (a company).")
        return PERSON, clean_name, ""
    if len(raw) == 11:
        if not is_valid_legal_id(raw):
            errors[field] = _("This is not a valid national ID of a company.")
        return COMPANY, clean_name, raw
    try:
        return PERSON, clean_name, normalize_national_code(raw, field)
    except BadInput:
        errors[field] = _(
            "Enter a valid national code (10 digits, a person) or national ID (11 digits, a company)."
        )
        return PERSON, clean_name, raw


def read_guarantors(
    session: Session, issuer: Member, rows: Iterable[Mapping[str, Any]] | None, errors: dict[str, str]
) -> list[tuple[Member, str]]:
    """Each guarantor as (member, name written): a member found by mobile AND national code.

    Empty rows (all three fields blank) are skipped, so a form may offer spare lines.
    """
    found: list[tuple[Member, str]] = []
    rows = [r for r in (rows or []) if any(normalize_text(str(v or "")) for v in dict(r).values())]
    limit = int(setting("max_guarantors"))
    if len(rows) > limit:
        errors["guarantors"] = _("At most %(max)d guarantors.", max=limit)
        return found
    for i, row in enumerate(rows):
        name = text_field(row.get("name"), f"guarantors.{i}.name", NAME_MAX, errors)
        try:
            code = normalize_national_code(
                str(row.get("national_code") or ""), f"guarantors.{i}.national_code"
            )
        except BadInput as exc:
            errors.update({k: str(v) for k, v in exc.fields.items()})
            continue
        try:
            mobile = normalize_mobile(str(row.get("mobile") or ""), f"guarantors.{i}.mobile")
        except BadInput as exc:
            errors.update({k: str(v) for k, v in exc.fields.items()})
            continue
        member = session.scalar(select(Member).where(Member.mobile == mobile, Member.national_code == code))
        if member is None:
            errors[f"guarantors.{i}.mobile"] = _(
                "No member has this mobile and national code together: a guarantor must be a member "
                "of Resalat, to sign the note in their own account."
            )
        elif member.id == issuer.id:
            errors[f"guarantors.{i}.national_code"] = _("The issuer cannot guarantee their own note.")
        elif any(m.id == member.id for m, _name in found):
            errors[f"guarantors.{i}.national_code"] = _("This guarantor is named twice.")
        else:
            found.append((member, name or member.name))
    return found

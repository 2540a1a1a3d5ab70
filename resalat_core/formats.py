"""The one money and date formatter: integer rials shown as tomans, Jalali dates in Tehran time."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import jdatetime

from resalat_core.errors import BadInput
from resalat_core.i18n import _l
from resalat_core.text import normalize_text, to_latin_digits, to_persian_digits

TEHRAN = "Asia/Tehran"
MAX_RIALS = 10**15
UNITS = ("toman", "rial")

PERSIAN_THOUSANDS = "\u066c"  # ٬ Arabic thousands separator
PERSIAN_DECIMAL = "\u066b"  # ٫ Arabic decimal separator
_MINUS = "\u2212"  # − minus sign
_LRI, _PDI = "\u2066", "\u2069"

PERSIAN_MONTHS = (
    "فروردین",
    "اردیبهشت",
    "خرداد",
    "تیر",
    "مرداد",
    "شهریور",
    "مهر",
    "آبان",
    "آذر",
    "دی",
    "بهمن",
    "اسفند",
)
ENGLISH_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# The Iranian week starts on Saturday; Friday is the weekend. Spelling as jdatetime's.
PERSIAN_WEEKDAYS = ("شنبه", "یک‌شنبه", "دوشنبه", "سه‌شنبه", "چهارشنبه", "پنج‌شنبه", "جمعه")

_UNIT_FA = {"toman": "تومان", "rial": "ریال"}
# Unit words parse_money lets the user leave after the number, longest first.
_UNIT_WORDS = {"toman": ("tomans", "toman", "تومان"), "rial": ("rials", "rial", "ریال", "﷼")}
_AMOUNT_SEPARATORS = re.compile(r"[,\u066c\u060c\s]")  # , ٬ ، and spaces between digit groups
_AMOUNT = re.compile(r"([0-9]+)(?:[.\u066b]([0-9]+))?")
_JALALI = re.compile(r"([0-9]{4})([/\-.])([0-9]{1,2})\2([0-9]{1,2})")


def _is_persian(lang: str) -> bool:
    # 'fa', 'fa_IR' and 'fa-IR' are Persian; anything else falls back to English.
    return lang.replace("-", "_").split("_")[0].lower() == "fa"


def _require_int(value: object) -> None:
    # bool is an int subclass; True rials is always a bug, so it is refused too.
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"expected an int, got {type(value).__name__}")


def _require_unit(unit: str) -> None:
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {UNITS}, got {unit!r}")


def _signed(negative: bool, digits: str, persian: bool) -> str:
    if not negative:
        return digits
    if persian:
        # Inside right-to-left text a bare leading minus is laid out to the right of the digits;
        # a left-to-right isolate keeps '−۱۲' reading as it does on paper.
        return f"{_LRI}{_MINUS}{digits}{_PDI}"
    return f"-{digits}"


def _grouped(n: int, persian: bool) -> str:
    text = f"{n:,}"
    return to_persian_digits(text.replace(",", PERSIAN_THOUSANDS)) if persian else text


# --- numbers and money ------------------------------------------------------------------------


def today_in_iran() -> date:
    """Today's date in Tehran: Iranian calendar days (due dates, validity, advice days) end at
    Tehran's midnight, not at UTC's."""
    return datetime.now(ZoneInfo(TEHRAN)).date()


def format_number(n: int, lang: str = "fa") -> str:
    """An integer with thousands separators: '۱۲٬۵۰۰' in Persian, '12,500' in English."""
    _require_int(n)
    persian = _is_persian(lang)
    return _signed(n < 0, _grouped(abs(n), persian), persian)


def format_decimal(value: float, places: int = 1, *, lang: str = "fa", trim: bool = False) -> str:
    """A fraction with one decimal separator per language: '۴٫۵' in Persian, '4.5' in English.

    ``trim`` drops a zero fraction ('۲' rather than '۲٫۰'), for quantities such as hours.
    """
    text = f"{value:.{places}f}"
    if trim and places and set(text.split(".")[1]) == {"0"}:
        text = text.split(".")[0]
    if not _is_persian(lang):
        return text
    return to_persian_digits(text.replace("-", _MINUS).replace(".", PERSIAN_DECIMAL))


def format_money(rials: int, *, lang: str = "fa", unit: str = "toman") -> str:
    """Integer rials as text with the unit always written: '۱٬۲۵۰ تومان', '1,250 tomans'.

    A toman is ten rials; a toman amount shows one decimal only when rials % 10 != 0
    (15 rials -> '1.5 tomans'). Negative amounts get a leading minus (see _signed).
    """
    _require_int(rials)
    _require_unit(unit)
    persian = _is_persian(lang)
    size = abs(rials)
    if unit == "toman":
        whole, tenth = divmod(size, 10)
        digits = _grouped(whole, persian)
        if tenth:
            digits += (PERSIAN_DECIMAL + to_persian_digits(str(tenth))) if persian else f".{tenth}"
        one = size == 10
    else:
        digits = _grouped(size, persian)
        one = size == 1
    number = _signed(rials < 0, digits, persian)
    if persian:
        return f"{number} {_UNIT_FA[unit]}"
    return f"{number} {unit if one else unit + 's'}"


def parse_money(text: str, *, unit: str = "toman", field: str = "amount") -> int:
    """User-typed amount in `unit` to integer rials, or BadInput.

    Any digits, thousands separators (',' '٬' '،' spaces) and the unit word itself are accepted;
    tomans may have one decimal place (a rial), rials none. Zero is accepted; the caller decides
    whether an amount must be positive.
    """
    _require_unit(unit)
    if isinstance(text, int) and not isinstance(text, bool):
        text = str(text)
    # normalize_text drops the direction marks and isolates format_money may have added.
    s = to_latin_digits(normalize_text(text)) if isinstance(text, str) else ""
    if not s:
        raise BadInput(_l("Enter an amount."), fields={field: _l("Enter an amount.")})
    folded = s.casefold()
    for word in _UNIT_WORDS[unit]:
        if folded.endswith(word):
            s = s[: -len(word)].strip()
            break
    # A trailing minus is how a negative number looks once typed in a right-to-left field.
    if s[:1] in ("-", _MINUS) or s[-1:] in ("-", _MINUS):
        message = _l("The amount cannot be negative.")
        raise BadInput(message, fields={field: message})
    match = _AMOUNT.fullmatch(_AMOUNT_SEPARATORS.sub("", s.removeprefix("+")))
    if not match:
        message = _l("Enter the amount in digits.")
        raise BadInput(message, fields={field: message})
    whole, fraction = match.groups()
    if fraction is not None and unit == "rial":
        message = _l("An amount in rials is a whole number.")
        raise BadInput(message, fields={field: message})
    # More than one decimal could be a European thousands dot ('1.500'), so it is refused.
    if fraction is not None and len(fraction) > 1:
        message = _l("An amount in tomans can have at most one decimal place.")
        raise BadInput(message, fields={field: message})
    # Checked on the digit count first so a pasted million-digit string is not turned into an int.
    too_large = len(whole.lstrip("0")) > 17
    rials = 0
    if not too_large:
        rials = int(whole) * 10 + int(fraction or 0) if unit == "toman" else int(whole)
    if too_large or rials > MAX_RIALS:
        message = _l("The amount is too large.")
        raise BadInput(message, fields={field: message})
    return rials


# --- dates ------------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _zone(tz: str) -> ZoneInfo:
    return ZoneInfo(tz)


def _local(value: date | datetime, tz: str) -> date | datetime:
    """Datetimes moved to tz for display (naive ones are UTC, as stored); dates unchanged."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(_zone(tz))
    if isinstance(value, date):
        return value
    raise TypeError(f"expected a date or datetime, got {type(value).__name__}")


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def to_jalali(dt: date | datetime) -> jdatetime.date | jdatetime.datetime:
    """The same moment in the Jalali calendar; no time-zone shift (format_date does that)."""
    if isinstance(dt, datetime):
        return jdatetime.datetime.fromgregorian(datetime=dt)
    if isinstance(dt, date):
        return jdatetime.date.fromgregorian(date=dt)
    raise TypeError(f"expected a date or datetime, got {type(dt).__name__}")


def format_date(
    value: date | datetime | None,
    *,
    lang: str = "fa",
    with_time: bool = False,
    tz: str = TEHRAN,
) -> str:
    """'۱۴۰۴/۰۱/۰۱' (Jalali, Persian digits) or '2025-03-21' (ISO); '' for None.

    Datetimes are shown in tz (Tehran by default), naive ones taken as UTC. with_time adds
    ' HH:MM' for datetimes; a plain date has no time, so it is shown without one.
    """
    if value is None:
        return ""
    local = _local(value, tz)
    day = _day(local)
    clock = ""
    if with_time and isinstance(local, datetime):
        clock = f" {local.hour:02d}:{local.minute:02d}"
    if _is_persian(lang):
        j = jdatetime.date.fromgregorian(date=day)
        return to_persian_digits(f"{j.year:04d}/{j.month:02d}/{j.day:02d}{clock}")
    return day.isoformat() + clock


def format_date_long(value: date | datetime | None, lang: str = "fa", *, tz: str = TEHRAN) -> str:
    """'۱ فروردین ۱۴۰۴' in Persian, '21 March 2025' in English; '' for None."""
    if value is None:
        return ""
    day = _day(_local(value, tz))
    if _is_persian(lang):
        j = jdatetime.date.fromgregorian(date=day)
        return to_persian_digits(f"{j.day} {PERSIAN_MONTHS[j.month - 1]} {j.year}")
    return f"{day.day} {ENGLISH_MONTHS[day.month - 1]} {day.year}"


def parse_jalali_date(text: str, field: str = "date") -> date:
    """A Jalali 'YYYY/MM/DD' (also '-' or '.', any digits) as a Gregorian date, or BadInput."""
    s = to_latin_digits(normalize_text(text)).replace(" ", "") if isinstance(text, str) else ""
    if not s:
        raise BadInput(_l("Enter a date."), fields={field: _l("Enter a date.")})
    match = _JALALI.fullmatch(s)
    if not match:
        message = _l("Enter a date like 1404/01/31.")
        raise BadInput(message, fields={field: message})
    year, _, month, day = match.groups()
    try:
        return jdatetime.date(int(year), int(month), int(day)).togregorian()
    except ValueError:
        message = _l("This date does not exist in the Persian calendar.")
        raise BadInput(message, fields={field: message}) from None


def persian_weekday(d: date | datetime, *, tz: str = TEHRAN) -> str:
    """The Persian name of the day: شنبه (Saturday, first day of the week) to جمعه (Friday)."""
    day = _day(_local(d, tz))
    # date.weekday() is 0 on Monday; shifting by two puts Saturday at 0.
    return PERSIAN_WEEKDAYS[(day.weekday() + 2) % 7]


__all__ = [
    "ENGLISH_MONTHS",
    "MAX_RIALS",
    "PERSIAN_MONTHS",
    "PERSIAN_WEEKDAYS",
    "TEHRAN",
    "format_date",
    "format_date_long",
    "format_money",
    "format_number",
    "parse_jalali_date",
    "parse_money",
    "persian_weekday",
    "to_jalali",
]

"""Money and dates: tomans from integer rials, Jalali dates in Tehran time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import jdatetime
import pytest
from hypothesis import given
from hypothesis import strategies as st

from resalat_core.errors import BadInput
from resalat_core.formats import (
    MAX_RIALS,
    format_date,
    format_date_long,
    format_money,
    format_number,
    parse_jalali_date,
    parse_money,
    persian_weekday,
    to_jalali,
)

NOWRUZ_1404 = date(2025, 3, 21)

# --- money ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rials", "fa", "en"),
    [
        (0, "۰ تومان", "0 tomans"),
        (10, "۱ تومان", "1 toman"),
        (15, "۱٫۵ تومان", "1.5 tomans"),
        (125_000, "۱۲٬۵۰۰ تومان", "12,500 tomans"),
        # A ten-month support of 5,000,000 tomans, as a supporter would see it.
        (50_000_000, "۵٬۰۰۰٬۰۰۰ تومان", "5,000,000 tomans"),
        (12_345_678_905, "۱٬۲۳۴٬۵۶۷٬۸۹۰٫۵ تومان", "1,234,567,890.5 tomans"),
    ],
)
def test_format_money_tomans(rials: int, fa: str, en: str) -> None:
    assert format_money(rials) == fa
    assert format_money(rials, lang="en") == en


def test_format_money_rials() -> None:
    assert format_money(125_000, unit="rial") == "۱۲۵٬۰۰۰ ریال"
    assert format_money(1, unit="rial", lang="en") == "1 rial"
    assert format_money(2, unit="rial", lang="en") == "2 rials"


def test_format_money_regional_lang_tags() -> None:
    assert format_money(10, lang="fa_IR") == format_money(10, lang="fa-IR") == "۱ تومان"
    assert format_money(10, lang="en_US") == "1 toman"


def test_format_money_negative() -> None:
    assert format_money(-125_000, lang="en") == "-12,500 tomans"
    fa = format_money(-125_000)
    # The minus and digits sit in a left-to-right isolate so the sign stays left of the number.
    assert fa == "\u2066\u2212۱۲٬۵۰۰\u2069 تومان"
    assert format_number(-1234, lang="en") == "-1,234"


@pytest.mark.parametrize("bad", [True, False, 1.0, "10", None])
def test_format_money_refuses_non_int(bad: object) -> None:
    with pytest.raises(TypeError):
        format_money(bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        format_number(bad)  # type: ignore[arg-type]


def test_format_money_unknown_unit() -> None:
    with pytest.raises(ValueError):
        format_money(10, unit="dollar")


def test_format_number() -> None:
    assert format_number(1_234_567) == "۱٬۲۳۴٬۵۶۷"
    assert format_number(1_234_567, lang="en") == "1,234,567"
    assert format_number(999) == "۹۹۹"


@pytest.mark.parametrize(
    ("typed", "rials"),
    [
        ("12500", 125_000),
        ("12,500", 125_000),
        ("۱۲٬۵۰۰", 125_000),
        ("١٢٬٥٠٠", 125_000),
        ("12 500", 125_000),
        ("۱۲،۵۰۰", 125_000),
        ("1.5", 15),
        ("۱٫۵", 15),
        ("12,500 تومان", 125_000),
        ("12,500 Tomans", 125_000),
        ("0", 0),
        (" 5,000,000 ", 50_000_000),
    ],
)
def test_parse_money_tomans(typed: str, rials: int) -> None:
    assert parse_money(typed) == rials


def test_parse_money_rials() -> None:
    assert parse_money("125,000", unit="rial") == 125_000
    assert parse_money("۱۲۵٬۰۰۰ ریال", unit="rial") == 125_000
    with pytest.raises(BadInput):
        parse_money("12.5", unit="rial")


@pytest.mark.parametrize(
    "bad",
    ["", "  ", "-100", "100-", "−100", "abc", "12a", "1.55", "1.500", "1..5", "12 ریال", None],
)
def test_parse_money_rejects(bad: str) -> None:
    with pytest.raises(BadInput) as info:
        parse_money(bad, field="loan_amount")
    assert set(info.value.fields) == {"loan_amount"}


def test_parse_money_ceiling() -> None:
    assert parse_money(str(MAX_RIALS // 10)) == MAX_RIALS
    with pytest.raises(BadInput):
        parse_money(str(MAX_RIALS // 10) + ".1")
    with pytest.raises(BadInput):
        parse_money("9" * 5000)


@given(st.integers(min_value=0, max_value=MAX_RIALS), st.sampled_from(["fa", "en"]))
def test_money_round_trip_tomans(rials: int, lang: str) -> None:
    assert parse_money(format_money(rials, lang=lang)) == rials


@given(st.integers(min_value=0, max_value=MAX_RIALS), st.sampled_from(["fa", "en"]))
def test_money_round_trip_rials(rials: int, lang: str) -> None:
    assert parse_money(format_money(rials, lang=lang, unit="rial"), unit="rial") == rials


@given(st.integers(min_value=-(10**18), max_value=10**18))
def test_format_number_digits_survive(n: int) -> None:
    text = format_number(n, lang="en")
    assert int(text.replace(",", "")) == n


# --- dates ------------------------------------------------------------------------------------


def test_nowruz_1404() -> None:
    assert to_jalali(NOWRUZ_1404) == jdatetime.date(1404, 1, 1)
    assert format_date(NOWRUZ_1404) == "۱۴۰۴/۰۱/۰۱"
    assert format_date(NOWRUZ_1404, lang="en") == "2025-03-21"
    assert format_date_long(NOWRUZ_1404) == "۱ فروردین ۱۴۰۴"
    assert format_date_long(NOWRUZ_1404, "en") == "21 March 2025"


def test_to_jalali_datetime_keeps_time() -> None:
    j = to_jalali(datetime(2025, 3, 21, 9, 15))
    assert isinstance(j, jdatetime.datetime)
    assert (j.year, j.month, j.day, j.hour, j.minute) == (1404, 1, 1, 9, 15)


def test_naive_datetimes_are_utc_and_shown_in_tehran() -> None:
    # 21:00 UTC on 20 March is 00:30 on Nowruz in Tehran (UTC+3:30, no daylight time since 2022).
    late = datetime(2025, 3, 20, 21, 0)
    assert format_date(late) == "۱۴۰۴/۰۱/۰۱"
    assert format_date(late, with_time=True) == "۱۴۰۴/۰۱/۰۱ ۰۰:۳۰"
    assert format_date(late, lang="en", with_time=True) == "2025-03-21 00:30"
    assert format_date(late.replace(tzinfo=UTC), with_time=True) == "۱۴۰۴/۰۱/۰۱ ۰۰:۳۰"
    assert format_date(late, lang="en", tz="UTC") == "2025-03-20"
    assert format_date_long(late) == "۱ فروردین ۱۴۰۴"
    assert persian_weekday(late) == "جمعه"


def test_aware_datetimes_are_converted() -> None:
    tehran_morning = datetime(2025, 3, 21, 8, 0, tzinfo=timezone(timedelta(hours=3, minutes=30)))
    assert format_date(tehran_morning, lang="en", with_time=True) == "2025-03-21 08:00"


def test_plain_date_ignores_with_time_and_none_is_empty() -> None:
    assert format_date(NOWRUZ_1404, with_time=True) == "۱۴۰۴/۰۱/۰۱"
    assert format_date(None) == ""
    assert format_date_long(None) == ""


def test_format_date_refuses_strings() -> None:
    with pytest.raises(TypeError):
        format_date("2025-03-21")  # type: ignore[arg-type]


def test_every_persian_month_name() -> None:
    names = [format_date_long(parse_jalali_date(f"1404/{m}/1")).split(" ")[1] for m in range(1, 13)]
    assert names[0] == "فروردین" and names[6] == "مهر" and names[11] == "اسفند"
    assert len(set(names)) == 12


@pytest.mark.parametrize("typed", ["1404/01/01", "۱۴۰۴/۰۱/۰۱", "1404-1-1", "1404.01.01", " ۱۴۰۴ / ۱ / ۱ "])
def test_parse_jalali_date(typed: str) -> None:
    assert parse_jalali_date(typed) == NOWRUZ_1404


def test_parse_jalali_leap_esfand() -> None:
    assert parse_jalali_date("1403/12/30") == date(2025, 3, 20)  # 1403 is a leap year
    with pytest.raises(BadInput):
        parse_jalali_date("1404/12/30")


@pytest.mark.parametrize(
    "bad",
    ["", "1404/13/01", "1404/07/31", "1404/01/32", "04/01/01", "1404/01-01", "2025-03-21x", None],
)
def test_parse_jalali_date_rejects(bad: str) -> None:
    with pytest.raises(BadInput) as info:
        parse_jalali_date(bad, field="due_date")
    assert set(info.value.fields) == {"due_date"}


@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2100, 12, 31)))
def test_jalali_round_trip(d: date) -> None:
    assert parse_jalali_date(format_date(d)) == d


def test_week_starts_on_saturday() -> None:
    saturday = date(2025, 3, 22)
    days = [persian_weekday(saturday + timedelta(days=i)) for i in range(7)]
    assert days == ["شنبه", "یک‌شنبه", "دوشنبه", "سه‌شنبه", "چهارشنبه", "پنج‌شنبه", "جمعه"]
    assert persian_weekday(NOWRUZ_1404) == "جمعه"  # Nowruz 1404 fell on a Friday


@pytest.mark.parametrize("negative", ["-100", "100-", "−۱۰۰", "۱۰۰−", "\u2066\u2212۱۲٬۵۰۰\u2069 تومان"])
def test_parse_money_says_negative(negative: str) -> None:
    # A right-to-left field shows a typed minus after the digits; the message must still fit.
    with pytest.raises(BadInput) as info:
        parse_money(negative)
    assert "negative" in str(info.value.message)

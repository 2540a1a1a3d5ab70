"""Jalali periods (a month, a season of three months, a year): their codes, days and names."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import jdatetime

from resalat_core.sdk import BadInput, _, to_persian_digits

MONTH, SEASON, YEAR = "month", "season", "year"
KINDS = (MONTH, SEASON, YEAR)

MONTHS_FA = (
    "فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور",
    "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند",
)  # fmt: skip
MONTHS_EN = (
    "Farvardin", "Ordibehesht", "Khordad", "Tir", "Mordad", "Shahrivar",
    "Mehr", "Aban", "Azar", "Dey", "Bahman", "Esfand",
)  # fmt: skip
SEASONS_FA = ("بهار", "تابستان", "پاییز", "زمستان")
SEASONS_EN = ("Spring", "Summer", "Autumn", "Winter")

_CODE = re.compile(r"^(\d{4})(?:-(\d{2})|-S([1-4]))?$")


@dataclass(frozen=True, order=True)
class Period:
    """A Jalali month (``1405-09``), season (``1405-S3``) or year (``1405``)."""

    year: int
    # The first month (1-12) and how many months it spans: 1, 3 or 12.
    month: int
    months: int

    @property
    def kind(self) -> str:
        return {1: MONTH, 3: SEASON, 12: YEAR}[self.months]

    @property
    def code(self) -> str:
        if self.months == 1:
            return f"{self.year:04d}-{self.month:02d}"
        if self.months == 3:
            return f"{self.year:04d}-S{(self.month - 1) // 3 + 1}"
        return f"{self.year:04d}"

    @property
    def first_day(self) -> date:
        return jdatetime.date(self.year, self.month, 1).togregorian()

    @property
    def last_day(self) -> date:
        return self.next().first_day.fromordinal(self.next().first_day.toordinal() - 1)

    def next(self) -> Period:
        month = self.month + self.months
        return Period(self.year + (month - 1) // 12, (month - 1) % 12 + 1, self.months)

    def previous(self) -> Period:
        month = self.month - self.months
        return Period(self.year + (month - 1) // 12, (month - 1) % 12 + 1, self.months)

    def name(self, lang: str) -> str:
        """'آذر ۱۴۰۵', 'پاییز ۱۴۰۵', '۱۴۰۵' in Persian; 'Azar 1405', 'Autumn 1405', '1405' in English."""
        persian = lang == "fa"
        if self.months == 1:
            head = (MONTHS_FA if persian else MONTHS_EN)[self.month - 1] + " "
        elif self.months == 3:
            head = (SEASONS_FA if persian else SEASONS_EN)[(self.month - 1) // 3] + " "
        else:
            head = ""
        text = f"{head}{self.year}"
        return to_persian_digits(text) if persian else text


def period_of(day: date, kind: str) -> Period:
    """The period of ``kind`` that holds ``day``."""
    j = jdatetime.date.fromgregorian(date=day)
    months = {MONTH: 1, SEASON: 3, YEAR: 12}[kind]
    return Period(j.year, (j.month - 1) // months * months + 1, months)


def parse_period(code: str, field: str = "period") -> Period:
    """A period from its code; BadInput naming ``field`` for anything else."""
    found = _CODE.match((code or "").strip())
    if found:
        year, month, season = found.groups()
        if 1300 <= int(year) <= 1600:
            if month is None and season is None:
                return Period(int(year), 1, 12)
            if season is not None:
                return Period(int(year), (int(season) - 1) * 3 + 1, 3)
            if 1 <= int(month) <= 12:
                return Period(int(year), int(month), 1)
    raise BadInput(
        _("A period is a Jalali month (1405-09), season (1405-S3) or year (1405)."),
        fields={field: _("Not a period.")},
        code="bad_period",
    )


def last_periods(end: Period, count: int) -> list[Period]:
    """``count`` periods of ``end``'s kind, oldest first, ending with ``end``."""
    found = [end]
    while len(found) < count:
        found.append(found[-1].previous())
    return list(reversed(found))

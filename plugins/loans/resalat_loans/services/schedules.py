"""The arithmetic of a loan: its fixed fee, Jalali months, equal instalments, the remainders on the last."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import jdatetime

from resalat_loans import setting


def fee_for(amount: int, fee_bps: int) -> int:
    """The fee (کارمزد) on ``amount``: ``fee_bps`` basis points, rounded half up to a rial. Fixed."""
    return (amount * fee_bps + 5000) // 10000


def add_months(day: date, months: int) -> date:
    """``months`` Jalali months after ``day``, on the same day of the month or the month's last day.

    Jalali months are 31, 30 or 29/30 days: the 31st of Shahrivar plus one month is the 30th of Mehr.
    """
    j = jdatetime.date.fromgregorian(date=day)
    index = j.month - 1 + months
    year, month = j.year + index // 12, index % 12 + 1
    last = 31 if month <= 6 else 30 if month <= 11 else (30 if jdatetime.date(year, 1, 1).isleap() else 29)
    return jdatetime.date(year, month, min(j.day, last)).togregorian()


@dataclass(frozen=True)
class Line:
    """One instalment of a schedule: its number, due day, principal part and fee part (rials)."""

    seq: int
    due_on: date
    principal: int
    fee: int

    @property
    def amount(self) -> int:
        return self.principal + self.fee


def _unit(total: int, instalments: int, unit: int) -> int:
    # Round parts to ``unit`` rials only when a part is at least that big; tiny loans stay exact.
    return unit if unit > 1 and total // instalments >= unit else 1


def schedule_for(
    amount: int, fee: int, instalments: int, start: date, *, unit: int | None = None
) -> list[Line]:
    """Equal monthly instalments of (amount + fee) / n, monthly from ``start``; remainders on the last.

    Each instalment is split into a principal part (amount / n) and a fee part (fee / n), each
    rounded down to ``unit`` rials (the ``instalment_rounding`` setting: round tomans on the
    member's page); the last instalment carries what rounding left, so the principal parts sum to
    the amount and the fee parts to the fee, exactly.
    """
    unit = int(setting("instalment_rounding")) if unit is None else unit
    pu, fu = _unit(amount, instalments, unit), _unit(fee, instalments, unit)
    p = amount // instalments // pu * pu
    f = fee // instalments // fu * fu
    lines = []
    for seq in range(1, instalments + 1):
        last = seq == instalments
        principal = amount - p * (instalments - 1) if last else p
        fee_part = fee - f * (instalments - 1) if last else f
        lines.append(Line(seq, add_months(start, seq), principal, fee_part))
    return lines


def monthly_instalment(amount: int, fee: int, instalments: int) -> int:
    """The largest instalment (the last, which carries the remainders)."""
    return schedule_for(amount, fee, instalments, date(2000, 1, 1))[-1].amount


@dataclass(frozen=True)
class Run:
    """``count`` consecutive instalments of the same ``amount`` (rials): one part of a schedule's summary."""

    count: int
    amount: int


def runs_of(amounts: list[int]) -> list[Run]:
    """The schedule as written out exactly: 23 × 3,399,000 then 1 × 3,423,000, never one rounded figure."""
    runs: list[Run] = []
    for amount in amounts:
        if runs and runs[-1].amount == amount:
            runs[-1] = Run(runs[-1].count + 1, amount)
        else:
            runs.append(Run(1, amount))
    return runs


def summary(amount: int, fee: int, instalments: int) -> list[Run]:
    """The exact instalments of a loan of ``amount`` and ``fee`` in ``instalments`` months, as runs."""
    return runs_of([line.amount for line in schedule_for(amount, fee, instalments, date(2000, 1, 1))])

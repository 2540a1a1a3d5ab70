"""The arithmetic of an instalment purchase: down payment, fixed fee, Jalali months, exact instalments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import jdatetime

from resalat_aghsat import setting


def down_payment_for(price: int, down_bps: int) -> int:
    """The down payment: ``down_bps`` of ``price``, rounded up to whole 1,000 tomans when the price
    is big enough, never the whole price (something is always left to finance)."""
    exact = -(-price * down_bps // 10000)  # rounded up to a rial
    unit = int(setting("instalment_rounding"))
    if unit > 1 and price >= unit * 10:
        rounded = -(-exact // unit) * unit
        if rounded < price:
            return rounded
    return min(exact, max(price - 1, 0))


def fee_for(amount: int, fee_bps: int) -> int:
    """The service fee on what is financed: ``fee_bps`` basis points, half up to a rial. Fixed up front."""
    return (amount * fee_bps + 5000) // 10000


def add_months(day: date, months: int) -> date:
    """``months`` Jalali months after ``day``, on the same day of the month or the month's last day."""
    j = jdatetime.date.fromgregorian(date=day)
    index = j.month - 1 + months
    year, month = j.year + index // 12, index % 12 + 1
    last = 31 if month <= 6 else 30 if month <= 11 else (30 if jdatetime.date(year, 1, 1).isleap() else 29)
    return jdatetime.date(year, month, min(j.day, last)).togregorian()


@dataclass(frozen=True)
class Line:
    """One instalment of a schedule: number, due day, principal and fee parts (rials)."""

    seq: int
    due_on: date
    principal: int
    fee: int

    @property
    def amount(self) -> int:
        return self.principal + self.fee


def _unit(total: int, count: int, unit: int) -> int:
    # Round parts to ``unit`` only when a part is at least that big: a tiny purchase stays exact.
    return unit if unit > 1 and total // count >= unit else 1


def schedule_for(financed: int, fee: int, months: int, start: date) -> list[Line]:
    """Equal monthly instalments from one month after ``start``; each part rounded down to the
    ``instalment_rounding`` setting and the last instalment absorbing the remainders, so the
    principal parts sum to ``financed`` and the fee parts to ``fee`` exactly."""
    unit = int(setting("instalment_rounding"))
    pu, fu = _unit(financed, months, unit), _unit(fee, months, unit)
    p = financed // months // pu * pu
    f = fee // months // fu * fu
    lines = []
    for seq in range(1, months + 1):
        last = seq == months
        lines.append(
            Line(
                seq,
                add_months(start, seq),
                financed - p * (months - 1) if last else p,
                fee - f * (months - 1) if last else f,
            )
        )
    return lines


@dataclass(frozen=True)
class Quote:
    """What a plan costs for one price: the down payment now, the financed rest, the fee and the schedule."""

    price: int
    down_payment: int
    financed: int
    fee: int
    lines: tuple[Line, ...]

    @property
    def total(self) -> int:
        return self.price + self.fee

    @property
    def later(self) -> int:
        return self.financed + self.fee


def quote(price: int, months: int, down_bps: int, fee_bps: int, start: date) -> Quote:
    """The whole cost of buying ``price`` rials with these terms, starting on ``start``."""
    down = down_payment_for(price, down_bps)
    financed = price - down
    fee = fee_for(financed, fee_bps)
    return Quote(price, down, financed, fee, tuple(schedule_for(financed, fee, months, start)))


def runs_of(amounts: list[int] | tuple[int, ...]) -> list[tuple[int, int]]:
    """The schedule written out exactly, as (count, amount) runs: 5 × 1,200,000 then 1 × 1,230,000."""
    runs: list[tuple[int, int]] = []
    for amount in amounts:
        if runs and runs[-1][1] == amount:
            runs[-1] = (runs[-1][0] + 1, amount)
        else:
            runs.append((1, amount))
    return runs

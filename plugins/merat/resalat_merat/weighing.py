"""The numbers that turn signals into a score, read from the settings: weights, the base score,
ratings, repayment capacity and how long a score stands."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from resalat_core.sdk import Text, lazy_pgettext, utcnow
from resalat_merat import plugin, setting
from resalat_merat.signals import Declared

# Ordered best first (CONTRACT.md).
RATINGS: tuple[str, ...] = ("A", "B", "C", "D", "E")
# How a rating is named to a reader: Latin letters in English, «الف» to «هـ» in Persian.
RATING_NAMES: dict[str, Text] = {
    "A": lazy_pgettext("credit rating", "A"),
    "B": lazy_pgettext("credit rating", "B"),
    "C": lazy_pgettext("credit rating", "C"),
    "D": lazy_pgettext("credit rating", "D"),
    "E": lazy_pgettext("credit rating", "E"),
}
MIN_SCORE = 0
MAX_SCORE = 1000
WEIGHT_KEYS = ("points", "per", "max", "money")


def rating_name(rating: str) -> str:
    """A rating as the reader names it (the code itself if unknown)."""
    name = RATING_NAMES.get(rating)
    return str(name) if name is not None else rating


def rating_at_least(rating: str, minimum: str) -> bool:
    """Is ``rating`` as good as ``minimum`` or better? Unknown ratings are never good enough."""
    if rating not in RATINGS or minimum not in RATINGS:
        return False
    return RATINGS.index(rating) <= RATINGS.index(minimum)


@dataclass(frozen=True)
class Weight:
    """``points`` for every ``per`` of a signal's value, never beyond ``max`` (either sign)."""

    kind: str
    points: int
    per: int
    max: int | None
    # The signal's value is rials: the report shows ``per`` as money (tomans), not a bare count.
    money: bool = False

    def apply(self, value: int) -> int:
        # Whole units only, rounded toward zero, so half a unit earns nothing either way.
        units = abs(value) // self.per
        points = units * self.points * (1 if value >= 0 else -1)
        if self.max is not None:
            cap = abs(self.max)
            points = max(-cap, min(cap, points))
        return points


def whole_number(raw: Any, name: str) -> int:
    """A setting that must be a whole number (ValueError naming it otherwise)."""
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        raise ValueError(f"merat setting {name} must be a whole number, not {raw!r}")
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"merat setting {name} must be a whole number, not {raw!r}") from None


def _true_or_false(raw: Any, name: str) -> bool:
    if not isinstance(raw, bool):
        raise ValueError(f"merat setting {name} must be true or false, not {raw!r}")
    return raw


def _override(kind: str, raw: Any) -> dict[str, Any]:
    """One ``[plugins.merat.weights.<kind>]`` table, checked key by key."""
    if not isinstance(raw, dict):
        raise ValueError(f"merat setting weights.{kind} must be a table of points, per, max and money")
    unknown = sorted(set(raw) - set(WEIGHT_KEYS))
    if unknown:
        raise ValueError(f"merat setting weights.{kind} has unknown keys: {', '.join(unknown)}")
    checked: dict[str, Any] = {}
    for key in ("points", "per", "max"):
        if key in raw:
            checked[key] = whole_number(raw[key], f"weights.{kind}.{key}")
    if checked.get("per", 1) < 1:
        raise ValueError(f"merat setting weights.{kind}.per must be 1 or more")
    if "money" in raw:
        checked["money"] = _true_or_false(raw["money"], f"weights.{kind}.money")
    return checked


def weights(declared: dict[str, Declared]) -> dict[str, Weight]:
    """The weight of every declared kind: its plugin's default, with ``[plugins.merat.weights]``
    overriding any of its keys. Overrides of kinds nobody declares here are checked and kept
    aside (their plugin may be switched off in this region); they weigh nothing without a kind.
    """
    overrides = {kind: _override(kind, raw) for kind, raw in (setting("weights") or {}).items()}
    table = {}
    for code, found in declared.items():
        kind = found.kind
        changed = overrides.get(code, {})
        table[code] = Weight(
            kind=code,
            points=changed.get("points", kind.points),
            per=changed.get("per", kind.per),
            max=changed.get("max", kind.cap),
            money=changed.get("money", kind.money),
        )
    return table


def base_score() -> int:
    return max(MIN_SCORE, min(MAX_SCORE, whole_number(setting("base_score"), "base_score")))


def thresholds() -> list[tuple[str, int]]:
    """(rating, lowest score) best first, from ``[plugins.merat.ratings]``; E takes the rest."""
    table = {**plugin.settings["ratings"], **(setting("ratings") or {})}
    result = [(r, whole_number(table[r], f"ratings.{r}")) for r in RATINGS[:-1] if r in table]
    floors = [floor for _r, floor in result]
    if floors != sorted(floors, reverse=True):
        raise ValueError("merat setting ratings must fall from A to D")
    return result


def rating_for(value: int) -> str:
    for rating, floor in thresholds():
        if value >= floor:
            return rating
    return RATINGS[-1]


def capacity_percent(rating: str) -> int:
    table = {**plugin.settings["capacity_percent"], **(setting("capacity_percent") or {})}
    percent = whole_number(table.get(rating, 0), f"capacity_percent.{rating}")
    return max(0, min(100, percent))


def capacity_for(rating: str, profile: Any) -> int:
    """Rials a month: the declared surplus × the rating's share; never negative, 0 with no profile."""
    if profile is None:
        return 0
    return max(0, profile.surplus * capacity_percent(rating) // 100)


def validity_months() -> int:
    return max(1, whole_number(setting("validity_months"), "validity_months"))


def add_months(moment: datetime, months: int) -> datetime:
    """The same day ``months`` later (the month's last day when it is shorter)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def stale_before(now: datetime | None = None) -> datetime:
    """Scores computed before this moment are stale for ``refresh --stale-only``."""
    days = max(0, whole_number(setting("stale_days"), "stale_days"))
    return (now or utcnow()) - timedelta(days=days)


def batch_size() -> int:
    return max(1, whole_number(setting("batch_size"), "batch_size"))

"""Taking snapshots of every plugin's keyed figures, and reading them back by scope and period."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask_babel import force_locale
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from resalat_core.sdk import (
    BadInput,
    Figure,
    NotFound,
    Region,
    _,
    current_language,
    get_region,
    ids_under,
    region_hook,
    today_in_iran,
)

from . import setting
from .models import NATIONWIDE, Snapshot
from .periods import Period, last_periods

log = logging.getLogger(__name__)


# --- scopes ------------------------------------------------------------------------------------


def provinces(session: Session) -> list[Region]:
    """Every province, by code: the scopes a snapshot is taken in besides the whole country."""
    return list(session.scalars(select(Region).where(Region.parent_id.is_(None)).order_by(Region.code)))


def scope_of(session: Session, code: str | None, field: str = "region") -> Region | None:
    """The province a region code names (a place's code names its province), None for nationwide.

    An unknown code is BadInput naming ``field``.
    """
    if not code:
        return None
    try:
        region = get_region(session, code.strip())
    except NotFound:
        raise BadInput(
            _("No region has this code."), fields={field: _("No region has this code.")}, code="bad_region"
        ) from None
    if region.parent_id is not None:
        region = get_region(session, region.parent_id)
    return region


def scope_id(region: Region | None) -> int:
    return NATIONWIDE if region is None else region.id


def may_see_all(area: list[int] | None, region: Region | None, holds: bool) -> bool:
    """Does an administrator whose area is ``area`` see every figure of ``region``'s scope?

    ``holds``: whether they hold the view-all permission anywhere. Nationwide needs a nationwide
    area; a province needs the province itself within the area.
    """
    if not holds:
        return False
    if area is None:
        return True
    return region is not None and region.id in area


# --- taking snapshots --------------------------------------------------------------------------


@dataclass(frozen=True)
class Counted:
    """A keyed figure as counted on a day, with its words in both languages."""

    plugin: str
    key: str
    value: int
    money: bool
    label_fa: str
    label_en: str
    unit_fa: str
    unit_en: str


def _in(lang: str, text: object) -> str:
    with force_locale(lang):
        return str(text) if text else ""


def count_figures(session: Session, region: Region | None) -> list[Counted]:
    """Every keyed figure the plugins active in ``region`` (None: nationwide) count within it.

    Each plugin is asked on its own, in a savepoint: one that fails is logged and left out (as the
    administrators' dashboard does), the others are kept. Figures without a key are not kept.
    """
    area = None if region is None else ids_under(session, [region])
    caller = region_hook("resalat_stats", region)
    counted: list[Counted] = []
    for impl in caller.get_hookimpls():
        if impl.plugin_name == "stats":
            continue
        try:
            with session.begin_nested():
                figures: Iterable[Figure] = impl.function(session=session, area=area) or []
                figures = list(figures)
        except Exception:
            log.exception("the figures of %s could not be counted", impl.plugin_name)
            continue
        seen: set[str] = set()
        for figure in figures:
            if not figure.key or figure.key in seen:
                continue
            seen.add(figure.key)
            counted.append(
                Counted(
                    plugin=impl.plugin_name,
                    key=figure.key,
                    value=int(figure.value),
                    money=bool(figure.money),
                    label_fa=_in("fa", figure.label),
                    label_en=_in("en", figure.label),
                    unit_fa=_in("fa", figure.unit),
                    unit_en=_in("en", figure.unit),
                )
            )
    return counted


def store(session: Session, day: date, region: Region | None, counted: list[Counted]) -> int:
    """Keep ``counted`` as ``day``'s figures of the scope, replacing what that day held there."""
    scope = scope_id(region)
    session.execute(delete(Snapshot).where(Snapshot.scope_id == scope, Snapshot.day == day))
    session.add_all(
        Snapshot(
            day=day,
            scope_id=scope,
            plugin=c.plugin,
            key=c.key,
            value=c.value,
            money=c.money,
            label_fa=c.label_fa,
            label_en=c.label_en,
            unit_fa=c.unit_fa,
            unit_en=c.unit_en,
        )
        for c in counted
    )
    session.flush()
    return len(counted)


def refresh(
    session: Session,
    day: date | None = None,
    *,
    progress: Callable[[Region | None], None] | None = None,
) -> dict[str, int]:
    """Take ``day``'s snapshot (today in Iran by default) nationwide and in every province.

    Returns how many scopes and figures were kept. The caller commits.
    """
    day = day or today_in_iran()
    scopes: list[Region | None] = [None, *provinces(session)]
    kept = 0
    for region in scopes:
        kept += store(session, day, region, count_figures(session, region))
        if progress is not None:
            progress(region)
    return {"scopes": len(scopes), "figures": kept}


def scopes_count(session: Session) -> int:
    """How many scopes ``refresh`` walks (for a progress bar's length)."""
    return 1 + len(provinces(session))


# --- the periodic job: a chunk per scope -------------------------------------------------------

REFRESH = "stats.refresh"


def plan_refresh(session: Session, now: datetime, *, day: str | None = None) -> list[dict[str, Any]]:
    """A chunk for the nationwide scope and one for each province, each with the day (ISO; today in
    Iran by default): a province's counts are the heavy part, and workers take them side by side."""
    on = day or today_in_iran().isoformat()
    return [{"region": None, "day": on}] + [{"region": r.id, "day": on} for r in provinces(session)]


def refresh_chunk(session: Session, chunk: dict[str, Any], now: datetime) -> dict[str, int]:
    """Count one scope's figures and keep them as the day's snapshot; run again the same day, it
    replaces the same rows (the snapshot is keyed by day, scope and figure)."""
    region = session.get(Region, int(chunk["region"])) if chunk.get("region") is not None else None
    kept = store(session, date.fromisoformat(chunk["day"]), region, count_figures(session, region))
    return {"scopes": 1, "figures": kept}


# --- reading them back -------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """A figure's value at the end of a period, and at the end of the period before."""

    plugin: str
    key: str
    label: str
    unit: str
    money: bool
    value: int
    previous: int | None
    day: date

    @property
    def change(self) -> int | None:
        return None if self.previous is None else self.value - self.previous

    @property
    def name(self) -> str:
        return f"{self.plugin}.{self.key}"


def public_names() -> list[str]:
    """The figures visitors see, as "plugin.key", in the order the page charts them."""
    return [str(n) for n in setting("public_figures")]


def _last_day(session: Session, scope: int, period: Period) -> date | None:
    return session.scalar(
        select(func.max(Snapshot.day)).where(
            Snapshot.scope_id == scope, Snapshot.day >= period.first_day, Snapshot.day <= period.last_day
        )
    )


def _rows_of(session: Session, scope: int, day: date | None) -> list[Snapshot]:
    if day is None:
        return []
    return list(
        session.scalars(
            select(Snapshot)
            .where(Snapshot.scope_id == scope, Snapshot.day == day)
            .order_by(Snapshot.plugin, Snapshot.id)
        )
    )


def _words(snap: Snapshot, lang: str) -> tuple[str, str]:
    if lang == "fa":
        return snap.label_fa or snap.label_en, snap.unit_fa or snap.unit_en
    return snap.label_en or snap.label_fa, snap.unit_en or snap.unit_fa


def latest_period(session: Session, kind: str) -> Period:
    """The period of ``kind`` holding the newest snapshot (today's when there is none)."""
    from .periods import period_of

    newest = session.scalar(select(func.max(Snapshot.day)))
    return period_of(newest or today_in_iran(), kind)


def table(
    session: Session, region: Region | None, period: Period, *, everything: bool, lang: str | None = None
) -> list[Row]:
    """The figures of ``region``'s scope at the end of ``period``, with the change since the one before.

    Four queries whatever the number of figures. ``everything`` False keeps the public figures only.
    """
    lang = lang or current_language()
    scope = scope_id(region)
    now = _rows_of(session, scope, _last_day(session, scope, period))
    before = {
        (s.plugin, s.key): s.value
        for s in _rows_of(session, scope, _last_day(session, scope, period.previous()))
    }
    shown = None if everything else set(public_names())
    rows = []
    for snap in now:
        if shown is not None and f"{snap.plugin}.{snap.key}" not in shown:
            continue
        label, unit = _words(snap, lang)
        rows.append(
            Row(
                plugin=snap.plugin,
                key=snap.key,
                label=label,
                unit=unit,
                money=snap.money,
                value=snap.value,
                previous=before.get((snap.plugin, snap.key)),
                day=snap.day,
            )
        )
    return rows


@dataclass(frozen=True)
class Series:
    """One figure's value at the end of each of the last periods (None: no snapshot in it)."""

    name: str
    label: str
    unit: str
    money: bool
    points: list[tuple[Period, int | None]]


def history(
    session: Session,
    region: Region | None,
    end: Period,
    names: list[str],
    *,
    count: int | None = None,
    lang: str | None = None,
) -> list[Series]:
    """The figures ``names`` ("plugin.key") over the ``count`` periods ending with ``end``.

    Two queries: the days with snapshots in the span, then the rows of each period's last day.
    """
    lang = lang or current_language()
    periods = last_periods(end, count or int(setting("chart_periods")))
    scope = scope_id(region)
    days = session.scalars(
        select(Snapshot.day)
        .where(
            Snapshot.scope_id == scope,
            Snapshot.day >= periods[0].first_day,
            Snapshot.day <= periods[-1].last_day,
        )
        .group_by(Snapshot.day)
    ).all()
    last: dict[Period, date] = {}
    for day in days:
        for period in periods:
            if period.first_day <= day <= period.last_day and (period not in last or last[period] < day):
                last[period] = day
    wanted = set(names)
    values: dict[tuple[str, date], Snapshot] = {}
    if last and wanted:
        for snap in session.scalars(
            select(Snapshot).where(Snapshot.scope_id == scope, Snapshot.day.in_(set(last.values())))
        ):
            name = f"{snap.plugin}.{snap.key}"
            if name in wanted:
                values[(name, snap.day)] = snap
    series = []
    for name in names:
        found = [values.get((name, last[p])) if p in last else None for p in periods]
        sample = next((s for s in reversed(found) if s is not None), None)
        if sample is None:
            continue
        label, unit = _words(sample, lang)
        series.append(
            Series(
                name=name,
                label=label,
                unit=unit,
                money=sample.money,
                points=[(p, None if s is None else s.value) for p, s in zip(periods, found, strict=True)],
            )
        )
    return series


def snapshot_days(session: Session) -> list[date]:
    """Every day with a nationwide snapshot, newest first (for the CLI and the API's periods)."""
    return list(
        session.scalars(
            select(Snapshot.day)
            .where(Snapshot.scope_id == NATIONWIDE)
            .group_by(Snapshot.day)
            .order_by(Snapshot.day.desc())
        )
    )

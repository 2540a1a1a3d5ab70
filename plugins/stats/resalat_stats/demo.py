"""The demo's history: today's snapshot, taken once every plugin has added its part, and five months before.

Today's rows are counted from the demo's data by ``refresh``. The five earlier months are derived
from them, not counted (the demo's records all date from today): each figure a tenth smaller per
month back, kept on the last day of each month by the same ``store`` a snapshot uses.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import event, func, insert, select
from sqlalchemy.orm import Session

from resalat_core.sdk import today_in_iran

from . import services
from .models import NATIONWIDE, Snapshot
from .periods import MONTH, period_of

MONTHS_BACK = 5
# Marks, in the session's info, whether the demo's snapshots were taken already.
TAKEN = "stats_demo_taken"


def load(session: Session, world: Any) -> None:
    """Take the snapshots just before the demo's one transaction commits.

    Plugins loaded after this one add their part later in the same transaction; waiting for the
    commit lets the snapshot count every plugin's demo data.
    """
    session.info[TAKEN] = False
    event.listen(session, "before_commit", _take)


def _take(session: Session) -> None:
    # A savepoint's release fires this too (plugins use them while loading): wait for the demo's
    # own commit, and take the snapshots once.
    if session.in_nested_transaction() or session.info.get(TAKEN, True):
        return
    session.info[TAKEN] = True
    today = today_in_iran()
    scopes = [None, *services.provinces(session)]
    for region in scopes:
        counted = services.count_figures(session, region)
        services.store(session, today, region, counted)
        month = period_of(today, MONTH)
        for back in range(1, MONTHS_BACK + 1):
            month = month.previous()
            tenths = 10 - back
            past = [replace(c, value=c.value * tenths // 10) for c in counted]
            services.store(session, month.last_day, region, past)


def add_rows(session: Session, rows: int) -> None:
    """``rows`` more months of nationwide history before the oldest kept: each month's last day
    holds the newest snapshot's figures, smaller the further back (the periods list, the charts
    and the tables of those months grow with them)."""
    newest = session.scalar(select(func.max(Snapshot.day)).where(Snapshot.scope_id == NATIONWIDE))
    oldest = session.scalar(select(func.min(Snapshot.day)).where(Snapshot.scope_id == NATIONWIDE))
    if newest is None or oldest is None or rows < 1:
        return
    latest = list(
        session.scalars(
            select(Snapshot)
            .where(Snapshot.scope_id == NATIONWIDE, Snapshot.day == newest)
            .order_by(Snapshot.id)
        )
    )
    month = period_of(oldest, MONTH)
    copies = []
    for back in range(rows):
        month = month.previous()
        # A figure a thousandth smaller a month back, never below nothing.
        share = max(0, 1000 - back - 1)
        copies += [
            {
                "day": month.last_day,
                "scope_id": NATIONWIDE,
                "plugin": s.plugin,
                "key": s.key,
                "value": s.value * share // 1000,
                "money": s.money,
                "label_fa": s.label_fa,
                "label_en": s.label_en,
                "unit_fa": s.unit_fa,
                "unit_en": s.unit_en,
            }
            for s in latest
        ]
    if copies:
        session.execute(insert(Snapshot), copies)

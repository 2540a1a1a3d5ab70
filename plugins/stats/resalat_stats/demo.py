"""The demo's history: today's snapshot, taken once every plugin has added its part, and five months before.

Today's rows are counted from the demo's data by ``refresh``. The five earlier months are derived
from them, not counted (the demo's records all date from today): each figure a tenth smaller per
month back, kept on the last day of each month by the same ``store`` a snapshot uses.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from resalat_core.sdk import today_in_iran

from . import services
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

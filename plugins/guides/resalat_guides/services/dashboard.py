"""A guide's dashboard: the pipeline and the cores of their area, follow-ups due, links waiting.

Counted in a constant number of queries however large the area is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from resalat_cores import services as cores
from sqlalchemy import Select, exists, false, func, select
from sqlalchemy.orm import Session, aliased, contains_eager

from resalat_core.sdk import Page
from resalat_guides.models import BOOTH_OPENED, DROPPED, PENDING, STATUSES, Advice, Candidate, CoreLink
from resalat_guides.services.area import GuideScope, today
from resalat_guides.services.links import area_links

Core = cores.Core
DASHBOARD_ROWS = 5


@dataclass
class Dashboard:
    """What a guide sees first: the pipeline and the cores of their area, and what needs doing."""

    candidates: dict[str, int] = field(default_factory=dict)
    cores: dict[str, int] = field(default_factory=dict)
    recent_advice: list[Advice] = field(default_factory=list)
    follow_ups: list[Advice] = field(default_factory=list)
    pending_links: Page[CoreLink] | None = None

    @property
    def candidates_total(self) -> int:
        return sum(self.candidates.values())

    @property
    def cores_total(self) -> int:
        return sum(self.cores.values())

    def figures(self) -> dict[str, Any]:
        """The dashboard as plain data, for the API and the CLI."""
        return {
            "candidates": self.candidates,
            "candidates_total": self.candidates_total,
            "cores": self.cores,
            "cores_total": self.cores_total,
            "follow_ups_due": len(self.follow_ups),
            "pending_links": self.pending_links.total if self.pending_links else 0,
        }


def _counts(rows: Iterable[Any], keys: Iterable[str]) -> dict[str, int]:
    """Counts for every key in order, zeros included (a chart needs every bar)."""
    found = {status: int(n) for status, n in rows}
    return {key: found.get(key, 0) for key in keys}


def _advice_in_area(scope: GuideScope) -> Select[tuple[Advice]]:
    return (
        select(Advice)
        .join(Candidate, Advice.candidate_id == Candidate.id)
        .where(scope.where(Candidate.region_id))
        .options(contains_eager(Advice.candidate))
    )


def follow_ups_due(session: Session, scope: GuideScope, *, limit: int = DASHBOARD_ROWS) -> list[Advice]:
    """Advice whose follow-up day has come, when no later advice followed it up, soonest first."""
    later = aliased(Advice)
    stmt = (
        _advice_in_area(scope)
        .where(
            Advice.follow_up_on.is_not(None),
            Advice.follow_up_on <= today(),
            Candidate.status.not_in((DROPPED, BOOTH_OPENED)),
            ~exists().where(later.candidate_id == Advice.candidate_id, later.id > Advice.id),
        )
        .order_by(Advice.follow_up_on, Advice.id)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def candidates_by_status(session: Session, area: list[int] | None) -> dict[str, int]:
    """How many candidates there are of each status within ``area`` (None: nationwide): one query."""
    stmt = select(Candidate.status, func.count()).group_by(Candidate.status)
    if area is not None:
        stmt = stmt.where(Candidate.region_id.in_(area)) if area else stmt.where(false())
    return _counts(session.execute(stmt).all(), STATUSES)


def dashboard(session: Session, scope: GuideScope, *, rows: int = DASHBOARD_ROWS) -> Dashboard:
    """The area in a constant number of queries, however many candidates, cores and links it has."""
    recent = list(
        session.scalars(
            _advice_in_area(scope).order_by(Advice.advised_on.desc(), Advice.id.desc()).limit(rows)
        )
    )
    return Dashboard(
        candidates=candidates_by_status(session, scope.area),
        cores=cores.cores_by_status(session, scope.area),
        recent_advice=recent,
        follow_ups=follow_ups_due(session, scope, limit=rows),
        pending_links=area_links(session, scope, status=PENDING, page=1, per_page=rows),
    )


def candidates_count(session: Session, area: list[int] | None = None) -> int:
    """Every candidate guides have recorded within ``area`` (None: nationwide), for the admins."""
    return sum(candidates_by_status(session, area).values())

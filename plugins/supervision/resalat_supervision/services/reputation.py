"""What the community says: a booth's or product's reputation, a seller's stars, and the figures."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from resalat_bazaar import services as bazaar
from resalat_bazaar.services import Reputation
from sqlalchemy import and_, case, func, select, true
from sqlalchemy.orm import Session

from resalat_core.sdk import Member
from resalat_supervision.models import (
    DISMISSED,
    HIDDEN,
    KINDS,
    PENDING,
    PRODUCT,
    STATUSES,
    WARNED,
    Report,
    Review,
)
from resalat_supervision.services.subjects import about, history_path


def reputation(session: Session, kind: str, subject_id: int) -> Reputation | None:
    """What the community says about a booth (with its products) or a product: one statement.

    None for a kind this plugin does not know. ``hidden`` is True while a handler's decision to
    hide this very booth or product is in force.
    """
    if kind not in KINDS:
        return None
    reviews = (
        select(func.avg(Review.stars).label("rating"), func.count(Review.id).label("count"))
        .where(about(Review, kind, subject_id))
        .subquery("reviews")
    )
    is_this = and_(Report.kind == kind, Report.subject_id == subject_id, Report.subject_hidden.is_(True))
    reports = (
        select(
            func.coalesce(func.sum(case((Report.status.in_(PENDING), 1), else_=0)), 0).label("open"),
            func.coalesce(func.max(case((is_this, 1), else_=0)), 0).label("hidden"),
        )
        .where(about(Report, kind, subject_id))
        .subquery("reports")
    )
    # Each side is an aggregate without grouping, one row always: joined, one round trip (a
    # product page asks this of every visit).
    rating, count, open_reports, hidden = session.execute(
        select(reviews.c.rating, reviews.c.count, reports.c.open, reports.c.hidden).select_from(
            reviews.join(reports, true())
        )
    ).one()
    return Reputation(
        rating=round(float(rating), 2) if rating is not None else None,
        reviews=int(count or 0),
        open_reports=int(open_reports or 0),
        url=history_path(kind, subject_id),
        hidden=bool(hidden),
    )


@dataclass(frozen=True)
class SellerStars:
    """What buyers think of the products of a member's booths: how many reviews, their average."""

    reviews: int
    average: float

    @property
    def tenths(self) -> int:
        """The average in tenths of a star (3.67 stars is 37), the credit signal's value."""
        return round(self.average * 10)


def seller_stars(session: Session, member: Member) -> SellerStars | None:
    """The reviews of the products of ``member``'s booths (not of the booths themselves), or None
    before the first: one query."""
    count, average = session.execute(
        select(func.count(Review.id), func.avg(Review.stars))
        .join(bazaar.Booth, bazaar.Booth.id == Review.booth_id)
        .where(bazaar.Booth.owner_id == member.id, Review.kind == PRODUCT)
    ).one()
    if not count:
        return None
    return SellerStars(reviews=int(count), average=float(average))


def seller_stars_many(session: Session, member_ids: Sequence[int]) -> dict[int, SellerStars]:
    """``seller_stars`` of many members by id, in one query (members with no review left out)."""
    rows = session.execute(
        select(bazaar.Booth.owner_id, func.count(Review.id), func.avg(Review.stars))
        .join(bazaar.Booth, bazaar.Booth.id == Review.booth_id)
        .where(bazaar.Booth.owner_id.in_(list(member_ids)), Review.kind == PRODUCT)
        .group_by(bazaar.Booth.owner_id)
    )
    return {owner: SellerStars(reviews=int(n), average=float(avg)) for owner, n, avg in rows if n}


@dataclass(frozen=True)
class Stats:
    reviews: int
    average_stars: float | None
    reports_by_status: dict[str, int]
    reports_by_outcome: dict[str, int]

    @property
    def pending(self) -> int:
        return sum(self.reports_by_status.get(s, 0) for s in PENDING)

    @property
    def decided(self) -> int:
        return sum(n for s, n in self.reports_by_status.items() if s not in PENDING)

    def as_dict(self) -> dict[str, Any]:
        return {
            "reviews": self.reviews,
            "average_stars": self.average_stars,
            "reports_by_status": self.reports_by_status,
            "reports_by_outcome": self.reports_by_outcome,
            "pending": self.pending,
        }


def stats(session: Session, area: list[int] | None = None) -> Stats:
    """Reviews and their average, reports by status and outcome, about the booths of ``area``
    (region ids; None: everywhere): two queries."""
    reviews = select(func.count(Review.id), func.avg(Review.stars))
    reports = select(Report.status, Report.outcome, func.count(Report.id)).group_by(
        Report.status, Report.outcome
    )
    if area is not None:
        reviews = reviews.join(bazaar.Booth, bazaar.Booth.id == Review.booth_id).where(
            bazaar.Booth.region_id.in_(area)
        )
        reports = reports.where(Report.region_id.in_(area))
    count, avg = session.execute(reviews).one()
    by_status = {s: 0 for s in STATUSES}
    by_outcome = {o: 0 for o in (WARNED, HIDDEN, DISMISSED)}
    for status, outcome, n in session.execute(reports):
        by_status[status] = by_status.get(status, 0) + n
        if outcome is not None:
            by_outcome[outcome] = by_outcome.get(outcome, 0) + n
    return Stats(
        reviews=int(count or 0),
        average_stars=round(float(avg), 2) if avg is not None else None,
        reports_by_status=by_status,
        reports_by_outcome=by_outcome,
    )

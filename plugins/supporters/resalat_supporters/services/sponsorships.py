"""Credit-behaviour sponsorships: a supporter backs a cooperation centre for a period; Merat hears of it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from resalat_centers.services import Centre, CentreMember, centres_query, get_centre
from sqlalchemy import func, or_, select, union
from sqlalchemy.orm import Session, joinedload

from resalat_core.sdk import Conflict, Member, NotAllowed, NotFound, Page, _, paginate, utcnow
from resalat_supporters.models import NOTE_MAX, Sponsorship
from resalat_supporters.services.checks import read_text, refusal, region_name, today
from resalat_supporters.services.kinds import CREDIT_BEHAVIOUR, holds_kind, kind_area, require_kind

# A sponsorship runs for at most three years; a longer one is almost surely a typo in the year.
MAX_SPONSORSHIP_DAYS = 3 * 366
CENTRES_IN_FORM = 500


def sponsorable_centres(session: Session, supporter: Member) -> list[Centre]:
    """The centres ``supporter`` may sponsor: those where their credit-behaviour grant reaches."""
    area = kind_area(session, supporter, CREDIT_BEHAVIOUR)
    if area == []:
        return []
    stmt = centres_query(region_ids=area).options(joinedload(Centre.region)).limit(CENTRES_IN_FORM)
    return list(session.scalars(stmt).unique())


def _check_period(first: date | None, last: date | None, errors: dict[str, Any]) -> None:
    if first is None:
        errors.setdefault("starts_on", _("Enter a date."))
    if last is None:
        errors.setdefault("ends_on", _("Enter a date."))
    if first is not None and last is not None:
        if last < first:
            errors["ends_on"] = _("The end must be on or after the start.")
        elif (last - first).days > MAX_SPONSORSHIP_DAYS:
            errors["ends_on"] = _("A sponsorship runs for at most three years.")
    if last is not None and "ends_on" not in errors and last < today():
        errors["ends_on"] = _("This period has already ended.")


def sponsor(
    session: Session,
    supporter: Member,
    *,
    centre: int | None,
    starts_on: date | None,
    ends_on: date | None,
    note: str = "",
) -> Sponsorship:
    """A credit-behaviour supporter sponsors a cooperation centre from ``starts_on`` to ``ends_on``.

    Both days are included; the end may not be before the start nor in the past, and a period is
    at most three years. While it runs every member of the centre has a credit signal for Merat.
    NotAllowed without the credit-behaviour kind where the centre is; BadInput naming every bad
    field; Conflict if this supporter already sponsors the centre for part of the period.
    """
    require_kind(supporter, CREDIT_BEHAVIOUR)
    errors: dict[str, Any] = {}
    found = None
    try:
        found = get_centre(session, centre) if isinstance(centre, int) and centre > 0 else None
    except NotFound:
        found = None
    if found is None:
        errors["centre"] = _("Choose a centre from the list.")
    _check_period(starts_on, ends_on, errors)
    text = read_text(note, "note", NOTE_MAX, errors, required=False)
    if errors:
        raise refusal(errors)
    assert found is not None and starts_on is not None and ends_on is not None
    if not holds_kind(supporter, CREDIT_BEHAVIOUR, found.region):
        raise NotAllowed(
            _(
                "Your role as credit-behaviour supporter does not reach %(region)s, where this centre is.",
                region=region_name(found.region),
            ),
            code="outside_your_region",
        )
    overlapping = session.scalar(
        select(Sponsorship.id).where(
            Sponsorship.supporter_id == supporter.id,
            Sponsorship.centre_id == found.id,
            Sponsorship.ended_at.is_(None),
            Sponsorship.starts_on <= ends_on,
            Sponsorship.ends_on >= starts_on,
        )
    )
    if overlapping is not None:
        raise Conflict(
            _("You already sponsor this centre for part of that period."), code="already_sponsored"
        )
    sponsorship = Sponsorship(
        supporter_id=supporter.id,
        centre_id=found.id,
        starts_on=starts_on,
        ends_on=ends_on,
        note=text,
        created_at=utcnow(),
    )
    session.add(sponsorship)
    session.flush()
    return sponsorship


def end_sponsorship(session: Session, supporter: Member, sponsorship_id: int) -> Sponsorship:
    """The supporter ends their sponsorship now; it no longer counts. Someone else's: NotFound."""
    sponsorship = session.get(Sponsorship, sponsorship_id)
    if sponsorship is None or sponsorship.supporter_id != supporter.id:
        raise NotFound(_("No such sponsorship."), code="unknown_sponsorship")
    if sponsorship.ended_at is not None or sponsorship.ends_on < today():
        raise Conflict(_("This sponsorship has already ended."), code="already_ended")
    sponsorship.ended_at = utcnow()
    session.flush()
    return sponsorship


def sponsorships_by(
    session: Session, supporter: Member, page: int = 1, per_page: int = 20
) -> Page[Sponsorship]:
    """One page of ``supporter``'s sponsorships, newest first."""
    stmt = (
        select(Sponsorship)
        .where(Sponsorship.supporter_id == supporter.id)
        .options(joinedload(Sponsorship.centre).joinedload(Centre.region))
        .order_by(Sponsorship.id.desc())
    )
    return paginate(session, stmt, page, per_page)


def sponsorships_covering(session: Session, member: Member, day: date | None = None) -> int:
    """How many sponsorships run on ``day`` (default today) for a centre ``member`` belongs to.

    One query whatever the number of centres. A member belongs to a centre they lead or are
    listed in, as the centers plugin's ``centres_of_member`` says (a test holds the two together).
    """
    day = day or today()
    listed = select(CentreMember.centre_id).where(CentreMember.member_id == member.id)
    centre_ids = select(Centre.id).where(or_(Centre.leader_id == member.id, Centre.id.in_(listed)))
    return (
        session.scalar(
            select(func.count(Sponsorship.id)).where(
                Sponsorship.centre_id.in_(centre_ids),
                Sponsorship.ended_at.is_(None),
                Sponsorship.starts_on <= day,
                Sponsorship.ends_on >= day,
            )
        )
        or 0
    )


def sponsorships_covering_many(
    session: Session, member_ids: Sequence[int], day: date | None = None
) -> dict[int, int]:
    """``sponsorships_covering`` of many members by id, in one query (members with none left out)."""
    day = day or today()
    ids = list(member_ids)
    belongs = union(
        select(Centre.leader_id.label("member_id"), Centre.id.label("centre_id")).where(
            Centre.leader_id.in_(ids)
        ),
        select(CentreMember.member_id, CentreMember.centre_id).where(CentreMember.member_id.in_(ids)),
    ).subquery()
    rows = session.execute(
        select(belongs.c.member_id, func.count(Sponsorship.id))
        .join(Sponsorship, Sponsorship.centre_id == belongs.c.centre_id)
        .where(
            Sponsorship.ended_at.is_(None),
            Sponsorship.starts_on <= day,
            Sponsorship.ends_on >= day,
        )
        .group_by(belongs.c.member_id)
    )
    return {member_id: int(n) for member_id, n in rows}

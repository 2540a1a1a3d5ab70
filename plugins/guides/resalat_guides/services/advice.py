"""Advice a guide gives a candidate: the advice log, with its next step and follow-up day."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from resalat_core.sdk import BadInput, Page, _, paginate, utcnow
from resalat_guides.models import ADVISED, DROPPED, IDENTIFIED, NEXT_STEP_MAX, TEXT_MAX, Advice, Candidate
from resalat_guides.services.area import GuideScope, check_errors, paragraphs, read_day, short_text, today
from resalat_guides.services.candidates import move


def advise(
    session: Session,
    scope: GuideScope,
    candidate: Candidate,
    *,
    text: str,
    next_step: str = "",
    advised_on: date | str | None = None,
    follow_up_on: date | str | None = None,
) -> Advice:
    """Log advice given to a candidate; their first advice moves them from identified to advised.

    Dates are dates, or Jalali text as typed on a page; the advice day defaults to today (Tehran)
    and cannot be in the future, and a follow-up cannot come before the advice.
    """
    errors: dict[str, Any] = {}
    if candidate.status == DROPPED:
        raise BadInput(
            _("This candidate was dropped; reopen them before recording advice."),
            fields={"status": _("Dropped.")},
            code="candidate_dropped",
        )
    body = paragraphs(text)
    if not body:
        errors["text"] = _("Required.")
    elif len(body) > TEXT_MAX:
        errors["text"] = _("At most %(max)d characters.", max=TEXT_MAX)
    step = short_text(next_step, "next_step", NEXT_STEP_MAX, errors, required=False)
    day = read_day(advised_on, "advised_on", errors)
    if day is None and "advised_on" not in errors:
        day = today()
    follow = read_day(follow_up_on, "follow_up_on", errors)
    if day is not None and day > today():
        errors["advised_on"] = _("Advice cannot be dated in the future.")
    if day is not None and follow is not None and follow < day:
        errors["follow_up_on"] = _("The follow-up cannot come before the advice.")
    check_errors(errors)
    assert day is not None
    advice = Advice(
        candidate_id=candidate.id,
        guide_id=scope.actor.id,
        advised_on=day,
        text=body,
        next_step=step,
        follow_up_on=follow,
        created_at=utcnow(),
    )
    session.add(advice)
    if candidate.status == IDENTIFIED:
        move(session, candidate, ADVISED, scope.actor, "")
    else:
        candidate.updated_at = utcnow()
    session.flush()
    return advice


def advice_of(session: Session, candidate: Candidate, *, page: int = 1, per_page: int = 20) -> Page[Advice]:
    """One page of a candidate's advice log, newest first."""
    stmt = (
        select(Advice)
        .where(Advice.candidate_id == candidate.id)
        # The page names each adviser, read with the advice (the host reads roles only if asked).
        .options(joinedload(Advice.guide))
        .order_by(Advice.advised_on.desc(), Advice.id.desc())
    )
    return paginate(session, stmt, page, per_page)

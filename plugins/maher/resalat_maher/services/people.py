"""Between members: mentoring requests and their answers, and a guide's course recommendations."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, joinedload

from resalat_core.sdk import (
    BadInput,
    Member,
    NotAllowed,
    NotFound,
    _,
    _l,
    can,
    find_member,
    notify,
    utcnow,
)
from resalat_maher import messages
from resalat_maher.models import (
    ACCEPTED,
    DECLINED,
    NOTE_MAX,
    PUBLISHED,
    WAITING,
    Course,
    MentoringRequest,
    Recommendation,
    Skill,
)
from resalat_maher.services.skills import WITH_PLACE, checked_text

RECOMMEND = "maher.recommend"

REQUEST_LABELS = {WAITING: _l("Waiting"), ACCEPTED: _l("Accepted"), DECLINED: _l("Declined")}


# --- mentoring ---------------------------------------------------------------------------------


def ask_mentoring(session: Session, learner: Member, skill: Skill, message: Any = "") -> MentoringRequest:
    """Ask the skill's member for mentoring in it; one waiting request per skill and learner."""
    if not skill.mentoring:
        raise BadInput(_("This member does not offer mentoring in this skill."), code="no_mentoring")
    if skill.member_id == learner.id:
        raise BadInput(_("This is your own skill."), code="own_skill")
    errors: dict[str, str] = {}
    text = checked_text(message, "message", errors, limit=NOTE_MAX, required=False)
    if errors:
        raise BadInput(_("Please correct the marked fields."), fields=errors)
    waiting = session.scalar(
        select(MentoringRequest.id).where(
            MentoringRequest.skill_id == skill.id,
            MentoringRequest.learner_id == learner.id,
            MentoringRequest.status == WAITING,
        )
    )
    if waiting is not None:
        raise BadInput(_("You have already asked; wait for the answer."), code="already_asked")
    request = MentoringRequest(
        skill_id=skill.id, mentor_id=skill.member_id, learner_id=learner.id, message=text, status=WAITING
    )
    session.add(request)
    session.flush()
    notify(
        skill.member, messages.MENTORING_ASKED(url="/maher/mentoring", learner=learner.name, skill=skill.name)
    )
    return request


def get_request(session: Session, member: Member, request_id: int) -> MentoringRequest:
    """A request the member is part of (as mentor or learner); anyone else's is a 404."""
    found = session.get(MentoringRequest, request_id)
    if found is None or member.id not in (found.mentor_id, found.learner_id):
        raise NotFound(_("No such mentoring request among yours."), code="unknown_request")
    return found


def answer_mentoring(
    session: Session, mentor: Member, request: MentoringRequest, accept: bool
) -> MentoringRequest:
    """The mentor accepts or declines a waiting request, once."""
    if request.mentor_id != mentor.id:
        raise NotAllowed(_("Only the mentor answers a mentoring request."))
    if request.status != WAITING:
        raise BadInput(_("This request has already been answered."), code="already_answered")
    request.status = ACCEPTED if accept else DECLINED
    request.answered_at = utcnow()
    session.flush()
    kind = messages.MENTORING_ACCEPTED if accept else messages.MENTORING_DECLINED
    notify(request.learner, kind(url="/maher/mentoring", mentor=mentor.name, skill=request.skill.name))
    return request


def requests_query(member_id: int) -> Select[tuple[MentoringRequest]]:
    """Requests the member sent or received, waiting ones first, newest first."""
    return (
        select(MentoringRequest)
        .options(joinedload(MentoringRequest.skill).options(WITH_PLACE))
        .where(or_(MentoringRequest.mentor_id == member_id, MentoringRequest.learner_id == member_id))
        .order_by((MentoringRequest.status != WAITING), MentoringRequest.id.desc())
    )


def waiting_for(session: Session, member_id: int) -> int:
    """Requests waiting for this mentor's answer (an indexed count)."""
    return (
        session.scalar(
            select(func.count(MentoringRequest.id)).where(
                MentoringRequest.mentor_id == member_id, MentoringRequest.status == WAITING
            )
        )
        or 0
    )


# --- recommendations ---------------------------------------------------------------------------


def recommend(session: Session, guide: Member, *, who: Any, course: Course, note: Any = "") -> Recommendation:
    """A guide recommends a published course to a member of their area (mobile or national code)."""
    errors: dict[str, str] = {}
    member = find_member(session, who) if isinstance(who, str) and who.strip() else None
    if member is None:
        errors["who"] = _("No member has that mobile or national code.")
    text = checked_text(note, "note", errors, limit=NOTE_MAX, required=False)
    if course.status != PUBLISHED:
        errors["course"] = _("Choose a published course.")
    if errors:
        raise BadInput(_("Please correct the marked fields."), fields=errors)
    assert member is not None
    if not can(RECOMMEND, member.region, member=guide):
        raise NotAllowed(
            _(
                "%(name)s lives outside your area: only a guide of their area may recommend to them.",
                name=member.name,
            )
        )
    found = Recommendation(course_id=course.id, member_id=member.id, guide_id=guide.id, note=text)
    session.add(found)
    session.flush()
    notify(member, messages.RECOMMENDED(url="/maher/", guide=guide.name, course=course.title))
    return found


def recommendations_query(member_id: int) -> Select[tuple[Recommendation]]:
    return (
        select(Recommendation).where(Recommendation.member_id == member_id).order_by(Recommendation.id.desc())
    )


def recommended_by_query(guide_id: int) -> Select[tuple[Recommendation]]:
    return (
        select(Recommendation).where(Recommendation.guide_id == guide_id).order_by(Recommendation.id.desc())
    )

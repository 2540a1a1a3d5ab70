"""The candidate pipeline: recording people a guide identified, listing them, moving them along.

Identified, advised (by the first advice), core registered (by registering their core, see
``conversion``), booth opened, or dropped with a reason; every move is kept in their history.
"""

from __future__ import annotations

from typing import Any

from resalat_cores import services as cores
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from resalat_core.sdk import (
    BadInput,
    Member,
    NotFound,
    Page,
    Words,
    _,
    _l,
    join_words,
    normalize_mobile,
    normalize_national_code,
    normalize_person_name,
    paginate,
    search_key,
    utcnow,
)
from resalat_guides.models import (
    ADVISED,
    BOOTH_OPENED,
    CORE_REGISTERED,
    DROPPED,
    GROW,
    IDENTIFIED,
    INTENTS,
    MAX_EXPERIENCE,
    REASON_MAX,
    START,
    STATUSES,
    Candidate,
    StatusChange,
    priority_of,
)
from resalat_guides.services.area import (
    GuideScope,
    check_errors,
    field_by_code,
    is_id,
    region_in_area,
    short_text,
    whole_number,
)

Core = cores.Core
# The statuses a guide may set by hand, from each status. A core is registered with
# register_candidate_core (which sets core_registered), never by picking the status.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    IDENTIFIED: (ADVISED, DROPPED),
    ADVISED: (DROPPED,),
    CORE_REGISTERED: (BOOTH_OPENED,),
    BOOTH_OPENED: (),
    DROPPED: (IDENTIFIED,),
}
# Who may have their core registered: not yet registered, and not dropped.
CAN_REGISTER_CORE = (IDENTIFIED, ADVISED)
# The pipeline's order, for counts and filters on every page.
STATUS_LABELS = {
    IDENTIFIED: _l("Identified"),
    ADVISED: _l("Advised"),
    CORE_REGISTERED: _l("Core registered"),
    BOOTH_OPENED: _l("Booth opened"),
    DROPPED: _l("Dropped"),
}
INTENT_LABELS = {GROW: _l("Grow an existing business"), START: _l("Start a business")}


def record_candidate(
    session: Session,
    scope: GuideScope,
    *,
    name: str,
    national_code: str,
    mobile: str,
    region: str | int,
    intent: str,
    field: str,
    experience_years: int | str = 0,
) -> Candidate:
    """Record someone the guide identified in their area; every bad field is reported at once.

    The same person (by national code) cannot be in the pipeline twice unless they were dropped.
    """
    errors: dict[str, Any] = {}
    values: dict[str, Any] = {}
    for name_of_field, check, raw in (
        ("name", normalize_person_name, name),
        ("national_code", normalize_national_code, national_code),
        ("mobile", normalize_mobile, mobile),
    ):
        try:
            values[name_of_field] = check(raw, field=name_of_field)
        except BadInput as exc:
            errors[name_of_field] = exc.fields.get(name_of_field, exc.message)
    place = region_in_area(session, scope, region, errors)
    if intent not in INTENTS:
        errors["intent"] = _("Choose whether they grow an existing business or start one.")
    found_field = field_by_code(session, field, errors)
    years = whole_number(experience_years, "experience_years", 0, MAX_EXPERIENCE, errors)
    if "national_code" in values:
        already = session.scalar(
            select(Candidate.id).where(
                Candidate.national_code == values["national_code"], Candidate.status != DROPPED
            )
        )
        if already is not None:
            errors["national_code"] = _("This person is already a candidate in the pipeline.")
    check_errors(errors)
    assert place is not None and found_field is not None and years is not None
    now = utcnow()
    candidate = Candidate(
        guide_id=scope.actor.id,
        name=values["name"],
        name_key=search_key(values["name"]),
        national_code=values["national_code"],
        mobile=values["mobile"],
        region=place,
        intent=intent,
        field=found_field,
        experience_years=years,
        priority=priority_of(years, intent),
        status=IDENTIFIED,
        created_at=now,
        updated_at=now,
    )
    session.add(candidate)
    session.flush()
    record_change(session, candidate, None, IDENTIFIED, scope.actor, "")
    return candidate


def candidates_query(
    scope: GuideScope, *, status: str | None = None, q: str | None = None
) -> Select[tuple[Candidate]]:
    """The area's candidates in the order of work: experience first, then growing before starting,
    then oldest first. ``q`` matches a name (any spelling) or digits of a national code or mobile.
    """
    stmt = select(Candidate).where(scope.where(Candidate.region_id))
    if status:
        stmt = stmt.where(Candidate.status == status)
    key = search_key(q)
    if key:
        if key.isdecimal():
            stmt = stmt.where(
                or_(
                    Candidate.national_code.contains(key, autoescape=True),
                    Candidate.mobile.contains(key, autoescape=True),
                )
            )
        else:
            stmt = stmt.where(Candidate.name_key.contains(key, autoescape=True))
    return stmt.order_by(Candidate.priority.desc(), Candidate.created_at, Candidate.id)


def check_status_filter(status: Any) -> str | None:
    """A status filter from a query string: empty means all; anything else must be a status."""
    if status in (None, ""):
        return None
    if status not in STATUSES:
        message = _(
            "Unknown status; choose one of: %(statuses)s.",
            statuses=join_words(STATUS_LABELS[s] for s in STATUSES),
        )
        raise BadInput(message, fields={"status": message})
    return str(status)


def list_candidates(
    session: Session,
    scope: GuideScope,
    *,
    status: str | None = None,
    q: str | None = None,
    page: int = 1,
    per_page: int = 20,
) -> Page[Candidate]:
    """One page of the area's candidates (region and field come in the same query)."""
    return paginate(session, candidates_query(scope, status=check_status_filter(status), q=q), page, per_page)


def get_candidate(session: Session, scope: GuideScope, candidate_id: int) -> Candidate:
    """A candidate of the guide's area; NotFound for one elsewhere, so ids reveal nothing."""
    candidate = (
        session.scalar(
            select(Candidate).where(Candidate.id == candidate_id, scope.where(Candidate.region_id))
        )
        if is_id(candidate_id)
        else None
    )
    if candidate is None:
        raise NotFound(_("No such candidate in your area."), code="unknown_candidate")
    return candidate


def record_change(
    session: Session, candidate: Candidate, before: str | None, after: str, actor: Member, reason: str
) -> StatusChange:
    change = StatusChange(
        candidate_id=candidate.id,
        from_status=before,
        to_status=after,
        reason=reason,
        actor_id=actor.id,
        created_at=utcnow(),
    )
    session.add(change)
    session.flush()
    return change


def move(
    session: Session, candidate: Candidate, status: str, actor: Member, reason: str = ""
) -> StatusChange:
    before = candidate.status
    candidate.status = status
    candidate.updated_at = utcnow()
    return record_change(session, candidate, before, status, actor, reason)


def allowed_statuses(candidate: Candidate) -> tuple[str, ...]:
    """The statuses a guide may move this candidate to by hand."""
    return TRANSITIONS[candidate.status]


def set_status(
    session: Session, scope: GuideScope, candidate: Candidate, status: str, *, reason: str = ""
) -> StatusChange:
    """Move a candidate along the pipeline by hand, with the change kept in their history.

    Dropping needs a reason. Booth opened is set by hand until M-Bazar exists: see
    ``booth_opened_for_core`` for the seam an M-Bazar event will call.
    """
    errors: dict[str, Any] = {}
    text = short_text(reason, "reason", REASON_MAX, errors, required=status == DROPPED)
    if status not in STATUSES:
        errors["status"] = _("Choose a status from the list.")
    elif status == candidate.status:
        errors["status"] = _("The candidate already has this status.")
    elif status == CORE_REGISTERED:
        errors["status"] = _("Register the candidate's core with its form; that sets this status.")
    elif status not in TRANSITIONS[candidate.status]:
        errors["status"] = _(
            "A candidate who is %(now)s cannot become %(then)s.",
            now=Words(STATUS_LABELS[candidate.status]),
            then=Words(STATUS_LABELS[status]),
        )
    elif status == BOOTH_OPENED:
        core = session.get(Core, candidate.core_id) if candidate.core_id else None
        if core is None or core.status != cores.ACTIVE:
            errors["status"] = _("The core has no core ID yet: it must be approved before it opens a booth.")
    check_errors(errors)
    return move(session, candidate, status, scope.actor, text)


def booth_opened_for_core(session: Session, core_id: int, *, actor: Member) -> int:
    """The seam for M-Bazar: a core opened its booth (SAT), so its candidate reached the end.

    Moves every candidate of that core still at core_registered; returns how many. When the bazaar
    plugin exists it announces booths by a hook, and this plugin's implementation calls this.
    """
    moved = 0
    for candidate in session.scalars(
        select(Candidate).where(Candidate.core_id == core_id, Candidate.status == CORE_REGISTERED)
    ):
        move(session, candidate, BOOTH_OPENED, actor, "")
        moved += 1
    return moved


def history_of(session: Session, candidate: Candidate) -> list[StatusChange]:
    """Every status the candidate went through, oldest first (a handful: no paging needed)."""
    return list(
        session.scalars(
            select(StatusChange).where(StatusChange.candidate_id == candidate.id).order_by(StatusChange.id)
        )
    )

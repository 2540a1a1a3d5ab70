"""The guides' rules: the candidate pipeline, advice, registering a candidate's core, linking cores.

No Flask here: pages, the API and the CLI call these, so each rule lives once. A guide acts only in
their area (the regions where they hold the guide role, and the places under them; an admin's
area is theirs too): a candidate or core outside it is NotFound when named by id in an address,
and a field error when named in a form, so an id reveals nothing about another area.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from resalat_cores import services as cores
from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select, true
from sqlalchemy.orm import Session, aliased, contains_eager

from resalat_core.sdk import (
    BadInput,
    Member,
    Message,
    NotFound,
    Page,
    Region,
    _,
    _l,
    area_of,
    find_member,
    get_region,
    normalize_mobile,
    normalize_national_code,
    normalize_person_name,
    normalize_text,
    notify,
    paginate,
    parse_jalali_date,
    search_key,
    to_latin_digits,
    today_in_iran,
    utcnow,
)
from resalat_guides.models import (
    ACCEPTED,
    ADVISED,
    BOOTH_OPENED,
    CORE_REGISTERED,
    DECLINED,
    DROPPED,
    GROW,
    IDENTIFIED,
    INTENTS,
    MAX_EXPERIENCE,
    NAME_MAX,
    NEXT_STEP_MAX,
    NOTE_MAX,
    PENDING,
    REASON_MAX,
    START,
    STATUSES,
    TEXT_MAX,
    Advice,
    Candidate,
    CoreLink,
    StatusChange,
    priority_of,
)

Core = cores.Core
# Roles whose holders act as a guide where they hold them (admins everywhere they administer).
GUIDE_ROLES = ("guide", "admin")
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
CORE_STATUS_LABELS = cores.STATUS_LABELS
LINK_STATUS_LABELS = {PENDING: _l("Pending"), ACCEPTED: _l("Accepted"), DECLINED: _l("Declined")}
DASHBOARD_ROWS = 5

# Iranian calendar days (due dates, validity, advice days) end at Tehran's midnight.
today = today_in_iran


# --- the guide's area --------------------------------------------------------------------------


@dataclass(frozen=True)
class GuideScope:
    """A member acting as a guide, and the region ids of their area (None: nationwide).

    ``member`` is None only for read-only scripts (the CLI's listing); every change names its actor.
    """

    member: Member | None
    area: list[int] | None

    @property
    def actor(self) -> Member:
        assert self.member is not None, "a change needs the guide who makes it"
        return self.member

    def within(self, region_ids: Iterable[int]) -> GuideScope:
        """The same guide, narrowed to ``region_ids`` (only what is in both)."""
        wanted = set(region_ids)
        area = wanted if self.area is None else wanted & set(self.area)
        return GuideScope(member=self.member, area=sorted(area))

    @property
    def is_guide(self) -> bool:
        return self.area is None or bool(self.area)

    def covers(self, region_id: int | None) -> bool:
        return self.area is None or region_id in self.area

    def where(self, column: Any) -> ColumnElement[bool]:
        """``column`` (a region id) lies in the area: one condition, so every list is one query."""
        return true() if self.area is None else column.in_(self.area)


def scope_of(session: Session, member: Member) -> GuideScope:
    """Where ``member`` acts as a guide; an empty area when they are no guide anywhere."""
    return GuideScope(member=member, area=area_of(session, member, GUIDE_ROLES))


def guide_scope(session: Session, member: Member) -> GuideScope:
    """``scope_of``, refusing a member who is no guide (the CLI names members by mobile)."""
    scope = scope_of(session, member)
    if not scope.is_guide:
        raise BadInput(
            _("%(name)s is not a guide anywhere.", name=member.name), fields={"member": _("Not a guide.")}
        )
    return scope


def area_regions(session: Session, scope: GuideScope) -> list[Region]:
    """The places a guide may record candidates in, provinces first then their places (for forms)."""
    return list(session.scalars(select(Region).where(scope.where(Region.id)).order_by(Region.code)))


# --- small checks ------------------------------------------------------------------------------


def _whole_number(value: Any, field: str, low: int, high: int, errors: dict[str, Any]) -> int | None:
    text = to_latin_digits(str(value if value is not None else "")).strip()
    if isinstance(value, bool) or not text.isdigit():
        errors[field] = _("Enter a whole number between %(low)d and %(high)d.", low=low, high=high)
        return None
    number = int(text)
    if not low <= number <= high:
        errors[field] = _("Enter a whole number between %(low)d and %(high)d.", low=low, high=high)
        return None
    return number


def _paragraphs(text: Any) -> str:
    """Normalised text that keeps its line breaks (normalize_text folds every space into one)."""
    if not isinstance(text, str):
        return ""
    lines = [normalize_text(line) for line in text.replace("\r\n", "\n").split("\n")]
    return "\n".join(lines).strip("\n")


def _short_text(value: Any, field: str, limit: int, errors: dict[str, Any], *, required: bool) -> str:
    text = normalize_text(value) if isinstance(value, str) else ""
    if required and not text:
        errors[field] = _("Required.")
    elif len(text) > limit:
        errors[field] = _("At most %(max)d characters.", max=limit)
    return text


def _day(value: date | str | None, field: str, errors: dict[str, Any]) -> date | None:
    """A date given as a date, or typed as a Jalali date (۱۴۰۴/۰۱/۳۱); None when left empty."""
    if value is None or isinstance(value, date):
        return value
    if not str(value).strip():
        return None
    try:
        return parse_jalali_date(str(value), field=field)
    except BadInput as exc:
        errors[field] = exc.fields.get(field, exc.message)
        return None


def _is_id(value: Any) -> bool:
    """A value that can be a row id: a URL may carry any number, PostgreSQL only 32-bit integers."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**31


def _check(errors: dict[str, Any]) -> None:
    if errors:
        raise BadInput(_("Please correct the marked fields."), fields=errors)


def field_choices(session: Session) -> list[Any]:
    """The fields (رشته‌ها) a candidate's business can be in, from the cores registry."""
    return list(cores.fields(session))


def _field_by_code(session: Session, code: Any, errors: dict[str, Any]) -> Any:
    wanted = code.strip().lower() if isinstance(code, str) else ""
    for found in cores.fields(session):
        if found.code == wanted:
            return found
    errors["field"] = _("Choose a field from the list.")
    return None


def _region_in_area(session: Session, scope: GuideScope, ref: Any, errors: dict[str, Any]) -> Region | None:
    if ref in (None, ""):
        errors["region"] = _("Choose a place from the list.")
        return None
    try:
        region = get_region(session, ref)
    except (BadInput, NotFound):
        errors["region"] = _("Choose a place from the list.")
        return None
    if not scope.covers(region.id):
        errors["region"] = _("This place is outside your area.")
        return None
    return region


# --- candidates --------------------------------------------------------------------------------


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
    place = _region_in_area(session, scope, region, errors)
    if intent not in INTENTS:
        errors["intent"] = _("Choose whether they grow an existing business or start one.")
    found_field = _field_by_code(session, field, errors)
    years = _whole_number(experience_years, "experience_years", 0, MAX_EXPERIENCE, errors)
    if "national_code" in values:
        already = session.scalar(
            select(Candidate.id).where(
                Candidate.national_code == values["national_code"], Candidate.status != DROPPED
            )
        )
        if already is not None:
            errors["national_code"] = _("This person is already a candidate in the pipeline.")
    _check(errors)
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
    _history(session, candidate, None, IDENTIFIED, scope.actor, "")
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
        if key.isdigit():
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
        message = _("Unknown status; choose one of: %(statuses)s.", statuses=", ".join(STATUSES))
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
        if _is_id(candidate_id)
        else None
    )
    if candidate is None:
        raise NotFound(_("No such candidate in your area."), code="unknown_candidate")
    return candidate


def _history(
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


def _move(
    session: Session, candidate: Candidate, status: str, actor: Member, reason: str = ""
) -> StatusChange:
    before = candidate.status
    candidate.status = status
    candidate.updated_at = utcnow()
    return _history(session, candidate, before, status, actor, reason)


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
    text = _short_text(reason, "reason", REASON_MAX, errors, required=status == DROPPED)
    if status not in STATUSES:
        errors["status"] = _("Choose a status from the list.")
    elif status == candidate.status:
        errors["status"] = _("The candidate already has this status.")
    elif status == CORE_REGISTERED:
        errors["status"] = _("Register the candidate's core with its form; that sets this status.")
    elif status not in TRANSITIONS[candidate.status]:
        errors["status"] = _(
            "A candidate who is %(now)s cannot become %(then)s.",
            now=STATUS_LABELS[candidate.status],
            then=STATUS_LABELS[status],
        )
    elif status == BOOTH_OPENED:
        core = session.get(Core, candidate.core_id) if candidate.core_id else None
        if core is None or core.status != cores.ACTIVE:
            errors["status"] = _("The core has no core ID yet: it must be approved before it opens a booth.")
    _check(errors)
    return _move(session, candidate, status, scope.actor, text)


def booth_opened_for_core(session: Session, core_id: int, *, actor: Member) -> int:
    """The seam for M-Bazar: a core opened its booth (SAT), so its candidate reached the end.

    Moves every candidate of that core still at core_registered; returns how many. When the bazaar
    plugin exists it announces booths by a hook, and this plugin's implementation calls this.
    """
    moved = 0
    for candidate in session.scalars(
        select(Candidate).where(Candidate.core_id == core_id, Candidate.status == CORE_REGISTERED)
    ):
        _move(session, candidate, BOOTH_OPENED, actor, "")
        moved += 1
    return moved


def history_of(session: Session, candidate: Candidate) -> list[StatusChange]:
    """Every status the candidate went through, oldest first (a handful: no paging needed)."""
    return list(
        session.scalars(
            select(StatusChange).where(StatusChange.candidate_id == candidate.id).order_by(StatusChange.id)
        )
    )


# --- advice ------------------------------------------------------------------------------------


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
    body = _paragraphs(text)
    if not body:
        errors["text"] = _("Required.")
    elif len(body) > TEXT_MAX:
        errors["text"] = _("At most %(max)d characters.", max=TEXT_MAX)
    step = _short_text(next_step, "next_step", NEXT_STEP_MAX, errors, required=False)
    day = _day(advised_on, "advised_on", errors)
    if day is None and "advised_on" not in errors:
        day = today()
    follow = _day(follow_up_on, "follow_up_on", errors)
    if day is not None and day > today():
        errors["advised_on"] = _("Advice cannot be dated in the future.")
    if day is not None and follow is not None and follow < day:
        errors["follow_up_on"] = _("The follow-up cannot come before the advice.")
    _check(errors)
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
        _move(session, candidate, ADVISED, scope.actor, "")
    else:
        candidate.updated_at = utcnow()
    session.flush()
    return advice


def advice_of(session: Session, candidate: Candidate, *, page: int = 1, per_page: int = 20) -> Page[Advice]:
    """One page of a candidate's advice log, newest first."""
    stmt = (
        select(Advice)
        .where(Advice.candidate_id == candidate.id)
        .order_by(Advice.advised_on.desc(), Advice.id.desc())
    )
    return paginate(session, stmt, page, per_page)


# --- from candidate to core --------------------------------------------------------------------


def leader_for(session: Session, candidate: Candidate) -> Member:
    """The member who will lead the candidate's core: found by national code, else by mobile.

    A guide cannot make members: the candidate registers in M-Resalat themselves (so they choose
    their own password), with this mobile, and then the guide registers their core.
    """
    by_code = find_member(session, candidate.national_code)
    by_mobile = find_member(session, candidate.mobile)
    if by_code is not None:
        return by_code
    if by_mobile is not None:
        raise BadInput(
            _(
                "The member with mobile %(mobile)s has a different national code; "
                "check the candidate's details.",
                mobile=candidate.mobile,
            ),
            fields={"national_code": _("Does not match the member with this mobile.")},
            code="member_mismatch",
        )
    raise BadInput(
        _(
            "%(name)s is not a member of M-Resalat yet. Ask them to register with mobile %(mobile)s, "
            "then register their core here.",
            name=candidate.name,
            mobile=candidate.mobile,
        ),
        code="not_a_member",
    )


def register_candidate_core(
    session: Session,
    scope: GuideScope,
    candidate: Candidate,
    *,
    core_name: str = "",
    description: str = "",
    approve: bool = False,
    core_code: str = "",
) -> Any:
    """Register the candidate's core in the cores registry, led by the candidate, and (if the guide
    says so) approve it at once so it gets its core ID. The candidate becomes core_registered.

    Those who grow an existing business register a core that existed before. With ``core_code``
    (a core ID) the candidate's core is already registered and is linked instead (attach_core).
    """
    if isinstance(core_code, str) and core_code.strip():
        return attach_core(session, scope, candidate, core_code)
    if candidate.status not in CAN_REGISTER_CORE:
        raise BadInput(
            _("Only an identified or advised candidate can have their core registered."),
            fields={"status": STATUS_LABELS[candidate.status]},
            code="wrong_status",
        )
    leader = leader_for(session, candidate)
    try:
        core = cores.register_core(
            session,
            leader=leader,
            name=core_name,
            field=candidate.field,
            region=candidate.region,
            existed_before=candidate.intent == GROW,
            description=description,
            actor=scope.actor,
        )
    except BadInput as exc:
        # The registry names the core's name "name"; on the candidate's page that is "core_name".
        fields = {("core_name" if k == "name" else k): v for k, v in exc.fields.items()}
        raise BadInput(exc.message, fields=fields, code=exc.code) from None
    if approve:
        core = cores.approve_core(session, core, actor=scope.actor)
    candidate.member_id = leader.id
    candidate.core_id = core.id
    _move(session, candidate, CORE_REGISTERED, scope.actor, "")
    session.flush()
    return core


def attach_core(session: Session, scope: GuideScope, candidate: Candidate, core: Any | str) -> Any:
    """The candidate's core is already in the registry (they registered it themselves): link it.

    ``core`` is a Core or its core ID. It must be led by the candidate and lie in the guide's area;
    the candidate becomes core_registered, as if the guide had registered it.
    """
    if candidate.status not in CAN_REGISTER_CORE:
        raise BadInput(
            _("Only an identified or advised candidate can have their core registered."),
            fields={"status": STATUS_LABELS[candidate.status]},
            code="wrong_status",
        )
    errors: dict[str, Any] = {}
    found = core if isinstance(core, Core) else _core(session, core, "core_code", errors)
    _check(errors)
    leader = leader_for(session, candidate)
    if found.leader_id != leader.id or not scope.covers(found.region_id):
        message = _("This core is not led by the candidate in your area.")
        raise BadInput(message, fields={"core_code": message})
    candidate.member_id = leader.id
    candidate.core_id = found.id
    _move(session, candidate, CORE_REGISTERED, scope.actor, "")
    session.flush()
    return found


def core_of(session: Session, candidate: Candidate) -> Any:
    """The candidate's core, or None before it is registered."""
    return session.get(Core, candidate.core_id) if candidate.core_id else None


# --- links between cores -----------------------------------------------------------------------


def area_cores(session: Session, scope: GuideScope) -> list[Any]:
    """The active cores of the guide's area: the cores they may suggest links from (for a select)."""
    stmt = (
        select(Core)
        .where(scope.where(Core.region_id), Core.status == cores.ACTIVE)
        .order_by(Core.name, Core.id)
        .limit(500)
    )
    return list(session.scalars(stmt))


def find_cores(session: Session, q: str | None, *, page: int = 1, per_page: int = 10) -> Page[Any]:
    """Active cores anywhere in the country whose name or core ID matches ``q``: a link's other end."""
    if not search_key(q):
        return Page(items=[], page=1, per_page=per_page, total=0)
    return paginate(session, cores.cores_query(status=cores.ACTIVE, q=q), page, per_page)


def _core(session: Session, ref: Any, field: str, errors: dict[str, Any]) -> Any:
    """A core by id (an int) or by its core ID (text); a field error when there is none."""
    found = None
    if isinstance(ref, int) and not isinstance(ref, bool):
        found = session.get(Core, ref) if _is_id(ref) else None
    elif isinstance(ref, str) and ref.strip():
        try:
            found = cores.get_core_by_code(session, ref)
        except NotFound:
            found = None
    else:
        errors[field] = _("Choose a core.")
        return None
    if found is None:
        errors[field] = _("No core has this core ID.")
    return found


def suggest_link(
    session: Session,
    scope: GuideScope,
    *,
    source: int | str | None,
    target: int | str | None,
    product: str,
    note: str = "",
) -> CoreLink:
    """Suggest that ``source`` (a core of the guide's area) supplies ``target`` (any core in the
    country): ``product`` is what flows. Both must have a core ID; a link cannot join a core to
    itself, and a pair already linked or awaiting an answer is not suggested again.
    """
    errors: dict[str, Any] = {}
    source_core = _core(session, source, "source", errors)
    target_core = _core(session, target, "target", errors)
    if source_core is not None and not scope.covers(source_core.region_id):
        errors["source"] = _("This core is not in your area.")
        source_core = None
    for name, core in (("source", source_core), ("target", target_core)):
        if core is not None and core.status != cores.ACTIVE:
            errors[name] = _("Only an approved core, with a core ID, can be linked.")
    if source_core is not None and target_core is not None and source_core.id == target_core.id:
        errors["target"] = _("A core cannot be linked to itself.")
    what = _short_text(product, "product", NAME_MAX, errors, required=True)
    why = _paragraphs(note)
    if len(why) > NOTE_MAX:
        errors["note"] = _("At most %(max)d characters.", max=NOTE_MAX)
    if not errors:
        existing = session.scalar(
            select(CoreLink.status).where(
                CoreLink.source_core_id == source_core.id,
                CoreLink.target_core_id == target_core.id,
                CoreLink.status.in_((PENDING, ACCEPTED)),
            )
        )
        if existing == PENDING:
            errors["target"] = _("This link was already suggested and awaits an answer.")
        elif existing == ACCEPTED:
            errors["target"] = _("These cores are already linked.")
    _check(errors)
    link = CoreLink(
        source_core_id=source_core.id,
        target_core_id=target_core.id,
        product=what,
        note=why,
        status=PENDING,
        suggested_by_id=scope.actor.id,
        created_at=utcnow(),
    )
    session.add(link)
    session.flush()
    # Through the SDK: told in the inbox where notifications are on, silently skipped elsewhere.
    notify(
        target_core.leader,
        Message(
            title_fa=f"پیشنهاد پیوند برای هسته‌ی «{target_core.name}»",
            title_en=f"A suggested link for the core “{target_core.name}”",
            body_fa=f"رهیار پیشنهاد می‌کند هسته‌ی «{source_core.name}» {what} هسته‌ی شما را تأمین کند.",
            body_en=f"A guide suggests the core “{source_core.name}” supplies your core with {what}.",
            url="/guides/my-links",
            source="guides",
            kind="link.suggested",
        ),
    )
    return link


def _link_query() -> tuple[Select[tuple[CoreLink]], Any, Any]:
    # Aliases: the link loads both cores, and each side is filtered on its own.
    src, tgt = aliased(Core), aliased(Core)
    stmt = (
        select(CoreLink)
        .join(src, CoreLink.source_core_id == src.id)
        .join(tgt, CoreLink.target_core_id == tgt.id)
        .options(contains_eager(CoreLink.source.of_type(src)), contains_eager(CoreLink.target.of_type(tgt)))
    )
    return stmt, src, tgt


def check_link_status_filter(status: Any) -> str | None:
    if status in (None, ""):
        return None
    if status not in LINK_STATUS_LABELS:
        message = _("Unknown status; choose one of: %(statuses)s.", statuses=", ".join(LINK_STATUS_LABELS))
        raise BadInput(message, fields={"status": message})
    return str(status)


def area_links_query(scope: GuideScope, *, status: str | None = None) -> Select[tuple[CoreLink]]:
    """Links touching the guide's area (either end in it), pending first, newest first."""
    stmt, src, tgt = _link_query()
    if scope.area is not None:
        stmt = stmt.where(or_(src.region_id.in_(scope.area), tgt.region_id.in_(scope.area)))
    if status:
        stmt = stmt.where(CoreLink.status == status)
    return stmt.order_by((CoreLink.status == PENDING).desc(), CoreLink.id.desc())


def area_links(
    session: Session, scope: GuideScope, *, status: str | None = None, page: int = 1, per_page: int = 20
) -> Page[CoreLink]:
    return paginate(session, area_links_query(scope, status=check_link_status_filter(status)), page, per_page)


def get_area_link(session: Session, scope: GuideScope, link_id: int) -> CoreLink:
    stmt, src, tgt = _link_query()
    stmt = stmt.where(CoreLink.id == link_id)
    if scope.area is not None:
        stmt = stmt.where(or_(src.region_id.in_(scope.area), tgt.region_id.in_(scope.area)))
    link = session.scalar(stmt) if _is_id(link_id) else None
    if link is None:
        raise NotFound(_("No such link in your area."), code="unknown_link")
    return link


def leader_links(session: Session, member: Member, *, page: int = 1, per_page: int = 20) -> Page[CoreLink]:
    """Links of the cores ``member`` leads, either way; suggestions awaiting their answer first."""
    stmt, src, tgt = _link_query()
    stmt = stmt.where(or_(src.leader_id == member.id, tgt.leader_id == member.id)).order_by(
        and_(CoreLink.status == PENDING, tgt.leader_id == member.id).desc(), CoreLink.id.desc()
    )
    return paginate(session, stmt, page, per_page)


def pending_for_leader(session: Session, member: Member) -> int:
    """How many suggestions await ``member``'s answer (for a home-screen badge): one query."""
    return (
        session.scalar(
            select(func.count())
            .select_from(CoreLink)
            .join(Core, CoreLink.target_core_id == Core.id)
            .where(Core.leader_id == member.id, CoreLink.status == PENDING)
        )
        or 0
    )


def _link_for_target_leader(session: Session, member: Member, link_id: int) -> CoreLink:
    stmt, _src, tgt = _link_query()
    link = (
        session.scalar(stmt.where(CoreLink.id == link_id, tgt.leader_id == member.id))
        if _is_id(link_id)
        else None
    )
    if link is None:
        # Another core's suggestion looks exactly like a missing one.
        raise NotFound(_("No such suggestion for a core you lead."), code="unknown_link")
    return link


def decide_link(
    session: Session, member: Member, link_id: int, *, accept: bool, reason: str = ""
) -> CoreLink:
    """The target core's leader accepts or declines a suggested link (a reason is optional)."""
    link = _link_for_target_leader(session, member, link_id)
    errors: dict[str, Any] = {}
    why = _short_text(reason, "reason", REASON_MAX, errors, required=False)
    if link.status != PENDING:
        raise BadInput(
            _("This suggestion was already answered: %(status)s.", status=LINK_STATUS_LABELS[link.status]),
            code="already_answered",
        )
    _check(errors)
    link.status = ACCEPTED if accept else DECLINED
    link.decided_by_id = member.id
    link.decided_at = utcnow()
    link.decline_reason = "" if accept else why
    session.flush()
    return link


# --- the dashboard -----------------------------------------------------------------------------


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


def dashboard(session: Session, scope: GuideScope, *, rows: int = DASHBOARD_ROWS) -> Dashboard:
    """The area in a constant number of queries, however many candidates, cores and links it has."""
    by_status = session.execute(
        select(Candidate.status, func.count())
        .where(scope.where(Candidate.region_id))
        .group_by(Candidate.status)
    ).all()
    cores_by_status = session.execute(
        select(Core.status, func.count()).where(scope.where(Core.region_id)).group_by(Core.status)
    ).all()
    recent = list(
        session.scalars(
            _advice_in_area(scope).order_by(Advice.advised_on.desc(), Advice.id.desc()).limit(rows)
        )
    )
    return Dashboard(
        candidates=_counts(by_status, STATUSES),
        cores=_counts(cores_by_status, (cores.CANDIDATE, cores.ACTIVE, cores.SUSPENDED)),
        recent_advice=recent,
        follow_ups=follow_ups_due(session, scope, limit=rows),
        pending_links=area_links(session, scope, status=PENDING, page=1, per_page=rows),
    )


def candidates_count(session: Session) -> int:
    """Every candidate guides have recorded, nationwide (a figure for the stats dashboard)."""
    return session.scalar(select(func.count(Candidate.id))) or 0

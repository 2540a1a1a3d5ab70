"""Loan introductions: a credit supporter introduces a core member, who answers; the supporter may withdraw.

An introduction's statuses and where each may go are here; what moves it once the member has
asked for the loan (the loan's events) is in ``outcomes``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from resalat_cores.services import ACTIVE, Core, cores_of_member
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from resalat_core.sdk import (
    BadInput,
    Conflict,
    Member,
    Money,
    NotAllowed,
    NotFound,
    Page,
    Words,
    _,
    _l,
    normalize_mobile,
    normalize_national_code,
    notify,
    paginate,
    utcnow,
)
from resalat_supporters import messages, setting
from resalat_supporters.models import (
    APPROVED,
    AWAITING,
    DECLINED,
    DISBURSED,
    INTRODUCED,
    NOTE_MAX,
    PURPOSE_MAX,
    REJECTED,
    REQUESTED,
    SCORED,
    STATUSES,
    WITHDRAWN,
    Introduction,
    IntroductionEvent,
)
from resalat_supporters.services.checks import check_rials, find_core, read_text, refusal, region_name
from resalat_supporters.services.kinds import CREDIT, holds_kind, require_kind

STATUS_LABELS = {
    AWAITING: _l("Awaiting the member's answer"),
    INTRODUCED: _l("Introduced"),
    DECLINED: _l("Declined by the member"),
    WITHDRAWN: _l("Withdrawn by the supporter"),
    SCORED: _l("Credit-scored"),
    REQUESTED: _l("Loan requested"),
    APPROVED: _l("Loan approved"),
    REJECTED: _l("Loan rejected"),
    DISBURSED: _l("Loan paid"),
}
# Where an introduction may go from each status. The member answers an awaiting one; the loan's
# events move an accepted one along (scoring may be skipped: a Merat result lasts 12 months);
# the supporter may withdraw until the member has asked the bank for the loan.
TRANSITIONS: dict[str, frozenset[str]] = {
    AWAITING: frozenset({INTRODUCED, DECLINED, WITHDRAWN}),
    INTRODUCED: frozenset({SCORED, REQUESTED, REJECTED, WITHDRAWN}),
    SCORED: frozenset({REQUESTED, REJECTED, WITHDRAWN}),
    REQUESTED: frozenset({APPROVED, REJECTED}),
    APPROVED: frozenset({DISBURSED}),
}
LOAN_STATUSES = (SCORED, REQUESTED, APPROVED, REJECTED, DISBURSED)
OPEN_STATUSES = frozenset(TRANSITIONS)
# Accepted and not yet asked for: the introductions a member may ask a loan for.
OPEN_FOR_A_LOAN = (INTRODUCED, SCORED)
# The member accepted: these are the introductions that count (stats, "introduced" figures).
COUNTED_STATUSES = (INTRODUCED, SCORED, REQUESTED, APPROVED, REJECTED, DISBURSED)
WITHDRAWABLE = frozenset(s for s, nxt in TRANSITIONS.items() if WITHDRAWN in nxt)


# --- the ceiling -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Limits:
    """How much an introduction may ask for: a share of the estimate, and a cap."""

    ratio_percent: int
    max_rials: int

    def ceiling(self, estimate: int) -> int:
        """The most an introduction may ask for a business worth ``estimate`` rials.

        Rounded down to a whole toman, so the ceiling shown in tomans is exactly the ceiling.
        """
        share = max(estimate, 0) * self.ratio_percent // 100 // 10 * 10
        return min(share, self.max_rials)


def limits() -> Limits:
    """The configured limits (``[plugins.supporters]`` in the config file), checked."""
    ratio = int(setting("introduction_ratio_percent"))
    cap = int(setting("max_introduction_rials"))
    if not 1 <= ratio <= 100 or cap <= 0:
        raise ValueError(
            "supporters: introduction_ratio_percent must be 1-100 and max_introduction_rials > 0"
        )
    return Limits(ratio, cap)


def ceiling_message(lim: Limits, estimate: int) -> str:
    """Why the amount is too much: the ceiling for this estimate, and how it is made."""
    return _(
        "At most %(ceiling)s: %(ratio)s%% of the estimated value, and never more than %(cap)s.",
        ceiling=Money(lim.ceiling(estimate)),
        ratio=lim.ratio_percent,
        cap=Money(lim.max_rials),
    )


def ceiling_for(estimate: int) -> int:
    """The ceiling for an estimate in rials, for the hint shown while filling the form.

    BadInput (on ``estimate``) unless the estimate is a positive whole number of rials.
    """
    errors: dict[str, Any] = {}
    rials = check_rials(estimate, "estimate", errors)
    if rials is None:
        raise BadInput(errors["estimate"], fields=errors)
    return limits().ceiling(rials)


# --- introducing -------------------------------------------------------------------------------


def _find_person(session: Session, mobile: Any, national_code: Any, errors: dict[str, Any]) -> Member | None:
    """The active member with both this mobile and this national code, else a message on both.

    One message whichever does not match, so the form does not tell whose mobile a number is.
    """
    values: dict[str, str] = {}
    for field, check in (("mobile", normalize_mobile), ("national_code", normalize_national_code)):
        try:
            values[field] = check(mobile if field == "mobile" else national_code, field=field)
        except BadInput as exc:
            errors[field] = exc.fields.get(field, exc.message)
    if len(values) < 2:
        return None
    person = session.scalar(
        select(Member).where(
            Member.mobile == values["mobile"],
            Member.national_code == values["national_code"],
            Member.is_active.is_(True),
        )
    )
    if person is None:
        message = _("No member has both this mobile and this national code.")
        errors["mobile"] = message
        errors["national_code"] = message
    return person


@dataclass(frozen=True)
class _Checked:
    core: Core
    person: Member
    estimate: int
    amount: int
    ceiling: int
    purpose: str


def _check_introduction(
    session: Session,
    supporter: Member,
    *,
    core: str,
    mobile: str,
    national_code: str,
    estimate: int | None,
    purpose: str,
    amount: int | None,
) -> _Checked:
    """Every field of an introduction checked at once: BadInput naming each bad one."""
    errors: dict[str, Any] = {}
    found_core = find_core(session, core, errors)
    if found_core is not None and found_core.status != ACTIVE:
        errors["core"] = _("This core is not active yet: only members of an active core can be introduced.")
    person = _find_person(session, mobile, national_code, errors)
    if person is not None and person.id == supporter.id:
        errors["mobile"] = _("You cannot introduce yourself.")
        person = None
    if (
        person is not None
        and found_core is not None
        and "core" not in errors
        and found_core.id not in {c.id for c in cores_of_member(session, person)}
    ):
        errors["core"] = _("This member does not lead or work in this core.")
    estimate_rials = check_rials(estimate, "estimate", errors)
    text = read_text(purpose, "purpose", PURPOSE_MAX, errors, required=True)
    amount_rials = check_rials(amount, "amount", errors)
    lim = limits()
    ceiling = lim.ceiling(estimate_rials) if estimate_rials is not None else None
    if amount_rials is not None and ceiling is not None and amount_rials > ceiling:
        errors["amount"] = ceiling_message(lim, estimate_rials)
    if errors:
        raise refusal(errors)
    assert found_core is not None and person is not None and ceiling is not None
    assert estimate_rials is not None and amount_rials is not None
    return _Checked(found_core, person, estimate_rials, amount_rials, ceiling, text)


def _refuse_where_it_cannot_be(session: Session, supporter: Member, checked: _Checked) -> None:
    """NotAllowed where the supporter's credit kind does not reach the core; Conflict if this
    supporter already has an open introduction of the member for the core."""
    if not holds_kind(supporter, CREDIT, checked.core.region):
        raise NotAllowed(
            _(
                "Your role as credit supporter does not reach %(region)s, where this core works.",
                region=region_name(checked.core.region),
            ),
            code="outside_your_region",
        )
    already = session.scalar(
        select(Introduction.id).where(
            Introduction.supporter_id == supporter.id,
            Introduction.member_id == checked.person.id,
            Introduction.core_id == checked.core.id,
            Introduction.status.in_(OPEN_STATUSES),
        )
    )
    if already is not None:
        raise Conflict(
            _(
                "You already introduced this member for this core (number %(id)s); withdraw it first.",
                id=already,
            ),
            code="already_introduced",
        )


def introduce(
    session: Session,
    supporter: Member,
    *,
    core: str,
    mobile: str,
    national_code: str,
    estimate: int | None,
    purpose: str,
    amount: int | None,
) -> Introduction:
    """A credit supporter introduces a member of an active core for a Qard al-Hasan loan.

    The member is named by mobile AND national code, which must be the same person's (as in the
    real M-Hami flow), and must lead or work in the core named by its core ID. ``estimate`` is the
    business's value and ``amount`` the loan asked for, both in rials; the amount may not exceed
    the ceiling (``Limits.ceiling``). The introduction then waits for the member to accept it,
    which stands in for the real flow's one-time code.

    NotAllowed without the credit kind (or where it does not reach); BadInput naming every bad
    field; Conflict if this supporter already has an open introduction of the member for the core.
    """
    require_kind(supporter, CREDIT)
    checked = _check_introduction(
        session,
        supporter,
        core=core,
        mobile=mobile,
        national_code=national_code,
        estimate=estimate,
        purpose=purpose,
        amount=amount,
    )
    _refuse_where_it_cannot_be(session, supporter, checked)
    now = utcnow()
    introduction = Introduction(
        supporter_id=supporter.id,
        member_id=checked.person.id,
        core_id=checked.core.id,
        estimate=checked.estimate,
        amount=checked.amount,
        ceiling=checked.ceiling,
        purpose=checked.purpose,
        status=AWAITING,
        created_at=now,
        status_changed_at=now,
    )
    session.add(introduction)
    session.flush()
    record(session, introduction, AWAITING, actor=supporter)
    notify(
        checked.person,
        messages.INTRODUCED_YOU(
            url=url_of(introduction),
            supporter=supporter.name,
            amount=Money(checked.amount),
            purpose=checked.purpose,
        ),
    )
    return introduction


def url_of(introduction: Introduction) -> str:
    """The introduction's page, for a notification."""
    return f"/supporters/introductions/{introduction.id}"


# --- its history -------------------------------------------------------------------------------


def record(
    session: Session,
    introduction: Introduction,
    status: str,
    *,
    note: str = "",
    params: dict[str, Any] | None = None,
    actor: Member | None = None,
) -> IntroductionEvent:
    """One step of the introduction's history: the status, a person's note, the loan's values."""
    event = IntroductionEvent(
        introduction_id=introduction.id,
        status=status,
        note=note,
        params=params or None,
        actor_id=actor.id if actor else None,
        at=utcnow(),
    )
    session.add(event)
    session.flush()
    return event


def may_move(introduction: Introduction, status: str) -> bool:
    return status in TRANSITIONS.get(introduction.status, frozenset())


def move(
    session: Session,
    introduction: Introduction,
    status: str,
    *,
    note: str = "",
    params: dict[str, Any] | None = None,
    actor: Member | None = None,
) -> Introduction:
    """Move the introduction to ``status`` and record the step; Conflict where it may not go."""
    if not may_move(introduction, status):
        raise Conflict(
            _(
                "This introduction is %(now)s; it cannot become %(then)s.",
                now=Words(STATUS_LABELS[introduction.status]),
                then=Words(STATUS_LABELS[status]),
            ),
            code="status_transition",
        )
    now = utcnow()
    introduction.status = status
    introduction.status_note = note
    introduction.status_changed_at = now
    if status in (INTRODUCED, DECLINED):
        introduction.answered_at = now
    record(session, introduction, status, note=note, params=params, actor=actor)
    return introduction


# --- answering and withdrawing -----------------------------------------------------------------


def get_introduction(session: Session, introduction_id: int) -> Introduction:
    """Any introduction by id (for the loans plugin); NotFound if there is none."""
    introduction = session.get(Introduction, introduction_id)
    if introduction is None:
        raise NotFound(_("No such introduction."), code="unknown_introduction")
    return introduction


def visible_introduction(session: Session, viewer: Member, introduction_id: int) -> Introduction:
    """An introduction the viewer made or received; NotFound for anyone else's, so ids reveal nothing."""
    introduction = session.get(Introduction, introduction_id)
    if introduction is None or viewer.id not in (introduction.supporter_id, introduction.member_id):
        raise NotFound(_("No such introduction."), code="unknown_introduction")
    return introduction


def _own_as_member(session: Session, member: Member, introduction_id: int) -> Introduction:
    introduction = session.get(Introduction, introduction_id)
    if introduction is None or introduction.member_id != member.id:
        raise NotFound(_("No such introduction."), code="unknown_introduction")
    return introduction


def accept_introduction(session: Session, member: Member, introduction_id: int) -> Introduction:
    """The introduced member accepts: from now on the introduction counts. Only theirs (else 404)."""
    introduction = _own_as_member(session, member, introduction_id)
    move(session, introduction, INTRODUCED, actor=member)
    notify(
        introduction.supporter,
        messages.ACCEPTED(url=url_of(introduction), member=member.name, core=introduction.core.name),
    )
    return introduction


def decline_introduction(
    session: Session, member: Member, introduction_id: int, reason: str = ""
) -> Introduction:
    """The introduced member declines (a reason is optional). Only theirs (else 404)."""
    errors: dict[str, Any] = {}
    note = read_text(reason, "reason", NOTE_MAX, errors, required=False)
    if errors:
        raise refusal(errors)
    introduction = _own_as_member(session, member, introduction_id)
    move(session, introduction, DECLINED, note=note, actor=member)
    notify(
        introduction.supporter,
        messages.DECLINED(
            url=url_of(introduction),
            member=member.name,
            reason=note or Words(_l("none given")),
        ),
    )
    return introduction


def withdraw_introduction(
    session: Session, supporter: Member, introduction_id: int, reason: str
) -> Introduction:
    """The supporter withdraws their introduction, with a reason, until the loan is requested.

    Someone else's introduction answers NotFound, as a missing one does.
    """
    introduction = session.get(Introduction, introduction_id)
    if introduction is None or introduction.supporter_id != supporter.id:
        raise NotFound(_("No such introduction."), code="unknown_introduction")
    errors: dict[str, Any] = {}
    note = read_text(reason, "reason", NOTE_MAX, errors, required=True)
    if "reason" in errors and not note:
        errors["reason"] = _("Say why you withdraw the introduction.")
    if errors:
        raise refusal(errors)
    move(session, introduction, WITHDRAWN, note=note, actor=supporter)
    notify(
        introduction.member,
        messages.WITHDRAWN(url=url_of(introduction), supporter=supporter.name, reason=note),
    )
    return introduction


# --- reading -----------------------------------------------------------------------------------


def introductions_for(
    session: Session, member: Member, statuses: Iterable[str] | None = None
) -> list[Introduction]:
    """The introductions of ``member`` (any supporter; of ``statuses`` if given, else any), newest
    first: for the loans plugin."""
    stmt = select(Introduction).where(Introduction.member_id == member.id)
    if statuses is not None:
        stmt = stmt.where(Introduction.status.in_(list(statuses)))
    return list(session.scalars(stmt.order_by(Introduction.id.desc())))


def _check_status(status: str | None) -> None:
    if status and status not in STATUSES:
        message = _("Choose one of: %(statuses)s.", statuses=", ".join(STATUSES))
        raise BadInput(message, fields={"status": message})


def introductions_by(
    session: Session, supporter: Member, *, status: str | None = None, page: int = 1, per_page: int = 20
) -> Page[Introduction]:
    """One page of ``supporter``'s introductions and their outcome, newest first."""
    _check_status(status)
    stmt = select(Introduction).where(Introduction.supporter_id == supporter.id)
    if status:
        stmt = stmt.where(Introduction.status == status)
    return paginate(session, stmt.order_by(Introduction.id.desc()), page, per_page)


def introductions_of(
    session: Session, member: Member, page: int = 1, per_page: int = 20
) -> Page[Introduction]:
    """One page of the introductions of ``member`` (awaiting ones first, then newest first)."""
    stmt = (
        select(Introduction)
        .where(Introduction.member_id == member.id)
        .order_by((Introduction.status == AWAITING).desc(), Introduction.id.desc())
    )
    return paginate(session, stmt, page, per_page)


def all_introductions(
    session: Session, *, status: str | None = None, page: int = 1, per_page: int = 100
) -> Page[Introduction]:
    """Every introduction (for administrators' scripts), newest first, optionally of one status."""
    _check_status(status)
    stmt = select(Introduction)
    if status:
        stmt = stmt.where(Introduction.status == status)
    return paginate(session, stmt.order_by(Introduction.id.desc()), page, per_page)


def awaiting_count(session: Session, member: Member) -> int:
    """How many introductions wait for ``member``'s answer: one query on an index."""
    return (
        session.scalar(
            select(func.count(Introduction.id)).where(
                Introduction.member_id == member.id, Introduction.status == AWAITING
            )
        )
        or 0
    )


def introduction_totals(session: Session, area: list[int] | None = None) -> tuple[int, int]:
    """(how many introductions the members accepted, the rials they asked for in all), one query.

    ``area`` keeps those of cores in these regions (None: nationwide).
    """
    stmt = select(func.count(Introduction.id), func.coalesce(func.sum(Introduction.amount), 0)).where(
        Introduction.status.in_(COUNTED_STATUSES)
    )
    if area is not None:
        stmt = stmt.join(Core, Core.id == Introduction.core_id).where(Core.region_id.in_(area))
    count, total = session.execute(stmt).one()
    return int(count or 0), int(total or 0)

"""Supporters' rules: support actions, loan introductions and centre sponsorships. No Flask here.

Pages, the API, the CLI and the hooks all call these, so every rule lives once. A supporter acts
only in the kinds they hold (the host role "supporter" with a kind) and only where that grant
reaches; a member only ever sees their own things; bad input is refused whole, before anything
is written.

Public for other plugins (the loans plugin): ``Introduction``, ``introductions_for``,
``get_introduction`` and ``mark_introduction``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from resalat_centers.services import Centre, CentreMember, centres_query, get_centre
from resalat_cores.services import ACTIVE, Core, cores_of_member, cores_of_member_query, get_core_by_code
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, joinedload

from resalat_core.sdk import (
    SUPPORTER_KINDS,
    BadInput,
    Conflict,
    Member,
    Message,
    NotAllowed,
    NotFound,
    Page,
    Region,
    _,
    _l,
    current_language,
    find_member,
    format_money,
    has_role,
    normalize_mobile,
    normalize_national_code,
    normalize_text,
    notify,
    paginate,
    parse_jalali_date,
    parse_money,
    to_latin_digits,
    to_persian_digits,
    today_in_iran,
    utcnow,
)
from resalat_supporters import plugin, setting
from resalat_supporters.models import (
    APPROVED,
    AWAITING,
    DECLINED,
    DESCRIPTION_MAX,
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
    Sponsorship,
    SupportAction,
)

__all__ = [
    "Introduction",
    "LOAN_STATUSES",
    "STATUSES",
    "get_introduction",
    "introductions_for",
    "mark_introduction",
]

ROLE = "supporter"
CREDIT = "credit"
CULTURAL = "cultural"
CREDIT_BEHAVIOUR = "credit_behaviour"
KINDS = tuple(SUPPORTER_KINDS)
KIND_LABELS = {
    "credit": _l("Credit supporter"),
    "technical": _l("Technical supporter"),
    "commercial": _l("Commercial supporter"),
    "cultural": _l("Cultural supporter"),
    "credit_behaviour": _l("Credit-behaviour supporter"),
}
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
# Where an introduction may go from each status. The member answers an awaiting one; the loans
# plugin moves an accepted one along (scoring may be skipped: a Merat result lasts 12 months);
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
# The member accepted: these are the introductions that count (stats, "introduced" figures).
COUNTED_STATUSES = (INTRODUCED, SCORED, REQUESTED, APPROVED, REJECTED, DISBURSED)
WITHDRAWABLE = frozenset(s for s, nxt in TRANSITIONS.items() if WITHDRAWN in nxt)

# An int that PostgreSQL's BIGINT and every sum of a few of them can hold; as parse_money's cap.
MAX_RIALS = 10**15
MAX_HOURS = 1000
# A sponsorship runs for at most three years; a longer one is almost surely a typo in the year.
MAX_SPONSORSHIP_DAYS = 3 * 366
CENTRES_IN_FORM = 500
_HOURS_RE = re.compile(r"([0-9]{1,4})(?:[.\u066b/]([0-9]))?")


# Iranian calendar days (due dates, validity, advice days) end at Tehran's midnight.
today = today_in_iran


def _money(rials: int) -> str:
    return format_money(rials, lang=current_language("en"))


def _num(n: int) -> str:
    return to_persian_digits(str(n)) if current_language("en").startswith("fa") else str(n)


def _region_name(region: Region) -> str:
    return region.name("fa" if current_language("en").startswith("fa") else "en")


def _fix(errors: dict[str, Any]) -> BadInput:
    return BadInput(_("Please correct the marked fields."), fields=errors)


# --- kinds and limits --------------------------------------------------------------------------


def kinds_of(member: Member) -> list[str]:
    """The supporter kinds ``member`` holds anywhere, in the usual order."""
    held = {g.kind for g in member.roles if g.role == ROLE}
    return [k for k in KINDS if k in held]


def holds_kind(member: Member, kind: str, region: Region | None = None) -> bool:
    """Does ``member`` hold the supporter role of ``kind`` in ``region`` (None: anywhere)?"""
    return has_role(member, ROLE, region, kind=kind)


def kind_area(session: Session, member: Member, kind: str) -> list[int] | None:
    """Region ids where ``member`` supports as ``kind`` (their grants and the places under them).

    None means nationwide; an empty list means nowhere.
    """
    ids = {g.region_id for g in member.roles if g.role == ROLE and g.kind == kind}
    if None in ids:
        return None
    if not ids:
        return []
    return list(session.scalars(select(Region.id).where(or_(Region.id.in_(ids), Region.parent_id.in_(ids)))))


def require_kind(member: Member, kind: str | None) -> list[str]:
    """The member's kinds; NotAllowed unless they hold ``kind`` somewhere (None: any kind at all).

    The pages ask this before showing a form, and the services before acting: one rule, one message.
    """
    held = kinds_of(member)
    if kind is None and not held:
        raise NotAllowed(
            _("Only supporters can record support. Ask an administrator to grant you a supporter kind."),
            code="not_a_supporter",
        )
    if kind == CREDIT and kind not in held:
        raise NotAllowed(
            _("Only credit supporters can introduce a member for a loan, and you are not one."),
            code="not_a_credit_supporter",
        )
    if kind == CREDIT_BEHAVIOUR and kind not in held:
        raise NotAllowed(
            _("Only credit-behaviour supporters can sponsor a centre, and you are not one."),
            code="not_a_credit_behaviour_supporter",
        )
    return held


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


# --- reading input -----------------------------------------------------------------------------


def _read_rials(value: Any, field: str, errors: dict[str, Any], *, required: bool = True) -> int | None:
    """Rials from an int (the API), or from tomans typed on a page (any digits, separators).

    Records a message in ``errors`` and returns None when the amount is missing, bad, or not
    more than zero.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors[field] = _("Enter an amount.")
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        errors[field] = _("Enter the amount in digits.")
        return None
    if isinstance(value, int):
        rials = value
    else:
        try:
            rials = parse_money(value, field=field)
        except BadInput as exc:
            errors[field] = exc.fields.get(field, exc.message)
            return None
    if rials <= 0:
        errors[field] = _("The amount must be more than zero.")
        return None
    if rials > MAX_RIALS:
        errors[field] = _("The amount is too large.")
        return None
    return rials


def _read_text(value: Any, field: str, limit: int, errors: dict[str, Any], *, required: bool) -> str:
    text = normalize_text(value) if isinstance(value, str) else ""
    if required and not text:
        errors[field] = _("Required.")
    elif len(text) > limit:
        errors[field] = _("At most %(max)d characters.", max=limit)
    return text


def _read_paragraphs(value: Any, field: str, limit: int, errors: dict[str, Any]) -> str:
    """Normalised text that keeps its line breaks (a description may have several paragraphs)."""
    raw = value if isinstance(value, str) else ""
    lines = [normalize_text(line) for line in raw.replace("\r\n", "\n").split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
    if not text:
        errors[field] = _("Required.")
    elif len(text) > limit:
        errors[field] = _("At most %(max)d characters.", max=limit)
    return text


def _read_day(value: Any, field: str, errors: dict[str, Any]) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return parse_jalali_date(value if isinstance(value, str) else "", field=field)
    except BadInput as exc:
        errors[field] = exc.fields.get(field, exc.message)
        return None


def _read_minutes(value: Any, errors: dict[str, Any]) -> int | None:
    """Hours given (optional) as minutes: '2', '1.5', '۱٫۵' on a page, a number in the API."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        hours = None
    elif isinstance(value, int | float):
        hours = float(value)
    else:
        match = _HOURS_RE.fullmatch(to_latin_digits(normalize_text(str(value))).replace(" ", ""))
        hours = float(f"{match.group(1)}.{match.group(2) or 0}") if match else None
    if hours is None:
        errors["hours"] = _("Enter the hours as a number, like 2 or 1.5.")
        return None
    if not 0 < hours <= MAX_HOURS:
        errors["hours"] = _("Between 0.1 and %(max)d hours.", max=MAX_HOURS)
        return None
    return round(hours * 60)


def _find_core(session: Session, code: Any, errors: dict[str, Any], field: str = "core") -> Core | None:
    typed = to_latin_digits(normalize_text(code)).upper() if isinstance(code, str) else ""
    if not typed:
        errors[field] = _("Enter the core ID.")
        return None
    try:
        core = get_core_by_code(session, typed)
    except (NotFound, BadInput):
        core = None
    if core is None:
        errors[field] = _("No core has this core ID.")
    return core


# --- support actions ---------------------------------------------------------------------------


def record_action(
    session: Session,
    supporter: Member,
    *,
    kind: str,
    member: str = "",
    core: str = "",
    happened_on: Any = "",
    description: str = "",
    hours: Any = None,
    amount: Any = None,
) -> SupportAction:
    """Record what ``supporter`` did for a member (mobile or national code) or a core (core ID).

    ``kind`` must be one of the supporter's own kinds, held where the beneficiary lives or works;
    the day may not be in the future; hours and amount (rials, or tomans as typed) are optional.
    NotAllowed if the member is no supporter at all; BadInput naming every bad field otherwise.
    """
    held = require_kind(supporter, None)
    errors: dict[str, Any] = {}
    if kind not in KINDS:
        errors["kind"] = _("Choose the kind of support from the list.")
    elif kind not in held:
        errors["kind"] = _("You are not a %(kind)s; choose one of your own kinds.", kind=KIND_LABELS[kind])
    beneficiary_member: Member | None = None
    beneficiary_core: Core | None = None
    member = (member or "").strip() if isinstance(member, str) else ""
    core = (core or "").strip() if isinstance(core, str) else ""
    if bool(member) == bool(core):
        message = _("Name either the member (mobile or national code) or the core (core ID) you supported.")
        errors["member"] = message
        errors["core"] = message
    elif member:
        beneficiary_member = find_member(session, member)
        if beneficiary_member is None or not beneficiary_member.is_active:
            errors["member"] = _("No member has that mobile or national code.")
            beneficiary_member = None
        elif beneficiary_member.id == supporter.id:
            errors["member"] = _("Support is given to others: you cannot be your own beneficiary.")
            beneficiary_member = None
    else:
        beneficiary_core = _find_core(session, core, errors)
    day = _read_day(happened_on, "happened_on", errors)
    if day is not None and day > today():
        errors["happened_on"] = _("The day cannot be in the future.")
    text = _read_paragraphs(description, "description", DESCRIPTION_MAX, errors)
    minutes = _read_minutes(hours, errors)
    rials = _read_rials(amount, "amount", errors, required=False)
    where = (
        beneficiary_member.region
        if beneficiary_member
        else beneficiary_core.region
        if beneficiary_core
        else None
    )
    if "kind" not in errors and where is not None and not holds_kind(supporter, kind, where):
        errors["kind"] = _(
            "Your role as %(kind)s does not reach %(region)s.",
            kind=KIND_LABELS[kind],
            region=_region_name(where),
        )
    if errors:
        raise _fix(errors)
    action = SupportAction(
        supporter_id=supporter.id,
        kind=kind,
        beneficiary_member_id=beneficiary_member.id if beneficiary_member else None,
        beneficiary_core_id=beneficiary_core.id if beneficiary_core else None,
        happened_on=day,
        description=text,
        minutes=minutes,
        amount=rials,
        created_at=utcnow(),
    )
    session.add(action)
    session.flush()
    return action


def actions_by(session: Session, supporter: Member, page: int = 1, per_page: int = 20) -> Page[SupportAction]:
    """One page of what ``supporter`` recorded, newest first."""
    stmt = select(SupportAction).where(SupportAction.supporter_id == supporter.id)
    return paginate(session, stmt.order_by(SupportAction.id.desc()), page, per_page)


def received_query(member: Member) -> Select[Any]:
    """Support ``member`` received: given to them, or to a core they lead or work in."""
    core_ids = cores_of_member_query(member).with_only_columns(Core.id).order_by(None)
    condition = or_(
        SupportAction.beneficiary_member_id == member.id, SupportAction.beneficiary_core_id.in_(core_ids)
    )
    return select(SupportAction).where(condition).order_by(SupportAction.id.desc())


def actions_received(
    session: Session, member: Member, page: int = 1, per_page: int = 20
) -> Page[SupportAction]:
    """One page of the support ``member`` received, newest first."""
    return paginate(session, received_query(member), page, per_page)


# --- loan introductions ------------------------------------------------------------------------


def introduce(
    session: Session,
    supporter: Member,
    *,
    core: str,
    mobile: str,
    national_code: str,
    estimate: Any,
    purpose: str,
    amount: Any,
) -> Introduction:
    """A credit supporter introduces a member of an active core for a Qard al-Hasan loan.

    The member is named by mobile AND national code, which must be the same person's (as in the
    real M-Hami flow), and must lead or work in the core named by its core ID. ``estimate`` is the
    business's value and ``amount`` the loan asked for (ints are rials; strings are tomans as
    typed); the amount may not exceed the ceiling (``Limits.ceiling``). The introduction then
    waits for the member to accept it, which stands in for the real flow's one-time code.

    NotAllowed without the credit kind (or where it does not reach); BadInput naming every bad
    field; Conflict if this supporter already has an open introduction of the member for the core.
    """
    require_kind(supporter, CREDIT)
    errors: dict[str, Any] = {}
    found_core = _find_core(session, core, errors)
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
    estimate_rials = _read_rials(estimate, "estimate", errors)
    text = _read_text(purpose, "purpose", PURPOSE_MAX, errors, required=True)
    amount_rials = _read_rials(amount, "amount", errors)
    lim = limits()
    ceiling = lim.ceiling(estimate_rials) if estimate_rials is not None else None
    if amount_rials is not None and ceiling is not None and amount_rials > ceiling:
        errors["amount"] = ceiling_message(lim, estimate_rials)
    if errors:
        raise _fix(errors)
    assert found_core is not None and person is not None and ceiling is not None
    if not holds_kind(supporter, CREDIT, found_core.region):
        raise NotAllowed(
            _(
                "Your role as credit supporter does not reach %(region)s, where this core works.",
                region=_region_name(found_core.region),
            ),
            code="outside_your_region",
        )
    already = session.scalar(
        select(Introduction.id).where(
            Introduction.supporter_id == supporter.id,
            Introduction.member_id == person.id,
            Introduction.core_id == found_core.id,
            Introduction.status.in_(OPEN_STATUSES),
        )
    )
    if already is not None:
        raise Conflict(
            _(
                "You already introduced this member for this core (number %(id)s); withdraw it first.",
                id=_num(already),
            ),
            code="already_introduced",
        )
    now = utcnow()
    introduction = Introduction(
        supporter_id=supporter.id,
        member_id=person.id,
        core_id=found_core.id,
        estimate=estimate_rials,
        amount=amount_rials,
        ceiling=ceiling,
        purpose=text,
        status=AWAITING,
        created_at=now,
        status_changed_at=now,
    )
    session.add(introduction)
    session.flush()
    _record(session, introduction, AWAITING, "", supporter)
    notify(
        person,
        Message(
            title_fa="شما برای وام قرض‌الحسنه معرفی شدید",
            title_en="You were introduced for a Qard al-Hasan loan",
            body_fa=(
                f"{supporter.name} شما را برای وامی به مبلغ {format_money(amount_rials, lang='fa')} "
                f"برای «{text}» معرفی کرده است. معرفی را بپذیرید یا رد کنید."
            ),
            body_en=(
                f"{supporter.name} introduced you for a loan of {format_money(amount_rials, lang='en')} "
                f"for \u201c{text}\u201d. Accept or decline the introduction."
            ),
            url=f"/supporters/introductions/{introduction.id}",
            source=plugin.name,
            kind="introduction.new",
        ),
    )
    return introduction


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


def ceiling_message(lim: Limits, estimate: int) -> str:
    """Why the amount is too much: the ceiling for this estimate, and how it is made."""
    return _(
        "At most %(ceiling)s: %(ratio)s%% of the estimated value, and never more than %(cap)s.",
        ceiling=_money(lim.ceiling(estimate)),
        ratio=_num(lim.ratio_percent),
        cap=_money(lim.max_rials),
    )


def ceiling_for(estimate: Any) -> tuple[int | None, dict[str, Any]]:
    """The ceiling for an estimate as typed (or rials), for the hint shown while filling the form.

    Returns (ceiling or None, errors about the estimate).
    """
    errors: dict[str, Any] = {}
    rials = _read_rials(estimate, "estimate", errors)
    return (None if rials is None else limits().ceiling(rials)), errors


def _record(
    session: Session, introduction: Introduction, status: str, note: str, actor: Member | None
) -> IntroductionEvent:
    event = IntroductionEvent(
        introduction_id=introduction.id,
        status=status,
        note=note,
        actor_id=actor.id if actor else None,
        at=utcnow(),
    )
    session.add(event)
    session.flush()
    return event


def _move(
    session: Session, introduction: Introduction, status: str, note: str, actor: Member | None
) -> Introduction:
    if status not in TRANSITIONS.get(introduction.status, frozenset()):
        raise Conflict(
            _(
                "This introduction is %(now)s; it cannot become %(then)s.",
                now=STATUS_LABELS[introduction.status],
                then=STATUS_LABELS[status],
            ),
            code="status_transition",
        )
    now = utcnow()
    introduction.status = status
    introduction.status_note = note
    introduction.status_changed_at = now
    if status in (INTRODUCED, DECLINED):
        introduction.answered_at = now
    _record(session, introduction, status, note, actor)
    return introduction


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
    _move(session, introduction, INTRODUCED, "", member)
    _tell_supporter(introduction, "accepted")
    return introduction


def decline_introduction(
    session: Session, member: Member, introduction_id: int, reason: str = ""
) -> Introduction:
    """The introduced member declines (a reason is optional). Only theirs (else 404)."""
    errors: dict[str, Any] = {}
    note = _read_text(reason, "reason", NOTE_MAX, errors, required=False)
    if errors:
        raise _fix(errors)
    introduction = _own_as_member(session, member, introduction_id)
    _move(session, introduction, DECLINED, note, member)
    _tell_supporter(introduction, "declined")
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
    note = _read_text(reason, "reason", NOTE_MAX, errors, required=True)
    if "reason" in errors and not note:
        errors["reason"] = _("Say why you withdraw the introduction.")
    if errors:
        raise _fix(errors)
    _move(session, introduction, WITHDRAWN, note, supporter)
    notify(
        introduction.member,
        Message(
            title_fa="معرفی شما برای وام پس گرفته شد",
            title_en="Your loan introduction was withdrawn",
            body_fa=f"{introduction.supporter.name} معرفی را پس گرفت: {note}",
            body_en=f"{introduction.supporter.name} withdrew the introduction: {note}",
            url=f"/supporters/introductions/{introduction.id}",
            source=plugin.name,
            kind="introduction.withdrawn",
        ),
    )
    return introduction


def mark_introduction(
    session: Session,
    introduction: Introduction,
    status: str,
    *,
    note: str = "",
    actor: Member | None = None,
) -> Introduction:
    """Move an introduction along its loan: scored, requested, approved, rejected or disbursed.

    For the loans plugin. Only the loan statuses may be set here (the member answers and the
    supporter withdraws through their own functions); BadInput for any other status or a note
    that is too long; Conflict when the introduction cannot go there from where it is (see
    ``TRANSITIONS``). The supporter and the member are told.
    """
    errors: dict[str, Any] = {}
    if status not in LOAN_STATUSES:
        errors["status"] = _("Choose one of: %(statuses)s.", statuses=", ".join(LOAN_STATUSES))
    text = _read_text(note, "note", NOTE_MAX, errors, required=False)
    if errors:
        raise _fix(errors)
    _move(session, introduction, status, text, actor)
    label_fa = STATUS_FA[status]
    label_en = STATUS_EN[status]
    for person in (introduction.member, introduction.supporter):
        notify(
            person,
            Message(
                title_fa=f"معرفی برای وام: {label_fa}",
                title_en=f"Loan introduction: {label_en}",
                body_fa=f"{introduction.member.name}، {introduction.core.name}: {label_fa}. {text}".strip(),
                body_en=f"{introduction.member.name}, {introduction.core.name}: {label_en}. {text}".strip(),
                url=f"/supporters/introductions/{introduction.id}",
                source=plugin.name,
                kind=f"introduction.{status}",
            ),
        )
    return introduction


# Notification texts are stored in both languages, whatever the reader's language is now.
STATUS_FA = {
    AWAITING: "در انتظار پاسخ عضو",
    INTRODUCED: "معرفی شد",
    DECLINED: "عضو نپذیرفت",
    WITHDRAWN: "حامی پس گرفت",
    SCORED: "اعتبارسنجی شد",
    REQUESTED: "وام درخواست شد",
    APPROVED: "وام تأیید شد",
    REJECTED: "وام رد شد",
    DISBURSED: "وام پرداخت شد",
}
STATUS_EN = {
    AWAITING: "awaiting the member's answer",
    INTRODUCED: "introduced",
    DECLINED: "declined by the member",
    WITHDRAWN: "withdrawn by the supporter",
    SCORED: "credit-scored",
    REQUESTED: "loan requested",
    APPROVED: "loan approved",
    REJECTED: "loan rejected",
    DISBURSED: "loan paid",
}


def _tell_supporter(introduction: Introduction, answer: str) -> None:
    accepted = answer == "accepted"
    name = introduction.member.name
    notify(
        introduction.supporter,
        Message(
            title_fa=f"{name} معرفی شما را {'پذیرفت' if accepted else 'نپذیرفت'}",
            title_en=f"{name} {'accepted' if accepted else 'declined'} your introduction",
            body_fa=introduction.status_note,
            body_en=introduction.status_note,
            url=f"/supporters/introductions/{introduction.id}",
            source=plugin.name,
            kind=f"introduction.{answer}",
        ),
    )


def introductions_for(session: Session, member: Member) -> list[Introduction]:
    """Every introduction of ``member`` (any supporter, any status), newest first: for the loans plugin."""
    return list(
        session.scalars(
            select(Introduction).where(Introduction.member_id == member.id).order_by(Introduction.id.desc())
        )
    )


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


def introduction_totals(session: Session) -> tuple[int, int]:
    """(how many introductions the members accepted, the rials they asked for in all)."""
    count, total = session.execute(
        select(func.count(Introduction.id), func.coalesce(func.sum(Introduction.amount), 0)).where(
            Introduction.status.in_(COUNTED_STATUSES)
        )
    ).one()
    return int(count or 0), int(total or 0)


# --- credit-behaviour sponsorships -------------------------------------------------------------


def sponsorable_centres(session: Session, supporter: Member) -> list[Centre]:
    """The centres ``supporter`` may sponsor: those where their credit-behaviour grant reaches."""
    area = kind_area(session, supporter, CREDIT_BEHAVIOUR)
    if area == []:
        return []
    stmt = centres_query(region_ids=area).options(joinedload(Centre.region)).limit(CENTRES_IN_FORM)
    return list(session.scalars(stmt).unique())


def sponsor(
    session: Session,
    supporter: Member,
    *,
    centre: Any,
    starts_on: Any,
    ends_on: Any,
    note: str = "",
) -> Sponsorship:
    """A credit-behaviour supporter sponsors a cooperation centre from ``starts_on`` to ``ends_on``.

    Days are Jalali as typed (or dates), both included; the end may not be before the start nor
    in the past, and a period is at most three years. While it runs every member of the centre
    has a credit signal for Merat. NotAllowed without the credit-behaviour kind where the centre
    is; BadInput naming every bad field; Conflict if this supporter already sponsors the centre
    for part of the period.
    """
    require_kind(supporter, CREDIT_BEHAVIOUR)
    errors: dict[str, Any] = {}
    found = None
    centre_id = _as_id(centre)
    if centre_id is None:
        errors["centre"] = _("Choose a centre from the list.")
    else:
        try:
            found = get_centre(session, centre_id)
        except NotFound:
            errors["centre"] = _("Choose a centre from the list.")
    first = _read_day(starts_on, "starts_on", errors)
    last = _read_day(ends_on, "ends_on", errors)
    if first is not None and last is not None:
        if last < first:
            errors["ends_on"] = _("The end must be on or after the start.")
        elif (last - first).days > MAX_SPONSORSHIP_DAYS:
            errors["ends_on"] = _("A sponsorship runs for at most three years.")
    if last is not None and "ends_on" not in errors and last < today():
        errors["ends_on"] = _("This period has already ended.")
    text = _read_text(note, "note", NOTE_MAX, errors, required=False)
    if errors:
        raise _fix(errors)
    assert found is not None and first is not None and last is not None
    if not holds_kind(supporter, CREDIT_BEHAVIOUR, found.region):
        raise NotAllowed(
            _(
                "Your role as credit-behaviour supporter does not reach %(region)s, where this centre is.",
                region=_region_name(found.region),
            ),
            code="outside_your_region",
        )
    overlapping = session.scalar(
        select(Sponsorship.id).where(
            Sponsorship.supporter_id == supporter.id,
            Sponsorship.centre_id == found.id,
            Sponsorship.ended_at.is_(None),
            Sponsorship.starts_on <= last,
            Sponsorship.ends_on >= first,
        )
    )
    if overlapping is not None:
        raise Conflict(
            _("You already sponsor this centre for part of that period."), code="already_sponsored"
        )
    sponsorship = Sponsorship(
        supporter_id=supporter.id,
        centre_id=found.id,
        starts_on=first,
        ends_on=last,
        note=text,
        created_at=utcnow(),
    )
    session.add(sponsorship)
    session.flush()
    return sponsorship


def _as_id(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 < value < 2**31 else None
    text = to_latin_digits(value).strip() if isinstance(value, str) else ""
    return int(text) if text.isdigit() and 0 < int(text) < 2**31 else None


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

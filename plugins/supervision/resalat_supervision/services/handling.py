"""Handling reports: the queue of an area, and a handler's acts (warn, hide, dismiss ...) with a note.

Whoever holds ``supervision.handle`` (social leaders and administrators) handles the reports of
their area: the booth's region when the report was filed, and the places under it. A report
outside it does not exist for them (404), and every act needs a note.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from resalat_bazaar import services as bazaar
from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session, joinedload, selectinload

from resalat_core.sdk import (
    BadInput,
    Conflict,
    Member,
    NotFound,
    Page,
    Words,
    _,
    area_of,
    can,
    join_words,
    notify,
    paginate,
    utcnow,
)
from resalat_supervision.messages import REPORT_HANDLED, REPORT_WARNED
from resalat_supervision.models import (
    ACTIONS,
    CLOSE,
    CLOSED,
    DISMISS,
    DISMISSED,
    HIDDEN,
    HIDE,
    NOTE_MAX,
    OPEN,
    PENDING,
    PRODUCT,
    RESOLVED,
    STATUSES,
    TAKE,
    UNDER_REVIEW,
    UNHIDE,
    WARN,
    WARNED,
    Report,
    ReportAction,
)
from resalat_supervision.services.labels import (
    ACT_TITLES,
    CATEGORY_WORDS,
    DECISION_WORDS,
    STATUS_WORDS,
    status_label,
)
from resalat_supervision.services.subjects import PREFIX, Subject, get_subject, history_path
from resalat_supervision.services.text import clean_paragraphs

# Held by social leaders and administrators, in their regions and the places under them.
HANDLE = "supervision.handle"
# A product's title in a notification is cut to this many characters, so the title stays a line.
TITLE_IN_MESSAGE = 80


# --- the handler's area and queue ----------------------------------------------------------------


def handler_area(session: Session, member: Member) -> list[int] | None:
    """Region ids whose reports ``member`` handles (None: everywhere; empty: nowhere)."""
    return area_of(session, member, HANDLE)


def is_handler(member: Member | None) -> bool:
    """Does ``member`` handle reports anywhere at all (hold ``supervision.handle`` in some region)?"""
    return member is not None and can(HANDLE, member=member)


def _in_area(stmt: Select[Any], area: list[int] | None) -> Select[Any]:
    return stmt if area is None else stmt.where(Report.region_id.in_(area))


def queue(
    session: Session,
    member: Member,
    *,
    statuses: Iterable[str] = PENDING,
    page: int = 1,
    per_page: int = 20,
) -> Page[Report]:
    """The reports of ``member``'s area in these statuses (default: undecided), oldest first."""
    wanted = list(statuses)
    unknown = [s for s in wanted if s not in STATUSES]
    if unknown or not wanted:
        message = _(
            "Unknown status; choose from: %(statuses)s.",
            statuses=join_words(Words(STATUS_WORDS[s]) for s in STATUSES),
        )
        raise BadInput(message, fields={"status": message})
    area = handler_area(session, member)
    stmt = (
        _in_area(select(Report).where(Report.status.in_(wanted)), area)
        .options(joinedload(Report.reporter), joinedload(Report.region))
        .order_by(Report.id.asc())
    )
    return paginate(session, stmt, page, per_page)


def pending_in_area(session: Session, member: Member) -> int:
    """How many undecided reports wait in ``member``'s area (the handler's tile badge)."""
    area = handler_area(session, member)
    if area == []:
        return 0
    stmt = _in_area(select(func.count(Report.id)).where(Report.status.in_(PENDING)), area)
    return session.scalar(stmt) or 0


# --- one report ----------------------------------------------------------------------------------


def _with_history(stmt: Select[Any]) -> Select[Any]:
    return stmt.options(
        joinedload(Report.reporter),
        joinedload(Report.region),
        selectinload(Report.actions).joinedload(ReportAction.actor),
    )


def handles(session: Session, member: Member, report: Report) -> bool:
    """Is ``report`` in the area ``member`` handles?"""
    if not is_handler(member):
        return False
    area = handler_area(session, member)
    return area is None or report.region_id in area


def get_report(session: Session, member: Member, report_id: int) -> Report:
    """A report with its history, for its reporter or a handler of its area; NotFound for others."""
    report = session.scalar(_with_history(select(Report).where(Report.id == report_id)))
    if report is None or not (report.reporter_id == member.id or handles(session, member, report)):
        raise NotFound(_("No such report."), code="unknown_report")
    return report


def handled_report(session: Session, member: Member, report_id: int) -> Report:
    """A report of ``member``'s area, locked for a decision; NotFound outside the area."""
    stmt = select(Report).where(Report.id == report_id).with_for_update()
    report = session.scalar(stmt)
    if report is None or not handles(session, member, report):
        raise NotFound(_("No such report in your area."), code="unknown_report")
    return report


# --- acting --------------------------------------------------------------------------------------

# action -> (statuses it may start from, status it leads to, outcome it records)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str | None, str | None]] = {
    TAKE: ((OPEN,), UNDER_REVIEW, None),
    WARN: (PENDING, RESOLVED, WARNED),
    HIDE: (PENDING, RESOLVED, HIDDEN),
    DISMISS: (PENDING, RESOLVED, DISMISSED),
    CLOSE: ((OPEN, UNDER_REVIEW, RESOLVED), CLOSED, None),
    UNHIDE: (STATUSES, None, None),  # keeps the status; needs the hiding still in force
}


def allowed_actions(report: Report) -> list[str]:
    """What a handler may do to ``report`` now (for the buttons on its page)."""
    found = [a for a, (sources, _to, _o) in TRANSITIONS.items() if a != UNHIDE and report.status in sources]
    if report.subject_hidden:
        found.append(UNHIDE)
    return [a for a in ACTIONS if a in found]


def _check_act(report: Report, action: Any, note: Any) -> str:
    """The act's note, cleaned, once the act is known and the report's status allows it."""
    if action not in ACTIONS:
        message = _(
            "Choose what to do: %(actions)s.", actions=join_words(Words(ACT_TITLES[a]) for a in ACTIONS)
        )
        raise BadInput(message, fields={"action": message})
    note_text = clean_paragraphs(note, field="note", limit=NOTE_MAX, required=True)
    sources = TRANSITIONS[action][0]
    if action == UNHIDE and not report.subject_hidden:
        raise Conflict(_("Nothing is hidden by this report."), code="not_hidden")
    if report.status not in sources:
        raise Conflict(
            _("This report is %(status)s; that cannot be done now.", status=status_label(report.status)),
            code="bad_transition",
        )
    return note_text


def act(session: Session, member: Member, report_id: int, *, action: Any, note: Any) -> Report:
    """A handler decides on a report: review, warn, hide, unhide, dismiss or close, with a note.

    Outside the handler's area: NotFound. No note or an unknown action: BadInput. An act the
    report's status does not allow: Conflict. Warning or hiding tells the seller; a decision
    tells the reporter.
    """
    report = handled_report(session, member, report_id)
    note_text = _check_act(report, action, note)
    _sources, to_status, outcome = TRANSITIONS[action]
    subject = get_subject(session, report.kind, report.subject_id)
    before = report.status
    now = utcnow()
    if action == HIDE:
        _set_hidden(session, subject, True, note_text)
        report.subject_hidden = True
    elif action == UNHIDE:
        _set_hidden(session, subject, False, note_text)
        # Every report that hid it is undone together: the thing is visible again.
        session.execute(
            update(Report)
            .where(Report.kind == report.kind, Report.subject_id == report.subject_id)
            .values(subject_hidden=False)
            .execution_options(synchronize_session="fetch")
        )
    if to_status is not None:
        report.status = to_status
    if outcome is not None:
        report.outcome = outcome
    report.updated_at = now
    session.add(
        ReportAction(
            report_id=report.id,
            actor_id=member.id,
            action=action,
            from_status=before,
            to_status=report.status,
            note=note_text,
            created_at=now,
        )
    )
    session.flush()
    if action == WARN:
        # (Hiding is told to the seller by M-Bazar itself, with the note as the reason.)
        _tell_seller(session, report, subject, note_text)
    if action in (WARN, HIDE, DISMISS, CLOSE) and before in PENDING:
        _tell_reporter(session, report, subject, action)
    return report


def _set_hidden(session: Session, subject: Subject, hidden: bool, reason: str) -> None:
    if subject.kind == PRODUCT:
        bazaar.set_product_hidden(session, subject.product, hidden, reason=reason)
    else:
        bazaar.set_booth_hidden(session, subject.booth, hidden, reason=reason)


# --- telling the seller and the reporter ---------------------------------------------------------


def _short(title: str) -> str:
    return title if len(title) <= TITLE_IN_MESSAGE else title[: TITLE_IN_MESSAGE - 1] + "…"


def _tell_seller(session: Session, report: Report, subject: Subject, note: str) -> None:
    seller = session.get(Member, subject.booth.owner_id)
    if seller is None:
        return
    notify(
        seller,
        REPORT_WARNED(
            url=history_path(subject.kind, subject.id),
            subject=_short(subject.title),
            category=Words(CATEGORY_WORDS[report.category]),
            note=note,
        ),
    )


def _tell_reporter(session: Session, report: Report, subject: Subject, action: str) -> None:
    reporter = session.get(Member, report.reporter_id)
    if reporter is None:
        return
    notify(
        reporter,
        REPORT_HANDLED(
            url=f"{PREFIX}/reports/{report.id}",
            subject=_short(subject.title),
            outcome=Words(DECISION_WORDS[action]),
        ),
    )

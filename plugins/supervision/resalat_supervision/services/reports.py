"""Members' reports of a price or quality problem: filed once while undecided, never about one's own booth.

Prices arrive here as integer rials: pages and the API read what people typed (tomans) with the
host's ``read_money`` first.
"""

from __future__ import annotations

from typing import Any

from resalat_bazaar import services as bazaar
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from resalat_core.sdk import (
    MAX_AMOUNT,
    BadInput,
    Conflict,
    Member,
    NotAllowed,
    Page,
    _,
    paginate,
    utcnow,
)
from resalat_supervision.models import (
    CATEGORIES,
    DESCRIPTION_MAX,
    OPEN,
    OPENED,
    PENDING,
    PRICE,
    Report,
    ReportAction,
)
from resalat_supervision.services.subjects import Subject, about, check_kind, get_subject
from resalat_supervision.services.text import clean_paragraphs, merge_errors

# Held by every member; the views ask for it with ``require`` (see views.py).
REPORT = "supervision.report"


def check_price(rials: int | None, field: str) -> int:
    """A price report's price: integer rials, more than zero; BadInput naming ``field`` otherwise."""
    if rials is None:
        message = _("Required for a price report.")
        raise BadInput(message, fields={field: message})
    if isinstance(rials, bool) or not isinstance(rials, int) or rials <= 0:
        message = _("Must be more than zero.")
        raise BadInput(message, fields={field: message})
    if rials > MAX_AMOUNT:
        message = _("The amount is too large.")
        raise BadInput(message, fields={field: message})
    return rials


def _category(raw: Any) -> str:
    if raw not in CATEGORIES:
        message = _("Choose price or quality.")
        raise BadInput(message, fields={"category": message})
    return str(raw)


def file_report(
    session: Session,
    member: Member,
    *,
    kind: str,
    subject_id: int,
    category: str,
    description: Any,
    seen_price: int | None = None,
    reference_price: int | None = None,
) -> Report:
    """``member`` reports a price or quality problem about a product or booth; returns the report.

    A price report needs the price seen and a reference price, in integer rials (a quality report
    ignores them). Every bad field is named at once. Your own booth: NotAllowed. An undecided
    report of yours about the same thing: Conflict. Nothing is stored on any refusal.
    """
    checks = [
        lambda: check_kind(kind),
        lambda: _category(category),
        lambda: clean_paragraphs(description, field="description", limit=DESCRIPTION_MAX, required=True),
    ]
    if category == PRICE:
        checks += [
            lambda: check_price(seen_price, "seen_price"),
            lambda: check_price(reference_price, "reference_price"),
        ]
    values = merge_errors(*checks)
    category_value, description_text = values[1], values[2]
    seen, reference = (values[3], values[4]) if category == PRICE else (None, None)
    subject = get_subject(session, kind, subject_id)
    if subject.booth.owner_id == member.id:
        raise NotAllowed(_("You cannot report your own booth or its products."), code="own_booth")
    if _pending_report_of(session, member, subject) is not None:
        raise _duplicate_report()
    now = utcnow()
    report = Report(
        kind=subject.kind,
        subject_id=subject.id,
        booth_id=subject.booth.id,
        region_id=bazaar.booth_region_id(session, subject.booth),
        reporter_id=member.id,
        category=category_value,
        seen_price=seen,
        reference_price=reference,
        description=description_text,
        status=OPEN,
        created_at=now,
        updated_at=now,
    )
    try:
        with session.begin_nested():
            session.add(report)
            session.flush()
            session.add(
                ReportAction(
                    report_id=report.id,
                    actor_id=member.id,
                    action=OPENED,
                    from_status=None,
                    to_status=OPEN,
                    created_at=now,
                )
            )
    except IntegrityError:
        # A request that got in first filed the same undecided report (the partial unique index).
        raise _duplicate_report() from None
    return report


def _pending_report_of(session: Session, member: Member, subject: Subject) -> int | None:
    return session.scalar(
        select(Report.id).where(
            Report.reporter_id == member.id,
            Report.kind == subject.kind,
            Report.subject_id == subject.id,
            Report.status.in_(PENDING),
        )
    )


def _duplicate_report() -> Conflict:
    return Conflict(
        _("You already have an open report about this; it is being looked into."), code="duplicate_report"
    )


def reports_by(session: Session, member: Member, *, page: int = 1, per_page: int = 20) -> Page[Report]:
    """``member``'s own reports, newest first."""
    stmt = (
        select(Report)
        .where(Report.reporter_id == member.id)
        .options(joinedload(Report.reporter), joinedload(Report.region))
        .order_by(Report.id.desc())
    )
    return paginate(session, stmt, page, per_page)


def reports_about(
    session: Session, kind: str, subject_id: int, *, page: int = 1, per_page: int = 20
) -> Page[Report]:
    """A booth's (with its products') or a product's report history, newest first.

    For public pages: the rows carry category, status and outcome; the reporter is never loaded.
    """
    check_kind(kind)
    stmt = select(Report).where(about(Report, kind, subject_id)).order_by(Report.id.desc())
    return paginate(session, stmt, page, per_page)

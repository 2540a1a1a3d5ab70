"""Reading notes: one by id or serial, who may see it, lists and counts, statuses and figures."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import Session, joinedload

from resalat_core.sdk import (
    BadInput,
    Digits,
    Member,
    NotFound,
    Text,
    _,
    _l,
    can,
    get_region,
    normalize_text,
    to_latin_digits,
)
from resalat_icap.models import (
    ISSUED,
    PLEDGED,
    PROTESTED,
    RELEASED,
    STATUSES,
    Guarantor,
    Note,
    NoteStatusChange,
)
from resalat_icap.services.reading import today

STATUS_LABELS: dict[str, Text] = {
    ISSUED: _l("issued"),
    PLEDGED: _l("pledged to a loan"),
    RELEASED: _l("released"),
    PROTESTED: _l("protested"),
}


def get_note(session: Session, note_id: Any) -> Note:
    """The note with this id, or NotFound."""
    note = session.get(Note, note_id) if isinstance(note_id, int) and 0 < note_id < 2**31 else None
    if note is None:
        raise NotFound(_("No such promissory note."), code="unknown_note")
    return note


def get_by_serial(session: Session, serial: str) -> Note:
    clean = to_latin_digits(normalize_text(serial or "")).replace("-", "").replace(" ", "")
    note = session.scalar(select(Note).where(Note.serial == clean)) if clean else None
    if note is None:
        raise NotFound(
            _("No promissory note has the serial %(serial)s.", serial=Digits(clean or serial)),
            code="unknown_note",
        )
    return note


def note_url(note: Note) -> str:
    """The printable page of the note."""
    try:
        from flask import url_for

        return url_for("icap.print_note", note_id=note.id)
    except RuntimeError:  # outside a request: the path the pages blueprint serves it at
        return f"/icap/notes/{note.id}/print"


def may_see(session: Session, viewer: Member, note: Note) -> bool:
    """The issuer, a guarantor of the note, or an officer holding ``icap.view_all`` where it was issued."""
    if viewer.id == note.issuer_id or any(g.member_id == viewer.id for g in note.guarantors):
        return True
    return can("icap.view_all", get_region(session, note.region_id), viewer)


def visible_note(session: Session, viewer: Member, note_id: Any) -> Note:
    """The note if ``viewer`` may see it; NotFound otherwise (not saying whether it exists)."""
    note = get_note(session, note_id)
    if not may_see(session, viewer, note):
        raise NotFound(_("No such promissory note."), code="unknown_note")
    return note


def history_of(session: Session, note: Note) -> list[NoteStatusChange]:
    stmt = (
        select(NoteStatusChange)
        .where(NoteStatusChange.note_id == note.id)
        .options(joinedload(NoteStatusChange.actor))
    )
    return list(session.scalars(stmt.order_by(NoteStatusChange.id)))


def _check_status(status: str | None) -> None:
    if status and status not in STATUSES:
        message = _("Unknown status.")
        raise BadInput(message, fields={"status": message})


def notes_query(member: Member | None = None, status: str | None = None) -> Select[Any]:
    """Notes newest first: of one issuer, of one status, or all."""
    _check_status(status)
    stmt = select(Note)
    if member is not None:
        stmt = stmt.where(Note.issuer_id == member.id)
    if status:
        stmt = stmt.where(Note.status == status)
    return stmt.order_by(Note.id.desc())


def to_guarantee_query(member: Member) -> Select[Any]:
    """Notes ``member`` is named guarantor of, waiting for their signature first, newest first."""
    signed = select(Guarantor.signed_at).where(Guarantor.note_id == Note.id, Guarantor.member_id == member.id)
    named = exists().where(Guarantor.note_id == Note.id, Guarantor.member_id == member.id)
    return select(Note).where(named).order_by(signed.scalar_subquery().is_not(None), Note.id.desc())


def awaiting_signature(session: Session, member: Member) -> int:
    """How many notes wait for ``member``'s signature as guarantor."""
    stmt = (
        select(func.count())
        .select_from(Guarantor)
        .join(Note, Note.id == Guarantor.note_id)
        .where(Guarantor.member_id == member.id, Guarantor.signed_at.is_(None), Note.status == ISSUED)
    )
    return int(session.scalar(stmt) or 0)


def usable_notes(
    session: Session, member: Member, amount: int, *, payee_code: str | None = None
) -> list[Note]:
    """The member's issued notes, not pledged, covering ``amount`` and signed by every guarantor;
    with ``payee_code``, only those payable to it now (not endorsed away), and not past due.

    A note freed by a cancelled or rejected request is issued again, so it is among them."""
    unsigned = exists().where(Guarantor.note_id == Note.id, Guarantor.signed_at.is_(None))
    stmt = (
        select(Note)
        .where(Note.issuer_id == member.id, Note.status == ISSUED, Note.amount >= int(amount), ~unsigned)
        .order_by(Note.amount, Note.id)
    )
    found = list(session.scalars(stmt))
    if payee_code is None:
        return found
    # Endorsements come with each note (one more query for all): the holder is read in Python.
    day = today()
    return [n for n in found if n.holder_code == payee_code and (n.due_date is None or n.due_date >= day)]


def status_label(status: str) -> str:
    """A note's status in the reader's language."""
    label = STATUS_LABELS.get(status)
    return str(label) if label is not None else status


def totals(session: Session, area: list[int] | None = None) -> dict[str, int]:
    """Notes issued, face value outstanding (issued or pledged) and stamp duty collected, in rials,
    of the notes issued in ``area`` (region ids; None: nationwide). Two queries."""
    where = [] if area is None else [Note.region_id.in_(area)]
    count, duty = session.execute(
        select(func.count(Note.id), func.coalesce(func.sum(Note.stamp_duty), 0)).where(*where)
    ).one()
    outstanding = session.scalar(
        select(func.coalesce(func.sum(Note.amount), 0)).where(Note.status.in_((ISSUED, PLEDGED)), *where)
    )
    return {"issued": int(count), "outstanding": int(outstanding or 0), "duty": int(duty or 0)}

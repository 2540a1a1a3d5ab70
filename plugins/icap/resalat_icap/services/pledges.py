"""A note pledged to a loan: pledged, then released (repaid), freed (the request cancelled or
rejected: back to issued, to be pledged again), protested (defaulted) or settled after a
protest; each step kept in the note's history."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from resalat_core.sdk import (
    BadInput,
    Conflict,
    Day,
    Digits,
    Member,
    Number,
    Words,
    _,
    audit,
    normalize_text,
    utcnow,
)
from resalat_icap import setting
from resalat_icap.models import (
    ISSUED,
    PLEDGED,
    PROTESTED,
    REASON_MAX,
    REFERENCE_MAX,
    RELEASED,
    Note,
    NoteStatusChange,
)
from resalat_icap.services.notes import STATUS_LABELS, get_note
from resalat_icap.services.reading import text_field, today


def _move(
    session: Session,
    note: Note,
    to: str,
    *,
    reference: str | None,
    reason: str = "",
    actor: Member | None = None,
    **values: Any,
) -> None:
    """Move the note on with one conditional UPDATE: of two at once, the second finds it moved."""
    result = session.execute(
        update(Note)
        .where(Note.id == note.id, Note.status == note.status)
        .values(status=to, updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise Conflict(_("Someone else changed this note a moment ago; reload and look again."))
    session.add(
        NoteStatusChange(
            note_id=note.id,
            from_status=note.status,
            to_status=to,
            reference=reference,
            reason=reason,
            actor_id=actor.id if actor else None,
        )
    )
    session.flush()
    session.refresh(note)


def _reference(reference: Any) -> str:
    ref = normalize_text(str(reference or ""))
    if not ref or len(ref) > REFERENCE_MAX:
        message = _("A pledge needs a reference of 1 to %(max)d characters.", max=REFERENCE_MAX)
        raise BadInput(message, fields={"reference": message})
    return ref


def pledge_note(
    session: Session,
    note_id: Any,
    member: Member,
    *,
    reference: str,
    amount: int,
    payee_code: str | None = None,
) -> Note:
    """``member`` pledges their own note to ``reference`` (a loan request) for ``amount`` rials.

    The same reference again returns the note unchanged. Refused with a clear message, changing
    nothing, when the note is not theirs, pledged elsewhere, released or protested, smaller than
    ``amount``, not payable to ``payee_code`` (the lender, when given: ``fund_payee_code()`` for
    a Resalat loan; a note endorsed to someone else no longer fits), past its due date, or still
    awaiting a guarantor's signature. A note freed by a cancelled or rejected request is
    issued again and passes the same checks: the member need not issue (and pay stamp duty for)
    a new one.
    """
    ref = _reference(reference)
    note = get_note(session, note_id)
    if note.issuer_id != member.id:
        message = _("This promissory note is not yours: pledge one of your own notes.")
        raise BadInput(message, fields={"note": message}, code="not_yours")
    if note.status == PLEDGED and note.pledged_reference == ref:
        return note
    if note.status == PLEDGED:
        raise Conflict(
            _(
                "Note %(serial)s is already pledged elsewhere; it can be pledged again only once it "
                "is released.",
                serial=Digits(note.serial),
            ),
            code="already_pledged",
        )
    if note.status != ISSUED:
        raise Conflict(
            _(
                "Note %(serial)s is %(status)s and cannot be pledged.",
                serial=Digits(note.serial),
                status=Words(STATUS_LABELS[note.status]),
            ),
            code="not_issued",
        )
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        message = _("The amount to secure must be a positive number of rials.")
        raise BadInput(message, fields={"amount": message})
    if note.amount < amount:
        message = _(
            "Note %(serial)s is for %(face)s rials, less than the %(amount)s rials it must secure.",
            serial=Digits(note.serial),
            face=Number(note.amount),
            amount=Number(amount),
        )
        raise BadInput(message, fields={"note": message}, code="too_small")
    if payee_code is not None and note.holder_code != payee_code:
        message = _(
            "Note %(serial)s is payable to %(holder)s, not to the lender: it cannot secure this loan.",
            serial=Digits(note.serial),
            holder=note.holder_name,
        )
        raise BadInput(message, fields={"note": message}, code="wrong_payee")
    if note.due_date is not None and note.due_date < today():
        message = _(
            "Note %(serial)s fell due on %(day)s: it can no longer secure a loan.",
            serial=Digits(note.serial),
            day=Day(note.due_date),
        )
        raise BadInput(message, fields={"note": message}, code="past_due")
    if not note.all_signed:
        message = _("Note %(serial)s is waiting for its guarantors' signatures.", serial=Digits(note.serial))
        raise BadInput(message, fields={"note": message}, code="unsigned")
    _move(session, note, PLEDGED, reference=ref, actor=member, pledged_reference=ref, pledged_amount=amount)
    return note


def fund_payee_code() -> str:
    """The code of the payee a note securing a Resalat loan must be payable to: the fund's."""
    return str(setting("default_payee_code"))


def _pledged_to(session: Session, reference: str) -> Note | None:
    stmt = select(Note).where(Note.pledged_reference == reference).order_by(Note.id.desc()).limit(1)
    return session.scalar(stmt)


def release_note(session: Session, *, reference: str, actor: Member | None = None) -> Note | None:
    """The loan ``reference`` was repaid or cancelled: its note is released. None if it has none.

    Releasing twice is harmless; a protested note stays protested (Conflict).
    """
    note = _pledged_to(session, _reference(reference))
    if note is None or note.status == RELEASED:
        return note
    if note.status != PLEDGED:
        raise Conflict(_("Note %(serial)s was protested and cannot be released.", serial=Digits(note.serial)))
    _move(session, note, RELEASED, reference=note.pledged_reference, actor=actor)
    _audit(session, "icap.note_released", note, PLEDGED, actor)
    return note


def free_note(session: Session, *, reference: str, actor: Member | None = None) -> Note | None:
    """The request ``reference`` ended without a loan (cancelled or rejected): its note secured
    nothing, so it goes back to its issuer as issued, free to be pledged to another request. The
    step stays in its history. None if the reference holds no note (also when freed already, or
    pledged again since: freeing twice is harmless); a protested note stays protested (Conflict).
    """
    ref = _reference(reference)
    note = _pledged_to(session, ref)
    if note is None or note.status != PLEDGED:
        if note is not None and note.status == PROTESTED:
            raise Conflict(
                _("Note %(serial)s was protested and cannot be released.", serial=Digits(note.serial))
            )
        return None
    _move(session, note, ISSUED, reference=ref, actor=actor, pledged_reference=None, pledged_amount=None)
    return note


def protest_note(session: Session, *, reference: str, reason: str, actor: Member) -> Note | None:
    """The loan ``reference`` defaulted: its note is protested (واخواست), with the reason and who.

    None if the reference pledged no note; protesting twice is harmless; a released note is done.
    """
    note = _pledged_to(session, _reference(reference))
    errors: dict[str, str] = {}
    why = text_field(reason, "reason", REASON_MAX, errors)
    if errors:
        raise BadInput(_("Say why the note is protested."), fields=errors)
    if note is None or note.status == PROTESTED:
        return note
    if note.status != PLEDGED:
        raise Conflict(_("Note %(serial)s was released and cannot be protested.", serial=Digits(note.serial)))
    _move(session, note, PROTESTED, reference=note.pledged_reference, reason=why, actor=actor)
    _audit(session, "icap.note_protested", note, PLEDGED, actor)
    return note


def protest_notes(
    session: Session, protests: Sequence[tuple[str, str]], *, actor: Member | None
) -> list[Note]:
    """``protest_note`` for many loans at once (run-due's chunk): each ``(reference, reason)``'s
    note is protested, in a few statements whatever their number, with the same history and
    audit entry as one by one. A reference with no note is skipped; one already protested is left
    as it is; a released one refuses the whole batch (Conflict), as ``protest_note`` refuses it.
    Returns the notes protested now.
    """
    errors: dict[str, str] = {}
    reasons: dict[str, str] = {}
    for reference, reason in protests:
        reasons[_reference(reference)] = text_field(reason, "reason", REASON_MAX, errors)
    if errors:
        raise BadInput(_("Say why the note is protested."), fields=errors)
    if not reasons:
        return []
    # The latest note pledged to each reference, as _pledged_to reads it one at a time.
    latest: dict[str, Note] = {}
    stmt = select(Note).where(Note.pledged_reference.in_(list(reasons))).order_by(Note.id.desc())
    for note in session.scalars(stmt):
        latest.setdefault(str(note.pledged_reference), note)
    due = []
    for note in latest.values():
        if note.status == PROTESTED:
            continue
        if note.status != PLEDGED:
            raise Conflict(
                _("Note %(serial)s was released and cannot be protested.", serial=Digits(note.serial))
            )
        due.append(note)
    if not due:
        return []
    # One conditional UPDATE: a note another run protested a moment ago is not in what it returns.
    now = utcnow()
    moved = set(
        session.execute(
            update(Note)
            .where(Note.id.in_([n.id for n in due]), Note.status == PLEDGED)
            .values(status=PROTESTED, updated_at=now)
            .returning(Note.id),
            execution_options={"synchronize_session": False},
        ).scalars()
    )
    if len(moved) != len(due):
        raise Conflict(_("Someone else changed this note a moment ago; reload and look again."))
    session.add_all(
        NoteStatusChange(
            note_id=note.id,
            from_status=PLEDGED,
            to_status=PROTESTED,
            reference=note.pledged_reference,
            reason=reasons[str(note.pledged_reference)],
            actor_id=actor.id if actor else None,
        )
        for note in due
    )
    for note in due:
        # What the UPDATE wrote, without reading each note back.
        set_committed_value(note, "status", PROTESTED)
        set_committed_value(note, "updated_at", now)
        # Written with the history rows at the next flush: batched INSERTs, not one each.
        _audit(session, "icap.note_protested", note, PLEDGED, actor, flush=False)
    return due


def settle_note(session: Session, *, reference: str, actor: Member | None = None) -> Note | None:
    """The debt behind a protested note was paid after all: the note goes back to its issuer
    (released), and its protest stays in the history. None if the reference pledged no note;
    settling twice is harmless; a note that was never protested is released by ``release_note``.
    """
    note = _pledged_to(session, _reference(reference))
    if note is None or note.status == RELEASED:
        return note
    if note.status != PROTESTED:
        raise Conflict(
            _("Note %(serial)s was not protested: release it instead.", serial=Digits(note.serial)),
            code="not_protested",
        )
    # No reason is stored: a release after a protest reads as a settlement wherever it is shown.
    _move(session, note, RELEASED, reference=note.pledged_reference, actor=actor)
    _audit(session, "icap.note_released", note, PROTESTED, actor)
    return note


def _audit(
    session: Session, action: str, note: Note, before: str, actor: Member | None, *, flush: bool = True
) -> None:
    """The note's protest or release in the audit trail, in the same transaction. With no actor
    named (a repayment releasing it), the signed-in member of the request is the one who acted."""
    who: dict[str, Any] = {"actor": actor} if actor is not None else {}
    audit(
        session,
        action,
        subject=f"note:{note.id}",
        region=note.region_id,
        before={"status": before},
        after={"status": note.status, "amount": note.amount},
        flush=flush,
        **who,
    )

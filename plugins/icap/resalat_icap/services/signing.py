"""A note's signatures and endorsements: guarantors sign with their passwords, the issuer endorses."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from resalat_core.sdk import (
    BadInput,
    Conflict,
    Member,
    NotFound,
    Words,
    _,
    confirm_password,
    parse_jalali_date,
    utcnow,
)
from resalat_icap.models import ISSUED, Endorsement, Note
from resalat_icap.services.notes import STATUS_LABELS, get_note
from resalat_icap.services.reading import read_payee, today

BAD_SIGNATURE = "bad_signature"


def sign_as_guarantor(session: Session, note_id: Any, member: Member, password: str | None) -> Note:
    """``member`` signs the note as its guarantor by re-entering their own password.

    Signing twice is harmless. A wrong password is refused with code ``bad_signature`` after
    being recorded for throttling (the caller commits then, as sign-in does).
    """
    note = get_note(session, note_id)
    row = next((g for g in note.guarantors if g.member_id == member.id), None)
    if row is None:
        raise NotFound(_("No such promissory note."), code="unknown_note")
    if row.signed_at is not None:
        return note
    if note.status != ISSUED:
        raise Conflict(_("This note is no longer waiting for signatures."), code="not_issued")
    if not password:
        message = _("Enter your password: it is your signature.")
        raise BadInput(message, fields={"password": message})
    if not confirm_password(session, member, password):
        message = _("The password is wrong: sign with your own password.")
        # The failure confirm_password recorded must be committed to count towards throttling.
        raise BadInput(message, fields={"password": message}, code=BAD_SIGNATURE, keep_changes=True)
    row.signed_at = utcnow()
    note.updated_at = utcnow()
    session.flush()
    return note


def endorse_note(
    session: Session,
    note_id: Any,
    member: Member,
    *,
    payee_name: Any,
    payee_code: Any,
    endorsed_on: Any = None,
) -> Note:
    """The holder (the issuer, in the app) endorses the note to a new payee, kept in order.

    Only while issued: a pledged, released or protested note cannot be endorsed (Conflict).
    """
    note = get_note(session, note_id)
    if note.issuer_id != member.id:
        raise NotFound(_("No such promissory note."), code="unknown_note")
    errors: dict[str, str] = {}
    kind, name, code = read_payee(payee_name, payee_code, errors)
    on = today()
    if endorsed_on is None or (isinstance(endorsed_on, str) and not endorsed_on.strip()):
        day = on
    elif isinstance(endorsed_on, date):
        day = endorsed_on
    else:
        try:
            day = parse_jalali_date(str(endorsed_on), "endorsed_on")
        except BadInput as exc:
            errors["endorsed_on"] = str(exc.fields.get("endorsed_on") or exc)
            day = on
    if day > on:
        errors["endorsed_on"] = _("An endorsement cannot be dated in the future.")
    elif day < note.issued_at.date():
        errors["endorsed_on"] = _("An endorsement cannot be dated before the note was issued.")
    if errors:
        raise BadInput(_("Please correct the marked fields."), fields=errors)
    if note.status != ISSUED:
        raise Conflict(
            _(
                "Only a note that is issued and not pledged can be endorsed; this one is %(status)s.",
                status=Words(STATUS_LABELS[note.status]),
            ),
            code="not_endorsable",
        )
    if code == note.holder_code:
        message = _("The note is already payable to this payee.")
        raise BadInput(message, fields={"payee_code": message})
    note.endorsements.append(
        Endorsement(
            position=len(note.endorsements),
            payee_kind=kind,
            payee_name=name,
            payee_code=code,
            endorsed_on=day,
            by_id=member.id,
        )
    )
    note.updated_at = utcnow()
    session.flush()
    return note

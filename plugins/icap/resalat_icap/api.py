"""The iCAP JSON API: my notes, issuing one (idempotent, it pays the stamp duty), endorsing, signing."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request

from resalat_core.sdk import (
    api_doc,
    db_session,
    dump,
    idempotent,
    load,
    login_required,
    me,
    page_args,
    paginate,
)
from resalat_icap import services
from resalat_icap.schemas import EndorseInSchema, NoteInSchema, NoteQuerySchema, NoteSchema, SignInSchema

bp = Blueprint("icap_api", __name__, url_prefix="/api/v1/icap")
TAGS = ["icap"]


def _note(note: Any) -> dict[str, Any]:
    body = dump(NoteSchema, note)
    body["url"] = services.note_url(note)
    return body


@bp.get("/notes")
@api_doc(
    summary="My promissory notes, newest first",
    tags=TAGS,
    response=NoteSchema,
    paginated=True,
    query={"status": "issued, pledged, released or protested"},
)
@login_required
def list_notes() -> Any:
    args = load(NoteQuerySchema, request.args.to_dict())
    session = db_session()
    page, per_page = page_args()
    result = paginate(session, services.notes_query(me(), args["status"]), page, per_page)
    return {"items": [_note(n) for n in result.items], "meta": result.meta()}


@bp.post("/notes")
@api_doc(
    summary="Issue a promissory note and pay its stamp duty",
    tags=TAGS,
    body=NoteInSchema,
    response=NoteSchema,
    status=201,
)
@login_required
@idempotent
def issue() -> Any:
    """Needs an ``Idempotency-Key``: the same key issues one note and pays the duty once.

    The stamp duty (0.05% of the face value, rounded up to a rial) moves from the member's main
    account to the stamp-duty account. Refused with 400 and nothing stored on any bad field (named
    in ``fields``) or when the main account cannot pay the duty (code ``insufficient_funds``).
    """
    data = load(NoteInSchema)
    session = db_session()
    note = services.issue_note(session, me(), key=request.headers["Idempotency-Key"].strip(), **data)
    # Not committed here: the idempotency record commits the note and its answer together.
    return _note(note), 201


@bp.get("/notes/<int:note_id>")
@api_doc(summary="One promissory note", tags=TAGS, response=NoteSchema)
@login_required
def show(note_id: int) -> Any:
    """Its issuer, its guarantors and officers holding icap.view_all see it; 404 for others."""
    return _note(services.visible_note(db_session(), me(), note_id))


@bp.post("/notes/<int:note_id>/endorsements")
@api_doc(summary="Endorse my note to a new payee", tags=TAGS, body=EndorseInSchema, response=NoteSchema)
@login_required
def endorse(note_id: int) -> Any:
    """Only while the note is issued: a pledged, released or protested note answers 409."""
    data = load(EndorseInSchema)
    session = db_session()
    services.visible_note(session, me(), note_id)
    note = services.endorse_note(session, note_id, me(), **data)
    session.commit()
    return _note(note)


@bp.post("/notes/<int:note_id>/sign")
@api_doc(
    summary="Sign a note as its guarantor, with my password",
    tags=TAGS,
    body=SignInSchema,
    response=NoteSchema,
)
@login_required
def sign(note_id: int) -> Any:
    """A wrong password is 400 (code ``bad_signature``) and counts towards the sign-in throttle."""
    data = load(SignInSchema)
    session = db_session()
    services.visible_note(session, me(), note_id)
    # A wrong signature is refused and still counted: the host commits what the refusal keeps.
    note = services.sign_as_guarantor(session, note_id, me(), data["password"])
    session.commit()
    return _note(note)

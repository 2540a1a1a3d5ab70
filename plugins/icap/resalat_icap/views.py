"""iCAP's pages: my notes, issuing a note, a note's page and its printable page, guarantors signing."""

from __future__ import annotations

import secrets
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for

from resalat_core.sdk import (
    Member,
    ResalatError,
    _,
    current_member,
    db_session,
    ledger,
    login_required,
    page_args,
    paginate,
)
from resalat_icap import services, setting
from resalat_icap.models import STATUSES

bp = Blueprint("icap", __name__, url_prefix="/icap")
GUARANTOR_LINES = 3  # spare lines on the form; empty ones are skipped


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {"rials": services.rials, "status_label": services.status_label}


def _me() -> Member:
    member = current_member()
    assert member is not None  # the access decorator let the request in
    return member


def _refused(session: Any, exc: ResalatError) -> dict[str, str]:
    """The form's errors; a wrong signature is kept (committed) so that it counts for throttling."""
    if exc.code == services.BAD_SIGNATURE:
        session.commit()
    else:
        session.rollback()
    return exc.form_errors()


@bp.get("/")
@login_required
def mine() -> Any:
    """My notes, newest first, optionally of one status."""
    session = db_session()
    status = request.args.get("status", "").strip()
    page, per_page = page_args()
    result = paginate(session, services.notes_query(_me(), status or None), page, per_page)
    return render_template(
        "icap/mine.html",
        page=result,
        status=status,
        statuses=STATUSES,
        awaiting=services.awaiting_signature(session, _me()),
    )


def _guarantor_rows(form: Any) -> list[dict[str, str]]:
    return [
        {
            "name": form.get(f"g{i}_name", ""),
            "national_code": form.get(f"g{i}_national_code", ""),
            "mobile": form.get(f"g{i}_mobile", ""),
        }
        for i in range(GUARANTOR_LINES)
    ]


def _errors_for_form(errors: dict[str, str]) -> dict[str, str]:
    """The services name a guarantor's field guarantors.0.mobile; the form names it g0_mobile."""
    out = {}
    for key, message in errors.items():
        if key.startswith("guarantors."):
            _prefix, index, name = key.split(".", 2)
            key = f"g{index}_{name}"
        out[key] = message
    return out


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new() -> Any:
    """Issue a note; the stamp duty is shown and confirmed before the money moves."""
    session = db_session()
    me = _me()
    values: dict[str, Any] = (
        request.form.to_dict()
        if request.method == "POST"
        else {
            # A fresh key per form: sending it twice (a double click, a reload) issues one note.
            "key": secrets.token_urlsafe(16),
            "payee_name": setting("default_payee_name"),
            "payee_code": setting("default_payee_code"),
            "place_of_payment": setting("default_place_of_payment"),
        }
    )
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        try:
            note = services.issue_note(
                session,
                me,
                amount=values.get("amount"),
                due_date=values.get("due_date"),
                on_demand=bool(values.get("on_demand")),
                payee_name=values.get("payee_name"),
                payee_code=values.get("payee_code"),
                purpose=values.get("purpose"),
                place_of_payment=values.get("place_of_payment"),
                guarantors=_guarantor_rows(request.form),
                key=values.get("key", ""),
                duty_confirmed=bool(values.get("confirm_duty")),
            )
        except ResalatError as exc:
            errors = _errors_for_form(_refused(session, exc))
            status = exc.status
        else:
            session.commit()
            flash(_("Note %(serial)s is issued and its stamp duty paid.", serial=note.serial), "success")
            return redirect(url_for("icap.note", note_id=note.id))
    return render_template(
        "icap/new.html",
        values=values,
        errors=errors,
        lines=range(GUARANTOR_LINES),
        rate=int(setting("duty_per_10000")),
        balance=ledger.main_account(session, me).posted,
    ), status


def _note_page(note_id: int, template: str, errors: dict[str, str] | None = None, status: int = 200) -> Any:
    session = db_session()
    me = _me()
    note = services.visible_note(session, me, note_id)
    mine_row = next((g for g in note.guarantors if g.member_id == me.id), None)
    return render_template(
        template,
        note=note,
        history=services.history_of(session, note),
        is_issuer=note.issuer_id == me.id,
        my_guarantee=mine_row,
        errors=errors or {},
        values=request.form if request.method == "POST" else {},
        today=services.today(),
    ), status


@bp.get("/notes/<int:note_id>")
@login_required
def note(note_id: int) -> Any:
    """The issuer, its guarantors and officers with icap.view_all see it; others get a 404."""
    return _note_page(note_id, "icap/note.html")


@bp.get("/notes/<int:note_id>/print")
@login_required
def print_note(note_id: int) -> Any:
    """The note laid out like a paper promissory note, for printing."""
    return _note_page(note_id, "icap/print.html")


@bp.post("/notes/<int:note_id>/endorse")
@login_required
def endorse(note_id: int) -> Any:
    session = db_session()
    services.visible_note(session, _me(), note_id)
    try:
        services.endorse_note(
            session,
            note_id,
            _me(),
            payee_name=request.form.get("payee_name"),
            payee_code=request.form.get("payee_code"),
            endorsed_on=request.form.get("endorsed_on"),
        )
    except ResalatError as exc:
        errors = _refused(session, exc)
        return _note_page(note_id, "icap/note.html", errors, exc.status)
    session.commit()
    flash(_("The endorsement is recorded."), "success")
    return redirect(url_for("icap.note", note_id=note_id))


@bp.get("/guarantee")
@login_required
def to_guarantee() -> Any:
    """Notes I am asked to guarantee: waiting for my signature first."""
    session = db_session()
    page, per_page = page_args()
    result = paginate(session, services.to_guarantee_query(_me()), page, per_page)
    return render_template("icap/to_guarantee.html", page=result, me=_me())


@bp.post("/notes/<int:note_id>/sign")
@login_required
def sign(note_id: int) -> Any:
    """A guarantor signs by re-entering their own password."""
    session = db_session()
    services.visible_note(session, _me(), note_id)
    try:
        services.sign_as_guarantor(session, note_id, _me(), request.form.get("password"))
    except ResalatError as exc:
        errors = _refused(session, exc)
        return _note_page(note_id, "icap/note.html", errors, exc.status)
    session.commit()
    flash(_("You have signed the note as its guarantor."), "success")
    return redirect(url_for("icap.note", note_id=note_id))

"""iCAP's pages: my notes, issuing a note, a note's page and its printable page, guarantors signing."""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import Blueprint, render_template, request, url_for
from sqlalchemy.orm import Session

from resalat_core.sdk import (
    Digits,
    FieldReader,
    _l,
    db_session,
    handle_form,
    login_required,
    main_account,
    me,
    page_args,
    paginate,
)
from resalat_icap import services, setting
from resalat_icap.models import PURPOSE_MAX, STATUSES, Note

bp = Blueprint("icap", __name__, url_prefix="/icap", static_folder="static")
GUARANTOR_LINES = 3  # spare lines on the form; empty ones are skipped


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {"status_label": services.status_label}


@bp.get("/")
@login_required
def mine() -> Any:
    """My notes, newest first, optionally of one status."""
    session = db_session()
    status = request.args.get("status", "").strip()
    page, per_page = page_args()
    result = paginate(session, services.notes_query(me(), status or None), page, per_page)
    return render_template(
        "icap/mine.html",
        page=result,
        status=status,
        statuses=STATUSES,
        awaiting=services.awaiting_signature(session, me()),
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


def _new_page(values: dict[str, Any], errors: dict[str, str] | None = None, status: int = 200) -> Any:
    return render_template(
        "icap/new.html",
        values=values,
        errors=_errors_for_form(errors or {}),
        lines=range(GUARANTOR_LINES),
        rate=int(setting("duty_per_10000")),
        balance=main_account(db_session(), me()).available,
    ), status


def _back_to(target: Any) -> str | None:
    """Where to go once the note is issued, if the form was opened from another page of this site
    (a loan request): a path here only, never another site."""
    text = str(target or "")
    parts = urlsplit(text)
    if not text.startswith("/") or text.startswith("//") or parts.scheme or parts.netloc or "\\" in text:
        return None
    return text if text.isprintable() and len(text) <= 2000 else None


def _with_note(target: str, note: Note) -> str:
    """``target`` with the new note chosen on it (``note=<id>``), so the request form pledges it."""
    parts = urlsplit(target)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "note"]
    return urlunsplit(("", "", parts.path, urlencode([*query, ("note", str(note.id))]), ""))


@bp.get("/new")
@login_required
def new() -> Any:
    """The form: the stamp duty is shown and confirmed before the money moves.

    Opened from a loan request, it comes with the exact amount the loan needs (``amount``, in
    rials), what the note is for (``purpose``) and the page to go back to (``next``), so the
    member issues the right note once.
    """
    args = request.args
    values = {
        # A fresh key per form: sending it twice (a double click, a reload) issues one note.
        "key": secrets.token_urlsafe(16),
        "payee_name": setting("default_payee_name"),
        "payee_code": setting("default_payee_code"),
        "place_of_payment": setting("default_place_of_payment"),
    }
    amount = args.get("amount", "").strip()
    if amount.isdecimal() and amount.isascii() and 0 < len(amount) <= 16:
        values["amount"] = amount
        values["needed"] = amount
    if args.get("purpose", "").strip():
        values["purpose"] = args.get("purpose", "").strip()[:PURPOSE_MAX]
    back = _back_to(args.get("next"))
    if back:
        values["next"] = back
    return _new_page(values)


def _issue(session: Session) -> Note:
    """The note as the form has it: the rials typed read here, everything else by the service.

    An amount that cannot be read is reported together with every other field's mistake.
    """
    form = request.form
    fields = {
        "due_date": form.get("due_date"),
        "on_demand": bool(form.get("on_demand")),
        "payee_name": form.get("payee_name"),
        "payee_code": form.get("payee_code"),
        "purpose": form.get("purpose"),
        "place_of_payment": form.get("place_of_payment"),
        "guarantors": _guarantor_rows(form),
        "key": form.get("key", ""),
        "duty_confirmed": bool(form.get("confirm_duty")),
    }
    read = FieldReader()
    amount = read.money(form.get("amount"), "amount", unit="rial")
    return read.run(lambda: services.issue_note(session, me(), amount=amount, **fields))


@bp.post("/new")
@login_required
def issue() -> Any:
    """Issue the note and pay its stamp duty; every mistake is marked on its field at once."""
    return handle_form(
        _issue,
        again=lambda errors, status: _new_page(request.form.to_dict(), errors, status),
        to=lambda note: (
            _with_note(back, note)
            if (back := _back_to(request.form.get("next")))
            else url_for("icap.note", note_id=note.id)
        ),
        done=lambda note: _l(
            "Note %(serial)s is issued and its stamp duty paid.", serial=Digits(note.serial)
        ),
    )


def _note_page(note_id: int, template: str, errors: dict[str, str] | None = None, status: int = 200) -> Any:
    session = db_session()
    viewer = me()
    note = services.visible_note(session, viewer, note_id)
    mine_row = next((g for g in note.guarantors if g.member_id == viewer.id), None)
    return render_template(
        template,
        note=note,
        history=services.history_of(session, note),
        is_issuer=note.issuer_id == viewer.id,
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


def _on_note_page(note_id: int, act: Any, done: Any) -> Any:
    """A form of the note's page: its errors are shown on the note's page again."""
    services.visible_note(db_session(), me(), note_id)
    return handle_form(
        act,
        again=lambda errors, status: _note_page(note_id, "icap/note.html", errors, status),
        to=url_for("icap.note", note_id=note_id),
        done=done,
    )


@bp.post("/notes/<int:note_id>/endorse")
@login_required
def endorse(note_id: int) -> Any:
    form = request.form
    return _on_note_page(
        note_id,
        lambda session: services.endorse_note(
            session,
            note_id,
            me(),
            payee_name=form.get("payee_name"),
            payee_code=form.get("payee_code"),
            endorsed_on=form.get("endorsed_on"),
        ),
        _l("The endorsement is recorded."),
    )


@bp.get("/guarantee")
@login_required
def to_guarantee() -> Any:
    """Notes I am asked to guarantee: waiting for my signature first."""
    session = db_session()
    page, per_page = page_args()
    result = paginate(session, services.to_guarantee_query(me()), page, per_page)
    return render_template("icap/to_guarantee.html", page=result, me=me())


@bp.post("/notes/<int:note_id>/sign")
@login_required
def sign(note_id: int) -> Any:
    """A guarantor signs by re-entering their own password; a wrong one is refused and still
    counted towards the throttle (the service's refusal keeps it)."""
    return _on_note_page(
        note_id,
        lambda session: services.sign_as_guarantor(session, note_id, me(), request.form.get("password")),
        _l("You have signed the note as its guarantor."),
    )

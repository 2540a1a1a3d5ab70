"""M-Hesam's pages: accounts, statements and their CSV, the two-step transfer, and admins' top-ups."""

from __future__ import annotations

import uuid
from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from resalat_core.sdk import (
    BadInput,
    Conflict,
    Member,
    Page,
    _,
    can,
    current_language,
    current_member,
    db_session,
    format_date,
    format_money,
    login_required,
    page_args,
    permission_required,
    to_latin_digits,
    utcnow,
)
from resalat_hesam import services

bp = Blueprint("hesam", __name__, url_prefix="/hesam")

# A confirmation page older than this asks the member to start again: balances may have changed.
CONFIRM_MAX_AGE = 15 * 60
_CONFIRM_SALT = "hesam.transfer.confirm"


def _me() -> Member:
    member = current_member()
    assert member is not None  # login_required let the request in
    return member


def _form_errors(exc: BadInput) -> dict[str, Any]:
    return {**exc.fields, "_form": exc.message}


# --- accounts and statements -------------------------------------------------------------------


@bp.get("/")
@login_required
def accounts() -> Any:
    session = db_session()
    me = _me()
    found = services.overview(session, me)
    session.commit()  # the main account, if this first visit opened it
    return render_template(
        "hesam/accounts.html",
        overview=found,
        services=services,
        lang=current_language(),
        can_topup=can("hesam.topup"),
    )


@bp.get("/accounts/<int:account_id>")
@login_required
def statement(account_id: int) -> Any:
    session = db_session()
    me = _me()
    account = services.owned_account(session, me, account_id)
    page, per_page = page_args()
    errors: dict[str, Any] = {}
    try:
        filters = services.read_filter(request.args)
    except BadInput as exc:
        errors = _form_errors(exc)
        # Shown back as typed, with nothing listed until they are corrected.
        filters = services.StatementFilter(
            since_text=request.args.get("since", ""), until_text=request.args.get("until", "")
        )
    result = (
        Page(items=[], page=1, per_page=per_page, total=0)
        if errors
        else services.statement(session, account, filters, page, per_page)
    )
    return render_template(
        "hesam/statement.html",
        account=account,
        page=result,
        filters=filters,
        raw=request.args,
        errors=errors,
        purposes=services.purposes_of(session, account),
        services=services,
        lang=current_language(),
    ), (400 if errors else 200)


@bp.get("/accounts/<int:account_id>/statement.csv")
@login_required
def statement_csv(account_id: int) -> Any:
    """The statement as CSV, streamed: a long history never sits whole in memory."""
    session = db_session()
    me = _me()
    account = services.owned_account(session, me, account_id)
    filters = services.read_filter(request.args)
    lang = current_language()

    def rows() -> Any:
        # Flask ends the request (and closes its session) before the body is sent; the contexts
        # are pushed again while streaming, so the session is asked for here, where the second
        # teardown will close it, and not captured from above.
        rows_session = db_session()
        entries = services.iter_statement(rows_session, account, filters)
        yield from services.statement_csv(entries, me, lang)

    response = Response(stream_with_context(rows()), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    today = to_latin_digits(format_date(utcnow(), lang="fa")).replace("/", "-")  # Jalali, like the rows
    name = f"hesam-statement-{account.id}-{today}.csv"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- transfers: form, confirmation, receipt ----------------------------------------------------


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_CONFIRM_SALT)


def _transfer_form(values: Any = None, errors: dict[str, Any] | None = None, status: int = 200) -> Any:
    session = db_session()
    return render_template(
        "hesam/transfer.html",
        values=values or {},
        errors=errors or {},
        available=services.main_balance(session, _me()),
    ), status


@bp.get("/transfer")
@login_required
def transfer_form() -> Any:
    return _transfer_form()


@bp.post("/transfer")
@login_required
def transfer_check() -> Any:
    """Step 1: check the transfer and show it back for confirmation; nothing moves yet."""
    session = db_session()
    me = _me()
    form = request.form
    if form.get("edit"):
        return _transfer_form(form)
    try:
        draft = services.prepare_transfer(
            session,
            me,
            recipient=form.get("recipient", ""),
            amount=form.get("amount", ""),
            note=form.get("note", ""),
        )
    except BadInput as exc:
        session.rollback()
        return _transfer_form(form, _form_errors(exc), 400)
    # The one-time key is born here and travels signed with the transfer it belongs to: the
    # confirm step cannot be replayed with other content, and a second submit reuses the key.
    token = _signer().dumps(
        {
            "s": draft.sender_id,
            "r": draft.recipient_id,
            "m": draft.recipient_masked,
            "a": draft.amount,
            "n": draft.note,
            "k": uuid.uuid4().hex,
            "q": form.get("recipient", ""),
        }
    )
    return render_template(
        "hesam/confirm.html",
        draft=draft,
        token=token,
        values=form,
        available=services.main_balance(session, me),
    )


def _draft_from(token: str) -> tuple[services.TransferDraft, str, dict[str, str]]:
    """The draft, its key, and the form as typed (to show again if the transfer fails)."""
    try:
        data = _signer().loads(token, max_age=CONFIRM_MAX_AGE)
        draft = services.TransferDraft(
            sender_id=int(data["s"]),
            recipient_id=int(data["r"]),
            recipient_masked=str(data["m"]),
            amount=int(data["a"]),
            note=str(data["n"]),
        )
        typed = {"recipient": str(data["q"]), "amount": services.tomans(draft.amount), "note": draft.note}
        return draft, str(data["k"]), typed
    except SignatureExpired:
        raise BadInput(
            _("This confirmation has expired; please fill in the transfer again."), code="expired"
        ) from None
    except (BadSignature, KeyError, TypeError, ValueError):
        raise BadInput(
            _("The form was changed or is damaged; please fill in the transfer again."), code="tampered"
        ) from None


@bp.post("/transfer/confirm")
@login_required
def transfer_confirm() -> Any:
    """Step 2: move the money, once per confirmation page however often it is submitted."""
    session = db_session()
    me = _me()
    values: dict[str, str] = {}
    try:
        draft, key, values = _draft_from(request.form.get("token", ""))
        sent = services.send_money(session, me, draft, key)
    except BadInput as exc:
        session.rollback()
        return _transfer_form(values, _form_errors(exc), 400)
    except Conflict as exc:
        session.rollback()
        return _transfer_form(values, {"_form": exc.message}, 409)
    session.commit()
    if sent.replayed:
        flash(_("This transfer was already made; it was not repeated."), "info")
    else:
        flash(_("The transfer was made."), "success")
    return redirect(url_for("hesam.receipt", transfer_id=sent.transfer.id))


@bp.get("/transfers/<int:transfer_id>")
@login_required
def receipt(transfer_id: int) -> Any:
    me = _me()
    transfer = services.visible_transfer(db_session(), me, transfer_id)
    outgoing = transfer.debit_account.owner_id == me.id
    other = transfer.credit_account if outgoing else transfer.debit_account
    return render_template(
        "hesam/receipt.html",
        transfer=transfer,
        outgoing=outgoing,
        other=services.account_label(other, me, current_language()),
        services=services,
    )


# --- top-ups by an administrator ---------------------------------------------------------------


def _topup_form(values: Any = None, errors: dict[str, Any] | None = None, status: int = 200) -> Any:
    values = dict(values or {})
    # A fresh key for each new form; a form shown again with errors keeps its own.
    values.setdefault("key", uuid.uuid4().hex)
    return render_template("hesam/topup.html", values=values, errors=errors or {}), status


@bp.get("/admin/topup")
@permission_required("hesam.topup")
def topup_form() -> Any:
    return _topup_form()


@bp.post("/admin/topup")
@permission_required("hesam.topup")
def topup() -> Any:
    """Record cash (or a checked bank slip) a member brought in, through the manual gateway."""
    session = db_session()
    form = request.form
    values = {k: form.get(k, "") for k in ("member", "amount", "note", "key")}
    errors: dict[str, Any] = {}
    status = 400
    member = services.active_member(session, values["member"]) if values["member"].strip() else None
    if member is None:
        errors["member"] = (
            _("No member has that mobile or national code.")
            if values["member"].strip()
            else _("Enter the member's mobile or national code.")
        )
    elif not can("hesam.topup", member.region):
        errors["member"] = _("You may top up only the accounts of members in your region.")
        status = 403
    try:
        services.read_amount(values["amount"])
    except BadInput as exc:
        errors.update(exc.fields)
    if errors or member is None:
        errors["_form"] = _("Please correct the marked fields.")
        return _topup_form(values, errors, status)
    try:
        sent = services.top_up(
            session, member, values["amount"], key=values["key"], note=values["note"], actor=_me()
        )
    except (BadInput, Conflict) as exc:
        session.rollback()
        return _topup_form(values, {**exc.fields, "_form": exc.message}, exc.status)
    session.commit()
    amount = format_money(sent.transfer.amount, lang=current_language())
    if sent.replayed:
        flash(_("This top-up was already recorded; nothing was added again."), "info")
    else:
        flash(
            _("%(amount)s was added to the account of %(name)s.", amount=amount, name=member.name), "success"
        )
    return redirect(url_for("hesam.topup_form"))

"""M-Hesam's pages: accounts, statements and their CSV, the two-step transfer, and admins' top-ups."""

from __future__ import annotations

import uuid
from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    redirect,
    render_template,
    request,
    session,
    stream_with_context,
    url_for,
)
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from resalat_core.sdk import (
    BadInput,
    FieldReader,
    Money,
    Page,
    _,
    _l,
    can,
    db_session,
    format_date,
    handle_form,
    login_required,
    me,
    page_args,
    permission_required,
    to_latin_digits,
    utcnow,
)
from resalat_hesam import services

bp = Blueprint("hesam", __name__, url_prefix="/hesam")

TOPUP = "hesam.topup"
# A confirmation page older than this asks the member to start again: balances may have changed.
CONFIRM_MAX_AGE = 15 * 60
_CONFIRM_SALT = "hesam.transfer.confirm"
# Where the checked transfer waits between its form and its confirmation page (the signed cookie).
_DRAFT = "hesam_transfer_draft"


# --- accounts and statements -------------------------------------------------------------------


@bp.get("/")
@login_required
def accounts() -> Any:
    db = db_session()
    member = me()
    found = services.overview(db, member)
    lines = services.credit_lines(member)
    if found.opened:
        db.commit()  # this first visit opened the main account
    return render_template(
        "hesam/accounts.html",
        overview=found,
        credit_lines=lines,
        services=services,
        can_topup=can(TOPUP),
        can_payouts=can("hesam.payouts"),
    )


@bp.get("/accounts/<int:account_id>")
@login_required
def statement(account_id: int) -> Any:
    db = db_session()
    account = services.owned_account(db, me(), account_id)
    page, per_page = page_args()
    errors: dict[str, Any] = {}
    try:
        filters = services.read_filter(request.args)
    except BadInput as exc:
        errors = exc.form_errors()
        # Shown back as typed, with nothing listed until they are corrected.
        filters = services.StatementFilter(
            since_text=request.args.get("since", ""), until_text=request.args.get("until", "")
        )
    result = (
        Page(items=[], page=1, per_page=per_page, total=0)
        if errors
        else services.statement(db, account, filters, page, per_page)
    )
    return render_template(
        "hesam/statement.html",
        account=account,
        page=result,
        filters=filters,
        raw=request.args,
        errors=errors,
        # The filter's choices read as their plugins word them.
        purposes=[(p, services.purpose_label(p)) for p in services.purposes_of(db, account)],
        services=services,
    ), (400 if errors else 200)


@bp.get("/accounts/<int:account_id>/statement.csv")
@login_required
def statement_csv(account_id: int) -> Any:
    """The statement as CSV, streamed: a long history never sits whole in memory."""
    viewer = me()
    account = services.owned_account(db_session(), viewer, account_id)
    filters = services.read_filter(request.args)

    def rows() -> Any:
        # Flask ends the request (and closes its session) before the body is sent; the contexts
        # are pushed again while streaming, so the session is asked for here, where the second
        # teardown will close it, and not captured from above.
        entries = services.iter_statement(db_session(), account, filters)
        yield from services.statement_csv(entries, viewer)

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
    return render_template(
        "hesam/transfer.html",
        values=values or {},
        errors=errors or {},
        available=services.main_balance(db_session(), me()),
    ), status


@bp.get("/transfer")
@login_required
def transfer_form() -> Any:
    return _transfer_form()


def _check(db: Session) -> str:
    """Step 1's work: the transfer checked (every mistake at once) and signed, ready to confirm.

    The tomans typed are read here; an amount that cannot be read is reported with the rest.
    """
    form = request.form
    read = FieldReader()
    rials = read.money(form.get("amount"), "amount")
    recipient = form.get("recipient", "")
    draft = read.run(
        lambda: services.prepare_transfer(
            db, me(), recipient=recipient, amount=rials, note=form.get("note", "")
        )
    )
    # The one-time key is born here and travels signed with the transfer it belongs to: the
    # confirm step cannot be replayed with other content, and a second submit reuses the key.
    return _signer().dumps(
        {
            "s": draft.sender_id,
            "r": draft.recipient_id,
            "m": draft.recipient_masked,
            "a": draft.amount,
            "n": draft.note,
            "k": uuid.uuid4().hex,
            "q": recipient,
        }
    )


def _keep_draft(token: str) -> str:
    session[_DRAFT] = token
    return url_for("hesam.confirmation")


@bp.post("/transfer")
@login_required
def transfer_check() -> Any:
    """Step 1: check the transfer, then show it back for confirmation; nothing moves yet."""
    if request.form.get("edit"):
        return _transfer_form(request.form)
    return handle_form(
        _check,
        again=lambda errors, status: _transfer_form(request.form, errors, status),
        to=_keep_draft,
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


@bp.get("/transfer/confirm")
@login_required
def confirmation() -> Any:
    """Step 1's answer: the transfer as checked, with the recipient's masked name, to confirm."""
    token = session.get(_DRAFT)
    if not token:
        return redirect(url_for("hesam.transfer_form"))
    try:
        draft, _key, typed = _draft_from(token)
    except BadInput as exc:
        return _transfer_form({}, exc.form_errors(), 400)
    if draft.sender_id != me().id:
        return redirect(url_for("hesam.transfer_form"))
    return render_template(
        "hesam/confirm.html",
        draft=draft,
        token=token,
        values=typed,
        available=services.main_balance(db_session(), me()),
    )


@bp.post("/transfer/confirm")
@login_required
def transfer_confirm() -> Any:
    """Step 2: move the money, once per confirmation page however often it is submitted."""
    typed: dict[str, str] = {}

    def send(db: Session) -> services.Sent:
        draft, key, shown = _draft_from(request.form.get("token", ""))
        typed.update(shown)
        return services.send_money(db, me(), draft, key)

    def done(sent: services.Sent) -> Any:
        session.pop(_DRAFT, None)
        if sent.replayed:
            return _l("This transfer was already made; it was not repeated.")
        return _l("The transfer was made.")

    return handle_form(
        send,
        again=lambda errors, status: _transfer_form(typed, errors, status),
        to=lambda sent: url_for("hesam.receipt", transfer_id=sent.transfer.id),
        done=done,
        done_category=lambda sent: "info" if sent.replayed else "success",
    )


@bp.get("/transfers/<int:transfer_id>")
@login_required
def receipt(transfer_id: int) -> Any:
    viewer = me()
    made = services.visible_transfer(db_session(), viewer, transfer_id)
    outgoing = made.debit_account.owner_id == viewer.id
    other = made.credit_account if outgoing else made.debit_account
    return render_template(
        "hesam/receipt.html",
        transfer=made,
        line=services.line_of(made),
        outgoing=outgoing,
        other=services.account_label(other, viewer),
    )


# --- top-ups by an administrator ---------------------------------------------------------------


def _topup_form(values: Any = None, errors: dict[str, Any] | None = None, status: int = 200) -> Any:
    values = dict(values or {})
    # A fresh key for each new form; a form shown again with errors keeps its own.
    values.setdefault("key", uuid.uuid4().hex)
    return render_template("hesam/topup.html", values=values, errors=errors or {}), status


@bp.get("/admin/topup")
@permission_required(TOPUP)
def topup_form() -> Any:
    return _topup_form()


@bp.post("/admin/topup")
@permission_required(TOPUP)
def topup() -> Any:
    """Record cash (or a checked bank slip) a member brought in, through the manual gateway."""
    form = request.form
    values = {k: form.get(k, "") for k in ("member", "amount", "note", "key")}
    typed = values["member"].strip()
    member = services.active_member(db_session(), typed) if typed else None
    if member is not None and not can(TOPUP, member.region):
        message = _("You may top up only the accounts of members in your region.")
        return _topup_form(values, {"member": message, "_form": message}, 403)

    def record(db: Session) -> services.Sent:
        read = FieldReader()
        if member is None:
            read.keep(
                "member",
                _("No member has that mobile or national code.")
                if typed
                else _("Enter the member's mobile or national code."),
            )
        rials = read.money(values["amount"], "amount")
        if member is None or rials is None:
            raise BadInput(_("Please correct the marked fields."), fields=dict(read.errors))
        return services.top_up(db, member, rials, key=values["key"], note=values["note"], actor=me())

    def done(sent: services.Sent) -> Any:
        if sent.replayed:
            return _l("This top-up was already recorded; nothing was added again.")
        assert member is not None
        return _l(
            "%(amount)s was added to the account of %(name)s.",
            amount=Money(sent.transfer.amount),
            name=member.name,
        )

    return handle_form(
        record,
        again=lambda errors, status: _topup_form(values, errors, status),
        to=url_for("hesam.topup_form"),
        done=done,
        done_category=lambda sent: "info" if sent.replayed else "success",
    )

"""M-Hesam's pages for money in and out: card top-ups through the gateway (and the sandbox
gateway's own pages), the member's Sheba, withdrawals, and the administrators' bank batches."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlencode

from flask import Response, abort, flash, redirect, render_template, request, url_for
from sqlalchemy.orm import Session

from resalat_core.sdk import (
    BadInput,
    FieldReader,
    Money,
    NotAllowed,
    NotFound,
    _,
    _l,
    area_of,
    can,
    db_session,
    handle_form,
    login_required,
    me,
    page_args,
    permission_required,
    public,
    read_count,
    to_latin_digits,
)
from resalat_hesam import gateways, payments, plugin, reconcile, withdrawals
from resalat_hesam.views import bp

PAYOUTS = "hesam.payouts"
RECONCILE = "hesam.reconcile"


def current_gateway() -> gateways.PaymentGateway:
    """The adapter the setting ``gateway`` names (the sandbox unless configured otherwise)."""
    return gateways.gateway_named(str(plugin.setting("gateway")))


# --- top-up by bank card ---------------------------------------------------------------------------


def _card_form(values: Any = None, errors: dict[str, Any] | None = None, status: int = 200) -> Any:
    return render_template(
        "hesam/card_topup.html",
        values=values or {},
        errors=errors or {},
        least=payments.MIN_RIALS,
        most=payments.MAX_RIALS,
    ), status


@bp.get("/topup")
@login_required
def card_form() -> Any:
    return _card_form()


@bp.post("/topup")
@login_required
def card_check() -> Any:
    """Step 1: read the amount and show what will happen; nothing is asked of the gateway yet."""
    read = FieldReader()
    rials = read.money(request.form.get("amount"), "amount")
    try:
        read.run(lambda: payments.check_card_amount(rials) if rials is not None else None)
    except BadInput as exc:
        return _card_form(request.form, exc.form_errors(), 400)
    assert rials is not None
    return render_template("hesam/card_confirm.html", amount=rials, key=uuid.uuid4().hex)


@bp.post("/topup/pay")
@login_required
def card_pay() -> Any:
    """Step 2: ask the gateway for the payment and send the member there (once per form)."""
    form = request.form
    try:
        rials = read_count(form.get("amount_rials"), field="amount", minimum=1)
    except BadInput as exc:
        return _card_form({}, exc.form_errors(), 400)

    def start(db: Session) -> payments.Started:
        return payments.start_payment(
            db,
            me(),
            rials,
            key=form.get("key", ""),
            gateway=current_gateway(),
            callback_url=url_for("hesam.card_return"),
        )

    return handle_form(
        start,
        again=lambda errors, status: _card_form({}, errors, status),
        to=lambda started: started.payment.redirect_url or url_for("hesam.my_payments"),
    )


@bp.get("/topup/return")
@public
def card_return() -> Any:
    """The gateway sends the member back here: verify with the gateway, credit once, and say so.

    Public: the member's sign-in may have lapsed at the bank; the token names the payment, and
    only the gateway's verification moves money, so a forged or repeated return does nothing.
    """
    db = db_session()
    try:
        returned = payments.complete_payment(
            db, request.args.get("token", ""), gateway=current_gateway(), amount=request.args.get("amount")
        )
    except (BadInput, NotFound) as exc:
        # A mismatch keeps what the gateway said, for the administrators; anything else changed nothing.
        if exc.keep_changes:
            db.commit()
        else:
            db.rollback()
        return render_template("hesam/card_result.html", payment=None, error=exc.message), exc.status
    db.commit()
    return render_template("hesam/card_result.html", payment=returned.payment, error=None)


@bp.get("/payments")
@login_required
def my_payments() -> Any:
    page, per_page = page_args()
    found = payments.payments_of(db_session(), me(), page, per_page)
    return render_template("hesam/payments.html", page=found)


@bp.get("/payments/<int:payment_id>")
@login_required
def payment(payment_id: int) -> Any:
    found = payments.my_payment(db_session(), me(), payment_id)
    return render_template("hesam/card_result.html", payment=found, error=None)


# --- the sandbox gateway's own pages -------------------------------------------------------------


def _sandbox(token: str) -> Any:
    """The sandbox's payment, only while the sandbox is the configured gateway."""
    if plugin.setting("gateway") != "sandbox":
        abort(404)
    found = gateways.sandbox_payment(db_session(), token) if len(token) <= 100 else None
    if found is None:
        raise NotFound(_("No such payment."), code="unknown_payment")
    return found


def _sandbox_page(found: Any, errors: dict[str, Any] | None = None, status: int = 200) -> Any:
    return render_template(
        "hesam/sandbox_pay.html", found=found, errors=errors or {}, test_card=gateways.SANDBOX_CARD
    ), status


@bp.get("/sandbox/pay/<token>")
@public
def sandbox_pay(token: str) -> Any:
    """The sandbox gateway's card page: pay with the test card, fail, or cancel."""
    return _sandbox_page(_sandbox(token))


@bp.post("/sandbox/pay/<token>")
@public
def sandbox_decide(token: str) -> Any:
    db = db_session()
    found = _sandbox(token)
    outcome = request.form.get("outcome", "")
    if outcome not in ("pay", "fail", "cancel"):
        return _sandbox_page(found, {"_form": _("Choose to pay, fail or cancel.")}, 400)
    typed = request.form.get("card", "")
    card = to_latin_digits("".join(ch for ch in typed if not ch.isspace() and ch != "-"))
    if outcome != "cancel":
        if not gateways.luhn_ok(card):
            message = _("This card number is not valid.")
            return _sandbox_page(found, {"card": message, "_form": message}, 400)
        if outcome == "pay" and card != gateways.SANDBOX_CARD:
            message = _("The sandbox accepts only its test card.")
            return _sandbox_page(found, {"card": message, "_form": message}, 400)
    gateways.sandbox_decide(db, found, outcome, card)
    db.commit()
    status = "OK" if found.state == "paid" else "NOK"
    # As a bank does: back to the merchant's callback with the token, a status and the amount.
    query = urlencode({"token": found.token, "status": status, "amount": found.amount})
    return redirect(f"{found.callback_url}?{query}")


# --- the member's Sheba and withdrawals ------------------------------------------------------------


def _sheba_page(values: Any = None, errors: dict[str, Any] | None = None, status: int = 200) -> Any:
    saved = withdrawals.sheba_of(db_session(), me())
    if values is None and saved is not None:
        values = {"sheba": saved.sheba, "holder_name": saved.holder_name}
    return render_template(
        "hesam/sheba.html", saved=saved, values=values or {}, errors=errors or {}, name=me().name
    ), status


@bp.get("/sheba")
@login_required
def sheba_form() -> Any:
    return _sheba_page()


@bp.post("/sheba")
@login_required
def sheba_save() -> Any:
    form = request.form
    values = {"sheba": form.get("sheba", ""), "holder_name": form.get("holder_name", "")}
    return handle_form(
        lambda db: withdrawals.save_sheba(db, me(), values["sheba"], values["holder_name"]),
        again=lambda errors, status: _sheba_page(values, errors, status),
        to=url_for("hesam.withdraw_form"),
        done=_l("Your Sheba account was saved."),
    )


def _withdraw_form(values: Any = None, errors: dict[str, Any] | None = None, status: int = 200) -> Any:
    db = db_session()
    member = me()
    return render_template(
        "hesam/withdraw.html",
        values=values or {},
        errors=errors or {},
        saved=withdrawals.sheba_of(db, member),
        free=withdrawals.free_balance(db, member),
        earmarked=withdrawals.earmarked_total(db, member),
        least=withdrawals.MIN_RIALS,
    ), status


@bp.get("/withdraw")
@login_required
def withdraw_form() -> Any:
    return _withdraw_form()


@bp.post("/withdraw")
@login_required
def withdraw_check() -> Any:
    """Step 1: show what will happen (amount, Sheba, balance after); nothing moves yet."""
    read = FieldReader()
    rials = read.money(request.form.get("amount"), "amount")
    try:
        draft = read.run(lambda: withdrawals.prepare_withdrawal(db_session(), me(), rials))
    except BadInput as exc:
        db_session().rollback()
        return _withdraw_form(request.form, exc.form_errors(), 400)
    db_session().commit()  # the main account, if this opened it
    return render_template("hesam/withdraw_confirm.html", draft=draft, key=uuid.uuid4().hex)


@bp.post("/withdraw/confirm")
@login_required
def withdraw_confirm() -> Any:
    """Step 2: hold the money for the bank's next batch, once per confirmation page."""
    form = request.form
    try:
        rials = read_count(form.get("amount_rials"), field="amount", minimum=1)
    except BadInput as exc:
        return _withdraw_form({}, exc.form_errors(), 400)

    def done(asked: withdrawals.Asked) -> Any:
        if asked.replayed:
            return _l("This withdrawal was already asked; it was not repeated.")
        return _l(
            "%(amount)s is held for your withdrawal and will be paid in the bank's next batch.",
            amount=Money(asked.withdrawal.amount),
        )

    return handle_form(
        lambda db: withdrawals.request_withdrawal(db, me(), rials, key=form.get("key", "")),
        again=lambda errors, status: _withdraw_form({}, errors, status),
        to=url_for("hesam.my_withdrawals"),
        done=done,
        done_category=lambda asked: "info" if asked.replayed else "success",
    )


@bp.get("/withdrawals")
@login_required
def my_withdrawals() -> Any:
    page, per_page = page_args()
    found = withdrawals.withdrawals_of(db_session(), me(), page, per_page)
    return render_template("hesam/withdrawals.html", page=found)


def _cancel_page(withdrawal_id: int, errors: dict[str, Any] | None = None, status: int = 200) -> Any:
    found = withdrawals.own_withdrawal(db_session(), me(), withdrawal_id)
    return render_template(
        "hesam/withdrawal_cancel.html",
        withdrawal=found,
        free_after=withdrawals.free_balance(db_session(), me()) + found.amount,
        errors=errors or {},
    ), status


@bp.get("/withdrawals/<int:withdrawal_id>/cancel")
@login_required
def withdrawal_cancel_form(withdrawal_id: int) -> Any:
    """Before the money comes back: which withdrawal, how much, the free money afterwards."""
    return _cancel_page(withdrawal_id)


@bp.post("/withdrawals/<int:withdrawal_id>/cancel")
@login_required
def withdrawal_cancel(withdrawal_id: int) -> Any:
    """Cancel a withdrawal still waiting for the batch, once confirmed; a repeat is said as done."""
    withdrawals.own_withdrawal(db_session(), me(), withdrawal_id)  # another member's: 404 first
    if request.form.get("confirmed") != "1":
        # Never in one tap: without the confirmation page's answer, show it.
        return redirect(url_for("hesam.withdrawal_cancel_form", withdrawal_id=withdrawal_id))

    def done(result: tuple[Any, bool]) -> Any:
        found, replayed = result
        if replayed:
            return _l("This withdrawal was already cancelled.")
        return _l(
            "Withdrawal cancelled: %(amount)s is free in your main account again.", amount=Money(found.amount)
        )

    return handle_form(
        lambda db: withdrawals.cancel_withdrawal(db, me(), withdrawal_id),
        again=lambda errors, status: _cancel_page(withdrawal_id, errors, status),
        to=url_for("hesam.my_withdrawals"),
        done=done,
        done_category=lambda result: "info" if result[1] else "success",
    )


# --- administrators: the bank batch and the bank's answers -----------------------------------------


def _area() -> list[int] | None:
    return area_of(db_session(), me(), PAYOUTS)


@bp.get("/admin/withdrawals")
@permission_required(PAYOUTS)
def payouts() -> Any:
    db = db_session()
    area = _area()
    page, per_page = page_args()
    count, total = withdrawals.waiting_summary(db, area)
    return render_template(
        "hesam/payouts.html",
        waiting=count,
        total=total,
        page=withdrawals.exported_waiting(db, area, page, per_page),
        batch=request.args.get("batch", ""),
        errors={},
    )


@bp.post("/admin/withdrawals/export")
@permission_required(PAYOUTS)
def payouts_export() -> Any:
    """Mark every waiting withdrawal of the administrator's area exported in a new batch."""
    db = db_session()
    try:
        name, count, total = withdrawals.export_batch(db, _area())
    except BadInput as exc:
        db.rollback()
        flash(str(exc.message), "info")
        return redirect(url_for("hesam.payouts"))
    db.commit()
    flash(
        _("%(count)s withdrawals, %(total)s in all, are in the new batch.", count=count, total=Money(total)),
        "success",
    )
    return redirect(url_for("hesam.payouts", batch=name))


@bp.get("/admin/withdrawals/batches/<batch>.csv")
@permission_required(PAYOUTS)
def payouts_batch(batch: str) -> Any:
    """A batch's CSV for the bank (only its rows in the administrator's area)."""
    db = db_session()
    area = _area()
    rows = [w for w in withdrawals.batch_rows(db, batch[:40]) if area is None or w.member.region_id in area]
    if not rows:
        raise NotFound(_("No such batch."), code="unknown_batch")
    response = Response("".join(withdrawals.batch_csv(rows)), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="hesam-batch-{rows[0].batch}.csv"'
    return response


def _answer(withdrawal_id: int, act: Any) -> Any:
    db = db_session()
    found = withdrawals.find_withdrawal(db, withdrawal_id)
    if not can(PAYOUTS, found.member.region):
        raise NotAllowed(_("You may answer only for withdrawals of members in your area."))

    def again(errors: dict[str, Any], status: int) -> Any:
        count, total = withdrawals.waiting_summary(db, _area())
        page, per_page = page_args()
        return render_template(
            "hesam/payouts.html",
            waiting=count,
            total=total,
            page=withdrawals.exported_waiting(db, _area(), page, per_page),
            batch="",
            errors={withdrawal_id: errors},
        ), status

    return handle_form(
        lambda s: act(s, found.id), again=again, to=url_for("hesam.payouts"), done=_l("Recorded.")
    )


@bp.post("/admin/withdrawals/<int:withdrawal_id>/settle")
@permission_required(PAYOUTS)
def payout_settle(withdrawal_id: int) -> Any:
    reference = request.form.get("reference", "")
    return _answer(withdrawal_id, lambda s, i: withdrawals.settle(s, i, reference))


@bp.post("/admin/withdrawals/<int:withdrawal_id>/refuse")
@permission_required(PAYOUTS)
def payout_refuse(withdrawal_id: int) -> Any:
    reason = request.form.get("reason", "")
    return _answer(withdrawal_id, lambda s, i: withdrawals.refuse(s, i, reason))


# --- administrators: card payments needing attention, the clearing account reconciled ------------


@bp.get("/admin/card-payments")
@permission_required(RECONCILE)
def card_attention() -> Any:
    """Card top-ups needing a look (mismatch, verified not credited, stuck), in the admin's area."""
    page, per_page = page_args()
    found = reconcile.attention_page(db_session(), area_of(db_session(), me(), RECONCILE), page, per_page)
    return render_template(
        "hesam/card_attention.html",
        page=found,
        kinds={p.id: reconcile.attention_kind(p) for p in found.items},
        minutes=reconcile.STUCK_MINUTES,
    )


@bp.get("/admin/card-payments/reconcile")
@permission_required(RECONCILE)
def card_reconcile() -> Any:
    """The clearing account against the card payments: nationwide figures, so nationwide admins only."""
    if area_of(db_session(), me(), RECONCILE) is not None:
        raise NotAllowed(_("The gateway's clearing account is reconciled nationwide only."))
    return render_template("hesam/card_reconcile.html", report=reconcile.reconcile(db_session()))

"""The M-Hesam JSON API: my accounts, statements, reservations, transfers, card top-ups, withdrawals."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request, url_for

from resalat_core.sdk import (
    Account,
    Entry,
    Member,
    Transfer,
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
from resalat_hesam import payments, services, withdrawals
from resalat_hesam.models import CardPayment, Withdrawal
from resalat_hesam.money_views import current_gateway
from resalat_hesam.schemas import (
    AccountSchema,
    CardPaymentBodySchema,
    CardPaymentSchema,
    CreditLineSchema,
    EntrySchema,
    PendingSchema,
    ShebaBodySchema,
    ShebaSchema,
    StatementQuerySchema,
    TransferBodySchema,
    TransferSchema,
    WithdrawalBodySchema,
    WithdrawalSchema,
)

bp = Blueprint("hesam_api", __name__, url_prefix="/api/v1/hesam")


def _account(a: Account) -> dict[str, Any]:
    return {
        "id": a.id,
        "kind": a.kind,
        "name": a.name,
        "posted": a.posted,
        "pending_debits": a.pending_debits,
        "pending_credits": a.pending_credits,
        "available": a.available,
        "purpose": a.purpose,
        "purposes": services.spend_purposes(a),
        "may_pay_for": [label for _code, label in services.spend_labels(a)],
        "expires_at": a.expires_at,
        "expired": services.is_expired(a),
    }


def _line(t: Transfer) -> dict[str, Any]:
    """The statement line's words in the caller's language, and the member's own note."""
    line = services.line_of(t)
    return {"purpose": t.purpose, "label": line.label, "detail": line.detail, "note": t.memo}


def _entry(e: Entry, viewer: Member) -> dict[str, Any]:
    return {
        "id": e.id,
        "transfer_id": e.transfer_id,
        "created_at": e.created_at,
        "direction": "in" if e.amount > 0 else "out",
        "amount_rials": e.amount,
        "balance_after_rials": e.balance_after,
        **_line(e.transfer),
        "counterparty": services.account_label(services.counterparty(e), viewer),
    }


def _transfer(t: Transfer, viewer: Member) -> dict[str, Any]:
    outgoing = t.debit_account.owner_id == viewer.id
    return {
        "id": t.id,
        "direction": "out" if outgoing else "in",
        "amount_rials": t.amount,
        **_line(t),
        "state": t.state,
        "counterparty": services.account_label(t.credit_account if outgoing else t.debit_account, viewer),
        "created_at": t.created_at,
    }


@bp.get("/accounts")
@api_doc(summary="My accounts with their balances", response=AccountSchema, many=True)
@login_required
def accounts() -> Any:
    """The main account first, then earmarked funds with what they may pay for and until when."""
    session = db_session()
    found = services.overview(session, me(), with_pending=False)
    if found.opened:
        session.commit()  # this call opened the main account
    return jsonify(dump(AccountSchema, [_account(a) for a in found.accounts], many=True))


@bp.get("/credit-lines")
@api_doc(
    summary="Credit other plugins hold open for me (pay later, instalments): limit, used and free",
    response=CreditLineSchema,
    many=True,
)
@login_required
def credit_lines() -> Any:
    lines = services.credit_lines(me())
    body = [
        {
            "title": str(line.title),
            "limit_rials": line.limit,
            "used_rials": line.used,
            "free_rials": line.free,
            "frozen": line.frozen,
            "note": str(line.note),
            "url": line.url,
        }
        for line in lines
    ]
    return jsonify(dump(CreditLineSchema, body, many=True))


@bp.get("/accounts/<int:account_id>/statement")
@api_doc(
    summary="The entries of one of my accounts, newest first",
    response=EntrySchema,
    paginated=True,
    query={
        "since": "first day, Jalali (1404/01/01)",
        "until": "last day, Jalali, included",
        "direction": "in or out",
        "purpose": "a purpose code, such as member_transfer",
    },
)
@login_required
def statement(account_id: int) -> Any:
    """Another member's account id answers 404, as a missing one does."""
    session = db_session()
    viewer = me()
    account = services.owned_account(session, viewer, account_id)
    filters = services.read_filter(load(StatementQuerySchema, request.args.to_dict()))
    page, per_page = page_args()
    result = services.statement(session, account, filters, page, per_page)
    return {
        "items": dump(EntrySchema, [_entry(e, viewer) for e in result.items], many=True),
        "meta": result.meta(),
    }


@bp.get("/pending")
@api_doc(summary="Pending reservations on my accounts, newest first", response=PendingSchema, paginated=True)
@login_required
def pending() -> Any:
    session = db_session()
    found = services.overview(session, me(), with_pending=False)
    if found.opened:
        session.commit()  # this call opened the main account
    mine = {a.id for a in found.accounts}
    page, per_page = page_args()
    result = paginate(session, services.pending_query(found.accounts), page, per_page)
    items = [
        {
            "transfer_id": t.id,
            "account_id": t.debit_account_id if t.debit_account_id in mine else t.credit_account_id,
            "direction": "out" if t.debit_account_id in mine else "in",
            "amount_rials": t.amount,
            **_line(t),
            "created_at": t.created_at,
            "timeout_at": t.timeout_at,
        }
        for t in result.items
    ]
    return {"items": dump(PendingSchema, items, many=True), "meta": result.meta()}


@bp.post("/transfers")
@api_doc(
    summary="Send money from my main account to another member",
    body=TransferBodySchema,
    response=TransferSchema,
    status=201,
)
@login_required
@idempotent
def create_transfer() -> Any:
    """Needs an ``Idempotency-Key``: the same key and body answer the first transfer again and move
    nothing; the same key with another body is a 409. The recipient is named by mobile or national
    code; errors name the fields (``recipient``, ``amount_rials``, ``note``)."""
    data = load(TransferBodySchema)
    session = db_session()
    sender = me()
    draft = services.prepare_transfer(session, sender, **data)
    sent = services.send_money(session, sender, draft, request.headers["Idempotency-Key"].strip())
    # Not committed here: the idempotency record commits the transfer and its answer together.
    return dump(TransferSchema, _transfer(sent.transfer, sender)), 201


# --- money in: top-ups by bank card ----------------------------------------------------------------


def _payment(p: CardPayment) -> dict[str, Any]:
    return {
        "id": p.id,
        "amount_rials": p.amount,
        "state": p.state,
        "redirect_url": p.redirect_url,
        "reference": p.reference,
        "failure": p.failure,
        "created_at": p.created_at,
    }


@bp.post("/card-payments")
@api_doc(
    summary="Top up my main account by bank card: start a gateway payment",
    body=CardPaymentBodySchema,
    response=CardPaymentSchema,
    status=201,
)
@login_required
@idempotent
def create_card_payment() -> Any:
    """Needs an ``Idempotency-Key``. Answers the payment with ``redirect_url``, the gateway's page:
    open it in a browser; the member pays there and comes back to M-Hesam, which verifies the
    payment with the gateway and credits the main account once. Poll ``GET /card-payments`` (or
    read the account) for the outcome. Nothing is credited by this call."""
    data = load(CardPaymentBodySchema)
    session = db_session()
    member = me()
    started = payments.start_payment(
        session,
        member,
        data["amount"],
        key=request.headers["Idempotency-Key"].strip(),
        gateway=current_gateway(),
        callback_url=url_for("hesam.card_return"),
    )
    return dump(CardPaymentSchema, _payment(started.payment)), 201


@bp.get("/card-payments")
@api_doc(summary="My card payments, newest first", response=CardPaymentSchema, paginated=True)
@login_required
def card_payments() -> Any:
    page, per_page = page_args()
    found = payments.payments_of(db_session(), me(), page, per_page)
    return {
        "items": dump(CardPaymentSchema, [_payment(p) for p in found.items], many=True),
        "meta": found.meta(),
    }


# --- money out: withdrawals to my Sheba account ----------------------------------------------------


def _withdrawal(w: Withdrawal) -> dict[str, Any]:
    return {
        "id": w.id,
        "amount_rials": w.amount,
        "state": w.state,
        "sheba": w.sheba,
        "holder_name": w.holder_name,
        "transfer_id": w.transfer_id,
        "bank_reference": w.bank_reference,
        "reason": w.reason,
        "created_at": w.created_at,
        "exported_at": w.exported_at,
        "resolved_at": w.resolved_at,
    }


@bp.put("/sheba")
@api_doc(summary="Save my own Sheba account for withdrawals", body=ShebaBodySchema, response=ShebaSchema)
@login_required
def save_sheba() -> Any:
    """The Sheba is checked (IR and 24 digits, ISO 13616 mod 97) and the holder's name must be the
    caller's registered name (letter forms, spaces and half-spaces aside); every mistake at once,
    under ``sheba`` and ``holder_name``."""
    data = load(ShebaBodySchema)
    session = db_session()
    saved = withdrawals.save_sheba(session, me(), data["sheba"], data["holder_name"])
    session.commit()
    return dump(
        ShebaSchema, {"sheba": saved.sheba, "holder_name": saved.holder_name, "updated_at": saved.updated_at}
    )


@bp.post("/withdrawals")
@api_doc(
    summary="Withdraw free money from my main account to my Sheba account",
    body=WithdrawalBodySchema,
    response=WithdrawalSchema,
    status=201,
)
@login_required
@idempotent
def create_withdrawal() -> Any:
    """Needs an ``Idempotency-Key`` and a saved Sheba (``PUT /sheba``). The amount is held at once
    as a pending transfer (no longer spendable) and paid in the bank's next batch; if the bank
    refuses it, it is free again. Earmarked money (a loan's) is never withdrawn: only the main
    account's available money counts."""
    data = load(WithdrawalBodySchema)
    session = db_session()
    asked = withdrawals.request_withdrawal(
        session, me(), data["amount"], key=request.headers["Idempotency-Key"].strip()
    )
    return dump(WithdrawalSchema, _withdrawal(asked.withdrawal)), 201


@bp.get("/withdrawals")
@api_doc(summary="My withdrawals, newest first", response=WithdrawalSchema, paginated=True)
@login_required
def my_withdrawals() -> Any:
    page, per_page = page_args()
    found = withdrawals.withdrawals_of(db_session(), me(), page, per_page)
    return {
        "items": dump(WithdrawalSchema, [_withdrawal(w) for w in found.items], many=True),
        "meta": found.meta(),
    }


@bp.post("/withdrawals/<int:withdrawal_id>/cancel")
@api_doc(
    summary="Cancel my withdrawal still waiting for the bank's batch; the money is free again",
    response=WithdrawalSchema,
)
@login_required
@idempotent
def cancel_withdrawal(withdrawal_id: int) -> Any:
    """Needs an ``Idempotency-Key``. Only a ``requested`` withdrawal can be cancelled: its held money
    is released to the main account's free balance and the state becomes ``cancelled``. Once
    exported to the bank it is refused (409 ``not_cancellable``); cancelling a cancelled one again
    answers the same withdrawal. Another member's withdrawal is 404."""
    # Not committed here: the idempotency record commits the release and its answer together.
    found, _replayed = withdrawals.cancel_withdrawal(db_session(), me(), withdrawal_id)
    return dump(WithdrawalSchema, _withdrawal(found))

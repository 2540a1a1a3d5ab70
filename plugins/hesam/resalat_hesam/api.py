"""The M-Hesam JSON API: my accounts, a statement page by page, my reservations, and transfers."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request

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
)
from resalat_hesam import services
from resalat_hesam.schemas import (
    AccountSchema,
    EntrySchema,
    PendingSchema,
    StatementQuerySchema,
    TransferBodySchema,
    TransferSchema,
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
    found = services.overview(session, me())
    session.commit()  # the main account, if this call opened it
    return jsonify(dump(AccountSchema, [_account(a) for a in found.accounts], many=True))


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
@api_doc(summary="Pending reservations on my accounts", response=PendingSchema, many=True)
@login_required
def pending() -> Any:
    session = db_session()
    found = services.overview(session, me())
    session.commit()
    mine = {a.id for a in found.accounts}
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
        for t in found.pending
    ]
    return jsonify(dump(PendingSchema, items, many=True))


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

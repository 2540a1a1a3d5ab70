"""The M-Hesam JSON API: my accounts, a statement page by page, my reservations, and transfers."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request

from resalat_core.sdk import (
    Account,
    BadInput,
    Entry,
    Member,
    Transfer,
    api_doc,
    current_language,
    current_member,
    db_session,
    dump,
    idempotent,
    load,
    login_required,
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


def _me() -> Member:
    member = current_member()
    assert member is not None  # login_required let the request in
    return member


def _account(a: Account) -> dict[str, Any]:
    return {
        "id": a.id,
        "kind": a.kind,
        "name_fa": a.name_fa,
        "name_en": a.name_en,
        "posted": a.posted,
        "pending_debits": a.pending_debits,
        "pending_credits": a.pending_credits,
        "available": a.available,
        "purpose": a.purpose,
        "purposes": services.spend_purposes(a),
        "description_fa": (a.spend_rules or {}).get("description_fa", ""),
        "description_en": (a.spend_rules or {}).get("description_en", ""),
        "expires_at": a.expires_at,
        "expired": services.is_expired(a),
    }


def _entry(e: Entry, me: Member) -> dict[str, Any]:
    return {
        "id": e.id,
        "transfer_id": e.transfer_id,
        "created_at": e.created_at,
        "direction": "in" if e.amount > 0 else "out",
        "amount_rials": e.amount,
        "balance_after_rials": e.balance_after,
        "purpose": e.transfer.purpose,
        "counterparty": services.account_label(services.counterparty(e), me, current_language("en")),
        "note": e.transfer.memo,
    }


def _transfer(t: Transfer, me: Member) -> dict[str, Any]:
    outgoing = t.debit_account.owner_id == me.id
    return {
        "id": t.id,
        "direction": "out" if outgoing else "in",
        "amount_rials": t.amount,
        "purpose": t.purpose,
        "state": t.state,
        "counterparty": services.account_label(
            t.credit_account if outgoing else t.debit_account, me, current_language("en")
        ),
        "note": t.memo,
        "created_at": t.created_at,
    }


@bp.get("/accounts")
@api_doc(summary="My accounts with their balances", response=AccountSchema, many=True)
@login_required
def accounts() -> Any:
    """The main account first, then earmarked funds with what they may pay for and until when."""
    session = db_session()
    found = services.overview(session, _me())
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
    me = _me()
    account = services.owned_account(session, me, account_id)
    filters = services.read_filter(load(StatementQuerySchema, request.args.to_dict()))
    page, per_page = page_args()
    result = services.statement(session, account, filters, page, per_page)
    return {
        "items": dump(EntrySchema, [_entry(e, me) for e in result.items], many=True),
        "meta": result.meta(),
    }


@bp.get("/pending")
@api_doc(summary="Pending reservations on my accounts", response=PendingSchema, many=True)
@login_required
def pending() -> Any:
    session = db_session()
    me = _me()
    found = services.overview(session, me)
    session.commit()
    mine = {a.id for a in found.accounts}
    items = [
        {
            "transfer_id": t.id,
            "account_id": t.debit_account_id if t.debit_account_id in mine else t.credit_account_id,
            "direction": "out" if t.debit_account_id in mine else "in",
            "amount_rials": t.amount,
            "purpose": t.purpose,
            "note": t.memo,
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
    me = _me()
    try:
        draft = services.prepare_transfer(
            session,
            me,
            recipient=data["recipient"],
            amount=data["amount_rials"],
            note=data["note"],
            amount_field="amount_rials",
        )
        sent = services.send_money(session, me, draft, request.headers["Idempotency-Key"].strip())
    except BadInput as exc:
        # The ledger names the amount "amount"; this API calls it "amount_rials".
        if "amount" in exc.fields:
            exc.fields["amount_rials"] = exc.fields.pop("amount")
        raise
    # Not committed here: the idempotency record commits the transfer and its answer together.
    return dump(TransferSchema, _transfer(sent.transfer, me)), 201

"""The shapes of the M-Hesam API: accounts, statements, transfers, reservations, card top-ups, withdrawals."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from resalat_core.sdk import RowId, UtcDateTime
from resalat_hesam.services import NOTE_MAX

_MONEY = {"description": "integer rials"}


class AccountSchema(Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"example": "member_main", "description": "member_main or earmarked"})
    name = fields.String(metadata={"description": "what the account is called, in the caller's language"})
    posted = fields.Integer(metadata=_MONEY)
    pending_debits = fields.Integer(metadata={"description": "rials reserved by pending payments"})
    pending_credits = fields.Integer(metadata={"description": "rials on their way in"})
    available = fields.Integer(metadata={"description": "rials that may be spent now"})
    purpose = fields.String(
        allow_none=True, metadata={"description": "what earmarked money was granted for (a purpose code)"}
    )
    purposes = fields.List(
        fields.String(),
        metadata={
            "description": "the purpose codes earmarked money may pay for",
            "example": ["bazaar_purchase"],
        },
    )
    may_pay_for = fields.List(
        fields.String(), metadata={"description": "the same purposes as the caller reads them"}
    )
    expires_at = UtcDateTime(allow_none=True, metadata={"description": "UTC"})
    expired = fields.Boolean()


class EntrySchema(Schema):
    id = fields.Integer()
    transfer_id = fields.Integer()
    created_at = UtcDateTime(metadata={"description": "UTC"})
    direction = fields.String(metadata={"example": "in", "description": "in or out"})
    amount_rials = fields.Integer(metadata={"description": "signed: money out is negative"})
    balance_after_rials = fields.Integer()
    purpose = fields.String(metadata={"example": "member_transfer"})
    label = fields.String(metadata={"description": "what the money moved for, in the caller's language"})
    detail = fields.String(metadata={"description": "the detail, such as an order number, or empty"})
    note = fields.String(allow_none=True, metadata={"description": "what a member wrote on it"})
    counterparty = fields.String(metadata={"example": "م*** ا***"})


class StatementQuerySchema(Schema):
    """``?since=&until=`` (Jalali), ``direction``, ``purpose``; paging is the host's helper's."""

    class Meta:
        unknown = EXCLUDE

    since = fields.String(load_default="")
    until = fields.String(load_default="")
    direction = fields.String(load_default="")
    purpose = fields.String(load_default="")


class TransferBodySchema(Schema):
    recipient = fields.String(
        required=True,
        validate=validate.Length(min=1, max=40),
        metadata={"description": "the recipient's mobile or national code", "example": "09120000003"},
    )
    # Named as the service names it; the client sends (and reads errors under) ``amount_rials``.
    amount = fields.Integer(
        required=True,
        strict=True,
        data_key="amount_rials",
        metadata={"description": "integer rials, more than zero", "example": 500000},
    )
    note = fields.String(load_default="", validate=validate.Length(max=NOTE_MAX))


class TransferSchema(Schema):
    id = fields.Integer()
    direction = fields.String(metadata={"example": "out", "description": "out (I sent it) or in"})
    amount_rials = fields.Integer()
    purpose = fields.String(metadata={"example": "member_transfer"})
    label = fields.String(metadata={"description": "what the money moved for, in the caller's language"})
    detail = fields.String(metadata={"description": "the detail, such as an order number, or empty"})
    note = fields.String(allow_none=True, metadata={"description": "what a member wrote on it"})
    state = fields.String(metadata={"example": "posted"})
    counterparty = fields.String(metadata={"example": "ج*** ق***", "description": "masked name"})
    created_at = UtcDateTime()


class PendingSchema(Schema):
    transfer_id = fields.Integer()
    account_id = fields.Integer(metadata={"description": "which of my accounts it touches"})
    direction = fields.String(metadata={"description": "out (reserved from my account) or in"})
    amount_rials = fields.Integer()
    purpose = fields.String(metadata={"example": "member_transfer"})
    label = fields.String(metadata={"description": "what the money moved for, in the caller's language"})
    detail = fields.String(metadata={"description": "the detail, such as an order number, or empty"})
    note = fields.String(allow_none=True, metadata={"description": "what a member wrote on it"})
    created_at = UtcDateTime()
    timeout_at = UtcDateTime(allow_none=True, metadata={"description": "voided if not settled by then"})


# --- money in and out ------------------------------------------------------------------------------


class CardPaymentBodySchema(Schema):
    amount = fields.Integer(
        required=True,
        strict=True,
        data_key="amount_rials",
        metadata={"description": "integer rials, 10,000 to 2,000,000,000", "example": 1_000_000},
    )


class CardPaymentSchema(Schema):
    id = RowId()
    amount_rials = fields.Integer()
    state = fields.String(
        metadata={
            "example": "redirected",
            "description": "created, redirected, verified, failed or cancelled",
        }
    )
    redirect_url = fields.String(
        allow_none=True, metadata={"description": "open this in a browser: the gateway's payment page"}
    )
    reference = fields.String(allow_none=True, metadata={"description": "the gateway's tracking number"})
    failure = fields.String(allow_none=True, metadata={"description": "declined or cancelled, when not paid"})
    created_at = UtcDateTime()


class ShebaBodySchema(Schema):
    sheba = fields.String(
        required=True,
        validate=validate.Length(min=1, max=60),
        metadata={"description": "IR and 24 digits (ISO 13616)", "example": "IR820540102680020817909002"},
    )
    holder_name = fields.String(
        required=True,
        validate=validate.Length(min=1, max=80),
        metadata={"description": "the account holder: the caller's registered name", "example": "مریم احمدی"},
    )


class ShebaSchema(Schema):
    sheba = fields.String(metadata={"example": "IR820540102680020817909002"})
    holder_name = fields.String()
    updated_at = UtcDateTime()


class WithdrawalBodySchema(Schema):
    amount = fields.Integer(
        required=True,
        strict=True,
        data_key="amount_rials",
        metadata={"description": "integer rials of free money, at least 10,000", "example": 500_000},
    )


class WithdrawalSchema(Schema):
    id = RowId()
    amount_rials = fields.Integer()
    state = fields.String(
        metadata={"example": "requested", "description": "requested, exported, settled or refused"}
    )
    sheba = fields.String()
    holder_name = fields.String()
    transfer_id = RowId(metadata={"description": "the pending ledger transfer that holds the money"})
    bank_reference = fields.String(allow_none=True)
    reason = fields.String(allow_none=True, metadata={"description": "the bank's reason, when refused"})
    created_at = UtcDateTime()
    exported_at = UtcDateTime(allow_none=True)
    resolved_at = UtcDateTime(allow_none=True)


class CreditLineSchema(Schema):
    title = fields.String(metadata={"description": "in the caller's language", "example": "Pay later"})
    limit_rials = fields.Integer()
    used_rials = fields.Integer()
    free_rials = fields.Integer(metadata={"description": "what may still be used; 0 while frozen"})
    frozen = fields.Boolean(metadata={"description": "no new use until what is overdue is paid"})
    note = fields.String()
    url = fields.String(allow_none=True)

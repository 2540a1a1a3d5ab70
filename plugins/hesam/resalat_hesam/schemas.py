"""The shapes of the M-Hesam API: accounts, statement entries, transfers, reservations."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from resalat_hesam.services import NOTE_MAX

_MONEY = {"description": "integer rials"}


class AccountSchema(Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"example": "member_main", "description": "member_main or earmarked"})
    name_fa = fields.String()
    name_en = fields.String()
    posted = fields.Integer(metadata=_MONEY)
    pending_debits = fields.Integer(metadata={"description": "rials reserved by pending payments"})
    pending_credits = fields.Integer(metadata={"description": "rials on their way in"})
    available = fields.Integer(metadata={"description": "rials that may be spent now"})
    purpose = fields.String(allow_none=True, metadata={"example": "livestock_loan"})
    purposes = fields.List(
        fields.String(),
        metadata={"description": "what earmarked money may pay for", "example": ["bazaar_purchase"]},
    )
    description_fa = fields.String()
    description_en = fields.String()
    expires_at = fields.DateTime(allow_none=True, metadata={"description": "UTC"})
    expired = fields.Boolean()


class EntrySchema(Schema):
    id = fields.Integer()
    transfer_id = fields.Integer()
    created_at = fields.DateTime(metadata={"description": "UTC"})
    direction = fields.String(metadata={"example": "in", "description": "in or out"})
    amount_rials = fields.Integer(metadata={"description": "signed: money out is negative"})
    balance_after_rials = fields.Integer()
    purpose = fields.String(metadata={"example": "member_transfer"})
    counterparty = fields.String(metadata={"example": "م*** ا***"})
    note = fields.String(allow_none=True)


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
    amount_rials = fields.Integer(
        required=True,
        strict=True,
        metadata={"description": "integer rials, more than zero", "example": 500000},
    )
    note = fields.String(load_default="", validate=validate.Length(max=NOTE_MAX))


class TransferSchema(Schema):
    id = fields.Integer()
    direction = fields.String(metadata={"example": "out", "description": "out (I sent it) or in"})
    amount_rials = fields.Integer()
    purpose = fields.String()
    state = fields.String(metadata={"example": "posted"})
    counterparty = fields.String(metadata={"example": "ج*** ق***", "description": "masked name"})
    note = fields.String(allow_none=True)
    created_at = fields.DateTime()


class PendingSchema(Schema):
    transfer_id = fields.Integer()
    account_id = fields.Integer(metadata={"description": "which of my accounts it touches"})
    direction = fields.String(metadata={"description": "out (reserved from my account) or in"})
    amount_rials = fields.Integer()
    purpose = fields.String()
    note = fields.String(allow_none=True)
    created_at = fields.DateTime()
    timeout_at = fields.DateTime(allow_none=True, metadata={"description": "voided if not settled by then"})

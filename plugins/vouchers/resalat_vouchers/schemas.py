"""The shapes the vouchers' API reads and writes (and documents in OpenAPI). Amounts in rials."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from resalat_core.sdk import UtcDateTime

from .models import ISSUER_KINDS, TITLE_MAX, USE_KINDS


class VoucherSchema(Schema):
    """A voucher as its holder sees it; ``code`` is what a booth scans (keep it to yourself)."""

    id = fields.Integer()
    code = fields.String()
    title = fields.String(attribute="batch.title")
    issuer = fields.String(attribute="batch.issuer.name")
    amount_rials = fields.Integer(attribute="amount")
    balance_rials = fields.Integer(attribute="balance")
    expires_on = fields.Date()
    usable = fields.Boolean()
    transferable = fields.Boolean(metadata={"description": "may be given on to another member"})
    categories = fields.List(fields.String(), attribute="batch.categories")
    booths = fields.List(fields.Integer(), attribute="batch.booths")
    regions = fields.List(fields.Integer(), attribute="batch.regions")
    programmes = fields.List(fields.String(), attribute="batch.programmes")
    created_at = UtcDateTime()


class UseSchema(Schema):
    kind = fields.String(validate=validate.OneOf(USE_KINDS))
    amount_rials = fields.Integer(
        attribute="amount", metadata={"description": "off the balance; negative: back on it"}
    )
    order_id = fields.Integer(allow_none=True)
    booth_id = fields.Integer(allow_none=True)
    at = UtcDateTime()


class VoucherDetailSchema(VoucherSchema):
    uses = fields.List(fields.Nested(UseSchema))


class GiftSchema(Schema):
    mobile = fields.String(required=True, validate=validate.Length(min=1, max=20))


class NewBatchSchema(Schema):
    """A batch to issue: one voucher for each mobile, paid at once from the issuer's account."""

    issue_as = fields.String(required=True, validate=validate.OneOf(ISSUER_KINDS))
    title = fields.String(required=True, validate=validate.Length(min=1, max=TITLE_MAX))
    amount_rials = fields.Integer(required=True, validate=validate.Range(min=1))
    expires_on = fields.Date(
        required=True, metadata={"description": "the last day it may be spent (Gregorian)"}
    )
    mobiles = fields.List(
        fields.String(validate=validate.Length(max=20)),
        required=True,
        validate=validate.Length(min=1, max=500),
    )
    categories = fields.List(
        fields.String(validate=validate.Length(max=40)), load_default=list, validate=validate.Length(max=50)
    )
    booths = fields.List(
        fields.Integer(validate=validate.Range(min=1)), load_default=list, validate=validate.Length(max=50)
    )
    regions = fields.List(
        fields.String(validate=validate.Length(max=60)), load_default=list, validate=validate.Length(max=50)
    )
    programmes = fields.List(
        fields.String(validate=validate.Length(max=40)), load_default=list, validate=validate.Length(max=10)
    )


class BatchSchema(Schema):
    id = fields.Integer()
    issue_as = fields.String(attribute="issuer_kind")
    title = fields.String()
    amount_rials = fields.Integer(attribute="amount")
    count = fields.Integer()
    total_rials = fields.Integer(attribute="total")
    expires_on = fields.Date()
    categories = fields.List(fields.String())
    booths = fields.List(fields.Integer())
    regions = fields.List(fields.Integer())
    programmes = fields.List(fields.String())
    created_at = UtcDateTime()


class ChargeSchema(Schema):
    """A booth charging a voucher it scanned: the booth, the voucher's code and the amount."""

    booth_id = fields.Integer(required=True, validate=validate.Range(min=1))
    code = fields.String(required=True, validate=validate.Length(min=1, max=40))
    amount_rials = fields.Integer(required=True, validate=validate.Range(min=1))


class ChargePreviewSchema(Schema):
    booth_id = fields.Integer(attribute="booth.id")
    holder = fields.String(metadata={"description": "the holder's name, partly hidden"})
    title = fields.String(attribute="voucher.batch.title")
    balance_rials = fields.Integer(attribute="voucher.balance")
    amount_rials = fields.Integer(attribute="amount")
    left_rials = fields.Integer(attribute="left")


class ChargeDoneSchema(Schema):
    booth_id = fields.Integer()
    amount_rials = fields.Integer(attribute="amount")
    at = UtcDateTime()

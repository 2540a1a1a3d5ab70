"""The shapes of M-Aghsat's API: plans, offers for the cart, purchases with their schedule, bodies."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from resalat_aghsat.models import BUCKETS, CODE_MAX, CURRENT, NAME_MAX, STATUSES
from resalat_core.sdk import MAX_BIG_ID, UtcDateTime

_RIALS = {"description": "integer rials"}
RATING_CODES = ["A", "B", "C", "D", "E"]


class PlanSchema(Schema):
    id = fields.Integer()
    code = fields.String(metadata={"example": "p6"})
    method = fields.String(
        metadata={"description": "the code M-Bazar's checkout takes", "example": "aghsat.p6"}
    )
    name_fa = fields.String()
    name_en = fields.String()
    months = fields.Integer()
    down_bps = fields.Integer(
        metadata={"description": "the down payment's share in basis points: 2500 = 25%"}
    )
    fee_bps = fields.Integer(metadata={"description": "the service fee in basis points of what is financed"})
    min_rating = fields.String(metadata={"enum": RATING_CODES})
    amount_min = fields.Integer(metadata=_RIALS)
    amount_max = fields.Integer(metadata=_RIALS)
    categories = fields.List(fields.String())
    booths = fields.List(fields.Integer())
    programmes = fields.List(fields.String())
    active = fields.Boolean()
    rating_ok = fields.Boolean(metadata={"description": "does my current Merat rating qualify"})


class PlanBodySchema(Schema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=CODE_MAX))
    name_fa = fields.String(required=True, validate=validate.Length(min=1, max=NAME_MAX))
    name_en = fields.String(required=True, validate=validate.Length(min=1, max=NAME_MAX))
    months = fields.Integer(required=True, validate=validate.Range(min=1, max=120))
    down_bps = fields.Integer(required=True, validate=validate.Range(min=0, max=10000))
    fee_bps = fields.Integer(required=True, validate=validate.Range(min=0, max=10000))
    min_rating = fields.String(required=True, validate=validate.OneOf(RATING_CODES))
    amount_min = fields.Integer(load_default=0, validate=validate.Range(min=0), metadata=_RIALS)
    amount_max = fields.Integer(required=True, validate=validate.Range(min=1), metadata=_RIALS)
    categories = fields.List(
        fields.String(validate=validate.Length(max=40)), load_default=list, validate=validate.Length(max=50)
    )
    booths = fields.List(
        fields.Integer(validate=validate.Range(min=1)), load_default=list, validate=validate.Length(max=200)
    )
    programmes = fields.List(
        fields.String(validate=validate.Length(max=20)), load_default=list, validate=validate.Length(max=20)
    )
    active = fields.Boolean(load_default=True)


class OfferSchema(Schema):
    method = fields.String(metadata={"example": "aghsat.p6"})
    plan = fields.String(metadata={"description": "the plan's name in the reader's language"})
    months = fields.Integer()
    pay_now_rials = fields.Integer(metadata=_RIALS)
    later_rials = fields.Integer(metadata=_RIALS)
    total_rials = fields.Integer(metadata=_RIALS)
    instalments_rials = fields.List(
        fields.Integer(), metadata={"description": "each month's instalment, in rials"}
    )
    available = fields.Boolean()
    reason = fields.String(
        allow_none=True, metadata={"description": "why the plan cannot be taken now, in my words"}
    )


class InstalmentSchema(Schema):
    seq = fields.Integer()
    due_on = fields.Date()
    principal = fields.Integer(metadata=_RIALS)
    fee = fields.Integer(metadata=_RIALS)
    amount = fields.Integer(metadata=_RIALS)
    paid = fields.Integer(metadata=_RIALS)
    paid_on = fields.Date(allow_none=True)


class PurchaseSchema(Schema):
    id = fields.Integer()
    plan = fields.String(metadata={"description": "the plan's code"})
    order_id = fields.Integer()
    status = fields.String(metadata={"enum": list(STATUSES)})
    bucket = fields.String(metadata={"enum": [CURRENT, *BUCKETS]})
    price = fields.Integer(metadata=_RIALS)
    down_payment = fields.Integer(metadata=_RIALS)
    financed = fields.Integer(metadata=_RIALS)
    fee = fields.Integer(metadata=_RIALS)
    total = fields.Integer(metadata=_RIALS)
    months = fields.Integer()
    created_at = UtcDateTime()
    schedule = fields.List(fields.Nested(InstalmentSchema))


class PaymentSchema(Schema):
    id = fields.Integer()
    amount = fields.Integer(metadata=_RIALS)
    principal = fields.Integer(metadata=_RIALS)
    fee = fields.Integer(metadata=_RIALS)
    purchase = fields.Nested(PurchaseSchema)


class PayBodySchema(Schema):
    first = fields.Integer(
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=1, max=1000),
        metadata={"description": "the instalment I mean to pay (refused if it was paid meanwhile)"},
    )


class SupportBodySchema(Schema):
    mobile = fields.String(
        required=True, validate=validate.Length(min=1, max=20), metadata={"description": "the buyer's mobile"}
    )
    purchase = fields.Integer(
        required=True, data_key="purchase_id", validate=validate.Range(min=1, max=MAX_BIG_ID)
    )
    amount = fields.Integer(
        required=True, data_key="amount_rials", validate=validate.Range(min=1), metadata=_RIALS
    )


class SupportSchema(Schema):
    id = fields.Integer()
    purchase_id = fields.Integer()
    amount = fields.Integer(metadata=_RIALS)


class OptInBodySchema(Schema):
    on = fields.Boolean(required=True)


class OptInSchema(Schema):
    booth_id = fields.Integer()
    on = fields.Boolean()


class ExposureSchema(Schema):
    label = fields.String()
    purchases = fields.Integer()
    outstanding = fields.Integer(metadata=_RIALS)
    overdue = fields.Integer(metadata=_RIALS)


class ExposureQuerySchema(Schema):
    by = fields.String(load_default="region", validate=validate.OneOf(["region", "rating"]))

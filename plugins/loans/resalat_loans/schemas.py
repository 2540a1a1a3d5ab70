"""The shapes of the loans API: products, loans with their schedule, and the bodies it takes."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from resalat_core.sdk import UtcDateTime
from resalat_loans.models import STATUSES

_RIALS = {"description": "integer rials"}


class ProductSchema(Schema):
    code = fields.String(metadata={"example": "livestock"})
    name_fa = fields.String()
    name_en = fields.String()
    programme = fields.String(allow_none=True)
    amount_min = fields.Integer(metadata=_RIALS)
    amount_max = fields.Integer(metadata=_RIALS)
    instalments_min = fields.Integer()
    instalments_max = fields.Integer()
    fee_bps = fields.Integer(metadata={"description": "the fixed fee in basis points: 200 = 2%"})
    min_score = fields.Integer()
    requires_note = fields.Boolean()
    guarantors_required = fields.Integer()
    social_guarantee_accepted = fields.Boolean()
    uses_points = fields.Boolean()
    introduction_required = fields.Boolean()
    spend_rules = fields.Dict()


class InstalmentSchema(Schema):
    seq = fields.Integer()
    due_on = fields.Date()
    due_on_jalali = fields.String(metadata={"example": "1405/09/08"})
    principal = fields.Integer(metadata=_RIALS)
    fee = fields.Integer(metadata=_RIALS)
    amount = fields.Integer(metadata=_RIALS)
    paid_on = fields.Date(allow_none=True)
    late = fields.Boolean()


class LoanSchema(Schema):
    id = fields.Integer()
    member = fields.Dict()
    product = fields.String()
    status = fields.String(metadata={"enum": list(STATUSES)})
    bucket = fields.String()
    amount = fields.Integer(metadata=_RIALS)
    fee = fields.Integer(metadata=_RIALS)
    total = fields.Integer(metadata=_RIALS)
    instalments = fields.Integer()
    introduction_id = fields.Integer(allow_none=True)
    note_id = fields.Integer(allow_none=True)
    score_value = fields.Integer(allow_none=True)
    reason = fields.String()
    account_id = fields.Integer(allow_none=True)
    disbursed_on = fields.Date(allow_none=True)
    created_at = UtcDateTime()
    schedule = fields.List(fields.Nested(InstalmentSchema))


class RequestBodySchema(Schema):
    product = fields.String(
        required=True, metadata={"description": "the product's code", "example": "general"}
    )
    amount = fields.Integer(
        data_key="amount_rials", required=True, validate=validate.Range(min=1), metadata=_RIALS
    )
    instalments = fields.Integer(required=True, validate=validate.Range(min=1, max=120))
    introduction = fields.Integer(
        data_key="introduction_id",
        load_default=None,
        allow_none=True,
        metadata={"description": "the supporters' introduction the loan is asked from"},
    )
    note = fields.Integer(
        data_key="note_id",
        load_default=None,
        allow_none=True,
        metadata={"description": "the iCAP note to pledge"},
    )
    guarantors = fields.List(
        fields.String(), load_default=list, metadata={"description": "guarantor members' mobiles"}
    )
    purpose = fields.String(load_default="", validate=validate.Length(max=500))


class PayBodySchema(Schema):
    count = fields.Integer(load_default=1, validate=validate.Range(min=1, max=120))
    everything = fields.Boolean(load_default=False, metadata={"description": "repay everything left now"})
    first = fields.Integer(
        load_default=None,
        allow_none=True,
        metadata={"description": "the instalment number meant to be paid first; 409 if it is already paid"},
    )


class PaymentSchema(Schema):
    id = fields.Integer()
    amount = fields.Integer(metadata=_RIALS)
    instalments = fields.Integer()
    loan = fields.Nested(LoanSchema)


class DecisionBodySchema(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(("approve", "reject")))
    reason = fields.String(load_default="", validate=validate.Length(max=500))
    confirm = fields.Boolean(
        load_default=False,
        metadata={
            "description": "approval pays out at once: read GET /api/v1/loans/{id}/payout first, then "
            "send true (400 confirmation_required without it, nothing paid); not needed to reject"
        },
    )
    amount_rials = fields.Integer(
        load_default=None,
        allow_none=True,
        metadata={
            "description": "optional: the amount read on the payout; 409 amount_changed if the loan's "
            "amount is not this one, nothing paid"
        },
    )


class PayoutSchema(Schema):
    """What approving a request will pay out, before anything moves: the officer's confirmation step."""

    loan_id = fields.Integer()
    status = fields.String(metadata={"enum": list(STATUSES)})
    member = fields.Dict(metadata={"description": "id, name and mobile of who receives the money"})
    product = fields.String()
    amount = fields.Integer(metadata={"description": "integer rials paid out into the loan account"})
    fee = fields.Integer(metadata=_RIALS)
    total = fields.Integer(metadata=_RIALS)
    instalments = fields.Integer()
    source = fields.String(metadata={"example": "loan_fund"})
    into = fields.String(
        metadata={"description": "earmarked: a new loan account that buys in M-Bazar only, never cash"}
    )
    fund_available = fields.Integer(metadata=_RIALS)
    schedule = fields.List(
        fields.Nested(InstalmentSchema),
        metadata={"description": "the schedule as it will be written if paid out today"},
    )
    confirm_with = fields.Dict(
        metadata={"description": "the body to POST to /decision to approve and pay out"}
    )


class QueueQuerySchema(Schema):
    status = fields.String(load_default="requested", validate=validate.OneOf(("", *STATUSES)))
    product = fields.String(load_default=None)

"""The shapes M-Bimeh's API reads and writes (and documents in OpenAPI). Amounts in rials."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from resalat_core.sdk import BigRowId, RowId, UtcDateTime

from .models import CLAIM_STATUSES, OFFER_STATUSES, POLICY_STATUSES, PRODUCTS

RIALS = {"description": "in rials"}


class ProductSchema(Schema):
    """An insurance product: its words in the reader's language and its price rule."""

    code = fields.String(metadata={"enum": list(PRODUCTS)})
    name = fields.String()
    description = fields.String()
    terms = fields.List(fields.String())
    exclusions = fields.List(fields.String())
    rule = fields.String(metadata={"enum": ["balance", "flat", "per_head", "declared", "fixed"]})
    bps = fields.Integer(metadata={"description": "basis points of the insured sum (per year, but for flat)"})
    term_months = fields.Integer()
    min_premium = fields.Integer(metadata=RIALS)
    sums = fields.List(fields.Integer(), metadata={"description": "the insured sums to choose from (fixed)"})
    head_value = fields.Integer(allow_none=True, metadata=RIALS)
    family = fields.Boolean(metadata={"description": "may cover the people of the holder's core"})


class QuoteRequestSchema(Schema):
    """What a quote (or a purchase) is for; which fields count depends on the product."""

    product = fields.String(required=True, validate=validate.OneOf(PRODUCTS))
    offer = RowId(data_key="offer_id", allow_none=True, metadata={"description": "an offer made to me"})
    loan = BigRowId(data_key="loan_id", allow_none=True, metadata={"description": "my loan (loan_life)"})
    amount = fields.Integer(
        data_key="amount_rials",
        allow_none=True,
        validate=validate.Range(min=1, max=10**15),
        metadata={"description": "the declared sum (solar), in rials"},
    )
    heads = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=100_000))
    choice = fields.Integer(
        data_key="sum_rials",
        allow_none=True,
        validate=validate.Range(min=1, max=10**15),
        metadata={"description": "one of the product's sums (accident), in rials"},
    )
    core = RowId(data_key="core_id", allow_none=True, metadata={"description": "insure my core's people"})
    instalments = fields.Integer(load_default=1, validate=validate.Range(min=1, max=120))
    renews = BigRowId(
        data_key="renews_id", allow_none=True, metadata={"description": "a policy of mine to renew"}
    )


class PlanSchema(Schema):
    seq = fields.Integer()
    due_on = fields.Date()
    amount_rials = fields.Integer()


class PersonSchema(Schema):
    member_id = fields.Integer(allow_none=True)
    name = fields.String()
    relation = fields.String()


class QuoteSchema(Schema):
    """A quote: nothing is kept and nothing moves."""

    product = fields.String(metadata={"enum": list(PRODUCTS)})
    insured_sum_rials = fields.Integer()
    premium_rials = fields.Integer()
    term_months = fields.Integer()
    starts_on = fields.Date()
    ends_on = fields.Date()
    instalments = fields.List(fields.Nested(PlanSchema))
    people = fields.List(fields.Nested(PersonSchema))
    offer_id = fields.Integer(allow_none=True)
    loan_id = fields.Integer(allow_none=True)
    order_id = fields.Integer(allow_none=True)
    core_id = fields.Integer(allow_none=True)
    heads = fields.Integer()


class PremiumSchema(Schema):
    seq = fields.Integer()
    amount_rials = fields.Integer(attribute="amount")
    due_on = fields.Date()
    paid_on = fields.Date(allow_none=True)


class PolicySchema(Schema):
    """A policy; a loan policy's insured sum is the loan's remaining debt now."""

    id = fields.Integer()
    product = fields.String(metadata={"enum": list(PRODUCTS)})
    status = fields.String(metadata={"enum": list(POLICY_STATUSES)})
    insured_sum_rials = fields.Integer()
    premium_rials = fields.Integer(attribute="premium")
    instalments = fields.Integer()
    starts_on = fields.Date()
    ends_on = fields.Date()
    loan_id = fields.Integer(allow_none=True)
    order_id = fields.Integer(allow_none=True)
    core_id = fields.Integer(allow_none=True)
    heads = fields.Integer()
    renews_id = fields.Integer(allow_none=True)
    created_at = UtcDateTime()


class ClaimSchema(Schema):
    """A claim and, once decided, what was paid or why it was rejected."""

    id = fields.Integer()
    policy_id = fields.Integer()
    product = fields.String(attribute="policy.product", metadata={"enum": list(PRODUCTS)})
    status = fields.String(metadata={"enum": list(CLAIM_STATUSES)})
    description = fields.String()
    loss_on = fields.Date()
    amount_rials = fields.Integer(attribute="amount")
    paid_rials = fields.Integer(attribute="paid")
    reason = fields.String()
    photos = fields.Integer(metadata={"description": "photos and documents attached"})
    created_at = UtcDateTime()
    decided_at = UtcDateTime(allow_none=True)


class QueueClaimSchema(ClaimSchema):
    """A claim as the insurer sees it in the queue."""

    member_id = fields.Integer()
    member_name = fields.String(attribute="member.name")
    region_id = fields.Integer()


class PolicyDetailSchema(PolicySchema):
    people = fields.List(fields.Nested(PersonSchema))
    premiums = fields.List(fields.Nested(PremiumSchema))
    claims = fields.List(fields.Nested(ClaimSchema))


class OfferSchema(Schema):
    id = fields.Integer()
    product = fields.String(metadata={"enum": list(PRODUCTS)})
    source = fields.String(metadata={"enum": ["loan", "order"]})
    source_id = fields.Integer()
    amount_rials = fields.Integer(attribute="amount")
    heads = fields.Integer()
    status = fields.String(metadata={"enum": list(OFFER_STATUSES)})
    expires_on = fields.Date()


class ClaimRequestSchema(Schema):
    """A claim: the photos are tokens of files I uploaded with POST /api/v1/files."""

    description = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    loss_on = fields.Date(required=True, metadata={"description": "the day of the loss (Gregorian)"})
    amount = fields.Integer(
        data_key="amount_rials",
        allow_none=True,
        validate=validate.Range(min=1, max=10**15),
        metadata={"description": "what I claim; a loan policy's claim is the loan's remaining debt"},
    )
    photos = fields.List(fields.String(validate=validate.Length(min=1, max=100)), load_default=list)


class DecisionSchema(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(["approve", "part", "reject"]))
    amount = fields.Integer(
        data_key="amount_rials",
        allow_none=True,
        validate=validate.Range(min=1, max=10**15),
        metadata={"description": "what to pay when part-approving"},
    )
    reason = fields.String(load_default="", validate=validate.Length(max=500))


class PayPremiumSchema(Schema):
    seq = fields.Integer(
        allow_none=True,
        validate=validate.Range(min=1, max=120),
        metadata={"description": "the instalment I mean to pay (refused if already paid)"},
    )

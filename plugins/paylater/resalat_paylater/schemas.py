"""The shapes of the pay-later API (and of its OpenAPI document)."""

from __future__ import annotations

from marshmallow import Schema, fields

from resalat_core.sdk import UtcDateTime

from .models import BUCKETS, CURRENT, STATUSES

RIALS = {"description": "in rials"}


class LimitSchema(Schema):
    """A member's pay-later limit now."""

    rating = fields.String(
        allow_none=True, metadata={"description": "Merat rating, null without a valid score"}
    )
    capacity = fields.Integer(metadata={"description": "monthly repayment capacity from Merat, in rials"})
    limit = fields.Integer(metadata=RIALS)
    used = fields.Integer(metadata=RIALS)
    free = fields.Integer(metadata={"description": "in rials; 0 while frozen"})
    frozen = fields.Boolean(metadata={"description": "true while a purchase is overdue"})
    overdue = fields.Integer(metadata=RIALS)
    next_due = fields.Date(allow_none=True)
    due_days = fields.Integer(metadata={"description": "days from a purchase to its due day"})
    reason = fields.String(
        allow_none=True,
        metadata={"description": "why nothing may be bought: no_score, no_credit or frozen"},
    )
    reason_text = fields.String(allow_none=True)


class DebtSchema(Schema):
    """A purchase bought on pay later: what is owed, by when."""

    id = fields.Integer()
    order_id = fields.Integer(metadata={"description": "the M-Bazar order"})
    amount = fields.Integer(metadata=RIALS)
    status = fields.String(metadata={"enum": list(STATUSES)})
    bucket = fields.String(metadata={"enum": [CURRENT, *BUCKETS]})
    due_on = fields.Date()
    overdue = fields.Boolean()
    paid_on = fields.Date(allow_none=True)
    paid_by = fields.String(allow_none=True, metadata={"enum": ["collected", "member"]})
    returned = fields.Integer(
        metadata={"description": "rials given back after a refund of a repaid purchase"}
    )
    created_at = UtcDateTime()


class RegionSummarySchema(Schema):
    """Open and overdue pay-later debts of one region."""

    region = fields.String(metadata={"description": "region code"})
    region_name = fields.String()
    open_count = fields.Integer()
    open_rials = fields.Integer()
    overdue_count = fields.Integer()
    overdue_rials = fields.Integer()


class OverdueDebtSchema(DebtSchema):
    """An overdue debt as administrators see it, with whose it is."""

    member_id = fields.Integer()
    member_name = fields.String()
    region = fields.String(metadata={"description": "region code"})
    days_overdue = fields.Integer()

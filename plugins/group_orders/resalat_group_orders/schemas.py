"""The shapes of the group orders API (and of its OpenAPI document)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from resalat_core.sdk import UtcDateTime

from .models import PLACE_MAX, SHARE_STATUSES, STATUSES

RIALS = {"description": "in rials"}
QUANTITY = validate.Range(min=0, max=1_000_000)


class PurchaseSchema(Schema):
    """A collective purchase as a member sees it."""

    id = fields.Integer()
    status = fields.String(metadata={"enum": list(STATUSES)})
    status_text = fields.String()
    reason = fields.String(metadata={"description": "why it was declined, failed or cancelled (a code)"})
    title = fields.String()
    product_id = fields.Integer()
    booth_id = fields.Integer()
    booth = fields.String()
    organiser_id = fields.Integer()
    region = fields.String(metadata={"description": "region code of the collection point"})
    collection_point = fields.String()
    listed_price = fields.Integer(metadata=RIALS)
    unit_price = fields.Integer(metadata=RIALS)
    min_quantity = fields.Integer()
    max_quantity = fields.Integer()
    joined_quantity = fields.Integer()
    places_left = fields.Integer()
    deadline = UtcDateTime()
    order_id = fields.Integer(allow_none=True, metadata={"description": "the M-Bazar order, once placed"})
    created_at = UtcDateTime()


class NewPurchaseSchema(Schema):
    """What an organiser sends to open a collective purchase."""

    product_id = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))
    unit_price = fields.Integer(
        required=True,
        validate=validate.Range(min=1, max=10**15),
        metadata={"description": "group price in rials"},
    )
    min_quantity = fields.Integer(required=True, validate=validate.Range(min=1, max=1_000_000))
    max_quantity = fields.Integer(required=True, validate=validate.Range(min=1, max=1_000_000))
    deadline = fields.Date(
        required=True, metadata={"description": "the last day (Gregorian, ISO), Tehran time"}
    )
    collection_point = fields.String(required=True, validate=validate.Length(min=1, max=PLACE_MAX))
    region = fields.String(
        required=True, validate=validate.Length(min=1, max=80), metadata={"description": "region code"}
    )


class DecisionSchema(Schema):
    """The supplier's answer."""

    accept = fields.Boolean(required=True)


class JoinSchema(Schema):
    """A core's quantity (0 leaves), paid from the main account or ``account_id`` (loan money)."""

    core_id = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))
    quantity = fields.Integer(required=True, validate=QUANTITY)
    account_id = fields.Integer(
        load_default=None, allow_none=True, validate=validate.Range(min=1, max=2**31 - 1)
    )


class ShareSchema(Schema):
    """A core's share as its leader (or the organiser) sees it."""

    id = fields.Integer()
    purchase_id = fields.Integer()
    core_id = fields.Integer()
    core = fields.String()
    quantity = fields.Integer()
    paid = fields.Integer(allow_none=True, metadata={"description": "in rials; only for the core's leader"})
    account_id = fields.Integer(allow_none=True, metadata={"description": "only for the core's leader"})
    status = fields.String(metadata={"enum": list(SHARE_STATUSES)})
    status_text = fields.String()
    handed_at = UtcDateTime(allow_none=True)
    received_at = UtcDateTime(allow_none=True)


class PurchaseDetailSchema(PurchaseSchema):
    """A purchase with the cores that joined it."""

    shares = fields.List(fields.Nested(ShareSchema))


class ClosedSchema(Schema):
    purchase_id = fields.Integer()
    status = fields.String(metadata={"enum": list(STATUSES)})

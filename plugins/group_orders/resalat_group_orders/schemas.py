"""The shapes of the group orders API (and of its OpenAPI document)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from resalat_core.sdk import UtcDateTime

from .models import (
    BULK_STATUSES,
    DESCRIPTION_MAX,
    PART_STATUSES,
    PLACE_MAX,
    SHARE_STATUSES,
    STATUSES,
    UNIT_MAX,
)

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


# --- bulk orders ---------------------------------------------------------------------------------


class BulkOrderSchema(Schema):
    """A bulk order as its customer, the area's leaders or a core's leader sees it."""

    id = fields.Integer()
    status = fields.String(metadata={"enum": list(BULK_STATUSES)})
    status_text = fields.String()
    customer_id = fields.Integer()
    customer = fields.String()
    region = fields.String(metadata={"description": "region code of the area whose leaders take it"})
    description = fields.String()
    product_id = fields.Integer(allow_none=True)
    unit = fields.String()
    quantity = fields.Integer()
    unit_price = fields.Integer(metadata=RIALS)
    total = fields.Integer(
        allow_none=True, metadata={"description": "in rials; customer and area leaders only"}
    )
    allocated = fields.Integer(metadata={"description": "units given to cores (offered, accepted or done)"})
    refunded = fields.Integer(
        allow_none=True, metadata={"description": "in rials paid back on cancelling; customer only"}
    )
    deadline = UtcDateTime()
    place = fields.String()
    created_at = UtcDateTime()


class BulkPartSchema(Schema):
    """A core's part of a bulk order."""

    id = fields.Integer()
    order_id = fields.Integer()
    core_id = fields.Integer()
    core = fields.String()
    quantity = fields.Integer()
    amount = fields.Integer(metadata={"description": "its share in rials (quantity × unit price)"})
    paid = fields.Integer(metadata={"description": "in rials paid to the core's leader"})
    status = fields.String(metadata={"enum": list(PART_STATUSES)})
    status_text = fields.String()
    delivered_at = UtcDateTime(allow_none=True)
    confirmed_at = UtcDateTime(allow_none=True)


class BulkOrderDetailSchema(BulkOrderSchema):
    """A bulk order with the parts the reader may see (a core's leader: their own)."""

    parts = fields.List(fields.Nested(BulkPartSchema))


class NewBulkOrderSchema(Schema):
    """What a customer sends to place (and pay) a bulk order."""

    description = fields.String(required=True, validate=validate.Length(min=1, max=DESCRIPTION_MAX))
    unit = fields.String(required=True, validate=validate.Length(min=1, max=UNIT_MAX))
    quantity = fields.Integer(required=True, validate=validate.Range(min=1, max=1_000_000))
    unit_price = fields.Integer(
        required=True,
        validate=validate.Range(min=1, max=10**15),
        metadata={"description": "price of one unit in rials"},
    )
    deadline = fields.Date(
        required=True, metadata={"description": "the last day (Gregorian, ISO), Tehran time"}
    )
    place = fields.String(required=True, validate=validate.Length(min=1, max=PLACE_MAX))
    region = fields.String(
        required=True, validate=validate.Length(min=1, max=80), metadata={"description": "region code"}
    )
    product_id = fields.Integer(
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=1, max=2**31 - 1),
        metadata={"description": "an M-Bazar product as the model, optional"},
    )


class SplitPartSchema(Schema):
    core_id = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))
    quantity = fields.Integer(required=True, validate=validate.Range(min=1, max=1_000_000))


class SplitSchema(Schema):
    """The parts to give: their quantities add up to what is left to give."""

    parts = fields.List(
        fields.Nested(SplitPartSchema), required=True, validate=validate.Length(min=1, max=20)
    )


class AnswerSchema(Schema):
    """The core's leader's answer to a part."""

    accept = fields.Boolean(required=True)

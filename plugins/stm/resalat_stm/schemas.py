"""The shapes of the M-ST API (and of its OpenAPI document)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from resalat_core.sdk import UtcDateTime

from .models import CONSIGNMENT_STATUSES, OPERATOR_STATUSES, SIZES, STATUSES, VEHICLES

RIALS = {"description": "in rials"}


class ApplySchema(Schema):
    """An application to carry parcels."""

    vehicle = fields.String(required=True, validate=validate.OneOf(VEHICLES))
    capacity_kg = fields.Integer(required=True, validate=validate.Range(min=1, max=40_000))
    areas = fields.List(
        fields.String(validate=validate.Length(min=1, max=80)),
        required=True,
        validate=validate.Length(min=1, max=10),
        metadata={"description": "region codes: provinces (with their places) or places"},
    )


class OperatorSchema(Schema):
    id = fields.Integer()
    status = fields.String(metadata={"enum": list(OPERATOR_STATUSES)})
    vehicle = fields.String(metadata={"enum": list(VEHICLES)})
    capacity_kg = fields.Integer()
    region = fields.String(metadata={"description": "region code of the operator's home"})
    areas = fields.List(fields.String(), metadata={"description": "region codes"})
    note = fields.String()


class EventSchema(Schema):
    from_status = fields.String(allow_none=True)
    to_status = fields.String(metadata={"enum": list(STATUSES)})
    actor = fields.String(allow_none=True, metadata={"description": "who, null for the system"})
    note = fields.String()
    at = UtcDateTime()


class ShipmentSchema(Schema):
    """A shipment as its buyer, seller, operator or an approver sees it."""

    id = fields.Integer()
    order_id = fields.Integer()
    status = fields.String(metadata={"enum": list(STATUSES)})
    status_text = fields.String()
    booth = fields.String()
    pickup_region = fields.String(metadata={"description": "region code"})
    dropoff_region = fields.String(metadata={"description": "region code"})
    dropoff_address = fields.String(allow_none=True, metadata={"description": "null for the seller"})
    weight_grams = fields.Integer()
    size = fields.String(metadata={"enum": list(SIZES)})
    fee = fields.Integer(metadata=RIALS)
    consignment_id = fields.Integer(allow_none=True)
    code = fields.String(allow_none=True, metadata={"description": "the delivery code, for the buyer only"})
    role = fields.String(metadata={"enum": ["buyer", "seller", "operator", "admin"]})
    created_at = UtcDateTime()
    updated_at = UtcDateTime()


class TrackingSchema(ShipmentSchema):
    events = fields.List(fields.Nested(EventSchema))


class MoveSchema(Schema):
    action = fields.String(required=True, validate=validate.OneOf(["pickup", "transit", "fail", "return"]))
    note = fields.String(load_default="", validate=validate.Length(max=300))


class CodeSchema(Schema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=12))


class ConsignmentSchema(Schema):
    id = fields.Integer()
    status = fields.String(metadata={"enum": list(CONSIGNMENT_STATUSES)})
    origin = fields.String(metadata={"description": "region code"})
    destination = fields.String(metadata={"description": "region code"})
    operator_id = fields.Integer(allow_none=True)
    parcels = fields.Integer()
    note = fields.String()
    created_at = UtcDateTime()
    left_at = UtcDateTime(allow_none=True)


class OpenConsignmentSchema(Schema):
    origin = fields.String(required=True, validate=validate.Length(min=1, max=80))
    destination = fields.String(required=True, validate=validate.Length(min=1, max=80))
    note = fields.String(load_default="", validate=validate.Length(max=300))


class TariffRowSchema(Schema):
    origin = fields.String(metadata={"description": "province code"})
    destination = fields.String(metadata={"description": "province code"})
    max_grams = fields.Integer()
    price_rials = fields.Integer()

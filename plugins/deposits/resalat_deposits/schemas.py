"""The shapes of the deposits API: what it answers and the bodies it accepts. Amounts are int rials."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from resalat_core.sdk import MAX_AMOUNT, UtcDateTime
from resalat_deposits.models import KINDS, RELATIONS


class PointsSchema(Schema):
    average = fields.Integer(metadata={"description": "time-weighted average over the window, rials"})
    received = fields.Integer()
    given = fields.Integer()
    used = fields.Integer()
    available = fields.Integer()
    window_months = fields.Integer()


class MyDepositSchema(Schema):
    balance = fields.Integer(metadata={"description": "the deposit's balance now, rials"})
    main_balance = fields.Integer(metadata={"description": "the main account's available balance, rials"})
    points = fields.Nested(PointsSchema)


class AmountInSchema(Schema):
    amount = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(min=1, max=MAX_AMOUNT),
        metadata={"description": "rials", "example": 50_000_000},
    )


class MoveSchema(Schema):
    transfer_id = fields.Integer()
    amount = fields.Integer()
    balance = fields.Integer(metadata={"description": "the deposit's balance after, rials"})


class GiveInSchema(Schema):
    mobile = fields.String(
        required=True, validate=validate.Length(max=40), metadata={"example": "09120000002"}
    )
    national_code = fields.String(
        required=True, validate=validate.Length(max=40), metadata={"example": "0012345679"}
    )
    relation = fields.String(required=True, metadata={"enum": list(RELATIONS)})
    amount = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(min=1, max=MAX_AMOUNT),
        metadata={"description": "rials"},
    )
    password = fields.String(
        required=True,
        load_only=True,
        validate=validate.Length(max=200),
        metadata={"description": "the giver's own password, as their signature"},
    )


class PersonSchema(Schema):
    id = fields.Integer()
    name = fields.String()


class MovementSchema(Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"enum": list(KINDS)})
    amount = fields.Integer(metadata={"description": "rials of average balance"})
    counterpart = fields.Nested(PersonSchema, allow_none=True)
    relation = fields.String(allow_none=True, metadata={"enum": list(RELATIONS)})
    created_at = UtcDateTime()


class TermQuerySchema(Schema):
    amount = fields.Integer(
        required=True,
        strict=False,
        validate=validate.Range(min=1, max=MAX_AMOUNT),
        metadata={"description": "rials"},
    )


class TermSchema(Schema):
    amount = fields.Integer()
    available = fields.Integer()
    max_term_months = fields.Integer(
        allow_none=True, metadata={"description": "null: over 100% or no points"}
    )

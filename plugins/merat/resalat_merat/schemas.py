"""The shapes of the Merat API: a score with its lines, a scoring request, the financial profile."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from resalat_core.sdk import UtcDateTime
from resalat_merat.models import NOTE_MAX
from resalat_merat.services import MAX_MONTHLY, RATINGS, REASONS

_RIALS = {"description": "integer rials"}


class PersonSchema(Schema):
    id = fields.Integer()
    name = fields.String()


class WeightSchema(Schema):
    points = fields.Integer(metadata={"description": "points for every `per` of the value"})
    per = fields.Integer(metadata={"description": "the unit of the value the points are given for"})
    max = fields.Integer(allow_none=True, metadata={"description": "the cap (negative for bad signals)"})


class LineSchema(Schema):
    source = fields.String(metadata={"example": "leaders"})
    kind = fields.String(metadata={"example": "social_guarantee"})
    value = fields.Integer(metadata={"description": "the signal's size, in its own unit"})
    weight = fields.Nested(
        WeightSchema, allow_none=True, metadata={"description": "null: a kind no plugin declares (counts 0)"}
    )
    points = fields.Integer(metadata={"description": "what this signal added to (or took from) the score"})
    description = fields.String(metadata={"description": "what the signal says, in the reader's language"})


class ScoreSchema(Schema):
    id = fields.Integer()
    member = fields.Nested(PersonSchema)
    value = fields.Integer(metadata={"description": "0..1000", "example": 712})
    rating = fields.String(metadata={"enum": list(RATINGS), "example": "B"})
    max_monthly_repayment_rials = fields.Integer(metadata=_RIALS)
    base = fields.Integer(metadata={"description": "the starting score the lines add to"})
    reason = fields.String(metadata={"enum": list(REASONS)})
    valid = fields.Boolean(metadata={"description": "still within its validity months"})
    computed_at = UtcDateTime(metadata={"description": "UTC"})
    valid_until = UtcDateTime(metadata={"description": "UTC"})
    lines = fields.List(fields.Nested(LineSchema))


class RequestSchema(Schema):
    id = fields.Integer()
    reason = fields.String(metadata={"enum": list(REASONS)})
    reference = fields.String(allow_none=True)
    requested_by = fields.Nested(PersonSchema, allow_none=True)
    score_id = fields.Integer(allow_none=True)
    created_at = UtcDateTime(metadata={"description": "UTC"})


class ProfileSchema(Schema):
    monthly_income_rials = fields.Integer(metadata=_RIALS)
    monthly_expenses_rials = fields.Integer(metadata=_RIALS)
    note = fields.String()
    updated_at = UtcDateTime(allow_none=True, metadata={"description": "UTC"})


_AMOUNT = validate.Range(min=0, max=MAX_MONTHLY)


class ProfileBodySchema(Schema):
    # Named as the service names them; the client sends (and reads errors under) the data keys.
    monthly_income = fields.Integer(
        required=True, strict=True, validate=_AMOUNT, data_key="monthly_income_rials", metadata=_RIALS
    )
    monthly_expenses = fields.Integer(
        required=True, strict=True, validate=_AMOUNT, data_key="monthly_expenses_rials", metadata=_RIALS
    )
    note = fields.String(load_default="", validate=validate.Length(max=NOTE_MAX))


class LookupBodySchema(Schema):
    member = fields.String(
        required=True,
        validate=validate.Length(min=1, max=40),
        metadata={"description": "the member's mobile or national code", "example": "09121234567"},
    )
    recompute = fields.Boolean(
        load_default=False, metadata={"description": "compute a new score even if one is still valid"}
    )

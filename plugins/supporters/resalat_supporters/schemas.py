"""The shapes of the supporters API: support actions, introductions, sponsorships and their bodies."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from resalat_core.sdk import UtcDateTime
from resalat_supporters.models import DESCRIPTION_MAX, NOTE_MAX, PURPOSE_MAX, STATUSES
from resalat_supporters.services import KINDS

_RIALS = {"description": "integer rials"}
_JALALI = {"description": "Jalali day, YYYY/MM/DD", "example": "1404/01/31"}


class PersonSchema(Schema):
    id = fields.Integer()
    name = fields.String()


class CoreRefSchema(Schema):
    id = fields.Integer()
    code = fields.String(metadata={"description": "the core ID", "example": "ZNJ-LIVESTOCK-000012"})
    name = fields.String()


class CentreRefSchema(Schema):
    id = fields.Integer()
    name = fields.String()


class MeSchema(Schema):
    kinds = fields.List(
        fields.String(),
        metadata={"description": "the supporter kinds I hold", "example": ["credit", "cultural"]},
    )
    awaiting_introductions = fields.Integer(metadata={"description": "introductions awaiting my answer"})


class ActionSchema(Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"example": "technical"})
    supporter = fields.Nested(PersonSchema)
    beneficiary_member = fields.Nested(PersonSchema, allow_none=True)
    beneficiary_core = fields.Nested(CoreRefSchema, allow_none=True)
    happened_on = fields.Date()
    happened_on_jalali = fields.String(metadata=_JALALI)
    description = fields.String()
    hours = fields.Float(allow_none=True, metadata={"example": 1.5})
    amount_rials = fields.Integer(allow_none=True, metadata=_RIALS)
    created_at = UtcDateTime(metadata={"description": "UTC"})


class ActionBodySchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(KINDS), metadata={"example": "technical"})
    member = fields.String(
        load_default="",
        validate=validate.Length(max=40),
        metadata={"description": "the beneficiary's mobile or national code (or give core)"},
    )
    core = fields.String(
        load_default="",
        validate=validate.Length(max=40),
        metadata={"description": "the beneficiary core's core ID (or give member)"},
    )
    happened_on = fields.String(required=True, validate=validate.Length(max=20), metadata=_JALALI)
    description = fields.String(required=True, validate=validate.Length(max=DESCRIPTION_MAX))
    hours = fields.Float(load_default=None, allow_none=True, metadata={"example": 2})
    amount = fields.Integer(
        data_key="amount_rials", load_default=None, allow_none=True, strict=True, metadata=_RIALS
    )


class IntroductionSchema(Schema):
    id = fields.Integer()
    status = fields.String(metadata={"example": "awaiting", "enum": list(STATUSES)})
    status_note = fields.String()
    supporter = fields.Nested(PersonSchema)
    member = fields.Nested(PersonSchema)
    core = fields.Nested(CoreRefSchema)
    estimate_rials = fields.Integer(metadata=_RIALS)
    amount_rials = fields.Integer(metadata=_RIALS)
    ceiling_rials = fields.Integer(metadata={"description": "the most this estimate allowed, rials"})
    purpose = fields.String()
    created_at = UtcDateTime()
    answered_at = UtcDateTime(allow_none=True)
    status_changed_at = UtcDateTime()


class IntroductionBodySchema(Schema):
    core = fields.String(
        data_key="core_code",
        required=True,
        validate=validate.Length(min=1, max=40),
        metadata={"description": "the core ID"},
    )
    mobile = fields.String(
        required=True, validate=validate.Length(max=40), metadata={"example": "09120000003"}
    )
    national_code = fields.String(required=True, validate=validate.Length(max=40))
    estimate = fields.Integer(
        data_key="estimate_rials",
        required=True,
        strict=True,
        metadata={"description": "the business's estimated value, rials"},
    )
    purpose = fields.String(required=True, validate=validate.Length(max=PURPOSE_MAX))
    amount = fields.Integer(
        data_key="amount_rials", required=True, strict=True, metadata={"description": "the loan asked for"}
    )


class IntroductionsQuerySchema(Schema):
    """``?status=``; page and per_page are read by the host's pagination helper."""

    class Meta:
        unknown = EXCLUDE

    status = fields.String(load_default=None, validate=validate.OneOf(STATUSES))


class CeilingQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    estimate = fields.Integer(data_key="estimate_rials", required=True, metadata=_RIALS)


class CeilingSchema(Schema):
    estimate_rials = fields.Integer(metadata=_RIALS)
    ceiling_rials = fields.Integer(metadata={"description": "the most an introduction may ask for"})
    ratio_percent = fields.Integer(metadata={"example": 50})
    max_rials = fields.Integer(metadata={"description": "the cap whatever the estimate"})


class ReasonSchema(Schema):
    reason = fields.String(load_default="", validate=validate.Length(max=NOTE_MAX))


class SponsorshipSchema(Schema):
    id = fields.Integer()
    centre = fields.Nested(CentreRefSchema)
    starts_on = fields.Date()
    ends_on = fields.Date()
    starts_on_jalali = fields.String(metadata=_JALALI)
    ends_on_jalali = fields.String(metadata=_JALALI)
    note = fields.String()
    active = fields.Boolean(metadata={"description": "counts in the members' credit today"})
    ended_at = UtcDateTime(allow_none=True, metadata={"description": "set when ended early"})
    created_at = UtcDateTime()


class SponsorshipBodySchema(Schema):
    centre = fields.Integer(data_key="centre_id", required=True, strict=True)
    starts_on = fields.String(required=True, validate=validate.Length(max=20), metadata=_JALALI)
    ends_on = fields.String(required=True, validate=validate.Length(max=20), metadata=_JALALI)
    note = fields.String(load_default="", validate=validate.Length(max=NOTE_MAX))

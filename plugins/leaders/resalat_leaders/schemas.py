"""The shapes of the leaders API: what it answers and the bodies it accepts."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from resalat_core.sdk import UtcDateTime
from resalat_leaders.models import (
    DESCRIPTION_MAX,
    GUARANTEE_STATUSES,
    INTRODUCTION_STATUSES,
    NOTE_MAX,
    REASON_MAX,
    STATEMENT_MAX,
    TALENT_MAX,
    TRADE_NAME_MAX,
)
from resalat_leaders.services import today

# Free text is checked (and normalised) by the services; the schema only bounds its size, loosely,
# so that the services' per-field messages are the ones a caller reads.
_TEXT = 20_000


class PersonSchema(Schema):
    id = fields.Integer()
    name = fields.String()


class RegionSchema(Schema):
    code = fields.String(metadata={"example": "sistan-baluchestan/arbab"})
    name_fa = fields.String()
    name_en = fields.String()


class TalentSchema(Schema):
    id = fields.Integer()
    member = fields.Nested(PersonSchema)
    leader = fields.Nested(PersonSchema)
    region = fields.Nested(RegionSchema)
    talent = fields.String(metadata={"example": "خیاطی لباس محلی"})
    note = fields.String()
    status = fields.String(metadata={"enum": list(INTRODUCTION_STATUSES)})
    created_at = UtcDateTime()
    updated_at = UtcDateTime()


class TalentInSchema(Schema):
    member = fields.String(
        required=True,
        validate=validate.Length(max=40),
        metadata={"description": "the member's mobile or national code", "example": "09120000002"},
    )
    talent = fields.String(required=True, validate=validate.Length(max=TALENT_MAX * 2))
    note = fields.String(load_default="", validate=validate.Length(max=NOTE_MAX * 2))


class TradeSchema(Schema):
    id = fields.Integer()
    name = fields.String(metadata={"example": "سوزن‌دوزی بلوچ"})
    region = fields.Nested(RegionSchema)
    leader = fields.Nested(PersonSchema)
    description = fields.String()
    households = fields.Integer(metadata={"example": 40})
    status = fields.String(metadata={"enum": list(INTRODUCTION_STATUSES)})
    created_at = UtcDateTime()
    updated_at = UtcDateTime()


class TradeInSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(max=TRADE_NAME_MAX * 2))
    region = fields.String(
        required=True, validate=validate.Length(max=80), metadata={"example": "sistan-baluchestan/arbab"}
    )
    households = fields.Raw(
        required=True, metadata={"description": "a whole number, 0 or more", "example": 40}
    )
    description = fields.String(load_default="", validate=validate.Length(max=DESCRIPTION_MAX * 2))


class StatusInSchema(Schema):
    status = fields.String(
        required=True,
        # "new" is a status too: moving back to it is the service's refusal (status_backwards).
        validate=validate.OneOf(INTRODUCTION_STATUSES),
        metadata={"enum": [s for s in INTRODUCTION_STATUSES if s != "new"]},
    )


class IntroductionQuerySchema(Schema):
    """``?status=&q=``; page and per_page are read by the host's pagination helper."""

    class Meta:
        unknown = EXCLUDE

    status = fields.String(load_default=None, validate=validate.OneOf(INTRODUCTION_STATUSES))
    q = fields.String(load_default=None, validate=validate.Length(max=100))


class GuaranteeSchema(Schema):
    id = fields.Integer()
    member = fields.Nested(PersonSchema)
    leader = fields.Nested(PersonSchema)
    cap_rials = fields.Integer(metadata={"example": 500_000_000})
    statement = fields.String()
    valid_until = fields.Date(allow_none=True)
    # Expiry is computed from valid_until, so the state is read on the day it is asked.
    status = fields.Function(lambda g: g.state(today()), metadata={"enum": list(GUARANTEE_STATUSES)})
    signed_at = UtcDateTime()
    revoked_at = UtcDateTime(allow_none=True)
    revoked_reason = fields.String(allow_none=True)


class GuaranteeInSchema(Schema):
    member = fields.String(
        required=True,
        validate=validate.Length(max=40),
        metadata={"description": "the member's mobile or national code", "example": "09120000002"},
    )
    cap = fields.Raw(
        required=True,
        metadata={"description": "the cap in tomans: a number, or digits as text", "example": "50000000"},
    )
    statement = fields.String(required=True, validate=validate.Length(max=STATEMENT_MAX * 2))
    valid_until = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=20),
        metadata={"description": "the last day it holds, Jalali (YYYY/MM/DD); empty: until revoked"},
    )
    password = fields.String(
        required=True,
        validate=validate.Length(max=200),
        load_only=True,
        metadata={"description": "the leader's own password: the signature"},
    )


class RevokeInSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(max=REASON_MAX * 2))


class GuaranteeQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    status = fields.String(load_default=None, validate=validate.OneOf(GUARANTEE_STATUSES))


class CoreSchema(Schema):
    id = fields.Integer()
    code = fields.String(
        allow_none=True, metadata={"description": "the core ID", "example": "SB-CLOTHING-000001"}
    )
    name = fields.String()
    status = fields.String()
    leader = fields.Nested(PersonSchema)
    field = fields.Function(lambda c: c.field.code)
    region = fields.Nested(RegionSchema)
    created_at = UtcDateTime()


class CoreQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    field = fields.String(load_default=None, validate=validate.Length(max=40))
    status = fields.String(load_default=None, validate=validate.OneOf(("candidate", "active", "suspended")))
    q = fields.String(load_default=None, validate=validate.Length(max=100))

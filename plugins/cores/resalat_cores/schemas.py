"""The shapes of the cores API: what it answers (never a national code in public) and what it accepts."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from resalat_core.sdk import UtcDateTime, mobile_for_reader, national_code_for_reader
from resalat_cores.models import DESCRIPTION_MAX, NAME_MAX, REASON_MAX, STATUSES

# Generous bounds on raw input: the services hold the real rules and say what is wrong.
_SHORT = validate.Length(max=200)
FAMILY_MAX = 30


class FieldSchema(Schema):
    code = fields.String(metadata={"example": "livestock"})
    name_fa = fields.String(metadata={"example": "دام سبک"})
    name_en = fields.String(metadata={"example": "Light livestock"})


class RegionSchema(Schema):
    code = fields.String(metadata={"example": "zanjan/gorg-tappeh"})
    name_fa = fields.String()
    name_en = fields.String()


class CoreSchema(Schema):
    """A core as anyone may see it: who leads it, but none of its people's national codes or mobiles."""

    id = fields.Integer()
    code = fields.String(
        allow_none=True, metadata={"example": "ZNJ-LIVESTOCK-000012", "description": "the core ID"}
    )
    name = fields.String()
    status = fields.String(metadata={"enum": list(STATUSES)})
    field = fields.Nested(FieldSchema)
    region = fields.Nested(RegionSchema)
    leader_name = fields.Function(lambda core: core.leader.name)
    existed_before = fields.Boolean()
    description = fields.String()
    members_count = fields.Integer()
    created_at = UtcDateTime()
    approved_at = UtcDateTime(allow_none=True)


class CoreMemberSchema(Schema):
    """A person in a core, for its leader and reviewers only."""

    id = fields.Integer()
    name = fields.String()
    national_code = fields.Function(
        lambda p: national_code_for_reader(p.national_code, p.member_id),
        metadata={"description": "the last four digits unless it is the reader's own"},
    )
    mobile = fields.Function(
        lambda p: mobile_for_reader(p.mobile, p.member_id) if p.mobile else None,
        allow_none=True,
        metadata={"description": "masked (0912•••4567) unless it is the reader's own"},
    )
    relation = fields.String()
    member_id = fields.Integer(allow_none=True)
    created_at = UtcDateTime()


class FamilyMemberSchema(Schema):
    name = fields.String(required=True, validate=_SHORT)
    national_code = fields.String(required=True, validate=_SHORT, metadata={"example": "0012345679"})
    relation = fields.String(
        required=True, metadata={"enum": ["spouse", "child", "parent", "sibling", "relative", "other"]}
    )
    mobile = fields.String(load_default=None, allow_none=True, validate=_SHORT)


class NewCoreSchema(Schema):
    """Register a core; a guide may name another member as its ``leader`` (mobile or national code)."""

    name = fields.String(required=True, validate=validate.Length(max=NAME_MAX * 2))
    field = fields.String(required=True, validate=_SHORT, metadata={"example": "livestock"})
    region = fields.String(required=True, validate=_SHORT, metadata={"example": "zanjan/gorg-tappeh"})
    existed_before = fields.Boolean(required=True)
    description = fields.String(load_default="", validate=validate.Length(max=DESCRIPTION_MAX * 2))
    family = fields.List(
        fields.Nested(FamilyMemberSchema), load_default=list, validate=validate.Length(max=FAMILY_MAX)
    )
    leader = fields.String(
        load_default=None,
        allow_none=True,
        validate=_SHORT,
        metadata={"description": "a guide registering for a member: their mobile or national code"},
    )


class NewCoreMemberSchema(FamilyMemberSchema):
    """Add a person to a core."""


class StatusChangeSchema(Schema):
    status = fields.String(required=True, metadata={"enum": list(STATUSES)})
    reason = fields.String(required=True, validate=validate.Length(max=REASON_MAX * 2))


class HistorySchema(Schema):
    from_status = fields.String(allow_none=True)
    to_status = fields.String()
    reason = fields.String()
    actor_name = fields.Function(lambda change: change.actor.name if change.actor else None)
    at = UtcDateTime()


class SearchQuerySchema(Schema):
    """``?field=&region=&q=``; page and per_page are read by the host's pagination helper."""

    class Meta:
        unknown = EXCLUDE

    field = fields.String(load_default=None, validate=_SHORT)
    region = fields.String(load_default=None, validate=_SHORT)
    q = fields.String(load_default=None, validate=_SHORT)


class QueueQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    status = fields.String(load_default="candidate", validate=validate.OneOf(STATUSES))

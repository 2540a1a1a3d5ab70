"""The shapes of the guides API: what it answers and the bodies it accepts.

Bodies are typed here and checked in the services, which report every bad field in the reader's
language; dates in the API are ISO 8601 (2025-03-21), as JSON clients expect.
"""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from resalat_core.sdk import UtcDateTime
from resalat_guides.models import LINK_STATUSES, STATUSES

_ID = {"metadata": {"example": 12}}


class CandidateBodySchema(Schema):
    name = fields.String(load_default="", metadata={"example": "جعفر قراجه‌لو"})
    national_code = fields.String(load_default="", metadata={"example": "0012345679"})
    mobile = fields.String(load_default="", metadata={"example": "09121234567"})
    region = fields.String(load_default="", metadata={"example": "zanjan/gorg-tappeh"})
    intent = fields.String(load_default="", metadata={"description": "grow or start", "example": "grow"})
    field = fields.String(load_default="", metadata={"description": "a field code", "example": "livestock"})
    experience_years = fields.Integer(load_default=0, strict=True, metadata={"example": 12})


class CandidateSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    national_code = fields.String()
    mobile = fields.String()
    region = fields.Function(lambda c: c.region.code, metadata={"example": "zanjan/gorg-tappeh"})
    region_name_fa = fields.Function(lambda c: c.region.name_fa)
    intent = fields.String(metadata={"example": "grow"})
    field = fields.Function(lambda c: c.field.code, metadata={"example": "livestock"})
    experience_years = fields.Integer()
    priority = fields.Integer(metadata={"description": "higher first: 2 for experience + 1 for growing"})
    status = fields.String(metadata={"example": "advised"})
    guide_id = fields.Integer()
    member_id = fields.Integer(allow_none=True)
    core_id = fields.Integer(allow_none=True)
    created_at = UtcDateTime()
    updated_at = UtcDateTime()


class CandidateQuerySchema(Schema):
    """``?status=&q=``; page and per_page are read by the host's pagination helper."""

    class Meta:
        unknown = EXCLUDE

    # A code the client sends, checked here so the error names the codes; empty: every status.
    status = fields.String(load_default="", validate=validate.OneOf(("", *STATUSES)))
    q = fields.String(load_default="")


class AdviceBodySchema(Schema):
    text = fields.String(load_default="", metadata={"example": "برای بهبود نژاد، قوچ افشاری تهیه کنید."})
    next_step = fields.String(load_default="", metadata={"example": "دریافت شناسه‌ی هسته"})
    advised_on = fields.Date(load_default=None, allow_none=True, metadata={"description": "default: today"})
    follow_up_on = fields.Date(load_default=None, allow_none=True)


class AdviceSchema(Schema):
    id = fields.Integer()
    candidate_id = fields.Integer()
    guide_id = fields.Integer()
    guide_name = fields.Function(lambda a: a.guide.name)
    advised_on = fields.Date()
    text = fields.String()
    next_step = fields.String()
    follow_up_on = fields.Date(allow_none=True)
    created_at = UtcDateTime()


class StatusBodySchema(Schema):
    status = fields.String(load_default="", metadata={"example": "dropped"})
    reason = fields.String(load_default="", metadata={"description": "required when dropping"})


class StatusChangeSchema(Schema):
    id = fields.Integer()
    from_status = fields.String(allow_none=True)
    to_status = fields.String()
    reason = fields.String()
    actor_id = fields.Integer()
    created_at = UtcDateTime()


class CoreBodySchema(Schema):
    core_name = fields.String(load_default="", metadata={"example": "دام سبک قراجه‌لو"})
    description = fields.String(load_default="")
    approve = fields.Boolean(
        load_default=False, metadata={"description": "approve at once: issue the core ID"}
    )
    core_code = fields.String(
        load_default="", metadata={"description": "their core is already registered: its core ID, to link it"}
    )


class CoreBriefSchema(Schema):
    id = fields.Integer()
    code = fields.String(allow_none=True, metadata={"example": "ZNJ-LIVESTOCK-000012"})
    name = fields.String()
    status = fields.String()
    region = fields.Function(lambda c: c.region.code)
    leader_id = fields.Integer()


class CandidateCoreSchema(Schema):
    candidate = fields.Nested(CandidateSchema)
    core = fields.Nested(CoreBriefSchema)


class LinkBodySchema(Schema):
    source_core_id = fields.Integer(load_default=None, allow_none=True, strict=True, **_ID)
    target_core_id = fields.Integer(load_default=None, allow_none=True, strict=True, **_ID)
    target_core_code = fields.String(
        load_default="", metadata={"description": "the other core's ID, instead of target_core_id"}
    )
    product = fields.String(load_default="", metadata={"example": "پشم"})
    note = fields.String(load_default="")


class LinkSchema(Schema):
    id = fields.Integer()
    source = fields.Nested(CoreBriefSchema)
    target = fields.Nested(CoreBriefSchema)
    product = fields.String()
    note = fields.String()
    status = fields.String(metadata={"example": "pending"})
    suggested_by_id = fields.Integer()
    decided_by_id = fields.Integer(allow_none=True)
    decided_at = UtcDateTime(allow_none=True)
    decline_reason = fields.String()
    created_at = UtcDateTime()


class LinkQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    status = fields.String(load_default="", validate=validate.OneOf(("", *LINK_STATUSES)))


class DecisionBodySchema(Schema):
    reason = fields.String(load_default="", metadata={"description": "why, when declining (optional)"})


class DashboardSchema(Schema):
    candidates = fields.Dict(
        keys=fields.String(), values=fields.Integer(), metadata={"example": {"advised": 3}}
    )
    candidates_total = fields.Integer()
    cores = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={"example": {"active": 5}})
    cores_total = fields.Integer()
    follow_ups_due = fields.Integer()
    pending_links = fields.Integer()

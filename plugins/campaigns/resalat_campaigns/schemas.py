"""The shapes the campaigns' API reads and writes (and documents in OpenAPI)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from resalat_core.sdk import MAX_AMOUNT, UtcDateTime

from .models import CAUSES, MESSAGE_MAX, STATUSES, STORY_MAX, TITLE_MAX, UPDATE_MAX


class CampaignSchema(Schema):
    """A campaign as the API shows it: amounts in rials."""

    id = fields.Integer()
    title = fields.String()
    story = fields.String()
    status = fields.String(metadata={"enum": list(STATUSES)})
    cause = fields.String(metadata={"enum": list(CAUSES)})
    core_id = fields.Integer(allow_none=True)
    region = fields.String(metadata={"description": "the region's code"})
    beneficiary_id = fields.Integer()
    beneficiary = fields.String(metadata={"description": "the beneficiary's name"})
    organiser_id = fields.Integer()
    goal_rials = fields.Integer()
    raised_rials = fields.Integer()
    left_rials = fields.Integer(metadata={"description": "what is left to the goal"})
    donations = fields.Integer()
    deadline = fields.Date()
    days_left = fields.Integer()
    photo = fields.String(allow_none=True, metadata={"description": "the photo's URL"})
    delivered_rials = fields.Integer()
    refunded_rials = fields.Integer()
    account_id = fields.Integer(allow_none=True, metadata={"description": "the earmarked account it went to"})
    created_at = UtcDateTime()
    ended_at = UtcDateTime(allow_none=True)


class NewCampaignSchema(Schema):
    """What a client sends to open a campaign."""

    title = fields.String(required=True, validate=validate.Length(min=1, max=TITLE_MAX))
    story = fields.String(required=True, validate=validate.Length(min=1, max=STORY_MAX))
    goal_rials = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=MAX_AMOUNT))
    deadline = fields.Date(required=True)
    cause = fields.String(required=True, validate=validate.OneOf(CAUSES))
    core_id = fields.Integer(strict=True, load_default=None, allow_none=True, validate=validate.Range(min=1))
    region = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))
    responsible = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=20),
        metadata={"description": "the responsible member's mobile or national code (a place's need)"},
    )
    photo = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=100),
        metadata={"description": "an upload's token"},
    )


class DonationRequestSchema(Schema):
    """A donation: from my main account into the campaign's pool."""

    amount_rials = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=MAX_AMOUNT))
    anonymous = fields.Boolean(load_default=False)
    message = fields.String(load_default="", validate=validate.Length(max=MESSAGE_MAX))


class DonationSchema(Schema):
    """A donation as a campaign's page shows it: an anonymous donor has no name nor id."""

    id = fields.Integer()
    campaign_id = fields.Integer()
    donor_id = fields.Integer(allow_none=True)
    donor = fields.String(allow_none=True)
    amount_rials = fields.Integer()
    anonymous = fields.Boolean()
    message = fields.String()
    created_at = UtcDateTime()
    refunded_at = UtcDateTime(allow_none=True)


class UpdateRequestSchema(Schema):
    text = fields.String(required=True, validate=validate.Length(min=1, max=UPDATE_MAX))


class UpdateSchema(Schema):
    id = fields.Integer()
    campaign_id = fields.Integer()
    author = fields.String()
    text = fields.String()
    created_at = UtcDateTime()


class CloseDueSchema(Schema):
    closed = fields.Integer()
    delivered = fields.Integer()

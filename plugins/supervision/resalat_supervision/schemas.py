"""The shapes of the social supervision API: reviews, reports, handlers' acts and reputations."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from resalat_core.sdk import MAX_BIG_ID, UtcDateTime
from resalat_supervision.models import (
    ACTIONS,
    CATEGORIES,
    DESCRIPTION_MAX,
    KINDS,
    NOTE_MAX,
    REPLY_MAX,
    REVIEW_TEXT_MAX,
    STATUSES,
)

# Ids are database integers; anything bigger cannot exist and would only upset PostgreSQL.
_ID = {"strict": True, "validate": validate.Range(min=1, max=2**31 - 1)}
_KIND = {"validate": validate.OneOf(KINDS), "metadata": {"description": "booth or product"}}


class SubjectQuerySchema(Schema):
    """``?kind=&subject_id=``; page and per_page are read by the host's pagination helper."""

    class Meta:
        unknown = EXCLUDE

    kind = fields.String(required=True, **_KIND)
    subject_id = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))


class ReviewSchema(Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"example": "product"})
    subject_id = fields.Integer()
    booth_id = fields.Integer()
    order_id = fields.Integer()
    author = fields.Function(lambda r: r.author.name, metadata={"description": "the reviewer's name"})
    stars = fields.Integer(metadata={"example": 5})
    text = fields.String()
    created_at = UtcDateTime(metadata={"description": "UTC"})
    edited_at = UtcDateTime(allow_none=True)
    reply = fields.String(allow_none=True, metadata={"description": "the seller's answer"})
    replied_at = UtcDateTime(allow_none=True)


class ReviewBodySchema(Schema):
    kind = fields.String(required=True, **_KIND)
    subject_id = fields.Integer(required=True, **_ID)
    stars = fields.Integer(required=True, strict=True, metadata={"description": "1 to 5", "example": 5})
    text = fields.String(load_default="", validate=validate.Length(max=REVIEW_TEXT_MAX * 2))
    order_id = fields.Integer(
        load_default=None,
        allow_none=True,
        metadata={"description": "which completed order; by default one not yet reviewed"},
        strict=True,
        # Orders have 64-bit ids (BigId).
        validate=validate.Range(min=1, max=MAX_BIG_ID),
    )


class ReviewEditSchema(Schema):
    stars = fields.Integer(required=True, strict=True, metadata={"description": "1 to 5"})
    text = fields.String(load_default="", validate=validate.Length(max=REVIEW_TEXT_MAX * 2))


class ReplySchema(Schema):
    reply = fields.String(required=True, validate=validate.Length(min=1, max=REPLY_MAX * 2))


class ActionSchema(Schema):
    id = fields.Integer()
    action = fields.String(metadata={"example": "warn"})
    from_status = fields.String(allow_none=True)
    to_status = fields.String()
    note = fields.String()
    created_at = UtcDateTime()


class PublicReportSchema(Schema):
    """A report as anyone may see it: what about, which problem, where it stands. Never who filed it."""

    id = fields.Integer()
    kind = fields.String()
    subject_id = fields.Integer()
    booth_id = fields.Integer()
    category = fields.String(metadata={"example": "price"})
    status = fields.String(metadata={"example": "open"})
    outcome = fields.String(allow_none=True, metadata={"example": "warned"})
    created_at = UtcDateTime()
    updated_at = UtcDateTime()


class ReportSchema(PublicReportSchema):
    """A report as its reporter or a handler of its area sees it."""

    region = fields.Function(lambda r: r.region.code, metadata={"example": "zanjan/gorg-tappeh"})
    reporter = fields.Function(lambda r: r.reporter.name)
    seen_price_rials = fields.Integer(attribute="seen_price", allow_none=True)
    reference_price_rials = fields.Integer(attribute="reference_price", allow_none=True)
    description = fields.String()
    subject_hidden = fields.Boolean(metadata={"description": "hidden by this report's decision"})


class ReportDetailSchema(ReportSchema):
    actions = fields.List(fields.Nested(ActionSchema), metadata={"description": "the history, oldest first"})


class ReportBodySchema(Schema):
    kind = fields.String(required=True, **_KIND)
    subject_id = fields.Integer(required=True, **_ID)
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    description = fields.String(required=True, validate=validate.Length(min=1, max=DESCRIPTION_MAX * 2))
    # Read with the host's read_money: a number or text, Persian digits and separators welcome.
    seen_price = fields.Raw(
        data_key="seen_price_tomans",
        load_default=None,
        metadata={"description": "price reports: the price seen, in tomans", "example": 450000},
    )
    reference_price = fields.Raw(
        data_key="reference_price_tomans",
        load_default=None,
        metadata={"description": "price reports: what it usually costs, in tomans", "example": 380000},
    )


class ActBodySchema(Schema):
    action = fields.String(required=True, validate=validate.OneOf(ACTIONS))
    note = fields.String(required=True, validate=validate.Length(max=NOTE_MAX * 2))


class QueueQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    status = fields.String(
        load_default=None,
        validate=validate.OneOf(STATUSES),
        metadata={"description": "one status; by default open and under_review"},
    )


class ReputationSchema(Schema):
    kind = fields.String()
    subject_id = fields.Integer()
    rating = fields.Float(allow_none=True, metadata={"description": "average stars; null before any"})
    reviews = fields.Integer()
    open_reports = fields.Integer()
    url = fields.String(allow_none=True)
    hidden = fields.Boolean()

"""The shapes Rasan's API reads and writes (and documents in OpenAPI)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from resalat_core.sdk import PageMeta, RowId, UtcDateTime

from .models import KINDS, PHOTOS_MAX, POST, REPORT_STATUSES

# Bodies are bounded well past the services' own limits: a text one character too long gets the
# service's clear message naming its limit, not the schema's.
_LONG = 20_000


class AuthorSchema(Schema):
    id = fields.Integer()
    name = fields.String()


class CardSchema(Schema):
    """An M-Bazar product shown on a post; ``available`` is false once it is hidden or removed."""

    product_id = fields.Integer()
    title = fields.String(allow_none=True)
    price_rials = fields.Integer(allow_none=True)
    available = fields.Boolean()
    url = fields.String(allow_none=True, metadata={"description": "the product's page, to buy it"})


class PhotoSchema(Schema):
    url = fields.String()
    thumb_url = fields.String()


class PostSchema(Schema):
    id = fields.Integer()
    author = fields.Nested(AuthorSchema)
    core_id = fields.Integer(allow_none=True)
    core_name = fields.String(allow_none=True)
    group_id = fields.Integer(allow_none=True)
    kind = fields.String(validate=validate.OneOf(KINDS))
    field = fields.String(allow_none=True)
    text = fields.String()
    hashtags = fields.List(fields.String())
    photos = fields.List(fields.Nested(PhotoSchema))
    product = fields.Nested(CardSchema, allow_none=True)
    like_count = fields.Integer()
    comment_count = fields.Integer()
    liked = fields.Boolean(metadata={"description": "the caller likes it"})
    hidden = fields.Boolean()
    hidden_note = fields.String(
        allow_none=True, metadata={"description": "the moderator's note (author and moderators)"}
    )
    created_at = UtcDateTime()


class CursorMeta(Schema):
    """Where a keyset page stands: pass ``next`` as ``cursor`` for the following page (null: the end)."""

    per_page = fields.Integer(validate=validate.Range(min=1))
    next = fields.String(allow_none=True)


class PostPageSchema(Schema):
    items = fields.List(fields.Nested(PostSchema))
    meta = fields.Nested(CursorMeta)


class NewPostSchema(Schema):
    text = fields.String(required=True, validate=validate.Length(max=_LONG))
    kind = fields.String(load_default=POST, validate=validate.OneOf(KINDS))
    field = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=40))
    core_id = RowId(
        load_default=None, allow_none=True, metadata={"description": "post as this core (you lead it)"}
    )
    group_id = RowId(load_default=None, allow_none=True)
    product_id = RowId(
        load_default=None, allow_none=True, metadata={"description": "an M-Bazar product to show"}
    )
    photos = fields.List(
        fields.String(validate=validate.Length(min=1, max=200)),
        load_default=list,
        validate=validate.Length(max=PHOTOS_MAX),
        metadata={"description": "tokens of images uploaded first with POST /api/v1/files"},
    )


class EditPostSchema(Schema):
    text = fields.String(required=True, validate=validate.Length(max=_LONG))


class CommentSchema(Schema):
    id = fields.Integer()
    post_id = fields.Integer()
    author = fields.Nested(AuthorSchema)
    text = fields.String()
    is_answer = fields.Boolean(metadata={"description": "an expert's answer to a question"})
    created_at = UtcDateTime()


class NewCommentSchema(Schema):
    text = fields.String(required=True, validate=validate.Length(max=_LONG))


class NewReportSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(max=_LONG))


class ReportSchema(Schema):
    id = fields.Integer()
    post_id = fields.Integer()
    reason = fields.String()
    status = fields.String(validate=validate.OneOf(REPORT_STATUSES))
    created_at = UtcDateTime()


class FollowStateSchema(Schema):
    following = fields.Boolean()
    followers = fields.Integer()


class GroupSchema(Schema):
    id = fields.Integer()
    title = fields.String()
    description = fields.String()
    field = fields.String(attribute="field_code", allow_none=True)
    region = fields.String(attribute="region.code")
    member_count = fields.Integer()
    joined = fields.Boolean(metadata={"description": "the caller is a member"})
    created_at = UtcDateTime()


class NewGroupSchema(Schema):
    title = fields.String(required=True, validate=validate.Length(max=_LONG))
    description = fields.String(load_default="", validate=validate.Length(max=_LONG))
    field = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=40))
    region = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))


class ModerateSchema(Schema):
    action = fields.String(required=True, validate=validate.OneOf(("hide", "restore")))
    note = fields.String(load_default="", validate=validate.Length(max=_LONG))


class QueueItemSchema(Schema):
    post = fields.Nested(PostSchema)
    reports = fields.Integer()


__all__ = ["PageMeta"]

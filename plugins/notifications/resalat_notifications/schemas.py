"""The shapes of the notifications API: what it answers and the bodies it accepts."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from resalat_core.sdk import MAX_BIG_ID, UtcDateTime
from resalat_notifications.models import BODY_MAX, TITLE_MAX, URL_MAX
from resalat_notifications.services import MARK_MAX, text

# Ids are database integers; anything bigger cannot exist and would only upset PostgreSQL.
_ID_RANGE = validate.Range(min=1, max=MAX_BIG_ID)


class NotificationSchema(Schema):
    id = fields.Integer()
    source = fields.String(metadata={"example": "bazaar"})
    kind = fields.String(metadata={"example": "order.shipped"})
    title = fields.Function(
        lambda n: text(n)[0], metadata={"description": "in the language of the request (Accept-Language)"}
    )
    body = fields.Function(lambda n: text(n)[1])
    url = fields.String(allow_none=True, metadata={"example": "/bazaar/orders/12"})
    created_at = UtcDateTime()
    read_at = UtcDateTime(allow_none=True)
    is_read = fields.Boolean()


class InboxQuerySchema(Schema):
    """``?unread=1``; page and per_page are read by the host's pagination helper."""

    class Meta:
        unknown = EXCLUDE

    unread = fields.Boolean(load_default=False)


class UnreadCountSchema(Schema):
    unread = fields.Integer(metadata={"example": 3})


class MarkReadSchema(Schema):
    ids = fields.List(
        fields.Integer(strict=True, validate=_ID_RANGE),
        required=True,
        validate=validate.Length(min=1, max=MARK_MAX),
        metadata={"example": [12, 13]},
    )


class MarkReadResultSchema(Schema):
    read = fields.List(fields.Integer(), metadata={"description": "your ids, now read"})
    not_found = fields.List(
        fields.Integer(), metadata={"description": "ids that are not in your inbox: untouched"}
    )
    unread = fields.Integer(metadata={"description": "your unread count afterwards"})


class ReadAllResultSchema(Schema):
    marked = fields.Integer(metadata={"description": "how many were unread"})
    unread = fields.Integer()


class BroadcastSchema(Schema):
    region = fields.String(required=True, validate=validate.Length(min=1, max=80))
    title_fa = fields.String(required=True, validate=validate.Length(min=1, max=TITLE_MAX))
    title_en = fields.String(required=True, validate=validate.Length(min=1, max=TITLE_MAX))
    body_fa = fields.String(load_default="", validate=validate.Length(max=BODY_MAX))
    body_en = fields.String(load_default="", validate=validate.Length(max=BODY_MAX))
    url = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=URL_MAX))


class BroadcastResultSchema(Schema):
    delivered = fields.Integer()
    region = fields.String()

"""The shapes of the counselling API (and of its OpenAPI document)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from resalat_core.sdk import RowId, UtcDateTime

from .models import BIO_MAX, LANGUAGES_MAX, MODES, STATUSES, TEXT_MAX, TITLE_MAX

TEXT = validate.Length(max=TEXT_MAX)


class TopicSchema(Schema):
    id = fields.Integer()
    title = fields.String()
    description = fields.String()


class CounselorSchema(Schema):
    """A counsellor as members see them."""

    id = fields.Integer()
    name = fields.String()
    region = fields.String(metadata={"description": "region code of where they are listed first"})
    bio = fields.String()
    languages = fields.String()
    rating = fields.Float(allow_none=True, metadata={"description": "average of 1–5, null before the first"})
    rating_count = fields.Integer()
    topics = fields.List(fields.Nested(TopicSchema))


class SlotSchema(Schema):
    """A free time to book."""

    starts_at = UtcDateTime()
    ends_at = UtcDateTime()
    mode = fields.String(metadata={"enum": list(MODES)})


class NewBookingSchema(Schema):
    """What a member (or a guide, for a member of their area) sends to book a free slot."""

    counselor_id = RowId(required=True)
    topic_id = RowId(required=True)
    starts_at = fields.AwareDateTime(
        required=True, metadata={"description": "a free slot's start, as the slots list gives it"}
    )
    need = fields.String(load_default="", validate=TEXT)
    member = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=20),
        metadata={"description": "a guide books for this member: their mobile or national code"},
    )


class BookingSchema(Schema):
    """A booking as its member, its counsellor or the booking guide sees it."""

    id = fields.Integer()
    counselor_id = fields.Integer()
    counselor_name = fields.String()
    member_id = fields.Integer()
    member_name = fields.String()
    booked_by_id = fields.Integer()
    topic_id = fields.Integer()
    topic = fields.String()
    starts_at = UtcDateTime()
    ends_at = UtcDateTime()
    mode = fields.String(metadata={"enum": list(MODES)})
    status = fields.String(metadata={"enum": list(STATUSES)})
    need = fields.String()
    cancel_reason = fields.String(allow_none=True)
    summary = fields.String(allow_none=True)
    rating = fields.Integer(allow_none=True)
    rating_comment = fields.String(allow_none=True)
    created_at = UtcDateTime()


class CancelSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=TEXT_MAX))


class MoveSchema(Schema):
    starts_at = fields.AwareDateTime(required=True, metadata={"description": "another free slot's start"})


class NoteSchema(Schema):
    """A message in a booking's thread."""

    id = fields.Integer()
    author_id = fields.Integer()
    author_name = fields.String()
    body = fields.String()
    created_at = UtcDateTime()


class NewNoteSchema(Schema):
    body = fields.String(required=True, validate=validate.Length(min=1, max=TEXT_MAX))


class SummarySchema(Schema):
    summary = fields.String(required=True, validate=validate.Length(min=1, max=TEXT_MAX * 2))


class RatingSchema(Schema):
    rating = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=5))
    comment = fields.String(load_default="", validate=TEXT)


class HoursSchema(Schema):
    """A weekly block of hours, in Tehran's time."""

    id = fields.Integer(dump_only=True)
    weekday = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(min=0, max=6),
        metadata={"description": "0 Monday … 5 Saturday, 6 Sunday"},
    )
    starts = fields.Time(required=True, format="%H:%M", metadata={"description": "HH:MM, Tehran"})
    ends = fields.Time(required=True, format="%H:%M", metadata={"description": "HH:MM, Tehran"})
    slot_minutes = fields.Integer(required=True, strict=True, validate=validate.Range(min=15, max=240))
    mode = fields.String(load_default="online", validate=validate.OneOf(MODES))


class ProfileSchema(Schema):
    bio = fields.String(load_default="", validate=validate.Length(max=BIO_MAX))
    languages = fields.String(load_default="", validate=validate.Length(max=LANGUAGES_MAX))


class NewTopicSchema(Schema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=TITLE_MAX))
    description = fields.String(load_default="", validate=TEXT)

"""The shapes of the M-Maher API: what it answers (never a mobile or national code) and what it accepts."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from resalat_core.sdk import RowId, UtcDateTime, file_url
from resalat_maher.models import (
    BODY_MAX,
    COURSE_STATUSES,
    DESCRIPTION_MAX,
    LEVELS,
    MODES,
    NAME_MAX,
    NOTE_MAX,
    REQUEST_STATUSES,
    SUMMARY_MAX,
    TITLE_MAX,
    YEARS_MAX,
)

# Generous bounds on raw input: the services hold the real rules and say what is wrong.
_SHORT = validate.Length(max=200)


class FieldSchema(Schema):
    code = fields.String(metadata={"example": "hand_weaving"})
    name_fa = fields.String()
    name_en = fields.String()


class PersonSchema(Schema):
    """A member as others see them here: a name and a place, nothing that reaches them."""

    id = fields.Integer()
    name = fields.String()
    region = fields.Function(lambda m: m.region.code, metadata={"example": "yazd/ardakan"})


class SkillSchema(Schema):
    id = fields.Integer()
    member = fields.Nested(PersonSchema)
    name = fields.String()
    field = fields.Nested(FieldSchema)
    level = fields.String(metadata={"enum": list(LEVELS)})
    years = fields.Integer()
    description = fields.String()
    mentoring = fields.Boolean(metadata={"description": "offered for mentoring"})
    mode = fields.String(metadata={"enum": list(MODES)})
    region = fields.Function(
        lambda s: s.region.code, metadata={"description": "where the mentoring is offered"}
    )
    created_at = UtcDateTime()


class SkillInSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    name = fields.String(required=True, validate=validate.Length(max=NAME_MAX * 2))
    field = fields.String(required=True, validate=_SHORT, metadata={"example": "livestock"})
    level = fields.String(required=True, metadata={"enum": list(LEVELS)}, validate=_SHORT)
    years = fields.Integer(load_default=0, validate=validate.Range(min=0, max=YEARS_MAX))
    description = fields.String(load_default="", validate=validate.Length(max=DESCRIPTION_MAX * 2))
    mentoring = fields.Boolean(load_default=False)
    mode = fields.String(load_default="in_person", metadata={"enum": list(MODES)}, validate=_SHORT)
    region = fields.String(
        load_default=None, allow_none=True, validate=_SHORT, metadata={"description": "default: my place"}
    )


class CourseSchema(Schema):
    id = fields.Integer()
    title = fields.String()
    summary = fields.String()
    field = fields.Nested(FieldSchema)
    level = fields.String(metadata={"enum": list(LEVELS)})
    status = fields.String(metadata={"enum": list(COURSE_STATUSES)})
    author = fields.Nested(PersonSchema)
    cover_url = fields.Function(
        lambda c: file_url(c.cover, thumb=True) if c.cover else None,
        metadata={"type": "string", "nullable": True},
    )
    created_at = UtcDateTime()
    published_at = UtcDateTime(allow_none=True)


class CourseInSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    title = fields.String(required=True, validate=validate.Length(max=TITLE_MAX * 2))
    summary = fields.String(load_default="", validate=validate.Length(max=SUMMARY_MAX * 2))
    field = fields.String(required=True, validate=_SHORT, metadata={"example": "hand_weaving"})
    level = fields.String(required=True, metadata={"enum": list(LEVELS)}, validate=_SHORT)
    published = fields.Boolean(
        load_default=None, allow_none=True, metadata={"description": "publish or unpublish"}
    )
    cover = fields.String(
        load_default=None,
        allow_none=True,
        validate=_SHORT,
        metadata={"description": "the token of a picture I uploaded with POST /api/v1/files"},
    )


class LessonSchema(Schema):
    id = fields.Integer()
    position = fields.Integer(metadata={"description": "1 for the first lesson"})
    title = fields.String()
    body = fields.String(metadata={"description": "plain text; paragraphs separated by a blank line"})
    done = fields.Boolean(allow_none=True, metadata={"description": "done by me (None: not enrolled)"})
    has_image = fields.Boolean()
    has_attachment = fields.Boolean()


class LessonInSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    title = fields.String(required=True, validate=validate.Length(max=TITLE_MAX * 2))
    body = fields.String(required=True, validate=validate.Length(max=BODY_MAX * 2))
    image = fields.String(
        load_default=None,
        allow_none=True,
        validate=_SHORT,
        metadata={"description": "an uploaded picture's token"},
    )
    attachment = fields.String(
        load_default=None,
        allow_none=True,
        validate=_SHORT,
        metadata={"description": "an uploaded PDF's token"},
    )


class EnrolmentSchema(Schema):
    id = fields.Integer()
    course = fields.Nested(CourseSchema)
    lessons = fields.Integer(metadata={"description": "lessons in the course"})
    done = fields.Integer(metadata={"description": "lessons done"})
    created_at = UtcDateTime()
    completed_at = UtcDateTime(allow_none=True)
    certificate_code = fields.String(allow_none=True, metadata={"example": "402815937164"})


class LearnerSchema(Schema):
    id = fields.Integer()
    member = fields.Nested(PersonSchema)
    done = fields.Integer()
    created_at = UtcDateTime()
    completed_at = UtcDateTime(allow_none=True)


class CertificateSchema(Schema):
    code = fields.String(attribute="certificate_code", metadata={"example": "402815937164"})
    name = fields.Function(lambda e: e.member.name, metadata={"description": "the learner"})
    course = fields.Function(lambda e: e.course.title)
    course_id = fields.Integer()
    teacher = fields.Function(lambda e: e.course.author.name)
    completed_at = UtcDateTime()
    url = fields.Function(lambda e: f"/maher/certificates/{e.certificate_code}")


class MentoringSchema(Schema):
    id = fields.Integer()
    skill = fields.Nested(SkillSchema)
    mentor = fields.Nested(PersonSchema)
    learner = fields.Nested(PersonSchema)
    message = fields.String()
    status = fields.String(metadata={"enum": list(REQUEST_STATUSES)})
    created_at = UtcDateTime()
    answered_at = UtcDateTime(allow_none=True)


class AskSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    skill_id = RowId(required=True)
    message = fields.String(load_default="", validate=validate.Length(max=NOTE_MAX * 2))


class AnswerSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    accept = fields.Boolean(required=True)


class RecommendSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    member = fields.String(
        required=True, validate=_SHORT, metadata={"description": "mobile or national code"}
    )
    course_id = RowId(required=True)
    note = fields.String(load_default="", validate=validate.Length(max=NOTE_MAX * 2))


class RecommendationSchema(Schema):
    id = fields.Integer()
    course = fields.Nested(CourseSchema)
    guide = fields.Nested(PersonSchema)
    note = fields.String()
    created_at = UtcDateTime()


class SearchSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    field = fields.String(load_default=None, validate=_SHORT)
    region = fields.String(load_default=None, validate=_SHORT)
    q = fields.String(load_default=None, validate=_SHORT)
    mentoring = fields.Boolean(load_default=False)

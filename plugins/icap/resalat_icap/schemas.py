"""The shapes of the iCAP API: what it answers and the bodies it accepts."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from resalat_core.sdk import UtcDateTime, mobile_for_reader, national_code_for_reader
from resalat_icap.models import STATUSES

# Text is checked (and normalised) by the services; the schema only bounds its size, loosely, so
# that the services' per-field messages are the ones a caller reads.
_TEXT = 4000


class GuarantorSchema(Schema):
    name = fields.String()
    national_code = fields.Function(
        lambda g: national_code_for_reader(g.national_code, g.member_id),
        metadata={"description": "the last four digits unless it is the reader's own"},
    )
    mobile = fields.Function(
        lambda g: mobile_for_reader(g.mobile, g.member_id),
        metadata={"description": "masked (0912•••4567) unless it is the reader's own"},
    )
    signed = fields.Function(lambda g: g.signed_at is not None)
    signed_at = UtcDateTime(allow_none=True)


class EndorsementSchema(Schema):
    position = fields.Integer()
    payee_kind = fields.String(metadata={"enum": ["person", "company"]})
    payee_name = fields.String()
    payee_code = fields.String()
    endorsed_on = fields.Date()


class NoteSchema(Schema):
    id = fields.Integer()
    serial = fields.String(metadata={"example": "1405000000000001"})
    issued_at = UtcDateTime()
    issuer = fields.Function(
        lambda n: {
            "id": n.issuer_id,
            "name": n.issuer_name,
            "national_code": national_code_for_reader(n.issuer_national_code, n.issuer_id),
            "mobile": mobile_for_reader(n.issuer_mobile, n.issuer_id),
        }
    )
    amount = fields.Integer(metadata={"description": "face value in rials", "example": 150_000_000})
    amount_words = fields.String(metadata={"example": "یکصد و پنجاه میلیون ریال"})
    due_date = fields.Date(allow_none=True, metadata={"description": "null: on demand (عندالمطالبه)"})
    on_demand = fields.Boolean()
    payee_kind = fields.String(metadata={"enum": ["person", "company"]})
    payee_name = fields.String()
    payee_code = fields.String()
    purpose = fields.String()
    place_of_payment = fields.String()
    status = fields.String(metadata={"enum": list(STATUSES)})
    pledged_reference = fields.String(allow_none=True, metadata={"example": "loan:12"})
    stamp_duty = fields.Integer(metadata={"description": "rials paid when issued"})
    guarantors = fields.List(fields.Nested(GuarantorSchema))
    endorsements = fields.List(fields.Nested(EndorsementSchema))
    url = fields.String(metadata={"description": "the printable page"})


class GuarantorInSchema(Schema):
    name = fields.String(load_default="", validate=validate.Length(max=_TEXT))
    national_code = fields.String(required=True, validate=validate.Length(max=40))
    mobile = fields.String(required=True, validate=validate.Length(max=40))


class NoteInSchema(Schema):
    amount = fields.Integer(
        required=True, strict=True, metadata={"description": "face value in rials", "example": 150_000_000}
    )
    due_date = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=40),
        metadata={
            "description": "Jalali YYYY/MM/DD, today or later; null or omitted: on demand",
            "example": "1405/12/29",
        },
    )
    payee_name = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=_TEXT),
        metadata={"description": "omit payee_name and payee_code for the Qard al-Hasan bank"},
    )
    payee_code = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=40),
        metadata={"description": "a person's national code (10 digits) or a company's national ID (11)"},
    )
    purpose = fields.String(required=True, validate=validate.Length(max=_TEXT))
    place_of_payment = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=_TEXT))
    guarantors = fields.List(
        fields.Nested(GuarantorInSchema), load_default=list, validate=validate.Length(max=20)
    )


class EndorseInSchema(Schema):
    payee_name = fields.String(required=True, validate=validate.Length(max=_TEXT))
    payee_code = fields.String(required=True, validate=validate.Length(max=40))
    endorsed_on = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=40),
        metadata={"description": "Jalali date; today if omitted"},
    )


class SignInSchema(Schema):
    password = fields.String(required=True, validate=validate.Length(max=500), load_only=True)


class NoteQuerySchema(Schema):
    status = fields.String(load_default=None, validate=validate.OneOf(STATUSES))
    page = fields.Integer()
    per_page = fields.Integer()

"""The shapes of the centres API: what it answers and the bodies it accepts.

Bodies are loaded loosely (strings or numbers) and checked by the services, so a bad value gets
the same message, in the caller's language, as on the pages and in the CLI.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from resalat_core.sdk import UtcDateTime, format_date, mobile_for_reader, to_latin_digits


def jalali(day: Any) -> str | None:
    """A date as Jalali YYYY/MM/DD with Latin digits, for scripts; None stays None."""
    return to_latin_digits(format_date(day)) if day is not None else None


class PersonSchema(Schema):
    id = fields.Integer()
    name = fields.String()


class CentreSchema(Schema):
    id = fields.Integer()
    name = fields.String(metadata={"example": "کانون همیاری الغدیر"})
    description = fields.String()
    region = fields.String(metadata={"example": "sistan-baluchestan/arbab"})
    region_name_fa = fields.String()
    region_name_en = fields.String()
    leader = fields.Nested(PersonSchema)
    created_at = UtcDateTime()
    members_count = fields.Integer(metadata={"description": "members, the leader included"})
    cores_count = fields.Integer()
    open_orders_count = fields.Integer()


class NewCentreSchema(Schema):
    name = fields.String(load_default="", metadata={"example": "کانون همیاری الغدیر"})
    region = fields.String(load_default="", metadata={"example": "sistan-baluchestan/arbab"})
    leader = fields.String(
        load_default="",
        metadata={"description": "the leader's mobile or national code", "example": "09120000004"},
    )
    description = fields.String(load_default="")


class MemberRefSchema(Schema):
    member = fields.String(
        load_default="", metadata={"description": "mobile or national code", "example": "09120000002"}
    )


class CentreMemberSchema(Schema):
    member_id = fields.Integer()
    name = fields.Function(lambda row: row.member.name)
    mobile = fields.Function(
        lambda row: mobile_for_reader(row.member.mobile, row.member_id),
        metadata={"description": "masked (0912•••4567) unless it is the reader's own"},
    )
    added_at = UtcDateTime()


class CoreRefSchema(Schema):
    core = fields.Raw(
        load_default="",
        metadata={"description": "the core ID, or the core's id", "example": "SBL-CLOTHING-000001"},
    )


class CoreSchema(Schema):
    id = fields.Integer()
    code = fields.String(allow_none=True, metadata={"example": "SBL-CLOTHING-000001"})
    name = fields.String()
    status = fields.String()


class CentreCoreSchema(Schema):
    core = fields.Nested(CoreSchema)
    leader = fields.Function(lambda link: {"id": link.core.leader_id, "name": link.core.leader.name})
    linked_at = UtcDateTime()


class NewOrderSchema(Schema):
    customer = fields.String(load_default="", metadata={"example": "پوشاک نگین، زاهدان"})
    item = fields.String(load_default="", metadata={"example": "مانتو"})
    unit = fields.String(load_default="", metadata={"example": "دست"})
    quantity = fields.Raw(load_default="", metadata={"example": 300})
    due_date = fields.Raw(
        load_default="", metadata={"description": "Jalali YYYY/MM/DD", "example": "1404/07/15"}
    )
    unit_price = fields.Raw(
        load_default=None, allow_none=True, metadata={"description": "tomans per unit", "example": 450000}
    )
    note = fields.String(load_default="")


class OrderSchema(Schema):
    id = fields.Integer()
    centre_id = fields.Integer()
    customer = fields.String()
    item = fields.String()
    unit = fields.String()
    quantity = fields.Integer()
    due_date = fields.Date()
    due_date_jalali = fields.Function(lambda o: jalali(o.due_date), metadata={"example": "1404/07/15"})
    unit_price_rials = fields.Integer(attribute="unit_price", allow_none=True)
    total_price_rials = fields.Integer(attribute="total_price", allow_none=True)
    note = fields.String()
    status = fields.String(metadata={"description": "open, in_progress, delivered or cancelled"})
    allocated = fields.Integer(metadata={"description": "shared among cores (declined shares excluded)"})
    remaining = fields.Integer(metadata={"description": "still to be shared"})
    delivered = fields.Integer()
    percent_delivered = fields.Integer()
    created_at = UtcDateTime()
    closed_at = UtcDateTime(allow_none=True)


class ProgressSchema(Schema):
    core = fields.Nested(CoreSchema)
    offered = fields.Integer(metadata={"description": "waiting for the core's answer"})
    accepted = fields.Integer()
    declined = fields.Integer()
    delivered = fields.Integer()


class OrderDetailSchema(OrderSchema):
    progress = fields.List(fields.Nested(ProgressSchema))


class SharePartSchema(Schema):
    core = fields.Raw(load_default="", metadata={"description": "core ID or id", "example": 12})
    quantity = fields.Raw(load_default="", metadata={"example": 20})
    due_date = fields.Raw(
        load_default="", metadata={"description": "Jalali YYYY/MM/DD", "example": "1404/07/01"}
    )


class SplitSchema(Schema):
    shares = fields.List(fields.Nested(SharePartSchema), load_default=list, validate=validate.Length(max=50))


class OrderBriefSchema(Schema):
    id = fields.Integer()
    item = fields.String()
    unit = fields.String()
    customer = fields.String()
    quantity = fields.Integer()
    due_date_jalali = fields.Function(lambda o: jalali(o.due_date))
    status = fields.String()
    centre = fields.Function(lambda o: {"id": o.centre.id, "name": o.centre.name})


class ShareSchema(Schema):
    id = fields.Integer()
    order_id = fields.Integer()
    core = fields.Nested(CoreSchema)
    quantity = fields.Integer()
    due_date = fields.Date()
    due_date_jalali = fields.Function(lambda s: jalali(s.due_date))
    status = fields.String(metadata={"description": "offered, accepted, declined or withdrawn"})
    delivered = fields.Integer()
    remaining = fields.Integer(metadata={"description": "still to deliver"})
    decline_reason = fields.String()
    created_at = UtcDateTime()
    answered_at = UtcDateTime(allow_none=True)


class SplitResultSchema(Schema):
    items = fields.List(fields.Nested(ShareSchema), metadata={"description": "the new shares"})
    order = fields.Nested(OrderSchema, metadata={"description": "the order afterwards"})


class MyShareSchema(ShareSchema):
    order = fields.Nested(OrderBriefSchema)


class DeclineSchema(Schema):
    reason = fields.String(load_default="", metadata={"example": "چرخ خیاطی هسته خراب است"})


class DeliverSchema(Schema):
    quantity = fields.Raw(load_default="", metadata={"example": 20})
    note = fields.String(load_default="")


class DeliverySchema(Schema):
    id = fields.Integer()
    share_id = fields.Integer()
    quantity = fields.Integer()
    note = fields.String()
    created_at = UtcDateTime()
    share = fields.Nested(ShareSchema)


class ListQuerySchema(Schema):
    """``?q=&region=`` for the centres list; page and per_page are read by the host's helper."""

    class Meta:
        unknown = "exclude"

    q = fields.String(load_default="")
    region = fields.String(load_default="")
    status = fields.String(load_default="")

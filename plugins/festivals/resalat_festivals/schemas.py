"""The shapes of the festivals API: what it answers and the bodies it accepts.

Bodies are loaded loosely (strings or numbers) and checked by the services, so a bad value gets
the same message, in the caller's language, as on the pages and in the CLI.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from resalat_core.sdk import UtcDateTime, format_date, to_latin_digits
from resalat_festivals.services import PRODUCTS_MAX


def jalali(day: Any) -> str | None:
    """A date as Jalali YYYY/MM/DD with Latin digits, for scripts; None stays None."""
    return to_latin_digits(format_date(day)) if day is not None else None


class PersonSchema(Schema):
    id = fields.Integer()
    name = fields.String()


class FestivalSchema(Schema):
    id = fields.Integer()
    title = fields.String(metadata={"example": "نمایشگاه صنایع دستی و زعفران اردکان"})
    theme = fields.String()
    region = fields.Function(lambda f: f.region.code, metadata={"example": "yazd/ardakan"})
    region_name_fa = fields.Function(lambda f: f.region.name_fa)
    region_name_en = fields.Function(lambda f: f.region.name_en)
    address = fields.String()
    starts_on = fields.Date()
    ends_on = fields.Date()
    apply_by = fields.Date()
    starts_on_jalali = fields.Function(lambda f: jalali(f.starts_on), metadata={"example": "1404/07/15"})
    ends_on_jalali = fields.Function(lambda f: jalali(f.ends_on))
    apply_by_jalali = fields.Function(lambda f: jalali(f.apply_by))
    booths = fields.Integer()
    accepted = fields.Integer(metadata={"description": "booths given to accepted cores"})
    free_booths = fields.Integer()
    description = fields.String()
    status = fields.String(metadata={"description": "announced, closed, running, finished or cancelled"})
    organiser = fields.Function(lambda f: {"id": f.organiser.id, "name": f.organiser.name})
    created_at = UtcDateTime()


class FestivalBodySchema(Schema):
    title = fields.String(load_default="")
    theme = fields.String(load_default="")
    region = fields.String(load_default="", metadata={"example": "yazd/ardakan"})
    address = fields.String(load_default="")
    starts_on = fields.String(
        load_default="", metadata={"description": "Jalali YYYY/MM/DD", "example": "1404/07/15"}
    )
    ends_on = fields.String(
        load_default="", metadata={"description": "Jalali YYYY/MM/DD", "example": "1404/07/17"}
    )
    apply_by = fields.String(
        load_default="", metadata={"description": "Jalali YYYY/MM/DD", "example": "1404/07/01"}
    )
    booths = fields.Raw(
        load_default=None, allow_none=True, metadata={"description": "a whole number", "example": 12}
    )
    description = fields.String(load_default="")


class StepSchema(Schema):
    to = fields.String(
        required=True,
        validate=validate.OneOf(("closed", "announced", "running", "finished", "cancelled")),
        metadata={
            "description": "the next state: closed, announced (reopen), running, finished or cancelled"
        },
    )


class ListQuerySchema(Schema):
    region = fields.String(
        load_default="", metadata={"description": "a region code; a province takes in its places"}
    )
    page = fields.Raw()
    per_page = fields.Raw()


class ProductSchema(Schema):
    id = fields.Integer()
    title = fields.String()
    price_rials = fields.Integer(attribute="price")
    photo = fields.String(allow_none=True, metadata={"description": "the thumbnail's address"})
    url = fields.String(metadata={"description": "the product's page, to buy it"})


class CoreSchema(Schema):
    id = fields.Integer()
    code = fields.String(allow_none=True, metadata={"example": "YZD-HAND_WEAVING-000003"})
    name = fields.String()


class BoothSchema(Schema):
    core = fields.Nested(CoreSchema)
    products = fields.List(
        fields.Nested(ProductSchema),
        metadata={
            "description": "the products the core chose (at most 20); when it chose none, the newest "
            "20 of its M-Bazar booth"
        },
    )
    more_products = fields.Boolean(
        metadata={"description": "the core chose none and its booth has more products than those listed"}
    )
    booth_url = fields.String(
        allow_none=True,
        metadata={"description": "its M-Bazar booth's page, with all its products, when more_products"},
    )


class FestivalDetailSchema(FestivalSchema):
    cores = fields.List(
        fields.Nested(BoothSchema), metadata={"description": "the accepted cores and their products"}
    )


class ApplyBodySchema(Schema):
    core = fields.Raw(
        load_default=None,
        allow_none=True,
        metadata={"description": "the id of a core you lead", "example": 3},
    )
    note = fields.String(load_default="")
    products = fields.List(
        fields.Raw(),
        load_default=list,
        # The service refuses more than PRODUCTS_MAX in the fair's words ("at most 20 products"),
        # before it reads any; the document says the same limit.
        metadata={
            "description": "ids of the core's M-Bazar products it will bring",
            "maxItems": PRODUCTS_MAX,
        },
    )


class ApplicationSchema(Schema):
    id = fields.Integer()
    festival_id = fields.Integer()
    festival_title = fields.Function(lambda a: a.festival.title)
    core = fields.Nested(CoreSchema)
    note = fields.String()
    status = fields.String(metadata={"description": "applied, accepted, declined or withdrawn"})
    products = fields.Function(
        lambda a: [p.product_id for p in a.products], metadata={"description": "product ids"}
    )
    created_at = UtcDateTime()
    decided_at = UtcDateTime(allow_none=True)
    fair_sales_rials = fields.Integer(attribute="fair_sales", allow_none=True)
    fair_items = fields.Integer(allow_none=True)


class DecideBodySchema(Schema):
    answer = fields.String(required=True, validate=validate.OneOf(("accept", "decline")))


class SalesBodySchema(Schema):
    amount = fields.Raw(
        load_default=None, allow_none=True, metadata={"description": "tomans", "example": 1850000}
    )
    items = fields.Raw(load_default=None, allow_none=True, metadata={"example": 14})


class CoreSalesSchema(Schema):
    core = fields.Nested(CoreSchema)
    orders = fields.Integer(metadata={"description": "M-Bazar orders placed during the festival"})
    online_rials = fields.Integer()
    fair_rials = fields.Integer(
        allow_none=True, metadata={"description": "reported by the core; null until then"}
    )
    fair_items = fields.Integer(allow_none=True)
    total_rials = fields.Integer()


class ReportSchema(Schema):
    festival = fields.Nested(FestivalSchema)
    applied = fields.Integer(metadata={"description": "applications waiting"})
    accepted = fields.Integer()
    declined = fields.Integer()
    orders = fields.Integer()
    online_rials = fields.Integer()
    fair_rials = fields.Integer()
    fair_items = fields.Integer()
    total_rials = fields.Integer()
    cores = fields.List(fields.Nested(CoreSalesSchema))


def report_data(report: Any) -> dict[str, Any]:
    """The organiser's summary as plain data (for the API and the CLI's ``--json``)."""
    return {
        "festival": report.festival,
        "applied": report.applied,
        "accepted": report.accepted,
        "declined": report.declined,
        "orders": report.orders,
        "online_rials": report.online,
        "fair_rials": report.fair,
        "fair_items": report.items,
        "total_rials": report.total,
        "cores": [
            {
                "core": c.application.core,
                "orders": c.orders,
                "online_rials": c.online,
                "fair_rials": c.fair,
                "fair_items": c.items,
                "total_rials": c.total,
            }
            for c in report.cores
        ],
    }

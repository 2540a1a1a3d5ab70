"""The shapes of the value chain API: what it answers and the bodies it accepts.

Bodies are loaded loosely (strings or numbers) and checked by the services, so a bad value gets the
same message, in the caller's language, as on the pages and in the CLI.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields

from resalat_core.sdk import UtcDateTime, format_date, to_latin_digits


def jalali(day: Any) -> str | None:
    """A date as Jalali YYYY/MM/DD with Latin digits, for scripts; None stays None."""
    return to_latin_digits(format_date(day)) if day is not None else None


class GoodSchema(Schema):
    code = fields.String(metadata={"example": "wool"})
    name = fields.String(metadata={"description": "in the caller's language"})
    name_fa = fields.String()
    name_en = fields.String()
    categories = fields.List(fields.String(), metadata={"description": "M-Bazar category codes"})
    builtin = fields.Boolean()


class NewGoodSchema(Schema):
    code = fields.String(load_default="", metadata={"example": "felt"})
    name_fa = fields.String(load_default="", metadata={"example": "نمد"})
    name_en = fields.String(load_default="", metadata={"example": "Felt"})
    categories = fields.List(fields.String(), load_default=list, metadata={"example": ["handicrafts"]})


class FieldSchema(Schema):
    code = fields.String(metadata={"example": "clothing"})
    name = fields.String()
    inputs = fields.List(fields.String(), metadata={"description": "codes of the goods it needs"})
    outputs = fields.List(fields.String(), metadata={"description": "codes of the goods it makes"})
    customised = fields.Boolean(metadata={"description": "set by an administrator, not the default"})
    active_cores = fields.Integer()


class FieldGoodsSchema(Schema):
    inputs = fields.List(fields.String(), load_default=list, metadata={"example": ["handwoven_cloth"]})
    outputs = fields.List(fields.String(), load_default=list, metadata={"example": ["clothing"]})


class ChainNodeSchema(Schema):
    kind = fields.String(metadata={"description": "good or field"})
    code = fields.String()
    name = fields.String()
    column = fields.Integer()
    active_cores = fields.Integer(metadata={"description": "for a field; 0 for a good"})


class ChainEdgeSchema(Schema):
    source = fields.String(metadata={"description": "kind:code"})
    target = fields.String(metadata={"description": "kind:code"})


class ChainSchema(Schema):
    field = fields.String()
    nodes = fields.List(fields.Nested(ChainNodeSchema))
    edges = fields.List(fields.Nested(ChainEdgeSchema))


class RegionSchema(Schema):
    code = fields.String()
    name_fa = fields.String()
    name_en = fields.String()


class CoreSchema(Schema):
    id = fields.Integer()
    code = fields.String(allow_none=True, metadata={"example": "SBL-CLOTHING-000001"})
    name = fields.String()
    field = fields.String(metadata={"description": "the field's code"})
    region = fields.Nested(RegionSchema)
    distance = fields.Integer(
        metadata={"description": "0 same place, 1 same county, 2 same province, 3 elsewhere"}
    )
    linked = fields.Boolean(metadata={"description": "already linked by a guide (pending or accepted)"})


class BoothSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    region = fields.Nested(RegionSchema)
    distance = fields.Integer()


class MatchQuerySchema(Schema):
    good = fields.String(
        load_default="", metadata={"description": "an input or output good's code; else the field's first"}
    )
    page = fields.Raw()
    per_page = fields.Raw()


class SuggestionSchema(Schema):
    id = fields.Integer()
    good = fields.String(metadata={"description": "the good's code"})
    good_name = fields.String()
    source = fields.Nested(CoreSchema, only=("id", "code", "name", "field", "region"))
    target = fields.Nested(CoreSchema, only=("id", "code", "name", "field", "region"))
    distance = fields.Integer()
    status = fields.String(metadata={"description": "open, made or declined"})
    link_id = fields.Integer(allow_none=True, metadata={"description": "the guides' link, once made"})


class NeedSchema(Schema):
    id = fields.Integer()
    good = fields.String(metadata={"description": "the good's code"})
    good_name = fields.String()
    quantity = fields.Integer()
    unit = fields.String()
    region = fields.Nested(RegionSchema, allow_none=True, metadata={"description": "None: nationwide"})
    deadline = fields.String(metadata={"description": "Jalali YYYY/MM/DD", "example": "1405/10/01"})
    description = fields.String()
    status = fields.String(metadata={"description": "open or closed"})
    owner = fields.String(metadata={"description": "the organisation's name"})
    told = fields.Integer(metadata={"description": "core leaders told when it was posted"})
    answers_count = fields.Integer()
    created_at = UtcDateTime()


class NewNeedSchema(Schema):
    good = fields.String(load_default="", metadata={"example": "clothing"})
    quantity = fields.Raw(load_default=None, metadata={"example": 300})
    unit = fields.String(load_default="", metadata={"example": "دست"})
    region = fields.String(load_default="", metadata={"description": "a region code; empty: nationwide"})
    deadline = fields.String(
        load_default="", metadata={"description": "Jalali YYYY/MM/DD", "example": "1405/10/01"}
    )
    description = fields.String(load_default="")


class AnswerSchema(Schema):
    id = fields.Integer()
    core = fields.Nested(CoreSchema, only=("id", "code", "name", "region"))
    quantity = fields.Integer()
    note = fields.String()
    created_at = UtcDateTime()


class NewAnswerSchema(Schema):
    core = fields.Raw(load_default=None, metadata={"description": "the id of a core you lead", "example": 1})
    quantity = fields.Raw(load_default=None, metadata={"example": 40})
    note = fields.String(load_default="")


class SuggestResultSchema(Schema):
    created = fields.Integer()

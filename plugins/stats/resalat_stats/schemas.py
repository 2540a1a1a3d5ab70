"""What the stats API reads and answers."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from .periods import KINDS


class ReportQuerySchema(Schema):
    region = fields.String(load_default=None, validate=validate.Length(max=32))
    period = fields.String(load_default=None, validate=validate.Length(max=16))
    kind = fields.String(load_default="month", validate=validate.OneOf(KINDS))
    # Read by page_args; named here so the schema accepts them.
    page = fields.Integer()
    per_page = fields.Integer()


class FigureSchema(Schema):
    plugin = fields.String(metadata={"description": "The plugin that counted it"})
    key = fields.String(metadata={"description": "Its stable name within the plugin"})
    label = fields.String(metadata={"description": "Its label in the reader's language"})
    unit = fields.String(metadata={"description": "Its unit in the reader's language ('' for none)"})
    money = fields.Boolean(metadata={"description": "True when the value is rials"})
    value = fields.Integer(metadata={"description": "Its value on the period's last snapshot day"})
    previous = fields.Integer(allow_none=True, metadata={"description": "Its value in the period before"})
    change = fields.Integer(allow_none=True, metadata={"description": "value - previous"})
    day = fields.Date(metadata={"description": "The snapshot day the value was counted on"})


class PeriodSchema(Schema):
    code = fields.String(metadata={"description": "1405-09 (month), 1405-S3 (season) or 1405 (year)"})
    name = fields.String(metadata={"description": "Its name in the reader's language"})
    first_day = fields.Date()
    last_day = fields.Date()

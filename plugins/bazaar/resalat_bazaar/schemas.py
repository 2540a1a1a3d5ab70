"""The shapes of the M-Bazar API: booths, products, search, cart, checkout, orders, figures."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from resalat_bazaar.hookspecs import STAGES
from resalat_bazaar.models import (
    DELIVERY_OPTIONS,
    DESCRIPTION_MAX,
    FUNDINGS,
    KINDS,
    NAME_MAX,
    ORDER_STATUSES,
    PROGRAMMES,
    REASON_MAX,
    TITLE_MAX,
    UNITS,
)
from resalat_core.sdk import PageMeta, UtcDateTime

_RIALS = {"description": "integer rials"}


class CategorySchema(Schema):
    id = fields.Integer()
    code = fields.String(metadata={"example": "saffron"})
    parent_id = fields.Integer(allow_none=True)
    name_fa = fields.String(metadata={"example": "زعفران"})
    name_en = fields.String(metadata={"example": "Saffron"})


class ReputationSchema(Schema):
    rating = fields.Float(allow_none=True, metadata={"description": "average stars 1..5"})
    reviews = fields.Integer()
    open_reports = fields.Integer()
    url = fields.String(allow_none=True)


class BoothSchema(Schema):
    id = fields.Integer()
    name = fields.String(metadata={"example": "زعفران سمیعی"})
    description = fields.String()
    owner_id = fields.Integer()
    core_id = fields.Integer(allow_none=True)
    core_code = fields.String(allow_none=True, metadata={"example": "RKH-SAFFRON-000001"})
    region = fields.String(metadata={"example": "khorasan-razavi/mashhad"})
    region_name_fa = fields.String()
    delivery_options = fields.List(fields.String(), metadata={"example": ["pickup", "mst"]})
    status = fields.String(metadata={"example": "open"})
    photo_url = fields.String(allow_none=True)
    hidden = fields.Boolean()
    hidden_reason = fields.String(allow_none=True, metadata={"description": "shown to the owner only"})
    reputation = fields.Nested(ReputationSchema, allow_none=True)
    url = fields.String()


class BoothBodySchema(Schema):
    name = fields.String(validate=validate.Length(max=NAME_MAX), metadata={"example": "عسل شریفی‌نیا"})
    description = fields.String(validate=validate.Length(max=DESCRIPTION_MAX))
    region = fields.String(metadata={"description": "a region code", "example": "hamadan/arzanfud"})
    delivery_options = fields.List(
        fields.String(validate=validate.OneOf(DELIVERY_OPTIONS)), metadata={"example": ["pickup", "post"]}
    )
    core_code = fields.String(metadata={"description": "the core ID of an active core you lead"})
    status = fields.String(validate=validate.OneOf(("open", "closed")))


class PhotoSchema(Schema):
    id = fields.Integer()
    url = fields.String()
    thumb_url = fields.String()


class ProductSchema(Schema):
    id = fields.Integer()
    booth_id = fields.Integer()
    booth_name = fields.String()
    region = fields.String()
    title = fields.String(metadata={"example": "زعفران سرگل قائنات"})
    description = fields.String()
    category = fields.String(metadata={"example": "saffron"})
    category_id = fields.Integer()
    kind = fields.String(metadata={"example": "goods"})
    price_rials = fields.Integer(metadata=_RIALS)
    stock = fields.Integer()
    unit = fields.String(metadata={"example": "gram"})
    programmes = fields.List(fields.String(), metadata={"example": ["livestock"]})
    listed = fields.Boolean()
    hidden = fields.Boolean()
    hidden_reason = fields.String(allow_none=True, metadata={"description": "shown to the owner only"})
    photos = fields.List(fields.Nested(PhotoSchema))
    url = fields.String()


class ProductDetailSchema(ProductSchema):
    """One product as its own page shows it: with what buyers and moderators made of it."""

    reputation = fields.Nested(ReputationSchema, allow_none=True)


class SearchMetaSchema(PageMeta):
    capped = fields.Boolean(
        metadata={"description": "true when a common word's matches were counted only up to a cap"}
    )


class ProductBodySchema(Schema):
    title = fields.String(validate=validate.Length(max=TITLE_MAX))
    description = fields.String(validate=validate.Length(max=DESCRIPTION_MAX))
    category = fields.String(metadata={"description": "a category code or id", "example": "saffron"})
    price = fields.Integer(
        data_key="price_rials", strict=True, metadata={"description": "integer rials, more than zero"}
    )
    stock = fields.Integer(strict=True, metadata={"example": 40})
    unit = fields.String(validate=validate.OneOf(UNITS))
    kind = fields.String(validate=validate.OneOf(KINDS))
    programmes = fields.List(fields.String(validate=validate.OneOf(PROGRAMMES)))
    listed = fields.Boolean()


class SearchQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    q = fields.String(load_default="")
    category = fields.String(load_default="")
    region = fields.String(load_default="")
    booth = fields.String(load_default="")
    min_price = fields.String(load_default="", metadata={"description": "rials"})
    max_price = fields.String(load_default="", metadata={"description": "rials"})
    programme = fields.String(load_default="")
    in_stock = fields.String(load_default="")
    sort = fields.String(load_default="")


class CartLineSchema(Schema):
    product_id = fields.Integer()
    title = fields.String()
    quantity = fields.Integer()
    unit_price_rials = fields.Integer()
    total_rials = fields.Integer()
    problem = fields.String(allow_none=True)


class DeliveryFeeSchema(Schema):
    option = fields.String(validate=validate.OneOf(DELIVERY_OPTIONS))
    fee_rials = fields.Integer(metadata={"description": "from the main account, beside the goods"})
    terms = fields.List(fields.String())
    refused = fields.String(allow_none=True, metadata={"description": "why it cannot carry this order"})


class CartGroupSchema(Schema):
    booth_id = fields.Integer()
    booth_name = fields.String()
    delivery_options = fields.List(fields.String())
    delivery_fees = fields.List(fields.Nested(DeliveryFeeSchema), metadata={"description": "fees"})
    total_rials = fields.Integer()
    lines = fields.List(fields.Nested(CartLineSchema))


class PaymentMethodSchema(Schema):
    code = fields.String(metadata={"example": "aghsat.six_months"})
    title = fields.String()
    description = fields.String()
    pay_now_rials = fields.Integer(metadata={"description": "integer rials paid at checkout"})
    total_rials = fields.Integer(metadata={"description": "integer rials paid in all, fees included"})
    terms = fields.List(fields.String(), metadata={"description": "what else to read before choosing"})
    url = fields.String(allow_none=True)
    stage = fields.String(
        validate=validate.OneOf(STAGES),
        metadata={
            "description": "first: pays before loan money, maybe part (a voucher; several may be chosen); "
            "rest: pays what is left instead of the main account (choose at most one)"
        },
    )


class OrderPaymentSchema(Schema):
    method = fields.String(metadata={"example": "vouchers.v12"})
    title = fields.String(metadata={"description": "what the part reads as, in the caller's language"})
    amount_rials = fields.Integer()


class CartSchema(Schema):
    total_rials = fields.Integer()
    count = fields.Integer()
    groups = fields.List(fields.Nested(CartGroupSchema))
    payment_methods = fields.List(
        fields.Nested(PaymentMethodSchema),
        metadata={"description": "other ways to pay offered for this cart, chosen by code at checkout"},
    )


class CartItemBodySchema(Schema):
    quantity = fields.Integer(required=True, strict=True, metadata={"description": "0 removes the line"})


class CheckoutBodySchema(Schema):
    funding = fields.String(
        load_default="main",
        validate=validate.OneOf(FUNDINGS),
        metadata={"description": "main, earmarked (a loan account) or both (the loan first)"},
    )
    earmarked_account_id = fields.Integer(allow_none=True, load_default=None, strict=True)
    delivery = fields.Dict(
        keys=fields.String(),
        values=fields.String(validate=validate.OneOf(DELIVERY_OPTIONS)),
        load_default=dict,
        metadata={"description": "booth id -> pickup, mst or post", "example": {"12": "mst"}},
    )
    address = fields.String(load_default="", validate=validate.Length(max=500))
    note = fields.String(load_default="", validate=validate.Length(max=500))
    methods = fields.List(
        fields.String(validate=validate.Length(min=1, max=80)),
        load_default=list,
        validate=validate.Length(max=10),
        metadata={
            "description": "codes of the other ways to pay (the cart's payment_methods) to pay with: "
            "any number of 'first' ones, at most one 'rest'",
            "example": ["vouchers.v12", "aghsat.p6"],
        },
    )


class OrderItemSchema(Schema):
    product_id = fields.Integer()
    title = fields.String()
    unit = fields.String()
    unit_price_rials = fields.Integer()
    quantity = fields.Integer()
    total_rials = fields.Integer()


class OrderEventSchema(Schema):
    from_status = fields.String(allow_none=True)
    to_status = fields.String()
    actor_id = fields.Integer(allow_none=True)
    note = fields.String()
    at = UtcDateTime(metadata={"description": "UTC"})


class OrderSchema(Schema):
    id = fields.Integer()
    checkout_id = fields.Integer()
    status = fields.String(validate=validate.OneOf(ORDER_STATUSES), metadata={"example": "placed"})
    booth_id = fields.Integer()
    booth_name = fields.String()
    buyer_id = fields.Integer()
    seller_id = fields.Integer()
    total_rials = fields.Integer()
    paid_main_rials = fields.Integer()
    paid_earmarked_rials = fields.Integer()
    paid_other_rials = fields.Integer(metadata={"description": "what other ways to pay paid (payments)"})
    delivery_fee_rials = fields.Integer(metadata={"description": "paid beside total to the delivery service"})
    payments = fields.List(fields.Nested(OrderPaymentSchema))
    delivery = fields.String()
    address = fields.String()
    note = fields.String()
    tracking = fields.String()
    cancel_reason = fields.String(allow_none=True)
    created_at = UtcDateTime()
    items = fields.List(fields.Nested(OrderItemSchema))
    history = fields.List(fields.Nested(OrderEventSchema))
    actions = fields.List(fields.String(), metadata={"description": "what the caller may do now"})


class CheckoutSchema(Schema):
    checkout_id = fields.Integer()
    total_rials = fields.Integer()
    orders = fields.List(fields.Nested(OrderSchema))


class TransitionBodySchema(Schema):
    action = fields.String(
        required=True,
        validate=validate.OneOf(("accept", "ship", "deliver", "confirm", "cancel", "refund")),
    )
    reason = fields.String(load_default="", validate=validate.Length(max=REASON_MAX))
    note = fields.String(
        load_default="", validate=validate.Length(max=120), metadata={"description": "tracking"}
    )


class HideBodySchema(Schema):
    hidden = fields.Boolean(required=True)
    reason = fields.String(load_default="", validate=validate.Length(max=REASON_MAX))


class SalesPointSchema(Schema):
    label = fields.String()
    start = fields.Date()
    amount_rials = fields.Integer()
    orders = fields.Integer()


class TopProductSchema(Schema):
    product_id = fields.Integer()
    title = fields.String()
    quantity = fields.Integer()
    amount_rials = fields.Integer()


class DashboardSchema(Schema):
    period = fields.String()
    total_rials = fields.Integer()
    orders = fields.Integer()
    series = fields.List(fields.Nested(SalesPointSchema))
    top_products = fields.List(fields.Nested(TopProductSchema))
    pending_order_ids = fields.List(fields.Integer())
    low_stock_product_ids = fields.List(fields.Integer())

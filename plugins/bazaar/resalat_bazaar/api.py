"""The M-Bazar JSON API: categories, booths and products (owners edit theirs), search, the cart,
an idempotent checkout, orders and their transitions, and the seller's figures.

Money amounts are integer rials. Endpoints that move money (checkout, order transitions) need an
``Idempotency-Key``: a repeat answers the first result and moves nothing. Another member's booth,
product or order answers 404, as a missing one does.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request, url_for

from resalat_bazaar import services
from resalat_bazaar.models import Booth, Order, Product
from resalat_bazaar.schemas import (
    BoothBodySchema,
    BoothSchema,
    CartItemBodySchema,
    CartSchema,
    CategorySchema,
    CheckoutBodySchema,
    CheckoutSchema,
    DashboardSchema,
    HideBodySchema,
    OrderSchema,
    ProductBodySchema,
    ProductDetailSchema,
    ProductSchema,
    SearchMetaSchema,
    SearchQuerySchema,
    TransitionBodySchema,
)
from resalat_core.sdk import (
    BadInput,
    Member,
    NotAllowed,
    NotFound,
    _,
    api_doc,
    chosen_id,
    current_language,
    current_member,
    db_session,
    dump,
    get_region,
    idempotent,
    load,
    login_required,
    me,
    page_args,
    paginate,
    permission_required,
    public,
)

bp = Blueprint("bazaar_api", __name__, url_prefix="/api/v1/bazaar")


def _photo_url(key: str, thumb: bool = False) -> str:
    return url_for("bazaar.photo", name=f"{key}{'_t' if thumb else ''}.jpg")


def _reputation(kind: str, subject_id: int, region: Any) -> dict[str, Any] | None:
    found = services.reputation(kind, subject_id, current_member(), region)
    if found is None:
        return None
    return {
        "rating": found.rating,
        "reviews": found.reviews,
        "open_reports": found.open_reports,
        "url": found.url,
    }


def _booth(b: Booth, *, reputation: bool = False) -> dict[str, Any]:
    owner = services.is_owner(current_member(), b)
    return {
        "id": b.id,
        "name": b.name,
        "description": b.description,
        "owner_id": b.owner_id,
        "core_id": b.core_id,
        "core_code": b.core.code if b.core_id and b.core else None,
        "region": b.region.code,
        "region_name_fa": b.region.name_fa,
        "delivery_options": list(b.delivery_options or []),
        "status": b.status,
        "photo_url": _photo_url(b.photo) if b.photo else None,
        "hidden": b.hidden,
        "hidden_reason": b.hidden_reason if owner else None,
        "reputation": _reputation("booth", b.id, b.region) if reputation else None,
        "url": url_for("bazaar.booth", booth_id=b.id),
    }


def _product(p: Product) -> dict[str, Any]:
    owner = services.is_owner(current_member(), p.booth)
    return {
        "id": p.id,
        "booth_id": p.booth_id,
        "booth_name": p.booth.name,
        "region": p.booth.region.code,
        "title": p.title,
        "description": p.description,
        "category": p.category.code,
        "category_id": p.category_id,
        "kind": p.kind,
        "price_rials": p.price,
        "stock": p.stock,
        "unit": p.unit,
        "programmes": p.programmes,
        "listed": p.listed,
        "hidden": p.hidden,
        "hidden_reason": p.hidden_reason if owner else None,
        "photos": [
            {"id": ph.id, "url": _photo_url(ph.key), "thumb_url": _photo_url(ph.key, thumb=True)}
            for ph in p.photos
        ],
        "url": url_for("bazaar.product", product_id=p.id),
    }


def _order(o: Order, *, detail: bool = False) -> dict[str, Any]:
    viewer = current_member()
    return {
        "id": o.id,
        "checkout_id": o.checkout_id,
        "status": o.status,
        "booth_id": o.booth_id,
        "booth_name": o.booth.name,
        "buyer_id": o.buyer_id,
        "seller_id": o.seller_id,
        "total_rials": o.total,
        "paid_main_rials": o.paid_main,
        "paid_earmarked_rials": o.paid_earmarked,
        "paid_other_rials": o.paid_other,
        "delivery_fee_rials": o.delivery_fee,
        "payments": [
            {"method": p.method, "title": services.payment_label(p), "amount_rials": p.amount}
            for p in o.payments
        ],
        "delivery": o.delivery,
        "address": o.address,
        "note": o.note,
        "tracking": o.tracking,
        "cancel_reason": o.cancel_reason,
        "created_at": o.created_at,
        "items": [
            {
                "product_id": i.product_id,
                "title": i.title,
                "unit": i.unit,
                "unit_price_rials": i.unit_price,
                "quantity": i.quantity,
                "total_rials": i.line_total,
            }
            for i in o.items
        ],
        "history": [
            {
                "from_status": e.from_status,
                "to_status": e.to_status,
                "actor_id": e.actor_id,
                "note": e.note,
                "at": e.at,
            }
            for e in o.events
        ]
        if detail
        else [],
        "actions": services.actions_for(viewer, o) if viewer is not None else [],
    }


# --- catalogue -----------------------------------------------------------------------------------


@bp.get("/categories")
@api_doc(summary="The category tree (parents first)", response=CategorySchema, many=True, tags=["bazaar"])
@public
def categories() -> Any:
    session = db_session()
    rows = services.categories(session)
    session.commit()
    return jsonify(dump(CategorySchema, rows, many=True))


@bp.get("/search")
@api_doc(
    summary="Search the catalogue in Persian",
    response=ProductSchema,
    paginated=True,
    meta=SearchMetaSchema,
    tags=["bazaar"],
    query={
        "q": "words, any Yeh/Kaf; each word matches as a prefix",
        "category": "a category code or id (its subcategories included)",
        "region": "a province or place code",
        "booth": "a booth id",
        "min_price": "rials",
        "max_price": "rials",
        "programme": "a loan programme: livestock, solar, agriculture, textiles, beekeeping",
        "in_stock": "1 for products in stock only",
        "sort": "relevance (default with q), newest, price_asc, price_desc",
    },
)
@public
def search() -> Any:
    session = db_session()
    args = load(SearchQuerySchema, request.args.to_dict())
    filters = services.read_search_filters(session, args, price_unit="rial")
    page, per_page = page_args()
    result = services.search(session, filters, page, per_page)
    # A common word over a big catalogue is counted only up to a cap: "capped" says so.
    return {
        "items": dump(ProductSchema, [_product(p) for p in result.items], many=True),
        "meta": {**result.meta(), "capped": result.capped},
    }


@bp.get("/booths")
@api_doc(
    summary="Open booths, newest first",
    response=BoothSchema,
    paginated=True,
    tags=["bazaar"],
    query={"region": "a province or place code"},
)
@public
def booths() -> Any:
    session = db_session()
    region = None
    if request.args.get("region"):
        try:
            region = get_region(session, request.args["region"])
        except NotFound:
            message = _("No such province or place.")
            raise BadInput(message, fields={"region": message}) from None
    page, per_page = page_args()
    result = paginate(session, services.booths_query(session, region=region), page, per_page)
    return {"items": dump(BoothSchema, [_booth(b) for b in result.items], many=True), "meta": result.meta()}


@bp.post("/booths")
@api_doc(summary="Open a booth", body=BoothBodySchema, response=BoothSchema, status=201, tags=["bazaar"])
@login_required
def create_booth() -> Any:
    """``core_code`` links one of the active cores you lead; ``region`` defaults to the core's or yours."""
    session = db_session()
    data = load(BoothBodySchema)
    booth = services.open_booth(session, me(), data)
    session.commit()
    return dump(BoothSchema, _booth(booth)), 201


@bp.get("/booths/<int:booth_id>")
@api_doc(summary="A booth, with what social supervision says about it", response=BoothSchema, tags=["bazaar"])
@public
def booth(booth_id: int) -> Any:
    found = services.visible_booth(db_session(), current_member(), booth_id)
    return dump(BoothSchema, _booth(found, reputation=True))


@bp.patch("/booths/<int:booth_id>")
@api_doc(summary="Change my booth", body=BoothBodySchema, response=BoothSchema, tags=["bazaar"])
@login_required
def update_booth(booth_id: int) -> Any:
    session = db_session()
    found = services.owned_booth(session, me(), booth_id)
    services.update_booth(session, found, me(), load(BoothBodySchema))
    session.commit()
    return dump(BoothSchema, _booth(found))


@bp.get("/booths/<int:booth_id>/products")
@api_doc(summary="A booth's products, newest first", response=ProductSchema, paginated=True, tags=["bazaar"])
@public
def booth_products(booth_id: int) -> Any:
    session = db_session()
    viewer = current_member()
    found = services.visible_booth(session, viewer, booth_id)
    page, per_page = page_args()
    result = services.booth_products(session, viewer, found, page, per_page)
    return {
        "items": dump(ProductSchema, [_product(p) for p in result.items], many=True),
        "meta": result.meta(),
    }


@bp.post("/booths/<int:booth_id>/products")
@api_doc(
    summary="Add a product to my booth",
    body=ProductBodySchema,
    response=ProductSchema,
    status=201,
    tags=["bazaar"],
)
@login_required
def create_product(booth_id: int) -> Any:
    """Required: title, category, price_rials, stock. Errors name the fields."""
    session = db_session()
    found = services.owned_booth(session, me(), booth_id)
    made = services.create_product(session, found, me(), load(ProductBodySchema))
    session.commit()
    return dump(ProductSchema, _product(made)), 201


@bp.get("/products/<int:product_id>")
@api_doc(summary="A product", response=ProductDetailSchema, tags=["bazaar"])
@public
def product(product_id: int) -> Any:
    found = services.visible_product(db_session(), current_member(), product_id)
    reputation = _reputation("product", found.id, found.booth.region)
    return dump(ProductDetailSchema, {**_product(found), "reputation": reputation})


@bp.patch("/products/<int:product_id>")
@api_doc(summary="Change my product", body=ProductBodySchema, response=ProductSchema, tags=["bazaar"])
@login_required
def update_product(product_id: int) -> Any:
    session = db_session()
    found = services.owned_product(session, me(), product_id)
    services.update_product(session, found, me(), load(ProductBodySchema))
    session.commit()
    return dump(ProductSchema, _product(found))


@bp.delete("/products/<int:product_id>")
@api_doc(summary="Take my product off the shelves", response=ProductSchema, tags=["bazaar"])
@login_required
def delete_product(product_id: int) -> Any:
    """The product is unlisted, not erased: orders keep referring to it."""
    session = db_session()
    found = services.owned_product(session, me(), product_id)
    services.update_product(session, found, me(), {"listed": False})
    session.commit()
    return dump(ProductSchema, _product(found))


@bp.post("/products/<int:product_id>/photos")
@api_doc(
    summary="Upload a photo of my product (multipart field 'photo')",
    response=ProductSchema,
    status=201,
    tags=["bazaar"],
)
@login_required
def add_photo(product_id: int) -> Any:
    """JPEG, PNG, WebP or GIF; checked to be a real image, resized, with a thumbnail."""
    session = db_session()
    found = services.owned_product(session, me(), product_id)
    upload = request.files.get("photo")
    services.add_product_photo(session, found, me(), upload.read() if upload is not None else b"")
    session.commit()
    return dump(ProductSchema, _product(found)), 201


@bp.delete("/products/<int:product_id>/photos/<int:photo_id>")
@api_doc(summary="Remove a photo of my product", response=ProductSchema, tags=["bazaar"])
@login_required
def remove_photo(product_id: int, photo_id: int) -> Any:
    session = db_session()
    found = services.owned_product(session, me(), product_id)
    services.remove_product_photo(session, found, me(), photo_id)
    session.commit()
    return dump(ProductSchema, _product(found))


# --- cart and checkout ---------------------------------------------------------------------------


def _method(method: services.PaymentMethod) -> dict[str, Any]:
    return {
        "code": method.code,
        "title": str(method.title),
        "description": str(method.description),
        "pay_now_rials": method.pay_now,
        "total_rials": method.total,
        "terms": [str(term) for term in method.terms],
        "url": method.url,
        "stage": method.stage,
    }


def _cart(member: Member) -> dict[str, Any]:
    current = services.cart(db_session(), member)
    offers = services.delivery_offers(member, current)
    return {
        "total_rials": current.total,
        "count": current.count,
        "payment_methods": [_method(m) for m in services.payment_methods(member, current)],
        "groups": [
            {
                "booth_id": g.booth.id,
                "booth_name": g.booth.name,
                "delivery_options": list(g.booth.delivery_options or []),
                "delivery_fees": [
                    {
                        "option": offer.option,
                        "fee_rials": offer.fee,
                        "terms": [str(t) for t in offer.quote.terms] if offer.quote else [],
                        "refused": offer.refused,
                    }
                    for offer in offers.get(g.booth.id, [])
                ],
                "total_rials": g.total,
                "lines": [
                    {
                        "product_id": line.product.id,
                        "title": line.product.title,
                        "quantity": line.item.quantity,
                        "unit_price_rials": line.product.price,
                        "total_rials": line.total,
                        "problem": line.problem,
                    }
                    for line in g.lines
                ],
            }
            for g in current.groups
        ],
    }


@bp.get("/cart")
@api_doc(summary="My cart, grouped by booth, and the ways to pay it", response=CartSchema, tags=["bazaar"])
@login_required
def cart() -> Any:
    """The checkout's preview: what each booth's order will hold, and the other ways to pay that
    plugins active in your region offer for it (``payment_methods``), before you pay."""
    return dump(CartSchema, _cart(me()))


@bp.put("/cart/items/<int:product_id>")
@api_doc(
    summary="Set how many of a product my cart holds (0 removes it)",
    body=CartItemBodySchema,
    response=CartSchema,
    tags=["bazaar"],
)
@login_required
def set_cart_item(product_id: int) -> Any:
    session = db_session()
    data = load(CartItemBodySchema)
    services.set_cart_quantity(session, me(), product_id, data["quantity"])
    session.commit()
    return dump(CartSchema, _cart(me()))


@bp.delete("/cart/items/<int:product_id>")
@api_doc(summary="Remove a product from my cart", response=CartSchema, tags=["bazaar"])
@login_required
def remove_cart_item(product_id: int) -> Any:
    session = db_session()
    services.remove_from_cart(session, me(), product_id)
    session.commit()
    return dump(CartSchema, _cart(me()))


@bp.post("/checkout")
@api_doc(
    summary="Pay my cart: one order per booth, the money held in escrow",
    body=CheckoutBodySchema,
    response=CheckoutSchema,
    status=201,
    tags=["bazaar"],
)
@login_required
@idempotent
def checkout() -> Any:
    """Needs an ``Idempotency-Key``; the same key never pays twice. All or nothing: a refusal
    (stock, funds, the loan's spend rules, named in the message) changes nothing."""
    data = load(CheckoutBodySchema)
    delivery: dict[int, str] = {}
    for key, option in data["delivery"].items():
        booth_id = chosen_id(str(key))
        if booth_id is None:
            raise BadInput(
                _("Name each booth by its id."), fields={"delivery": _("Name each booth by its id.")}
            )
        delivery[booth_id] = option
    result = services.checkout(
        db_session(),
        me(),
        services.CheckoutRequest(
            key=request.headers["Idempotency-Key"].strip(),
            funding=data["funding"],
            earmarked_account_id=data["earmarked_account_id"],
            delivery=delivery,
            address=data["address"],
            note=data["note"],
            methods=tuple(data["methods"]),
        ),
    )
    # Not committed here: the idempotency record commits the checkout and its answer together.
    body = {
        "checkout_id": result.checkout.id,
        "total_rials": result.checkout.total,
        "orders": [_order(o) for o in result.orders],
    }
    return dump(CheckoutSchema, body), 201


# --- orders --------------------------------------------------------------------------------------


@bp.get("/orders")
@api_doc(
    summary="My purchases (or, with as=seller, my sales), newest first",
    response=OrderSchema,
    paginated=True,
    tags=["bazaar"],
    query={"as": "buyer (default) or seller", "status": "an order status"},
)
@login_required
def orders() -> Any:
    session = db_session()
    as_seller = request.args.get("as") == "seller"
    status = request.args.get("status") or None
    if status is not None and status not in services.ORDER_STATUSES:
        raise BadInput(_("Unknown status."), fields={"status": _("Unknown status.")})
    page, per_page = page_args()
    result = paginate(
        session, services.orders_query(me(), as_seller=as_seller, status=status), page, per_page
    )
    return {"items": dump(OrderSchema, [_order(o) for o in result.items], many=True), "meta": result.meta()}


@bp.get("/orders/<int:order_id>")
@api_doc(summary="One of my orders, with its history", response=OrderSchema, tags=["bazaar"])
@login_required
def order(order_id: int) -> Any:
    session = db_session()
    services.visible_order(session, me(), order_id)
    return dump(OrderSchema, _order(services.order_detail(session, order_id), detail=True))


@bp.post("/orders/<int:order_id>/transitions")
@api_doc(
    summary="Move an order on: accept, ship, deliver, confirm, cancel (with a reason) or refund",
    body=TransitionBodySchema,
    response=OrderSchema,
    tags=["bazaar"],
)
@login_required
@idempotent
def transition(order_id: int) -> Any:
    """Needs an ``Idempotency-Key``. ``confirm`` pays the seller from escrow; ``cancel`` (before
    sending, buyer or seller) and ``refund`` (an administrator) pay the buyer back."""
    session = db_session()
    data = load(TransitionBodySchema)
    found = services.visible_order(session, me(), order_id)
    services.transition(session, found, data["action"], me(), reason=data["reason"], note=data["note"])
    return dump(OrderSchema, _order(services.order_detail(session, order_id), detail=True))


# --- figures and administration ------------------------------------------------------------------


@bp.get("/dashboard")
@api_doc(
    summary="My sales by period, top products, orders waiting, low stock",
    response=DashboardSchema,
    tags=["bazaar"],
    query={"period": "30d or 12m", "booth": "one of my booths (default: all)"},
)
@login_required
def dashboard() -> Any:
    raw = request.args.get("booth", "")
    figures = services.seller_dashboard(
        db_session(),
        me(),
        booth_id=chosen_id(raw),
        period=request.args.get("period", "30d"),
        lang=current_language(),
    )
    return dump(
        DashboardSchema,
        {
            "period": figures.period,
            "total_rials": figures.total,
            "orders": figures.orders,
            "series": [
                {"label": p.label, "start": p.start, "amount_rials": p.amount, "orders": p.orders}
                for p in figures.series
            ],
            "top_products": [
                {
                    "product_id": t.product_id,
                    "title": t.title,
                    "quantity": t.quantity,
                    "amount_rials": t.amount,
                }
                for t in figures.top
            ],
            "pending_order_ids": [o.id for o in figures.pending],
            "low_stock_product_ids": [p.id for p in figures.low_stock],
        },
    )


def _hide(kind: str, subject_id: int) -> Any:
    session = db_session()
    admin = me()
    data = load(HideBodySchema)
    if kind == "booth":
        found: Any = services.get_booth(session, subject_id)
        region = found.region
    else:
        found = services.get_product(session, subject_id)
        region = found.booth.region
    if not services.is_admin(admin, region):
        raise NotAllowed(_("You do not have permission to do this here."))
    if kind == "booth":
        services.set_booth_hidden(session, found, data["hidden"], reason=data["reason"], actor=admin)
        session.commit()
        return dump(BoothSchema, _booth(found))
    services.set_product_hidden(session, found, data["hidden"], reason=data["reason"], actor=admin)
    session.commit()
    return dump(ProductSchema, _product(found))


@bp.post("/admin/booths/<int:booth_id>/hide")
@api_doc(
    summary="Hide a booth from the market (or show it again)",
    body=HideBodySchema,
    response=BoothSchema,
    tags=["bazaar"],
)
@permission_required(services.ADMIN)
def hide_booth(booth_id: int) -> Any:
    return _hide("booth", booth_id)


@bp.post("/admin/products/<int:product_id>/hide")
@api_doc(
    summary="Hide a product from the market (or show it again)",
    body=HideBodySchema,
    response=ProductSchema,
    tags=["bazaar"],
)
@permission_required(services.ADMIN)
def hide_product(product_id: int) -> Any:
    return _hide("product", product_id)

"""M-Bazar's pages: search, booths, products, cart and checkout, orders, the seller's dashboard."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for

from resalat_bazaar import charts, media, services
from resalat_bazaar.models import DELIVERY_OPTIONS, FUND_MAIN, KINDS, PROGRAMMES, UNITS
from resalat_core.sdk import (
    BadInput,
    Conflict,
    Member,
    NotAllowed,
    NotFound,
    Page,
    _,
    current_language,
    current_member,
    db_session,
    format_money,
    get_region,
    ledger,
    login_required,
    page_args,
    paginate,
    permission_required,
    public,
)

bp = Blueprint("bazaar", __name__, url_prefix="/bazaar")


def _me() -> Member:
    member = current_member()
    assert member is not None  # login_required let the request in
    return member


def _errors(exc: BadInput | NotAllowed | Conflict) -> dict[str, Any]:
    return exc.form_errors()


def _common() -> dict[str, Any]:
    return {"services": services, "me": current_member()}


# --- the market: search -------------------------------------------------------------------------


@bp.get("/")
@public
def index() -> Any:
    """The catalogue: search in Persian with filters, best match first."""
    session = db_session()
    page, per_page = page_args()
    tree = services.category_tree(session)
    errors: dict[str, Any] = {}
    try:
        filters = services.read_search_filters(session, request.args)
        result = services.search(session, filters, page, per_page)
    except BadInput as exc:
        errors = _errors(exc)
        filters = services.SearchFilters(q=request.args.get("q", ""))
        result = Page(items=[], page=1, per_page=per_page, total=0)
    session.commit()  # the categories, if this first visit seeded them
    return render_template(
        "bazaar/index.html",
        page=result,
        filters=filters,
        raw=request.args,
        errors=errors,
        tree=tree,
        regions=services.regions_for_select(session),
        **_common(),
    ), (400 if errors else 200)


@bp.get("/booths")
@public
def booths() -> Any:
    session = db_session()
    page, per_page = page_args()
    region = None
    code = request.args.get("region", "")
    if code:
        try:
            region = get_region(session, code)
        except NotFound:
            region = None
    result = paginate(session, services.booths_query(region=region), page, per_page)
    return render_template(
        "bazaar/booths.html",
        page=result,
        region=region,
        regions=services.regions_for_select(session),
        **_common(),
    )


# --- booths --------------------------------------------------------------------------------------


@bp.get("/booths/<int:booth_id>")
@public
def booth(booth_id: int) -> Any:
    session = db_session()
    viewer = current_member()
    found = services.visible_booth(session, viewer, booth_id)
    page, per_page = page_args()
    products = services.booth_products(session, viewer, found, page, per_page)
    return render_template(
        "bazaar/booth.html",
        booth=found,
        page=products,
        reputation=services.reputation("booth", found.id, viewer, found.region),
        owner=services.is_owner(viewer, found),
        admin=services.is_admin(viewer, found.region),
        **_common(),
    )


def _booth_form(
    booth: Any = None, values: Any = None, errors: dict[str, Any] | None = None, status: int = 200
) -> Any:
    session = db_session()
    me = _me()
    if values is None:
        values = (
            {
                "name": booth.name,
                "description": booth.description,
                "region": booth.region.code,
                "delivery_options": booth.delivery_options,
                "core_code": booth.core.code if booth.core_id else "",
                "status": booth.status,
            }
            if booth is not None
            else {"region": me.region.code if me.region else "", "delivery_options": ["pickup", "mst"]}
        )
    return render_template(
        "bazaar/booth_form.html",
        booth=booth,
        values=values,
        errors=errors or {},
        regions=services.regions_for_select(session),
        my_cores=[c for c in services.cores.cores_led_by(session, me) if c.status == services.cores.ACTIVE],
        delivery_options=DELIVERY_OPTIONS,
        **_common(),
    ), status


def _booth_data(form: Any) -> dict[str, Any]:
    return {
        "name": form.get("name", ""),
        "description": form.get("description", ""),
        "region": form.get("region", ""),
        "delivery_options": form.getlist("delivery_options"),
        "core_code": form.get("core_code", ""),
        **({"status": form["status"]} if form.get("status") else {}),
    }


@bp.get("/booths/new")
@login_required
def new_booth() -> Any:
    return _booth_form()


@bp.post("/booths/new")
@login_required
def create_booth() -> Any:
    session = db_session()
    data = _booth_data(request.form)
    try:
        found = services.open_booth(session, _me(), data)
    except (BadInput, NotAllowed) as exc:
        session.rollback()
        return _booth_form(values=data, errors=_errors(exc), status=exc.status)
    session.commit()
    flash(_("Your booth is open. Add your first product."), "success")
    return redirect(url_for("bazaar.new_product", booth_id=found.id))


@bp.get("/booths/<int:booth_id>/edit")
@login_required
def edit_booth(booth_id: int) -> Any:
    return _booth_form(services.owned_booth(db_session(), _me(), booth_id))


@bp.post("/booths/<int:booth_id>/edit")
@login_required
def update_booth(booth_id: int) -> Any:
    session = db_session()
    found = services.owned_booth(session, _me(), booth_id)
    data = _booth_data(request.form)
    try:
        services.update_booth(session, found, _me(), data)
        photo = request.files.get("photo")
        if photo is not None and photo.filename:
            services.set_booth_photo(session, found, _me(), photo.read())
    except BadInput as exc:
        session.rollback()
        return _booth_form(found, data, _errors(exc), exc.status)
    session.commit()
    flash(_("The booth was saved."), "success")
    return redirect(url_for("bazaar.booth", booth_id=found.id))


@bp.get("/mine")
@login_required
def my_booths() -> Any:
    session = db_session()
    me = _me()
    return render_template("bazaar/mine.html", booths=services.booths_of(session, me), **_common())


# --- products ------------------------------------------------------------------------------------


@bp.get("/products/<int:product_id>")
@public
def product(product_id: int) -> Any:
    session = db_session()
    viewer = current_member()
    found = services.visible_product(session, viewer, product_id)
    booth_ = found.booth
    return render_template(
        "bazaar/product.html",
        product=found,
        booth=booth_,
        tree=services.category_tree(session),
        reputation=services.reputation("product", found.id, viewer, booth_.region),
        owner=services.is_owner(viewer, booth_),
        admin=services.is_admin(viewer, booth_.region),
        **_common(),
    )


def _product_form(
    booth: Any,
    product: Any = None,
    values: Any = None,
    errors: dict[str, Any] | None = None,
    status: int = 200,
) -> Any:
    session = db_session()
    if values is None:
        values = (
            {
                "title": product.title,
                "description": product.description,
                "category": str(product.category_id),
                "price": services.tomans(product.price),
                "stock": str(product.stock),
                "unit": product.unit,
                "kind": product.kind,
                "programmes": product.programmes,
                "listed": product.listed,
            }
            if product is not None
            else {"unit": "piece", "kind": "goods", "programmes": [], "listed": True}
        )
    return render_template(
        "bazaar/product_form.html",
        booth=booth,
        product=product,
        values=values,
        errors=errors or {},
        tree=services.category_tree(session),
        units=UNITS,
        kinds=KINDS,
        programmes=PROGRAMMES,
        **_common(),
    ), status


def _product_data(form: Any) -> dict[str, Any]:
    return {
        "title": form.get("title", ""),
        "description": form.get("description", ""),
        "category": form.get("category", ""),
        "price": form.get("price", ""),
        "stock": form.get("stock", ""),
        "unit": form.get("unit", ""),
        "kind": form.get("kind", ""),
        "programmes": form.getlist("programmes"),
        "listed": form.get("listed") == "1",
    }


@bp.get("/booths/<int:booth_id>/products/new")
@login_required
def new_product(booth_id: int) -> Any:
    return _product_form(services.owned_booth(db_session(), _me(), booth_id))


@bp.post("/booths/<int:booth_id>/products/new")
@login_required
def create_product(booth_id: int) -> Any:
    session = db_session()
    found = services.owned_booth(session, _me(), booth_id)
    data = _product_data(request.form)
    try:
        made = services.create_product(session, found, _me(), data)
        photo = request.files.get("photo")
        if photo is not None and photo.filename:
            services.add_product_photo(session, made, _me(), photo.read())
    except (BadInput, NotAllowed) as exc:
        session.rollback()
        return _product_form(found, None, data, _errors(exc), exc.status)
    session.commit()
    flash(_("The product was added."), "success")
    return redirect(url_for("bazaar.product", product_id=made.id))


@bp.get("/products/<int:product_id>/edit")
@login_required
def edit_product(product_id: int) -> Any:
    found = services.owned_product(db_session(), _me(), product_id)
    return _product_form(found.booth, found)


@bp.post("/products/<int:product_id>/edit")
@login_required
def update_product(product_id: int) -> Any:
    session = db_session()
    found = services.owned_product(session, _me(), product_id)
    data = _product_data(request.form)
    try:
        services.update_product(session, found, _me(), data)
    except (BadInput, NotAllowed) as exc:
        session.rollback()
        return _product_form(found.booth, found, data, _errors(exc), exc.status)
    session.commit()
    flash(_("The product was saved."), "success")
    return redirect(url_for("bazaar.product", product_id=found.id))


@bp.post("/products/<int:product_id>/photos")
@login_required
def add_photo(product_id: int) -> Any:
    session = db_session()
    found = services.owned_product(session, _me(), product_id)
    upload = request.files.get("photo")
    try:
        services.add_product_photo(session, found, _me(), upload.read() if upload is not None else b"")
    except BadInput as exc:
        session.rollback()
        flash(str(exc.message), "danger")
        return redirect(url_for("bazaar.edit_product", product_id=found.id))
    session.commit()
    flash(_("The photo was added."), "success")
    return redirect(url_for("bazaar.edit_product", product_id=found.id))


@bp.post("/products/<int:product_id>/photos/<int:photo_id>/delete")
@login_required
def remove_photo(product_id: int, photo_id: int) -> Any:
    session = db_session()
    found = services.owned_product(session, _me(), product_id)
    services.remove_product_photo(session, found, _me(), photo_id)
    session.commit()
    flash(_("The photo was removed."), "success")
    return redirect(url_for("bazaar.edit_product", product_id=found.id))


@bp.get("/media/<name>")
@public
def photo(name: str) -> Any:
    """A stored photo (``<key>.jpg``) or its thumbnail (``<key>_t.jpg``); names never change."""
    if not media.FILE_RE.match(name):
        abort(404)
    data = media.storage().read(name)
    if data is None:
        abort(404)
    response = Response(data, mimetype="image/jpeg")
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# --- cart and checkout ---------------------------------------------------------------------------


@bp.post("/products/<int:product_id>/cart")
@login_required
def add_to_cart(product_id: int) -> Any:
    session = db_session()
    try:
        services.add_to_cart(session, _me(), product_id, request.form.get("quantity", "1"))
    except BadInput as exc:
        session.rollback()
        flash(str(exc.message), "danger")
        return redirect(url_for("bazaar.product", product_id=product_id))
    session.commit()
    flash(_("Added to your cart."), "success")
    return redirect(url_for("bazaar.cart_page"))


@bp.post("/cart/<int:product_id>")
@login_required
def set_quantity(product_id: int) -> Any:
    session = db_session()
    me = _me()
    try:
        if request.form.get("remove"):
            services.remove_from_cart(session, me, product_id)
        else:
            services.set_cart_quantity(session, me, product_id, request.form.get("quantity", ""))
    except BadInput as exc:
        session.rollback()
        flash(str(exc.message), "danger")
        return redirect(url_for("bazaar.cart_page"))
    session.commit()
    return redirect(url_for("bazaar.cart_page"))


def _cart_page(values: Any = None, errors: dict[str, Any] | None = None, status: int = 200) -> Any:
    session = db_session()
    me = _me()
    current = services.cart(session, me)
    values = dict(values or {})
    values.setdefault("key", uuid.uuid4().hex)
    values.setdefault("funding", FUND_MAIN)
    loans = services.earmarked_accounts(session, me)
    main = ledger.main_account(session, me)
    session.commit()  # the main account, if this visit opened it
    return render_template(
        "bazaar/cart.html",
        cart=current,
        values=values,
        errors=errors or {},
        loans=loans,
        main=main,
        **_common(),
    ), status


@bp.get("/cart")
@login_required
def cart_page() -> Any:
    return _cart_page()


@bp.post("/checkout")
@login_required
def checkout() -> Any:
    """Pay the cart: one order per booth, the money held in escrow until the buyer confirms."""
    session = db_session()
    form = request.form
    values = {k: form.get(k, "") for k in ("key", "funding", "earmarked_account", "address", "note")}
    delivery: dict[int, str] = {}
    for name, value in form.items():
        if name.startswith("delivery_") and name[9:].isdigit():
            delivery[int(name[9:])] = value
            values[name] = value
    account_id = values["earmarked_account"]
    checkout_request = services.CheckoutRequest(
        key=values["key"],
        funding=values["funding"] or FUND_MAIN,
        earmarked_account_id=int(account_id) if account_id.isdigit() else None,
        delivery=delivery,
        address=values["address"],
        note=values["note"],
    )
    try:
        result = services.checkout(session, _me(), checkout_request)
    except (BadInput, NotAllowed, Conflict) as exc:
        session.rollback()
        return _cart_page(values, _errors(exc), exc.status)
    session.commit()
    if result.replayed:
        flash(_("This purchase was already made; it was not repeated."), "info")
    else:
        flash(
            _(
                "Paid %(amount)s. The money is held until you confirm you received your order.",
                amount=format_money(result.checkout.total, lang=current_language()),
            ),
            "success",
        )
    return redirect(url_for("bazaar.orders", checkout=result.checkout.id))


# --- orders --------------------------------------------------------------------------------------


@bp.get("/orders")
@login_required
def orders() -> Any:
    session = db_session()
    me = _me()
    as_seller = request.args.get("as") == "seller"
    status = request.args.get("status") or None
    if status not in (None, *services.ORDER_STATUSES):
        status = None
    page, per_page = page_args()
    result = paginate(session, services.orders_query(me, as_seller=as_seller, status=status), page, per_page)
    return render_template("bazaar/orders.html", page=result, as_seller=as_seller, status=status, **_common())


@bp.get("/orders/<int:order_id>")
@login_required
def order(order_id: int) -> Any:
    session = db_session()
    me = _me()
    services.visible_order(session, me, order_id)
    found = services.order_detail(session, order_id)
    return render_template(
        "bazaar/order.html",
        order=found,
        role=services.role_in(me, found),
        actions=services.actions_for(me, found),
        **_common(),
    )


@bp.post("/orders/<int:order_id>/<action>")
@login_required
def order_action(order_id: int, action: str) -> Any:
    session = db_session()
    me = _me()
    found = services.visible_order(session, me, order_id)
    if action not in services.ACTIONS:
        abort(404)
    try:
        services.transition(
            session,
            found,
            action,
            me,
            reason=request.form.get("reason", ""),
            note=request.form.get("note", ""),
        )
    except (BadInput, NotAllowed, Conflict) as exc:
        session.rollback()
        flash(str(exc.message), "danger")
        return redirect(url_for("bazaar.order", order_id=order_id))
    session.commit()
    flash(_("Order %(n)s: %(status)s.", n=found.id, status=services.status_label(found.status)), "success")
    return redirect(url_for("bazaar.order", order_id=order_id))


# --- the seller's dashboard ----------------------------------------------------------------------


@bp.get("/dashboard")
@login_required
def dashboard() -> Any:
    session = db_session()
    me = _me()
    period = request.args.get("period", "30d")
    if period not in services.PERIODS:
        period = "30d"
    raw_booth = request.args.get("booth", "")
    booth_id = int(raw_booth) if raw_booth.isdigit() else None
    lang = current_language()
    figures = services.seller_dashboard(session, me, booth_id=booth_id, period=period, lang=lang)
    chart = charts.bar_chart(
        [(p.label, p.amount) for p in figures.series],
        title=_("Sales by period"),
        value_text=lambda rials: format_money(rials, lang=lang),
        rtl=lang == "fa",
        empty_text=_("No sales in this period yet."),
    )
    return render_template("bazaar/dashboard.html", figures=figures, chart=chart, **_common())


# --- administrators ------------------------------------------------------------------------------


def _hide(kind: str, subject_id: int) -> Any:
    session = db_session()
    me = _me()
    hidden = request.form.get("hidden") == "1"
    reason = request.form.get("reason", "")
    if kind == "booth":
        found = services.get_booth(session, subject_id)
        target = url_for("bazaar.booth", booth_id=found.id)
        region = found.region
    else:
        found = services.get_product(session, subject_id)
        target = url_for("bazaar.product", product_id=found.id)
        region = found.booth.region
    if not services.is_admin(me, region):
        raise NotAllowed(_("You do not have permission to do this here."))
    try:
        if kind == "booth":
            services.set_booth_hidden(session, found, hidden, reason=reason, actor=me)
        else:
            services.set_product_hidden(session, found, hidden, reason=reason, actor=me)
    except BadInput as exc:
        session.rollback()
        flash(
            str(exc.message) if not exc.fields else "; ".join(str(v) for v in exc.fields.values()), "danger"
        )
        return redirect(target)
    session.commit()
    flash(_("Hidden from the market.") if hidden else _("Shown in the market again."), "success")
    return redirect(target)


@bp.post("/admin/booths/<int:booth_id>/hide")
@permission_required(services.ADMIN)
def hide_booth(booth_id: int) -> Any:
    return _hide("booth", booth_id)


@bp.post("/admin/products/<int:product_id>/hide")
@permission_required(services.ADMIN)
def hide_product(product_id: int) -> Any:
    return _hide("product", product_id)

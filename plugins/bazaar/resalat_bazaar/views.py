"""M-Bazar's pages: search, booths, products, cart and checkout, orders, the seller's dashboard."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, abort, render_template, request, url_for
from resalat_cores import services as cores

from resalat_bazaar import charts, media, services
from resalat_bazaar.models import DELIVERY_OPTIONS, FUND_MAIN, KINDS, PROGRAMMES, UNITS
from resalat_core.sdk import (
    BadInput,
    FieldReader,
    Money,
    NotAllowed,
    NotFound,
    Page,
    _,
    _l,
    account_name,
    chosen_id,
    current_language,
    current_member,
    db_session,
    flash_back,
    format_money,
    get_region,
    handle_form,
    lazy_pgettext,
    login_required,
    main_account,
    me,
    page_args,
    paginate,
    permission_required,
    public,
    region_choices,
    to_persian_digits,
)

bp = Blueprint("bazaar", __name__, url_prefix="/bazaar")


def _common() -> dict[str, Any]:
    return {"services": services, "me": current_member()}


def _shown(text: str) -> str:
    """Digits as the reader writes them, for a form field filled in for them."""
    return to_persian_digits(text) if current_language() == "fa" else text


def _refusal_as_error(field: str, act: Callable[[], Any]) -> Any:
    """A refusal that belongs beside a field (the loan's spend rules) is shown on the form."""
    try:
        return act()
    except NotAllowed as exc:
        raise BadInput(exc.message, fields={field: exc.message}, code=exc.code) from None


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
        filters = services.read_search_filters(session, request.args, tree=tree)
        result = services.search(session, filters, page, per_page)
    except BadInput as exc:
        errors = exc.form_errors()
        filters = services.SearchFilters(q=request.args.get("q", ""))
        result = Page(items=[], page=1, per_page=per_page, total=0)
    if not tree.committed:
        session.commit()  # this first visit seeded the categories
    return render_template(
        "bazaar/index.html",
        page=result,
        filters=filters,
        raw=request.args,
        errors=errors,
        tree=tree,
        regions=region_choices(session, current_language()),
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
    result = paginate(session, services.booths_query(session, region=region), page, per_page)
    return render_template(
        "bazaar/booths.html",
        page=result,
        region=region,
        regions=region_choices(session, current_language()),
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
    member = me()
    my_cores = [c for c in cores.cores_led_by(session, member) if c.status == cores.ACTIVE]
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
            else {
                "region": member.region.code if member.region else "",
                "delivery_options": ["pickup", "mst"],
                # A leader of one active core opens its booth: its ID is filled in, not typed.
                "core_code": my_cores[0].code if len(my_cores) == 1 else "",
            }
        )
    return render_template(
        "bazaar/booth_form.html",
        booth=booth,
        values=values,
        errors=errors or {},
        regions=region_choices(session, current_language()),
        my_cores=my_cores,
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
    data = _booth_data(request.form)
    return handle_form(
        lambda s: services.open_booth(s, me(), data),
        again=lambda errors, status: _booth_form(values=data, errors=errors, status=status),
        to=lambda made: url_for("bazaar.new_product", booth_id=made.id),
        done=_l("Your booth is open. Add your first product."),
    )


@bp.get("/booths/<int:booth_id>/edit")
@login_required
def edit_booth(booth_id: int) -> Any:
    return _booth_form(services.owned_booth(db_session(), me(), booth_id))


@bp.post("/booths/<int:booth_id>/edit")
@login_required
def update_booth(booth_id: int) -> Any:
    found = services.owned_booth(db_session(), me(), booth_id)
    data = _booth_data(request.form)
    photo = request.files.get("photo")

    def act(session: Any) -> Any:
        services.update_booth(session, found, me(), data)
        if photo is not None and photo.filename:
            services.set_booth_photo(session, found, me(), photo.read())
        return found

    return handle_form(
        act,
        again=lambda errors, status: _booth_form(found, data, errors, status),
        to=url_for("bazaar.booth", booth_id=found.id),
        done=_l("The booth was saved."),
    )


@bp.get("/mine")
@login_required
def my_booths() -> Any:
    # Paged like every list that can grow: a cooperative may run many booths.
    session = db_session()
    page, per_page = page_args()
    result = paginate(session, services.booths_of_query(me()), page, per_page)
    return render_template("bazaar/mine.html", booths=result.items, page=result, **_common())


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
                "price": _shown(services.tomans(product.price)),
                "stock": _shown(str(product.stock)),
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


def _product_values(form: Any) -> dict[str, Any]:
    """The product form as typed (shown again when something is wrong)."""
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


def _product_act(values: dict[str, Any], save: Callable[[Any, dict[str, Any]], Any]) -> Callable[[Any], Any]:
    """The product form's unit of work: the price read in tomans, the stock in any digits."""

    def act(session: Any) -> Any:
        typed = FieldReader()
        data = {
            **values,
            "price": typed.money(values["price"], "price", allow_zero=True),
            "stock": typed.count(values["stock"], "stock"),
        }
        return typed.run(lambda: save(session, data))

    return act


@bp.get("/booths/<int:booth_id>/products/new")
@login_required
def new_product(booth_id: int) -> Any:
    return _product_form(services.owned_booth(db_session(), me(), booth_id))


@bp.post("/booths/<int:booth_id>/products/new")
@login_required
def create_product(booth_id: int) -> Any:
    found = services.owned_booth(db_session(), me(), booth_id)
    values = _product_values(request.form)
    photo = request.files.get("photo")

    def save(session: Any, data: dict[str, Any]) -> Any:
        made = services.create_product(session, found, me(), data)
        if photo is not None and photo.filename:
            services.add_product_photo(session, made, me(), photo.read())
        return made

    return handle_form(
        _product_act(values, save),
        again=lambda errors, status: _product_form(found, None, values, errors, status),
        to=lambda made: url_for("bazaar.product", product_id=made.id),
        done=_l("The product was added."),
    )


@bp.get("/products/<int:product_id>/edit")
@login_required
def edit_product(product_id: int) -> Any:
    found = services.owned_product(db_session(), me(), product_id)
    return _product_form(found.booth, found)


@bp.post("/products/<int:product_id>/edit")
@login_required
def update_product(product_id: int) -> Any:
    found = services.owned_product(db_session(), me(), product_id)
    values = _product_values(request.form)
    return handle_form(
        _product_act(values, lambda session, data: services.update_product(session, found, me(), data)),
        again=lambda errors, status: _product_form(found.booth, found, values, errors, status),
        to=url_for("bazaar.product", product_id=found.id),
        done=lazy_pgettext("goods", "The product was saved."),
    )


@bp.post("/products/<int:product_id>/photos")
@login_required
def add_photo(product_id: int) -> Any:
    found = services.owned_product(db_session(), me(), product_id)
    upload = request.files.get("photo")
    back = url_for("bazaar.edit_product", product_id=found.id)
    return handle_form(
        lambda s: services.add_product_photo(s, found, me(), upload.read() if upload is not None else b""),
        again=flash_back(back),
        to=back,
        done=_l("The photo was added."),
    )


@bp.post("/products/<int:product_id>/photos/<int:photo_id>/delete")
@login_required
def remove_photo(product_id: int, photo_id: int) -> Any:
    found = services.owned_product(db_session(), me(), product_id)
    back = url_for("bazaar.edit_product", product_id=found.id)
    return handle_form(
        lambda s: services.remove_product_photo(s, found, me(), photo_id),
        again=flash_back(back),
        to=back,
        done=_l("The photo was removed."),
    )


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
    # Shown in the page, never run: a saved copy keeps the photo's own name.
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    return response


# --- cart and checkout ---------------------------------------------------------------------------


def _set_in_cart(session: Any, product_id: int, *, add: bool) -> Any:
    typed = FieldReader()
    quantity = typed.count(request.form.get("quantity", ""), "quantity")
    return typed.run(lambda: services.set_cart_quantity(session, me(), product_id, quantity, add=add))


@bp.post("/products/<int:product_id>/cart")
@login_required
def add_to_cart(product_id: int) -> Any:
    return handle_form(
        lambda s: _set_in_cart(s, product_id, add=True),
        again=flash_back(url_for("bazaar.product", product_id=product_id)),
        to=url_for("bazaar.cart_page"),
        done=_l("Added to your cart."),
    )


@bp.post("/cart/<int:product_id>")
@login_required
def set_quantity(product_id: int) -> Any:
    def act(session: Any) -> Any:
        if request.form.get("remove"):
            return services.remove_from_cart(session, me(), product_id)
        return _set_in_cart(session, product_id, add=False)

    back = url_for("bazaar.cart_page")
    return handle_form(act, again=flash_back(back), to=back)


def _cart_page(values: Any = None, errors: dict[str, Any] | None = None, status: int = 200) -> Any:
    session = db_session()
    member = me()
    current = services.cart(session, member)
    values = dict(values or {})
    values.setdefault("key", uuid.uuid4().hex)
    values.setdefault("funding", FUND_MAIN)
    loans = [(account, account_name(account)) for account in services.earmarked_accounts(session, member)]
    main = main_account(session, member)
    methods = services.payment_methods(member, current)
    offers = services.delivery_offers(member, current)
    # The fee of each booth's option as the form stands (its choice, else the first option).
    fees = 0
    for booth_id, options in offers.items():
        chosen = values.get(f"delivery_{booth_id}") or (options[0].option if options else None)
        fees += next((o.fee for o in options if o.option == chosen), 0)
    values.setdefault("methods", [])
    values.setdefault("rest_method", "")
    session.commit()  # the main account, if this visit opened it
    return render_template(
        "bazaar/cart.html",
        cart=current,
        values=values,
        errors=errors or {},
        loans=loans,
        main=main,
        methods=methods,
        offers=offers,
        delivery_fees=fees,
        **_common(),
    ), status


@bp.get("/cart")
@login_required
def cart_page() -> Any:
    return _cart_page()


def _paid(result: Any) -> str:
    if result.replayed:
        return _("This purchase was already made; it was not repeated.")
    return _(
        "Paid %(amount)s. The money is held until you confirm you received your order.",
        amount=Money(result.checkout.total),
    )


@bp.post("/checkout")
@login_required
def checkout() -> Any:
    """Pay the cart: one order per booth, the money held in escrow until the buyer confirms."""
    form = request.form
    values: dict[str, Any] = {
        k: form.get(k, "") for k in ("key", "funding", "earmarked_account", "address", "note", "rest_method")
    }
    values["methods"] = form.getlist("method")
    delivery: dict[int, str] = {}
    for name, value in form.items():
        booth_id = chosen_id(name[9:]) if name.startswith("delivery_") else None
        if booth_id is not None:
            delivery[booth_id] = value
            values[name] = value
    account_id = values["earmarked_account"]
    chosen = services.CheckoutRequest(
        key=values["key"],
        funding=values["funding"] or FUND_MAIN,
        earmarked_account_id=chosen_id(account_id),
        delivery=delivery,
        address=values["address"],
        note=values["note"],
        methods=tuple(values["methods"]) + ((values["rest_method"],) if values["rest_method"] else ()),
    )
    return handle_form(
        lambda s: _refusal_as_error("earmarked_account", lambda: services.checkout(s, me(), chosen)),
        again=lambda errors, status: _cart_page(values, errors, status),
        to=lambda result: url_for("bazaar.orders", checkout=result.checkout.id),
        done=_paid,
    )


# --- orders --------------------------------------------------------------------------------------


@bp.get("/orders")
@login_required
def orders() -> Any:
    session = db_session()
    as_seller = request.args.get("as") == "seller"
    status = request.args.get("status") or None
    if status not in (None, *services.ORDER_STATUSES):
        status = None
    page, per_page = page_args()
    result = paginate(
        session, services.orders_query(me(), as_seller=as_seller, status=status), page, per_page
    )
    return render_template("bazaar/orders.html", page=result, as_seller=as_seller, status=status, **_common())


@bp.get("/orders/<int:order_id>")
@login_required
def order(order_id: int) -> Any:
    session = db_session()
    member = me()
    services.visible_order(session, member, order_id)
    found = services.order_detail(session, order_id)
    return render_template(
        "bazaar/order.html",
        order=found,
        role=services.role_in(member, found),
        actions=services.actions_for(member, found),
        **_common(),
    )


@bp.post("/orders/<int:order_id>/<action>")
@login_required
def order_action(order_id: int, action: str) -> Any:
    found = services.visible_order(db_session(), me(), order_id)
    if action not in services.ACTIONS:
        abort(404)
    reason, note = request.form.get("reason", ""), request.form.get("note", "")

    def act(session: Any) -> Any:
        return services.transition(session, found, action, me(), reason=reason, note=note)

    back = url_for("bazaar.order", order_id=order_id)
    return handle_form(
        lambda s: _refusal_as_error("action", lambda: act(s)),
        again=flash_back(back),
        to=back,
        done=lambda moved: _(
            "Order %(n)s: %(status)s.", n=moved.id, status=services.status_label(moved.status)
        ),
    )


# --- the seller's dashboard ----------------------------------------------------------------------


@bp.get("/dashboard")
@login_required
def dashboard() -> Any:
    session = db_session()
    period = request.args.get("period", "30d")
    if period not in services.PERIODS:
        period = "30d"
    raw_booth = request.args.get("booth", "")
    booth_id = chosen_id(raw_booth)
    lang = current_language()
    figures = services.seller_dashboard(session, me(), booth_id=booth_id, period=period, lang=lang)
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
    member = me()
    hidden = request.form.get("hidden") == "1"
    reason = request.form.get("reason", "")
    if kind == "booth":
        found: Any = services.get_booth(session, subject_id)
        target = url_for("bazaar.booth", booth_id=found.id)
        region = found.region
    else:
        found = services.get_product(session, subject_id)
        target = url_for("bazaar.product", product_id=found.id)
        region = found.booth.region
    if not services.is_admin(member, region):
        raise NotAllowed(_("You do not have permission to do this here."))

    def act(s: Any) -> Any:
        if kind == "booth":
            return services.set_booth_hidden(s, found, hidden, reason=reason, actor=member)
        return services.set_product_hidden(s, found, hidden, reason=reason, actor=member)

    return handle_form(
        act,
        again=flash_back(target),
        to=target,
        done=_l("Hidden from the market.") if hidden else _l("Shown in the market again."),
    )


@bp.post("/admin/booths/<int:booth_id>/hide")
@permission_required(services.ADMIN)
def hide_booth(booth_id: int) -> Any:
    return _hide("booth", booth_id)


@bp.post("/admin/products/<int:product_id>/hide")
@permission_required(services.ADMIN)
def hide_product(product_id: int) -> Any:
    return _hide("product", product_id)

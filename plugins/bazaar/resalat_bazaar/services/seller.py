"""What a seller does: open and run booths, list products with photos, and read their sales figures
(and the market's, for the administrators' dashboard)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import jdatetime
from resalat_cores import services as cores
from sqlalchemy import desc, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from resalat_bazaar.media import Processed, process_image, store
from resalat_bazaar.models import (
    ACCEPTED,
    BOOTH_OPEN,
    BOOTH_STATUSES,
    COMPLETED,
    DELIVERY_OPTIONS,
    DESCRIPTION_MAX,
    GOODS,
    KINDS,
    NAME_MAX,
    PLACED,
    PROGRAMMES,
    SOLD_STATUSES,
    TITLE_MAX,
    UNITS,
    Booth,
    Order,
    OrderItem,
    Product,
    ProductPhoto,
    ProductProgramme,
)
from resalat_bazaar.services.access import may_sell, setting
from resalat_bazaar.services.catalogue import CategoryTree, booths_of, category_tree, is_owner
from resalat_bazaar.services.fields import clean_text, invalid, rials, whole
from resalat_bazaar.services.labels import PERIODS
from resalat_bazaar.services.search import index_text
from resalat_core.sdk import (
    BadInput,
    Member,
    NotAllowed,
    NotFound,
    _,
    format_date,
    get_region,
    is_sqlite,
    to_persian_digits,
    utcnow,
)

MAX_STOCK = 1_000_000
# Iran keeps +03:30 all year since 2022: sales are grouped by Tehran's calendar day.
TEHRAN_OFFSET_MINUTES = 210


# --- booths --------------------------------------------------------------------------------------


def open_booth(session: Session, owner: Member, data: Mapping[str, Any]) -> Booth:
    """Open a booth for ``owner``: name, description, region, delivery options, and optionally
    one of the owner's active cores by its core ID (``core_code``)."""
    if not may_sell(owner):
        raise NotAllowed(_("You may not sell in M-Bazar."))
    clean = _booth_fields(session, owner, data, booth=None)
    # A booth opens open unless the body asks for it closed (kept ready, opened later).
    booth = Booth(owner_id=owner.id, **{"status": BOOTH_OPEN, **clean})
    try:
        with session.begin_nested():
            session.add(booth)
            session.flush()
    except IntegrityError:
        # The core was linked to another booth between our check and this insert.
        raise invalid({"core_code": _("This core already has a booth.")}) from None
    return booth


def update_booth(session: Session, booth: Booth, actor: Member, data: Mapping[str, Any]) -> Booth:
    """Change the owner's booth: the fields given in ``data``."""
    if not is_owner(actor, booth):
        raise NotFound(_("No such booth."), code="unknown_booth")
    clean = _booth_fields(session, actor, data, booth=booth)
    for key, value in clean.items():
        setattr(booth, key, value)
    booth.updated_at = utcnow()
    session.flush()
    return booth


def set_booth_photo(session: Session, booth: Booth, actor: Member, data: bytes) -> Booth:
    if not is_owner(actor, booth):
        raise NotFound(_("No such booth."), code="unknown_booth")
    booth.photo = store(_process(data))
    booth.updated_at = utcnow()
    session.flush()
    return booth


def _booth_fields(
    session: Session, owner: Member, data: Mapping[str, Any], *, booth: Booth | None
) -> dict[str, Any]:
    """Check a booth's fields (all of them for a new one, those given for a change)."""
    errors: dict[str, Any] = {}
    clean: dict[str, Any] = {}
    if booth is None or "name" in data:
        name = clean_text(data.get("name"))
        if len(name) < 2:
            errors["name"] = _("Enter the booth's name.")
        elif len(name) > NAME_MAX:
            errors["name"] = _("At most %(n)s characters.", n=NAME_MAX)
        clean["name"] = name
    if booth is None or "description" in data:
        description = clean_text(data.get("description"), multiline=True)
        if len(description) > DESCRIPTION_MAX:
            errors["description"] = _("At most %(n)s characters.", n=DESCRIPTION_MAX)
        clean["description"] = description
    if booth is None or "delivery_options" in data:
        clean["delivery_options"] = _delivery_options(data.get("delivery_options"), errors)
    core = _booth_core(session, owner, data, booth, errors, clean)
    if booth is None or data.get("region") not in (None, ""):
        ref = data.get("region")
        if ref in (None, ""):
            clean["region_id"] = (core.region if core is not None else owner.region).id
        else:
            try:
                clean["region_id"] = get_region(session, ref).id
            except NotFound:
                errors["region"] = _("Choose a province or place from the list.")
    if "status" in data and data.get("status") not in (None, ""):
        if data["status"] not in BOOTH_STATUSES:
            errors["status"] = _("A booth is open or closed.")
        clean["status"] = data["status"]
    if errors:
        raise invalid(errors)
    return clean


def _booth_core(
    session: Session,
    owner: Member,
    data: Mapping[str, Any],
    booth: Booth | None,
    errors: dict[str, Any],
    clean: dict[str, Any],
) -> Any:
    """The core a booth is opened for, by its core ID: active, led by the owner, without a booth."""
    core = None
    core_code = clean_text(data.get("core_code")) if "core_code" in data else ""
    if core_code:
        try:
            core = cores.get_core_by_code(session, core_code)
        except NotFound as exc:
            errors["core_code"] = str(exc.message)
        else:
            if core.leader_id != owner.id:
                errors["core_code"] = _("Only the core's leader may open its booth.")
            elif core.status != cores.ACTIVE:
                errors["core_code"] = _("This core is not active; a guide must approve it first.")
            else:
                taken = session.scalar(select(Booth.id).where(Booth.core_id == core.id))
                if taken is not None and (booth is None or taken != booth.id):
                    errors["core_code"] = _("This core already has a booth.")
        clean["core_id"] = core.id if core is not None and "core_code" not in errors else None
    elif "core_code" in data and booth is not None:
        clean["core_id"] = None
    return core


def _delivery_options(value: Any, errors: dict[str, Any]) -> list[str]:
    if isinstance(value, str):
        value = [v for v in re.split(r"[\s,;|]+", value) if v]
    chosen = [str(v) for v in (value or [])]
    if not chosen or any(v not in DELIVERY_OPTIONS for v in chosen):
        errors["delivery_options"] = (
            _("Choose the ways to deliver from the list.")
            if chosen
            else _("Choose at least one way to deliver.")
        )
        return []
    return [o for o in DELIVERY_OPTIONS if o in chosen]


# --- products ------------------------------------------------------------------------------------


def open_shop(
    session: Session, owner: Member, booth: Mapping[str, Any], products: Iterable[Mapping[str, Any]]
) -> tuple[Booth, list[Product]]:
    """Open a booth with its products at once (a demo, another plugin's tests, an import): the
    booth's fields as ``open_booth`` takes them, each product's as ``create_product`` does (the
    price in rials). All or nothing: a bad product leaves no booth behind."""
    with session.begin_nested():
        made = open_booth(session, owner, booth)
        tree = category_tree(session)
        return made, [create_product(session, made, owner, data, tree=tree) for data in products]


def create_product(
    session: Session,
    booth: Booth,
    actor: Member,
    data: Mapping[str, Any],
    *,
    tree: CategoryTree | None = None,
) -> Product:
    """Add a product to the actor's booth: title, category (code or id), ``price`` in integer
    rials, ``stock`` a whole number, and optionally description, unit, kind, programmes, listed."""
    require_seller(actor, booth)
    tree = tree or category_tree(session)
    clean = product_fields(tree, data, product=None)
    product = Product(booth_id=booth.id, booth=booth, listed=clean.pop("listed", True))
    apply_product(tree, product, clean)
    session.add(product)
    session.flush()
    return product


def update_product(session: Session, product: Product, actor: Member, data: Mapping[str, Any]) -> Product:
    """Change the owner's product: the fields given in ``data`` (``price`` in integer rials)."""
    require_seller(actor, product.booth)
    tree = category_tree(session)
    clean = product_fields(tree, data, product=product)
    apply_product(tree, product, clean)
    session.flush()
    return product


def require_seller(actor: Member, booth: Booth) -> None:
    if not is_owner(actor, booth):
        raise NotFound(_("No such booth."), code="unknown_booth")
    if not may_sell(actor):
        raise NotAllowed(_("You may not sell in M-Bazar."))


def product_fields(tree: CategoryTree, data: Mapping[str, Any], *, product: Product | None) -> dict[str, Any]:
    """Check a product's fields (all of them for a new one, those given for a change)."""
    errors: dict[str, Any] = {}
    clean: dict[str, Any] = {}
    new = product is None
    if new or "title" in data:
        title = clean_text(data.get("title"))
        if len(title) < 2:
            errors["title"] = _("Enter the product's title.")
        elif len(title) > TITLE_MAX:
            errors["title"] = _("At most %(n)s characters.", n=TITLE_MAX)
        clean["title"] = title
    if new or "description" in data:
        description = clean_text(data.get("description"), multiline=True)
        if len(description) > DESCRIPTION_MAX:
            errors["description"] = _("At most %(n)s characters.", n=DESCRIPTION_MAX)
        clean["description"] = description
    if new or "category" in data:
        category = tree.find(data.get("category"))
        if category is None:
            errors["category"] = _("Choose a category from the list.")
        else:
            clean["category_id"] = category.id
    if new or "price" in data:
        clean["price"] = rials(data.get("price"), "price", errors)
    if new or "stock" in data:
        clean["stock"] = whole(data.get("stock"), "stock", errors, low=0, high=MAX_STOCK)
    _product_kinds(data, new, errors, clean)
    if "listed" in data:
        clean["listed"] = bool(data.get("listed"))
    if errors:
        raise invalid(errors)
    return clean


def _product_kinds(data: Mapping[str, Any], new: bool, errors: dict[str, Any], clean: dict[str, Any]) -> None:
    """The product's unit, kind (goods or a service) and the loan programmes that may buy it."""
    if new or "unit" in data:
        unit = str(data.get("unit") or "piece").strip().lower()
        if unit not in UNITS:
            errors["unit"] = _("Choose a unit from the list.")
        clean["unit"] = unit
    if new or "kind" in data:
        kind = str(data.get("kind") or GOODS).strip().lower()
        if kind not in KINDS:
            errors["kind"] = _("A product is goods or a service.")
        clean["kind"] = kind
    if new or "programmes" in data:
        value = data.get("programmes")
        if isinstance(value, str):
            value = [v for v in re.split(r"[\s,;|]+", value) if v]
        chosen = sorted({str(v).strip().lower() for v in (value or []) if str(v).strip()})
        if any(v not in PROGRAMMES for v in chosen):
            errors["programmes"] = _("Choose loan programmes from the list.")
            chosen = []
        clean["programmes"] = chosen


def apply_product(tree: CategoryTree, product: Product, clean: dict[str, Any]) -> None:
    """Write checked fields onto ``product`` and refresh its search columns."""
    programmes = clean.pop("programmes", None)
    for key, value in clean.items():
        setattr(product, key, value)
    if programmes is not None:
        product.programme_rows = [ProductProgramme(programme=p) for p in programmes]
    product.updated_at = utcnow()
    index_text(tree, product)


def _process(data: bytes) -> Processed:
    return process_image(
        data,
        max_bytes=setting("max_photo_bytes"),
        max_side=setting("photo_max_side"),
        thumb_side=setting("thumb_max_side"),
    )


def add_product_photo(session: Session, product: Product, actor: Member, data: bytes) -> ProductPhoto:
    """Check, resize and store a photo; the first photo is the product's cover."""
    require_seller(actor, product.booth)
    if len(product.photos) >= setting("max_photos"):
        message = _("A product has at most %(n)s photos; remove one first.", n=setting("max_photos"))
        raise BadInput(message, fields={"photo": message}, code="too_many_photos")
    key = store(_process(data))
    photo = ProductPhoto(key=key, position=max((p.position for p in product.photos), default=-1) + 1)
    product.photos.append(photo)
    product.updated_at = utcnow()
    session.flush()
    return photo


def remove_product_photo(session: Session, product: Product, actor: Member, photo_id: int) -> None:
    require_seller(actor, product.booth)
    found = next((p for p in product.photos if p.id == photo_id), None)
    if found is None:
        raise NotFound(_("No such photo."), code="unknown_photo")
    # The file stays: names are content addresses, and another product may show the same photo.
    product.photos.remove(found)
    session.flush()


# --- the seller's figures ------------------------------------------------------------------------


@dataclass(frozen=True)
class SalesPoint:
    label: str
    start: date
    amount: int
    orders: int


@dataclass(frozen=True)
class TopProduct:
    product_id: int
    title: str
    quantity: int
    amount: int


@dataclass
class Dashboard:
    booths: list[Booth]
    booth: Booth | None
    period: str
    series: list[SalesPoint]
    top: list[TopProduct]
    pending: list[Order]
    low_stock: list[Product]

    @property
    def total(self) -> int:
        return sum(p.amount for p in self.series)

    @property
    def orders(self) -> int:
        return sum(p.orders for p in self.series)


def _tehran_day(session: Session) -> Any:
    if is_sqlite(session.get_bind()):
        return func.date(Order.created_at, f"+{TEHRAN_OFFSET_MINUTES} minutes")
    return func.date(Order.created_at + timedelta(minutes=TEHRAN_OFFSET_MINUTES))


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _utc_start(day: date) -> datetime:
    """The UTC moment Tehran's ``day`` begins."""
    return datetime.combine(day, datetime.min.time()) - timedelta(minutes=TEHRAN_OFFSET_MINUTES)


def _month_label(month: Any, lang: str) -> str:
    if lang == "fa":
        return to_persian_digits(f"{month.year % 100:02d}/{month.month:02d}")
    return month.togregorian().strftime("%b %y")


def _last_twelve_months(today: date) -> list[Any]:
    """The first days of the last twelve Jalali months, oldest first."""
    month = jdatetime.date.fromgregorian(date=today).replace(day=1)
    months = [month]
    for _i in range(11):
        month = (month - timedelta(days=1)).replace(day=1)
        months.insert(0, month)
    return months


def sales_series(
    session: Session, booth_ids: list[int], *, period: str, now: datetime, lang: str = "fa"
) -> list[SalesPoint]:
    """Sales per Tehran day (30d) or Jalali month (12m), gaps filled with zeros: one query."""
    today = (now + timedelta(minutes=TEHRAN_OFFSET_MINUTES)).date()
    months = _last_twelve_months(today) if period == "12m" else []
    start = months[0].togregorian() if months else today - timedelta(days=29)
    rows = []
    if booth_ids:
        day = _tehran_day(session).label("day")
        rows = session.execute(
            select(day, func.sum(Order.total), func.count(Order.id))
            .where(
                Order.booth_id.in_(booth_ids),
                Order.status.in_(SOLD_STATUSES),
                Order.created_at >= _utc_start(start),
            )
            .group_by(day)
        ).all()
    if months:
        buckets: dict[Any, list[int]] = {m: [0, 0] for m in months}
        for d, amount, count in rows:
            key = jdatetime.date.fromgregorian(date=_as_date(d)).replace(day=1)
            if key in buckets:
                buckets[key][0] += int(amount or 0)
                buckets[key][1] += int(count or 0)
        return [SalesPoint(_month_label(m, lang), m.togregorian(), *buckets[m]) for m in months]
    by_day = {_as_date(d): (int(a or 0), int(n or 0)) for d, a, n in rows}
    points = []
    for i in range(30):
        d = start + timedelta(days=i)
        amount, count = by_day.get(d, (0, 0))
        points.append(SalesPoint(format_date(d, lang=lang)[5:], d, amount, count))
    return points


def seller_dashboard(
    session: Session,
    seller: Member,
    *,
    booth_id: int | None = None,
    period: str = "30d",
    now: datetime | None = None,
    lang: str = "fa",
) -> Dashboard:
    """Sales by period, top products, orders waiting for the seller, low stock: a few queries."""
    now = now or utcnow()
    if period not in PERIODS:
        raise invalid({"period": _("Unknown period.")})
    booths = booths_of(session, seller)
    booth = None
    if booth_id is not None:
        booth = next((b for b in booths if b.id == booth_id), None)
        if booth is None:
            raise NotFound(_("No such booth."), code="unknown_booth")
    ids = [booth.id] if booth is not None else [b.id for b in booths]
    series = sales_series(session, ids, period=period, now=now, lang=lang)
    if not ids:
        return Dashboard(booths, booth, period, series, [], [], [])
    since = _utc_start(series[0].start)
    return Dashboard(
        booths,
        booth,
        period,
        series,
        _top_products(session, ids, since),
        _waiting_orders(session, ids),
        _low_stock(session, ids),
    )


def _top_products(session: Session, booth_ids: list[int], since: datetime) -> list[TopProduct]:
    amount = func.sum(OrderItem.unit_price * OrderItem.quantity)
    rows = session.execute(
        select(Product.id, Product.title, func.sum(OrderItem.quantity), amount)
        .join(OrderItem, OrderItem.product_id == Product.id)
        .join(Order, Order.id == OrderItem.order_id)
        .where(Order.booth_id.in_(booth_ids), Order.status.in_(SOLD_STATUSES), Order.created_at >= since)
        .group_by(Product.id, Product.title)
        .order_by(desc(amount), Product.id)
        .limit(5)
    ).all()
    return [TopProduct(pid, title, int(q or 0), int(a or 0)) for pid, title, q, a in rows]


def _waiting_orders(session: Session, booth_ids: list[int]) -> list[Order]:
    return list(
        session.scalars(
            select(Order)
            .where(Order.booth_id.in_(booth_ids), Order.status.in_((PLACED, ACCEPTED)))
            .order_by(Order.id)
            .limit(20)
            .options(joinedload(Order.buyer), joinedload(Order.booth))
        )
    )


def _low_stock(session: Session, booth_ids: list[int]) -> list[Product]:
    return list(
        session.scalars(
            select(Product)
            .where(
                Product.booth_id.in_(booth_ids),
                Product.listed.is_(True),
                Product.stock <= setting("low_stock"),
            )
            .order_by(Product.stock, Product.id)
            .limit(20)
        )
    )


# --- the market's figures ------------------------------------------------------------------------


@dataclass(frozen=True)
class MarketFigures:
    booths: int
    products: int
    sold: int  # rials of completed orders
    orders: int = 0  # completed orders


def market_figures(session: Session, area: list[int] | None) -> MarketFigures:
    """Visible booths, products, completed sales and their number, of the booths within ``area``
    (region ids; None nationwide), for the administrators' dashboard: one query."""
    booths = select(func.count(Booth.id)).where(Booth.hidden.is_(False))
    products = select(func.count(Product.id)).join(Booth, Booth.id == Product.booth_id)
    sold = (
        select(func.coalesce(func.sum(Order.total), 0))
        .join(Booth, Booth.id == Order.booth_id)
        .where(Order.status == COMPLETED)
    )
    orders = (
        select(func.count(Order.id)).join(Booth, Booth.id == Order.booth_id).where(Order.status == COMPLETED)
    )
    if area is not None:
        booths, products, sold, orders = (
            q.where(Booth.region_id.in_(area)) for q in (booths, products, sold, orders)
        )
    row = session.execute(
        select(
            booths.scalar_subquery(),
            products.scalar_subquery(),
            sold.scalar_subquery(),
            orders.scalar_subquery(),
        )
    ).one()
    return MarketFigures(int(row[0] or 0), int(row[1] or 0), int(row[2] or 0), int(row[3] or 0))

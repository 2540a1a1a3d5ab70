"""M-Bazar's rules: booths, catalogue, search, cart, checkout into escrow, orders, seller figures.

Pages, the API and the CLI call these; nothing here commits (the caller's transaction decides),
and every rule lives once. This module is also the public face other plugins may import
(``supervision`` does): the models, the status constants and the functions listed in ``__all__``.

Money. A checkout moves the whole price of every order **posted into escrow** (the system account
``escrow``) as one group of linked ledger transfers: from the buyer's main account, from an
earmarked account (a loan) where the spend policy allows the items, or from both (the loan first).
The money has left the buyer, so it cannot be spent twice, and escrow's balance is exactly what
open orders hold. Completion pays the order's total from escrow to the seller's main account;
a cancellation pays each part back to the account it came from (loan money returns to the loan).
Every transfer key is derived from the order id, so no step can move money twice.

Stock. A checkout takes stock with one conditional UPDATE per product (``stock >= quantity``, in
product id order), inside the same transaction as the orders and the money: two buyers can never
both take the last item, and a failure anywhere leaves stock, orders and balances as they were.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import jdatetime
from resalat_cores import services as cores
from sqlalchemy import Select, desc, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, contains_eager, joinedload, lazyload, selectinload
from sqlalchemy.orm.util import identity_key

from resalat_bazaar import plugin
from resalat_bazaar.media import process_image, store
from resalat_bazaar.models import (
    ACCEPTED,
    BOOTH_CLOSED,
    BOOTH_OPEN,
    BOOTH_STATUSES,
    CANCELLABLE,
    CANCELLED,
    COMPLETED,
    DELIVERED,
    DELIVERY_OPTIONS,
    DESCRIPTION_MAX,
    FUND_BOTH,
    FUND_EARMARKED,
    FUND_MAIN,
    FUNDINGS,
    GOODS,
    KINDS,
    MST,
    NAME_MAX,
    OPEN_STATUSES,
    ORDER_STATUSES,
    PICKUP,
    PLACED,
    POST,
    PROGRAMMES,
    REASON_MAX,
    REFUNDED,
    SERVICE,
    SHIPPED,
    SOLD_STATUSES,
    TITLE_MAX,
    UNITS,
    Booth,
    CartItem,
    Category,
    Checkout,
    Order,
    OrderEvent,
    OrderItem,
    Product,
    ProductPhoto,
    ProductProgramme,
)
from resalat_bazaar.search import index_for, terms_of
from resalat_core.sdk import (
    Account,
    BadInput,
    Conflict,
    Member,
    Message,
    NotAllowed,
    NotFound,
    Page,
    Region,
    Spend,
    SpendDecision,
    TransferSpec,
    _,
    _l,
    can,
    format_date,
    format_money,
    get_region,
    is_sqlite,
    ledger,
    normalize_text,
    notify,
    paginate,
    parse_money,
    region_hook,
    search_key,
    to_latin_digits,
    to_persian_digits,
    utcnow,
)

__all__ = [
    # models and constants
    "ACCEPTED",
    "BOOTH_CLOSED",
    "BOOTH_OPEN",
    "CANCELLED",
    "COMPLETED",
    "DELIVERED",
    "OPEN_STATUSES",
    "ORDER_STATUSES",
    "PLACED",
    "REFUNDED",
    "SHIPPED",
    "Booth",
    "CartItem",
    "Category",
    "Checkout",
    "Order",
    "OrderEvent",
    "OrderItem",
    "Product",
    # what supervision relies on
    "booth_region_id",
    "buyer_completed_order_with",
    "get_booth",
    "get_order",
    "get_product",
    "set_booth_hidden",
    "set_product_hidden",
    # the rest of the public rules
    "add_to_cart",
    "cart",
    "checkout",
    "complete_due",
    "open_booth",
    "create_product",
    "search",
    "transition",
]

SELL = "bazaar.sell"
ADMIN = "bazaar.admin"
PURCHASE = "bazaar_purchase"  # the ledger purpose of a payment into escrow
SALE = "bazaar_sale"  # escrow to the seller
REFUND = "bazaar_refund"  # escrow back to the buyer
MAX_STOCK = 1_000_000
MAX_QUANTITY = 10_000
ADDRESS_MAX = 500
NOTE_MAX = 500
TRACKING_MAX = 120
KEY_MAX = 200
SEARCH_COUNT_CAP = 1000
# Iran keeps +03:30 all year since 2022: sales are grouped by Tehran's calendar day.
TEHRAN_OFFSET_MINUTES = 210

STATUS_LABELS = {
    PLACED: _l("Placed"),
    ACCEPTED: _l("Accepted"),
    SHIPPED: _l("Shipped"),
    DELIVERED: _l("Delivered"),
    COMPLETED: _l("Completed"),
    CANCELLED: _l("Cancelled"),
    REFUNDED: _l("Refunded"),
}
DELIVERY_LABELS = {
    PICKUP: _l("Pickup at the booth"),
    MST: _l("M-ST delivery"),
    POST: _l("Post"),
}
UNIT_LABELS = {
    "piece": _l("piece"),
    "kg": _l("kg"),
    "gram": _l("gram"),
    "liter": _l("litre"),
    "meter": _l("metre"),
    "head": _l("head (livestock)"),
    "box": _l("box"),
    "set": _l("set"),
    "hour": _l("hour"),
    "job": _l("job"),
}
PROGRAMME_LABELS = {
    "livestock": _l("Light livestock loans"),
    "solar": _l("Home solar loans"),
    "agriculture": _l("Agriculture loans"),
    "textiles": _l("Weaving and clothing loans"),
    "beekeeping": _l("Beekeeping loans"),
}
KIND_LABELS = {GOODS: _l("Goods"), SERVICE: _l("Service")}
BOOTH_STATUS_LABELS = {BOOTH_OPEN: _l("Open"), BOOTH_CLOSED: _l("Closed")}
SORTS = {
    "relevance": _l("Best match"),
    "newest": _l("Newest"),
    "price_asc": _l("Cheapest first"),
    "price_desc": _l("Most expensive first"),
}


def setting(name: str) -> Any:
    """A plugin setting: ``[plugins.bazaar]``, or ``RESALAT_BAZAAR_<NAME>``, or the default."""
    return plugin.setting(name)


def _invalid(errors: dict[str, Any]) -> BadInput:
    return BadInput(_("Please correct the marked fields."), fields=errors)


def _person(member: Any) -> bool:
    return member is not None and not getattr(member, "is_anonymous", True)


def is_admin(member: Any, region: Region | None = None) -> bool:
    return _person(member) and can(ADMIN, region, member)


def _text(value: Any, *, multiline: bool = False) -> str:
    if value is None:
        return ""
    raw = str(value)
    if not multiline:
        return normalize_text(raw)
    lines = [normalize_text(line) for line in raw.replace("\r\n", "\n").split("\n")]
    cleaned = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
    return cleaned.strip()


def _whole(value: Any, field_name: str, errors: dict[str, Any], *, low: int, high: int) -> int | None:
    """A whole number typed in any digits, within [low, high]; records an error otherwise."""
    if isinstance(value, bool):
        value = None
    if isinstance(value, int):
        number = value
    else:
        raw = to_latin_digits(normalize_text(str(value if value is not None else ""))).replace(",", "")
        raw = raw.replace("\u066c", "")
        if not raw:
            errors[field_name] = _("Enter a number.")
            return None
        if not re.fullmatch(r"-?[0-9]{1,12}", raw):
            errors[field_name] = _("Enter a whole number in digits.")
            return None
        number = int(raw)
    if number < low:
        errors[field_name] = (
            _("It cannot be negative.") if low == 0 else _("It must be at least %(n)s.", n=low)
        )
        return None
    if number > high:
        errors[field_name] = _("It must be at most %(n)s.", n=high)
        return None
    return number


def _money(value: Any, field_name: str, errors: dict[str, Any], *, unit: str) -> int | None:
    """Rials from a typed amount (in ``unit``) or, for unit 'rial', an int as is."""
    if unit == "rial" and isinstance(value, int) and not isinstance(value, bool):
        if value <= 0:
            errors[field_name] = _("The price must be more than zero.")
            return None
        if value > ledger.MAX_AMOUNT:
            errors[field_name] = _("The amount is too large.")
            return None
        return value
    try:
        rials = parse_money(
            value if isinstance(value, str) else str(value or ""), unit=unit, field=field_name
        )
    except BadInput as exc:
        errors.update({k: str(v) for k, v in exc.fields.items()} or {field_name: str(exc.message)})
        return None
    if rials <= 0:
        errors[field_name] = _("The price must be more than zero.")
        return None
    return rials


# --- categories ----------------------------------------------------------------------------------

# (code, parent code, Persian, English): what cores buy (step 2) and sell (step 10).
DEFAULT_CATEGORIES: tuple[tuple[str, str | None, str, str], ...] = (
    ("raw_materials", None, "مواد اولیه", "Raw materials"),
    ("wool_fibre", "raw_materials", "پشم و الیاف", "Wool and fibre"),
    ("yarn_dyes", "raw_materials", "نخ و رنگ طبیعی", "Yarn and natural dyes"),
    ("saffron_corms", "raw_materials", "پیاز زعفران", "Saffron corms"),
    ("packaging", "raw_materials", "بسته‌بندی", "Packaging"),
    ("equipment", None, "تجهیزات و ابزار", "Equipment and tools"),
    ("looms", "equipment", "دار و ابزار بافندگی", "Looms and weaving tools"),
    ("husbandry_equipment", "equipment", "تجهیزات دامداری", "Husbandry equipment"),
    ("beekeeping_equipment", "equipment", "تجهیزات زنبورداری", "Beekeeping equipment"),
    ("sewing_machines", "equipment", "چرخ خیاطی و ابزار دوخت", "Sewing machines"),
    ("livestock", None, "دام سبک", "Light livestock"),
    ("sheep", "livestock", "گوسفند", "Sheep"),
    ("goats", "livestock", "بز", "Goats"),
    ("feed", None, "خوراک دام و علوفه", "Feed and fodder"),
    ("saffron", None, "زعفران", "Saffron"),
    ("textiles", None, "منسوجات و پوشاک", "Textiles and clothing"),
    ("karbas", "textiles", "کرباس و کاربافی", "Karbas and hand weaving"),
    ("clothing", "textiles", "پوشاک", "Clothing"),
    ("honey", None, "عسل و فرآورده‌های زنبور", "Honey and bee products"),
    ("solar_kits", None, "کیت‌های خورشیدی", "Solar kits"),
    ("food", None, "مواد غذایی", "Food"),
    ("handicrafts", None, "صنایع دستی", "Handicrafts"),
    ("services", None, "خدمات", "Services"),
    ("transport", "services", "حمل‌ونقل", "Transport"),
    ("veterinary", "services", "دامپزشکی", "Veterinary care"),
    ("training", "services", "آموزش و مشاوره", "Training and advice"),
    ("repair", "services", "نصب و تعمیر", "Installation and repair"),
)


def ensure_categories(session: Session) -> int:
    """Add the seeded categories that are missing (by code); returns how many were added.

    Seeded on first use, not by the migration, so one list is the source and an emptied
    database (tests, a reset) fills itself again.
    """
    have = {code: cid for code, cid in session.execute(select(Category.code, Category.id))}
    missing = [row for row in DEFAULT_CATEGORIES if row[0] not in have]
    if not missing:
        return 0
    try:
        with session.begin_nested():
            for position, (code, parent, name_fa, name_en) in enumerate(DEFAULT_CATEGORIES):
                if code in have:
                    continue
                row = Category(
                    code=code,
                    parent_id=have.get(parent) if parent else None,
                    name_fa=name_fa,
                    name_en=name_en,
                    position=position,
                )
                session.add(row)
                session.flush()
                have[code] = row.id
    except IntegrityError:
        return 0  # seeded by a concurrent request: theirs are as good
    return len(missing)


def categories(session: Session) -> list[Category]:
    """Every category, parents before children, in their seeded order."""
    rows = list(session.scalars(select(Category).order_by(Category.position, Category.id)))
    if len(rows) < len(DEFAULT_CATEGORIES) and ensure_categories(session):
        rows = list(session.scalars(select(Category).order_by(Category.position, Category.id)))
    return rows


@dataclass(frozen=True)
class CategoryTree:
    """The category tree in memory: one query, then lookups."""

    rows: list[Category]

    @property
    def by_id(self) -> dict[int, Category]:
        return {c.id: c for c in self.rows}

    @property
    def by_code(self) -> dict[str, Category]:
        return {c.code: c for c in self.rows}

    def children(self, category_id: int | None) -> list[Category]:
        return [c for c in self.rows if c.parent_id == category_id]

    def chain(self, category: Category) -> list[Category]:
        """The category and its ancestors, root first."""
        by_id = self.by_id
        chain = [category]
        while chain[0].parent_id is not None and chain[0].parent_id in by_id and len(chain) < 10:
            chain.insert(0, by_id[chain[0].parent_id])
        return chain

    def subtree_ids(self, category: Category) -> list[int]:
        """The category and every category under it."""
        found, frontier = [category.id], [category.id]
        while frontier:
            frontier = [c.id for c in self.rows if c.parent_id in frontier]
            found += frontier
        return found

    def find(self, ref: Any) -> Category | None:
        if ref is None or ref == "":
            return None
        if isinstance(ref, Category):
            return ref
        text = to_latin_digits(str(ref)).strip()
        if text.isdigit():
            return self.by_id.get(int(text))
        return self.by_code.get(text.lower())

    def flat(self) -> list[tuple[int, Category]]:
        """(depth, category) in tree order: for select boxes."""
        out: list[tuple[int, Category]] = []

        def walk(parent: int | None, depth: int) -> None:
            for c in self.children(parent):
                out.append((depth, c))
                walk(c.id, depth + 1)

        walk(None, 0)
        return out


def category_tree(session: Session) -> CategoryTree:
    return CategoryTree(categories(session))


# --- booths --------------------------------------------------------------------------------------


def get_booth(session: Session, booth_id: int) -> Booth:
    """The booth with this id, hidden or not (for services and supervision); NotFound otherwise."""
    booth = session.get(Booth, booth_id) if isinstance(booth_id, int) else None
    if booth is None:
        raise NotFound(_("No such booth."), code="unknown_booth")
    return booth


def booth_region_id(session: Session, booth: Booth | int) -> int:
    """The region a booth sells from (for supervision's regional supervisors)."""
    found = booth if isinstance(booth, Booth) else get_booth(session, booth)
    return found.region_id


def is_owner(member: Any, booth: Booth) -> bool:
    return _person(member) and booth.owner_id == member.id


def may_see_booth(member: Any, booth: Booth) -> bool:
    """Hidden booths are seen only by their owner (who sees why) and administrators."""
    return not booth.hidden or is_owner(member, booth) or is_admin(member, booth.region)


def visible_booth(session: Session, viewer: Any, booth_id: int) -> Booth:
    booth = get_booth(session, booth_id)
    if not may_see_booth(viewer, booth):
        raise NotFound(_("No such booth."), code="unknown_booth")
    return booth


def owned_booth(session: Session, member: Any, booth_id: int) -> Booth:
    """The member's own booth; someone else's answers 404, as a missing one does."""
    booth = session.get(Booth, booth_id) if isinstance(booth_id, int) else None
    if booth is None or not is_owner(member, booth):
        raise NotFound(_("No such booth."), code="unknown_booth")
    return booth


def booths_of(session: Session, member: Member) -> list[Booth]:
    return list(session.scalars(select(Booth).where(Booth.owner_id == member.id).order_by(Booth.id)))


def booths_query(*, region: Region | None = None) -> Select[tuple[Booth]]:
    """Open, visible booths, newest first (optionally of a province or place)."""
    stmt = select(Booth).where(Booth.status == BOOTH_OPEN, Booth.hidden.is_(False))
    if region is not None:
        stmt = stmt.where(Booth.region_id.in_(_region_ids(region)))
    return stmt.order_by(Booth.id.desc())


def _region_ids(region: Region) -> Any:
    return select(Region.id).where(or_(Region.id == region.id, Region.parent_id == region.id))


def _delivery_options(value: Any, errors: dict[str, Any]) -> list[str]:
    if isinstance(value, str):
        value = [v for v in re.split(r"[\s,;|]+", value) if v]
    chosen = [str(v) for v in (value or [])]
    wrong = [v for v in chosen if v not in DELIVERY_OPTIONS]
    if wrong or not chosen:
        errors["delivery_options"] = (
            _("Unknown delivery option: %(name)s.", name=", ".join(wrong))
            if wrong
            else _("Choose at least one way to deliver.")
        )
        return []
    return [o for o in DELIVERY_OPTIONS if o in chosen]


def _booth_fields(
    session: Session, owner: Member, data: Mapping[str, Any], *, booth: Booth | None
) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    clean: dict[str, Any] = {}
    if booth is None or "name" in data:
        name = _text(data.get("name"))
        if len(name) < 2:
            errors["name"] = _("Enter the booth's name.")
        elif len(name) > NAME_MAX:
            errors["name"] = _("At most %(n)s characters.", n=NAME_MAX)
        clean["name"] = name
    if booth is None or "description" in data:
        description = _text(data.get("description"), multiline=True)
        if len(description) > DESCRIPTION_MAX:
            errors["description"] = _("At most %(n)s characters.", n=DESCRIPTION_MAX)
        clean["description"] = description
    if booth is None or "delivery_options" in data:
        clean["delivery_options"] = _delivery_options(data.get("delivery_options"), errors)
    core = None
    core_code = _text(data.get("core_code")) if "core_code" in data else ""
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
    if booth is None or data.get("region") not in (None, ""):
        ref = data.get("region")
        if ref in (None, ""):
            region = core.region if core is not None else owner.region
        else:
            try:
                region = get_region(session, ref)
            except NotFound:
                region = None
                errors["region"] = _("Choose a province or place from the list.")
        if region is not None:
            clean["region_id"] = region.id
    if "status" in data and data.get("status") not in (None, ""):
        if data["status"] not in BOOTH_STATUSES:
            errors["status"] = _("A booth is open or closed.")
        clean["status"] = data["status"]
    if errors:
        raise _invalid(errors)
    return clean


def open_booth(session: Session, owner: Member, data: Mapping[str, Any]) -> Booth:
    """Open a booth for ``owner``: name, description, region, delivery options, and optionally
    one of the owner's active cores by its core ID (``core_code``)."""
    if not can(SELL, None, owner):
        raise NotAllowed(_("You may not sell in M-Bazar."))
    clean = _booth_fields(session, owner, data, booth=None)
    booth = Booth(owner_id=owner.id, status=BOOTH_OPEN, **clean)
    try:
        with session.begin_nested():
            session.add(booth)
            session.flush()
    except IntegrityError:
        # The core was linked to another booth between our check and this insert.
        raise _invalid({"core_code": _("This core already has a booth.")}) from None
    return booth


def update_booth(session: Session, booth: Booth, actor: Member, data: Mapping[str, Any]) -> Booth:
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


def set_booth_hidden(
    session: Session, booth: Booth, hidden: bool, *, reason: str, actor: Member | None = None
) -> Booth:
    """Hide a booth (from search and pages, except for its owner, who sees ``reason``) or show it."""
    reason = _text(reason)[:REASON_MAX]
    if hidden and not reason:
        raise _invalid({"reason": _("Say why it is hidden: the owner will read it.")})
    if booth.hidden == hidden and (not hidden or booth.hidden_reason == reason):
        return booth
    booth.hidden = hidden
    booth.hidden_reason = reason if hidden else None
    booth.hidden_at = utcnow() if hidden else None
    session.flush()
    owner = session.get(Member, booth.owner_id)
    if owner is not None:
        notify(owner, _hidden_message("booth", booth.name, hidden, reason, f"/bazaar/booths/{booth.id}"))
    return booth


def _hidden_message(kind: str, name: str, hidden: bool, reason: str, url: str) -> Message:
    what_fa, what_en = ("غرفه‌ی", "Your booth") if kind == "booth" else ("کالای", "Your product")
    if hidden:
        return Message(
            title_fa=f"{what_fa} «{name}» پنهان شد",
            title_en=f"{what_en} «{name}» was hidden",
            body_fa=f"دلیل: {reason}",
            body_en=f"Reason: {reason}",
            url=url,
            source="bazaar",
            kind=f"{kind}.hidden",
        )
    return Message(
        title_fa=f"{what_fa} «{name}» دوباره نمایش داده می‌شود",
        title_en=f"{what_en} «{name}» is shown again",
        url=url,
        source="bazaar",
        kind=f"{kind}.shown",
    )


# --- products ------------------------------------------------------------------------------------


def get_product(session: Session, product_id: int) -> Product:
    """The product with this id, hidden or not (for services and supervision); NotFound otherwise."""
    product = session.get(Product, product_id) if isinstance(product_id, int) else None
    if product is None:
        raise NotFound(_("No such product."), code="unknown_product")
    return product


def may_see_product(member: Any, product: Product) -> bool:
    """Others see a product while it is listed and neither it nor its booth is hidden."""
    booth = product.booth
    if is_owner(member, booth) or is_admin(member, booth.region):
        return True
    return product.is_public and not booth.hidden


def visible_product(session: Session, viewer: Any, product_id: int) -> Product:
    product = get_product(session, product_id)
    if not may_see_product(viewer, product):
        raise NotFound(_("No such product."), code="unknown_product")
    return product


def owned_product(session: Session, member: Any, product_id: int) -> Product:
    """The member's own product; someone else's answers 404, as a missing one does."""
    product = session.get(Product, product_id) if isinstance(product_id, int) else None
    if product is None or not is_owner(member, product.booth):
        raise NotFound(_("No such product."), code="unknown_product")
    return product


def is_for_sale(product: Product) -> bool:
    booth = product.booth
    return product.is_public and booth.is_public and product.stock > 0


def _programmes(value: Any, errors: dict[str, Any]) -> list[str]:
    if isinstance(value, str):
        value = [v for v in re.split(r"[\s,;|]+", value) if v]
    chosen = sorted({str(v).strip().lower() for v in (value or []) if str(v).strip()})
    wrong = [v for v in chosen if v not in PROGRAMMES]
    if wrong:
        errors["programmes"] = _("Unknown loan programme: %(name)s.", name=", ".join(wrong))
        return []
    return chosen


def _product_fields(
    tree: CategoryTree, data: Mapping[str, Any], *, product: Product | None, price_unit: str
) -> dict[str, Any]:
    """Check a product's fields (all of them for a new one, those given for a change)."""
    errors: dict[str, Any] = {}
    clean: dict[str, Any] = {}
    new = product is None
    if new or "title" in data:
        title = _text(data.get("title"))
        if len(title) < 2:
            errors["title"] = _("Enter the product's title.")
        elif len(title) > TITLE_MAX:
            errors["title"] = _("At most %(n)s characters.", n=TITLE_MAX)
        clean["title"] = title
    if new or "description" in data:
        description = _text(data.get("description"), multiline=True)
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
        price = _money(data.get("price"), "price", errors, unit=price_unit)
        if price is not None:
            clean["price"] = price
    if new or "stock" in data:
        stock = _whole(data.get("stock"), "stock", errors, low=0, high=MAX_STOCK)
        if stock is not None:
            clean["stock"] = stock
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
        clean["programmes"] = _programmes(data.get("programmes"), errors)
    if "listed" in data:
        clean["listed"] = bool(data.get("listed"))
    if errors:
        raise _invalid(errors)
    return clean


def _index_text(tree: CategoryTree, product: Product) -> None:
    """Fill the columns the search index is fed from (the database triggers do the rest)."""
    category = tree.by_id.get(product.category_id)
    names = [n for c in (tree.chain(category) if category else []) for n in (c.name_fa, c.name_en)]
    product.search_title = search_key(product.title)[: TITLE_MAX * 2]
    product.search_text = search_key(" ".join([product.description, *names]))


def _apply_product(tree: CategoryTree, product: Product, clean: dict[str, Any]) -> None:
    programmes = clean.pop("programmes", None)
    for key, value in clean.items():
        setattr(product, key, value)
    if programmes is not None:
        product.programme_rows = [ProductProgramme(programme=p) for p in programmes]
    product.updated_at = utcnow()
    _index_text(tree, product)


def _require_seller(actor: Member, booth: Booth) -> None:
    if not is_owner(actor, booth):
        raise NotFound(_("No such booth."), code="unknown_booth")
    if not can(SELL, None, actor):
        raise NotAllowed(_("You may not sell in M-Bazar."))


def create_product(
    session: Session,
    booth: Booth,
    actor: Member,
    data: Mapping[str, Any],
    *,
    price_unit: str = "toman",
    tree: CategoryTree | None = None,
) -> Product:
    """Add a product to the actor's booth. Prices are typed in ``price_unit`` (pages: tomans),
    or given as integer rials with ``price_unit="rial"`` (the API)."""
    _require_seller(actor, booth)
    tree = tree or category_tree(session)
    clean = _product_fields(tree, data, product=None, price_unit=price_unit)
    product = Product(booth_id=booth.id, booth=booth, listed=clean.pop("listed", True))
    _apply_product(tree, product, clean)
    session.add(product)
    session.flush()
    return product


def update_product(
    session: Session, product: Product, actor: Member, data: Mapping[str, Any], *, price_unit: str = "toman"
) -> Product:
    _require_seller(actor, product.booth)
    tree = category_tree(session)
    clean = _product_fields(tree, data, product=product, price_unit=price_unit)
    _apply_product(tree, product, clean)
    session.flush()
    return product


def _process(data: bytes) -> Any:
    return process_image(
        data,
        max_bytes=setting("max_photo_bytes"),
        max_side=setting("photo_max_side"),
        thumb_side=setting("thumb_max_side"),
    )


def add_product_photo(session: Session, product: Product, actor: Member, data: bytes) -> ProductPhoto:
    """Check, resize and store a photo; the first photo is the product's cover."""
    _require_seller(actor, product.booth)
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
    _require_seller(actor, product.booth)
    found = next((p for p in product.photos if p.id == photo_id), None)
    if found is None:
        raise NotFound(_("No such photo."), code="unknown_photo")
    # The file stays: names are content addresses, and another product may show the same photo.
    product.photos.remove(found)
    session.flush()


def set_product_hidden(
    session: Session, product: Product, hidden: bool, *, reason: str, actor: Member | None = None
) -> Product:
    """Hide a product (from search and pages, except for its owner, who sees ``reason``) or show it."""
    reason = _text(reason)[:REASON_MAX]
    if hidden and not reason:
        raise _invalid({"reason": _("Say why it is hidden: the owner will read it.")})
    if product.hidden == hidden and (not hidden or product.hidden_reason == reason):
        return product
    product.hidden = hidden
    product.hidden_reason = reason if hidden else None
    product.hidden_at = utcnow() if hidden else None
    session.flush()
    owner = session.get(Member, product.booth.owner_id)
    if owner is not None:
        notify(
            owner, _hidden_message("product", product.title, hidden, reason, f"/bazaar/products/{product.id}")
        )
    return product


def booth_products(session: Session, viewer: Any, booth: Booth, page: int, per_page: int) -> Page[Product]:
    """A booth's products, newest first; the owner sees unlisted and hidden ones too."""
    stmt = select(Product).where(Product.booth_id == booth.id)
    if not (is_owner(viewer, booth) or is_admin(viewer, booth.region)):
        stmt = stmt.where(Product.listed.is_(True), Product.hidden.is_(False))
    return paginate(session, stmt.order_by(Product.id.desc()), page, per_page)


# --- search --------------------------------------------------------------------------------------


@dataclass
class SearchFilters:
    """What a search asks for; prices in rials."""

    q: str = ""
    category: Category | None = None
    region: Region | None = None
    booth_id: int | None = None
    min_price: int | None = None
    max_price: int | None = None
    programme: str | None = None
    in_stock: bool = False
    sort: str = "relevance"

    @property
    def terms(self) -> list[str]:
        return terms_of(self.q)


def read_search_filters(
    session: Session, args: Mapping[str, Any], *, price_unit: str = "toman"
) -> SearchFilters:
    """Filters from a query string; bad values are a BadInput naming each field."""
    errors: dict[str, Any] = {}
    found = SearchFilters(q=_text(args.get("q"))[:200])
    ref = args.get("category")
    if ref not in (None, ""):
        found.category = category_tree(session).find(ref)
        if found.category is None:
            errors["category"] = _("No such category.")
    ref = args.get("region")
    if ref not in (None, ""):
        try:
            found.region = get_region(session, str(ref))
        except NotFound:
            errors["region"] = _("No such province or place.")
    ref = args.get("booth")
    if ref not in (None, ""):
        found.booth_id = _whole(ref, "booth", errors, low=1, high=2**31 - 1)
    for name in ("min_price", "max_price"):
        raw = args.get(name)
        if raw not in (None, ""):
            if price_unit == "rial":
                value = _whole(raw, name, errors, low=0, high=ledger.MAX_AMOUNT)
            else:
                try:
                    value = parse_money(str(raw), unit=price_unit, field=name)
                except BadInput as exc:
                    errors.update({k: str(v) for k, v in exc.fields.items()})
                    value = None
            setattr(found, name, value)
    if found.min_price is not None and found.max_price is not None and found.min_price > found.max_price:
        errors["max_price"] = _("The highest price is below the lowest.")
    programme = args.get("programme")
    if programme not in (None, ""):
        if programme not in PROGRAMMES:
            errors["programme"] = _("Unknown loan programme: %(name)s.", name=programme)
        found.programme = programme
    found.in_stock = str(args.get("in_stock", "")).lower() in ("1", "true", "on", "yes")
    sort = args.get("sort") or ("relevance" if found.terms else "newest")
    if sort not in SORTS:
        errors["sort"] = _("Unknown order.")
    found.sort = sort
    if errors:
        raise _invalid(errors)
    return found


def search_query(
    session: Session, filters: SearchFilters, *, tree: CategoryTree | None = None, ranked: bool = True
) -> Select[Any]:
    """Public products matching ``filters``, best first: one statement, eager-loading what a
    result shows (booth, its place, category, photos).

    ``ranked=False`` matches the words without scoring them (newest first for "relevance"): what
    a broad search uses, see ``search``.
    """
    stmt = (
        select(Product)
        .join(Booth, Booth.id == Product.booth_id)
        .where(
            Product.listed.is_(True),
            Product.hidden.is_(False),
            Booth.status == BOOTH_OPEN,
            Booth.hidden.is_(False),
        )
        .options(contains_eager(Product.booth).joinedload(Booth.region))
    )
    terms = filters.terms
    rank = None
    if terms and ranked:
        matches = index_for(session).matches(terms)
        stmt = stmt.join(matches, matches.c.product_id == Product.id)
        rank = matches.c.rank
    elif terms:
        stmt = stmt.where(Product.id.in_(index_for(session).matching_ids(terms)))
    if filters.category is not None:
        tree = tree or category_tree(session)
        stmt = stmt.where(Product.category_id.in_(tree.subtree_ids(filters.category)))
    if filters.region is not None:
        stmt = stmt.where(Booth.region_id.in_(_region_ids(filters.region)))
    if filters.booth_id is not None:
        stmt = stmt.where(Product.booth_id == filters.booth_id)
    if filters.min_price is not None:
        stmt = stmt.where(Product.price >= filters.min_price)
    if filters.max_price is not None:
        stmt = stmt.where(Product.price <= filters.max_price)
    if filters.programme:
        stmt = stmt.where(
            Product.id.in_(
                select(ProductProgramme.product_id).where(ProductProgramme.programme == filters.programme)
            )
        )
    if filters.in_stock:
        stmt = stmt.where(Product.stock > 0)
    if filters.sort == "price_asc":
        return stmt.order_by(Product.price, Product.id.desc())
    if filters.sort == "price_desc":
        return stmt.order_by(Product.price.desc(), Product.id.desc())
    if filters.sort == "relevance" and rank is not None:
        return stmt.order_by(rank.desc(), Product.id.desc())
    return stmt.order_by(Product.id.desc())


def search(session: Session, filters: SearchFilters, page: int, per_page: int) -> Page[Product]:
    """One page of the catalogue search, its count, and its photos: three queries.

    The count stops at ``SEARCH_COUNT_CAP`` (the page says "more than ..."). Ranking by relevance
    reads every match, so a broad search (more matches than the cap: one common word over a big
    catalogue) lists the newest matches first instead, which the database answers by walking
    the newest products and checking each against the index; the page asks for another word.
    """
    stmt = search_query(session, filters)
    total = _capped_count(session, stmt)
    capped = total > SEARCH_COUNT_CAP
    broad = capped and bool(filters.terms) and filters.sort == "relevance"
    if broad:
        stmt = search_query(session, filters, ranked=False)
    rows = session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)).unique().all()
    found = Page(items=list(rows), page=page, per_page=per_page, total=min(total, SEARCH_COUNT_CAP))
    found.capped = capped  # type: ignore[attr-defined]
    found.broad = broad  # type: ignore[attr-defined]
    return found


def _capped_count(session: Session, stmt: Select[Any]) -> int:
    limited = stmt.order_by(None).limit(SEARCH_COUNT_CAP + 1).subquery()
    return session.scalar(select(func.count()).select_from(limited)) or 0


def reindex(session: Session, progress: Callable[[int], None] | None = None, batch: int = 500) -> int:
    """Recompute every product's search columns, then rebuild the index; returns the product count."""
    tree = category_tree(session)
    last_id, done = 0, 0
    while True:
        rows = list(
            session.scalars(
                select(Product)
                .where(Product.id > last_id)
                .order_by(Product.id)
                .limit(batch)
                .options(lazyload(Product.photos), lazyload(Product.programme_rows))
            )
        )
        if not rows:
            break
        for product in rows:
            _index_text(tree, product)
        session.flush()
        done += len(rows)
        last_id = rows[-1].id
        if progress:
            progress(len(rows))
        session.expunge_all()
    index_for(session).rebuild(session)
    return done


def count_products(session: Session) -> int:
    return session.scalar(select(func.count(Product.id))) or 0


# --- cart ----------------------------------------------------------------------------------------


@dataclass
class CartLine:
    item: CartItem
    product: Product
    problem: str | None = None

    @property
    def total(self) -> int:
        return self.product.price * self.item.quantity


@dataclass
class CartGroup:
    """The part of the cart one booth will sell: one order at checkout."""

    booth: Booth
    lines: list[CartLine] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(line.total for line in self.lines)


@dataclass
class Cart:
    groups: list[CartGroup]

    @property
    def total(self) -> int:
        return sum(g.total for g in self.groups)

    @property
    def count(self) -> int:
        return sum(line.item.quantity for g in self.groups for line in g.lines)

    @property
    def lines(self) -> list[CartLine]:
        return [line for g in self.groups for line in g.lines]

    @property
    def problems(self) -> list[str]:
        return [line.problem for line in self.lines if line.problem]


def _line_problem(member: Member, product: Product, quantity: int) -> str | None:
    booth = product.booth
    if not product.is_public or not booth.is_public:
        return _("%(title)s is no longer for sale; remove it from your cart.", title=product.title)
    if booth.owner_id == member.id:
        return _("%(title)s is from your own booth.", title=product.title)
    if product.stock < quantity:
        if product.stock == 0:
            return _("%(title)s is out of stock.", title=product.title)
        return _("Only %(n)s of %(title)s are left.", n=product.stock, title=product.title)
    return None


def cart(session: Session, member: Member) -> Cart:
    """The member's cart grouped by booth (three queries, whatever its size)."""
    items = list(
        session.scalars(
            select(CartItem)
            .where(CartItem.member_id == member.id)
            .options(joinedload(CartItem.product).joinedload(Product.booth).joinedload(Booth.region))
            .order_by(CartItem.id)
        ).unique()
    )
    groups: dict[int, CartGroup] = {}
    for item in items:
        product = item.product
        group = groups.setdefault(product.booth_id, CartGroup(product.booth))
        group.lines.append(CartLine(item, product, _line_problem(member, product, item.quantity)))
    return Cart(list(groups.values()))


def cart_count(session: Session, member: Member) -> int:
    return (
        session.scalar(
            select(func.coalesce(func.sum(CartItem.quantity), 0)).where(CartItem.member_id == member.id)
        )
        or 0
    )


def _cart_item(session: Session, member: Member, product_id: int) -> CartItem | None:
    return session.scalar(
        select(CartItem).where(CartItem.member_id == member.id, CartItem.product_id == product_id)
    )


def set_cart_quantity(
    session: Session, member: Member, product_id: int, quantity: Any, *, add: bool = False
) -> CartItem | None:
    """Put ``quantity`` of a product in the cart (or add it to what is there); 0 removes it."""
    errors: dict[str, Any] = {}
    wanted = _whole(quantity, "quantity", errors, low=0, high=MAX_QUANTITY)
    if wanted is None:
        raise _invalid(errors)
    product = visible_product(session, member, product_id)
    item = _cart_item(session, member, product.id)
    if wanted == 0 and not add:
        if item is not None:
            session.delete(item)
            session.flush()
        return None
    total = wanted + (item.quantity if item is not None and add else 0)
    if total == 0:
        raise _invalid({"quantity": _("It must be at least %(n)s.", n=1)})
    problem = _line_problem(member, product, total)
    if problem:
        raise BadInput(problem, fields={"quantity": problem}, code="not_available")
    if item is None:
        item = CartItem(member_id=member.id, product_id=product.id, quantity=total)
        try:
            with session.begin_nested():
                session.add(item)
                session.flush()
        except IntegrityError:
            # The same member added it from another tab a moment ago.
            item = _cart_item(session, member, product.id)
            assert item is not None
            item.quantity = total
    else:
        item.quantity = total
    session.flush()
    return item


def add_to_cart(session: Session, member: Member, product_id: int, quantity: Any = 1) -> CartItem:
    item = set_cart_quantity(session, member, product_id, quantity, add=True)
    assert item is not None
    return item


def remove_from_cart(session: Session, member: Member, product_id: int) -> None:
    item = _cart_item(session, member, product_id)
    if item is None:
        raise NotFound(_("This product is not in your cart."), code="not_in_cart")
    session.delete(item)
    session.flush()


# --- checkout ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckoutRequest:
    """What the buyer chose on the checkout form (or sent to the API)."""

    key: str
    funding: str = FUND_MAIN
    earmarked_account_id: int | None = None
    delivery: Mapping[int, str] = field(default_factory=dict)
    address: str = ""
    note: str = ""


@dataclass
class CheckoutResult:
    checkout: Checkout
    orders: list[Order]
    replayed: bool = False


def earmarked_accounts(session: Session, member: Member) -> list[Account]:
    """The member's earmarked accounts that may pay in M-Bazar (by their purposes)."""
    rows = ledger.accounts_of(session, member)
    return [
        a
        for a in rows
        if a.kind == "earmarked"
        and a.closed_at is None
        and PURCHASE in (a.spend_rules or {}).get("purposes", [])
    ]


def spend_details(tree: CategoryTree, group: CartGroup | Order, lang: str = "fa") -> dict[str, Any]:
    """What a payment for this booth's part buys, for the spend policy (``spend_allowed``)."""
    items = []
    lines: Iterable[Any] = group.lines if isinstance(group, CartGroup) else group.items
    for line in lines:
        product = line.product
        category = tree.by_id.get(product.category_id)
        chain = tree.chain(category) if category else []
        items.append(
            {
                "product_id": product.id,
                "title": product.title,
                "category": category.code if category else None,
                "category_path": [c.code for c in chain],
                "category_name": (category.name_fa if lang == "fa" else category.name_en) if category else "",
                "programmes": product.programmes,
            }
        )
    booth_id = group.booth.id if isinstance(group, CartGroup) else group.booth_id
    return {"booth_id": booth_id, "items": items}


def spend_allowed(account: Account, spend: Spend) -> SpendDecision | None:
    """The spend policy for M-Bazar purchases (the ``resalat_spend_allowed`` answer).

    Allows when every item's category is within ``spend_rules["categories"]`` (a category allows
    everything under it), the booth is within ``spend_rules["booths"]``, and every item carries
    one of ``spend_rules["programmes"]`` — each rule only when the account has it. Abstains for
    other purposes and for payments that do not list their items (not an M-Bazar checkout). The
    refusal names the rule, for the buyer to read.
    """
    if spend.purpose != PURCHASE:
        return None
    rules = account.spend_rules or {}
    details = spend.details or {}
    items = details.get("items")
    if not isinstance(items, list) or not items:
        # Not a checkout of ours: another policy may know it, and with none answering the host
        # keeps the money closed.
        return None
    allowed_categories = rules.get("categories")
    if allowed_categories:
        allowed = {str(c) for c in allowed_categories}
        for item in items:
            if not allowed & set(item.get("category_path") or []):
                return SpendDecision(
                    False,
                    _(
                        "This money may buy only in the categories %(allowed)s; "
                        "%(title)s is in %(category)s.",
                        allowed=", ".join(sorted(allowed)),
                        title=item.get("title", ""),
                        category=item.get("category_name") or item.get("category") or "-",
                    ),
                )
    allowed_booths = rules.get("booths")
    if allowed_booths:
        booths = {str(b) for b in allowed_booths}
        if str(details.get("booth_id")) not in booths:
            return SpendDecision(
                False,
                _("This money may buy only from the booths %(booths)s.", booths=", ".join(sorted(booths))),
            )
    allowed_programmes = rules.get("programmes")
    if allowed_programmes:
        programmes = {str(p) for p in allowed_programmes}
        for item in items:
            if not programmes & set(item.get("programmes") or []):
                return SpendDecision(
                    False,
                    _(
                        "This money may buy only products flagged for the programmes %(programmes)s; "
                        "%(title)s is not.",
                        programmes=", ".join(sorted(programmes)),
                        title=item.get("title", ""),
                    ),
                )
    return SpendDecision(True, _("M-Bazar: every item is within this money's rules."))


def _checkout_key(key: Any) -> str:
    clean = str(key or "").strip()
    if not clean or len(clean) > KEY_MAX:
        raise BadInput(
            _("The checkout form is missing its one-time key; reload the cart and try again."),
            code="bad_key",
        )
    return clean


def _existing_checkout(session: Session, buyer: Member, key: str) -> Checkout | None:
    return session.scalar(select(Checkout).where(Checkout.buyer_id == buyer.id, Checkout.key == key))


def _replay(checkout: Checkout) -> CheckoutResult:
    return CheckoutResult(checkout, list(checkout.orders), replayed=True)


@dataclass
class _Plan:
    group: CartGroup
    delivery: str
    from_earmarked: int
    from_main: int


def _plan(
    session: Session,
    buyer: Member,
    current: Cart,
    request: CheckoutRequest,
    tree: CategoryTree,
    escrow: Account,
) -> tuple[list[_Plan], Account | None, str, str]:
    """Check the whole checkout before anything moves: delivery, address, funding, policy."""
    errors: dict[str, Any] = {}
    if request.funding not in FUNDINGS:
        errors["funding"] = _("Choose how to pay.")
    account = None
    if request.funding in (FUND_EARMARKED, FUND_BOTH):
        account_id = request.earmarked_account_id
        account = session.get(Account, account_id) if isinstance(account_id, int) else None
        if account is None or account.owner_id != buyer.id or account.kind != "earmarked":
            errors["earmarked_account"] = _("Choose one of your loan accounts.")
            account = None
    deliveries: dict[int, str] = {}
    for group in current.groups:
        chosen = request.delivery.get(group.booth.id)
        options = group.booth.delivery_options or []
        if not chosen and options:
            chosen = options[0]  # the booth's first way, as the cart page pre-selects it
        if chosen not in options:
            errors[f"delivery_{group.booth.id}"] = _("Choose how %(booth)s delivers.", booth=group.booth.name)
        else:
            deliveries[group.booth.id] = chosen
    address = _text(request.address, multiline=True)
    if any(d != PICKUP for d in deliveries.values()) and len(address) < 5:
        errors["address"] = _("Enter the address to deliver to.")
    if len(address) > ADDRESS_MAX:
        errors["address"] = _("At most %(n)s characters.", n=ADDRESS_MAX)
    note = _text(request.note, multiline=True)
    if len(note) > NOTE_MAX:
        errors["note"] = _("At most %(n)s characters.", n=NOTE_MAX)
    if errors:
        raise _invalid(errors)
    plans = []
    left = account.available if account is not None else 0
    for group in current.groups:
        total = group.total
        from_earmarked = 0
        if account is not None:
            spend = Spend(total, PURCHASE, None, escrow, spend_details(tree, group))
            if request.funding == FUND_EARMARKED:
                ledger.check_spend(account, spend)  # NotAllowed naming the rule
                if total > left:
                    message = _("Your loan account does not hold enough for this purchase.")
                    raise BadInput(message, fields={"earmarked_account": message}, code="insufficient_funds")
                from_earmarked = total
            else:
                try:
                    ledger.check_spend(account, spend)
                except NotAllowed:
                    from_earmarked = 0  # the policy refuses these items: the main account pays
                else:
                    from_earmarked = min(left, total)
            left -= from_earmarked
        plans.append(_Plan(group, deliveries[group.booth.id], from_earmarked, total - from_earmarked))
    return plans, account, address, note


def reserve_stock(session: Session, product: Product, quantity: int, price: int) -> int:
    """Take ``quantity`` from stock in one conditional UPDATE; returns what is left.

    The condition (enough stock, still listed, same price) is checked by the database at the
    moment of the update, so concurrent checkouts can never sell more than there is.
    """
    row = session.execute(
        update(Product)
        .where(
            Product.id == product.id,
            Product.stock >= quantity,
            Product.listed.is_(True),
            Product.hidden.is_(False),
            Product.price == price,
        )
        .values(stock=Product.stock - quantity)
        .returning(Product.stock)
        .execution_options(synchronize_session=False)
    ).first()
    if row is None:
        session.expire(product, ["stock", "price", "listed", "hidden"])
        if product.price != price:
            message = _("The price of %(title)s has changed; check your cart again.", title=product.title)
        elif product.stock < quantity:
            message = (
                _("%(title)s is out of stock.", title=product.title)
                if product.stock == 0
                else _("Only %(n)s of %(title)s are left.", n=product.stock, title=product.title)
            )
        else:
            message = _("%(title)s is no longer for sale; remove it from your cart.", title=product.title)
        raise BadInput(message, fields={f"product_{product.id}": message}, code="out_of_stock")
    session.expire(product, ["stock"])
    return row[0]


def _restock(session: Session, order: Order) -> None:
    for item in sorted(order.items, key=lambda i: i.product_id):
        session.execute(
            update(Product)
            .where(Product.id == item.product_id)
            .values(stock=Product.stock + item.quantity)
            .execution_options(synchronize_session=False)
        )
        loaded = session.identity_map.get(identity_key(Product, item.product_id))
        if loaded is not None:
            session.expire(loaded, ["stock"])


def checkout(session: Session, buyer: Member, request: CheckoutRequest) -> CheckoutResult:
    """Pay the whole cart at once: one order per booth, money posted into escrow, stock taken.

    All or nothing: a refusal anywhere (stock, funds, the spend policy) leaves stock, orders,
    balances and the cart as they were. Once per ``request.key``: the same key again answers the
    first checkout (``replayed``) and moves nothing.
    """
    key = _checkout_key(request.key)
    existing = _existing_checkout(session, buyer, key)
    if existing is not None:
        return _replay(existing)
    current = cart(session, buyer)
    if not current.groups:
        raise BadInput(_("Your cart is empty."), code="empty_cart")
    if current.problems:
        raise BadInput(" ".join(current.problems), code="cart_problem")
    tree = category_tree(session)
    escrow = ledger.system_account(session, "escrow")
    plans, account, address, note = _plan(session, buyer, current, request, tree, escrow)
    try:
        with session.begin_nested():
            record = Checkout(
                buyer_id=buyer.id,
                key=key,
                total=current.total,
                funding=request.funding,
                earmarked_account_id=account.id if account is not None else None,
            )
            session.add(record)
            session.flush()  # a concurrent checkout with this key fails here
            lines = sorted(current.lines, key=lambda line: line.product.id)  # a fixed lock order
            for line in lines:
                reserve_stock(session, line.product, line.item.quantity, line.product.price)
            orders = _place_orders(session, buyer, record, plans, account, address, note)
            for line in current.lines:
                session.delete(line.item)
            for order in orders:
                _tell(order, PLACED)
            session.flush()
            # The money moves last: every checkout credits the one escrow account, so its row
            # lock is held only from here to the commit, not through the work above.
            _pay_into_escrow(session, buyer, orders, account, escrow, tree)
            for order in orders:
                region_hook("resalat_order_paid", buyer)(order=order)
    except IntegrityError:
        existing = _existing_checkout(session, buyer, key)
        if existing is None:
            raise
        return _replay(existing)
    return CheckoutResult(record, orders)


def _place_orders(
    session: Session,
    buyer: Member,
    record: Checkout,
    plans: list[_Plan],
    account: Account | None,
    address: str,
    note: str,
) -> list[Order]:
    orders = []
    for plan in plans:
        booth = plan.group.booth
        order = Order(
            checkout_id=record.id,
            buyer_id=buyer.id,
            booth_id=booth.id,
            seller_id=booth.owner_id,
            status=PLACED,
            total=plan.group.total,
            paid_main=plan.from_main,
            paid_earmarked=plan.from_earmarked,
            earmarked_account_id=account.id if plan.from_earmarked and account is not None else None,
            delivery=plan.delivery,
            address="" if plan.delivery == PICKUP else address,
            note=note,
        )
        order.items = [
            OrderItem(
                product_id=line.product.id,
                category_id=line.product.category_id,
                title=line.product.title,
                unit=line.product.unit,
                unit_price=line.product.price,
                quantity=line.item.quantity,
            )
            for line in plan.group.lines
        ]
        order.events = [OrderEvent(from_status=None, to_status=PLACED, actor_id=buyer.id)]
        session.add(order)
        orders.append(order)
    session.flush()
    return orders


def _pay_into_escrow(
    session: Session,
    buyer: Member,
    orders: list[Order],
    account: Account | None,
    escrow: Account,
    tree: CategoryTree,
) -> None:
    main = ledger.main_account(session, buyer)
    specs = []
    for order in orders:
        reference = f"bazaar:order:{order.id}"
        if order.paid_earmarked:
            assert account is not None
            specs.append(
                TransferSpec(
                    key=f"{reference}:pay:earmarked",
                    debit=account,
                    credit=escrow,
                    amount=order.paid_earmarked,
                    purpose=PURCHASE,
                    reference=reference,
                    memo=_memo(order),
                    spend_details=spend_details(tree, order),
                )
            )
        if order.paid_main:
            specs.append(
                TransferSpec(
                    key=f"{reference}:pay:main",
                    debit=main,
                    credit=escrow,
                    amount=order.paid_main,
                    purpose=PURCHASE,
                    reference=reference,
                    memo=_memo(order),
                )
            )
    ledger.transfer_linked(session, specs, actor=buyer)


def _memo(order: Order) -> str:
    return f"M-Bazar order {order.id}"


# --- orders --------------------------------------------------------------------------------------


def get_order(session: Session, order_id: int) -> Order:
    """The order with this id (for services and supervision); NotFound otherwise."""
    order = session.get(Order, order_id) if isinstance(order_id, int) else None
    if order is None:
        raise NotFound(_("No such order."), code="unknown_order")
    return order


def role_in(member: Any, order: Order) -> str | None:
    """'buyer', 'seller', 'admin' or None: how ``member`` stands to the order."""
    if not _person(member):
        return None
    if order.buyer_id == member.id:
        return "buyer"
    if order.seller_id == member.id:
        return "seller"
    if is_admin(member, order.booth.region):
        return "admin"
    return None


def visible_order(session: Session, viewer: Any, order_id: int) -> Order:
    """An order its buyer, its seller or an administrator may see; 404 for everyone else."""
    order = session.get(Order, order_id) if isinstance(order_id, int) else None
    if order is None or role_in(viewer, order) is None:
        raise NotFound(_("No such order."), code="unknown_order")
    return order


def orders_query(
    member: Member, *, as_seller: bool = False, status: str | None = None
) -> Select[tuple[Order]]:
    """The member's purchases (or sales), newest first, with what a list shows loaded."""
    stmt = select(Order).where((Order.seller_id if as_seller else Order.buyer_id) == member.id)
    if status:
        stmt = stmt.where(Order.status == status)
    return stmt.order_by(Order.id.desc()).options(
        joinedload(Order.booth), joinedload(Order.buyer), selectinload(Order.items)
    )


def order_detail(session: Session, order_id: int) -> Order | None:
    """An order with its items (and their products), history and booth, in a few queries."""
    return session.scalar(
        select(Order)
        .where(Order.id == order_id)
        .options(
            joinedload(Order.booth),
            joinedload(Order.buyer),
            selectinload(Order.items).joinedload(OrderItem.product).joinedload(Product.booth),
            selectinload(Order.events),
        )
    )


def buyer_completed_order_with(
    session: Session, member: Member, product_id: int | None = None, booth_id: int | None = None
) -> Order | None:
    """The member's latest completed order containing the product (or from the booth), or None:
    what supervision asks before accepting a review."""
    stmt = select(Order).where(Order.buyer_id == member.id, Order.status == COMPLETED)
    if product_id is not None:
        stmt = stmt.where(Order.id.in_(select(OrderItem.order_id).where(OrderItem.product_id == product_id)))
    if booth_id is not None:
        stmt = stmt.where(Order.booth_id == booth_id)
    return session.scalar(stmt.order_by(Order.id.desc()).limit(1))


# action -> (who may, from which statuses, to which status)
ACTIONS: dict[str, tuple[tuple[str, ...], tuple[str, ...], str]] = {
    "accept": (("seller",), (PLACED,), ACCEPTED),
    "ship": (("seller",), (ACCEPTED,), SHIPPED),
    "deliver": (("seller",), (SHIPPED,), DELIVERED),
    "confirm": (("buyer",), (SHIPPED, DELIVERED), COMPLETED),
    "cancel": (("buyer", "seller"), CANCELLABLE, CANCELLED),
    "refund": (("admin",), OPEN_STATUSES, CANCELLED),
}
ACTION_LABELS = {
    "accept": _l("Accept the order"),
    "ship": _l("Mark as sent"),
    "deliver": _l("Mark as delivered"),
    "confirm": _l("I received it"),
    "cancel": _l("Cancel the order"),
    "refund": _l("Refund the buyer"),
}
_TIMESTAMPS = {
    ACCEPTED: "accepted_at",
    SHIPPED: "shipped_at",
    DELIVERED: "delivered_at",
    COMPLETED: "completed_at",
    CANCELLED: "cancelled_at",
}


def actions_for(member: Any, order: Order) -> list[str]:
    """What ``member`` may do to the order now, in the order a page shows them."""
    role = role_in(member, order)
    found = []
    for action, (roles, sources, _target) in ACTIONS.items():
        if order.status not in sources:
            continue
        if action == "refund" and is_admin(member, order.booth.region) or role in roles:
            found.append(action)
    return found


def transition(
    session: Session, order: Order, action: str, actor: Member | None, *, reason: str = "", note: str = ""
) -> Order:
    """Move an order on: accept, ship, deliver, confirm (pays the seller), cancel or refund (pay
    the buyer back). Refuses what the actor may not do, or what the order's status forbids."""
    if action not in ACTIONS:
        raise BadInput(_("Unknown action %(action)s.", action=action), fields={"action": _("Unknown.")})
    roles, sources, target = ACTIONS[action]
    role = role_in(actor, order) if actor is not None else "system"
    if role is None:
        raise NotFound(_("No such order."), code="unknown_order")
    if role == "system":
        pass  # the CLI's periodic jobs
    elif action == "refund":
        if not is_admin(actor, order.booth.region):
            raise NotAllowed(_("Only an M-Bazar administrator may refund an order."))
    elif role not in roles:
        raise NotAllowed(_("Only the %(who)s may do this.", who=_role_name(roles[0])))
    reason = _text(reason, multiline=True)
    if action in ("cancel", "refund") and len(reason) < 3:
        message = _("Say why the order is cancelled: the other side will read it.")
        raise BadInput(message, fields={"reason": message}, code="reason_required")
    if len(reason) > REASON_MAX:
        raise _invalid({"reason": _("At most %(n)s characters.", n=REASON_MAX)})
    note = _text(note)[:TRACKING_MAX]
    with session.begin_nested():
        if target == COMPLETED:
            _complete(session, order, actor)
        elif target == CANCELLED:
            _cancel_and_refund(session, order, actor, reason, sources)
        else:
            _move(session, order, sources, target, actor, note)
            if target == SHIPPED and note:
                order.tracking = note
            _tell(order, target)
    return order


def _role_name(role: str) -> str:
    return {"buyer": _("buyer"), "seller": _("seller"), "admin": _("administrator")}.get(role, role)


def _move(
    session: Session, order: Order, sources: Sequence[str], target: str, actor: Member | None, note: str = ""
) -> None:
    """Claim the change with a conditional UPDATE, so two racing requests cannot both make it."""
    now = utcnow()
    before = order.status if order.status in sources else None
    values: dict[str, Any] = {"status": target, "updated_at": now}
    if target in _TIMESTAMPS:
        values[_TIMESTAMPS[target]] = now
    claimed = session.execute(
        update(Order)
        .where(Order.id == order.id, Order.status.in_(sources))
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.expire(order)
    if not claimed:
        raise Conflict(
            _("This order is already %(status)s.", status=STATUS_LABELS.get(order.status, order.status)),
            code="wrong_status",
        )
    session.add(
        OrderEvent(
            order_id=order.id,
            from_status=before,
            to_status=target,
            actor_id=actor.id if actor else None,
            note=note,
        )
    )
    session.flush()


def _complete(session: Session, order: Order, actor: Member | None) -> None:
    _move(session, order, (SHIPPED, DELIVERED), COMPLETED, actor)
    seller = session.get(Member, order.seller_id)
    reference = f"bazaar:order:{order.id}"
    ledger.transfer(
        session,
        f"{reference}:payout",
        ledger.system_account(session, "escrow"),
        ledger.main_account(session, seller),
        order.total,
        SALE,
        reference,
        memo=_memo(order),
        actor=actor,
    )
    _tell(order, COMPLETED)
    region_hook("resalat_order_completed", order.buyer)(order=order)


def _cancel_and_refund(
    session: Session, order: Order, actor: Member | None, reason: str, sources: Sequence[str]
) -> None:
    was = order.status
    _move(session, order, sources, CANCELLED, actor, reason)
    order.cancel_reason = reason
    if was in CANCELLABLE:
        _restock(session, order)  # nothing left the booth
    escrow = ledger.system_account(session, "escrow")
    reference = f"bazaar:order:{order.id}"
    specs = []
    if order.paid_earmarked:
        specs.append(
            TransferSpec(
                f"{reference}:refund:earmarked",
                escrow,
                order.earmarked_account_id,
                order.paid_earmarked,
                REFUND,
                reference,
                memo=_memo(order),
            )
        )
    if order.paid_main:
        buyer_main = ledger.main_account(session, session.get(Member, order.buyer_id))
        specs.append(
            TransferSpec(
                f"{reference}:refund:main",
                escrow,
                buyer_main,
                order.paid_main,
                REFUND,
                reference,
                memo=_memo(order),
            )
        )
    ledger.transfer_linked(session, specs, actor=actor)
    _move(session, order, (CANCELLED,), REFUNDED, None)
    _tell(order, CANCELLED, actor=actor, reason=reason)


def complete_due(
    session: Session, now: datetime | None = None, progress: Callable[[int], None] | None = None
) -> list[int]:
    """Complete (and pay the seller of) every order sent more than ``auto_complete_days`` ago
    that its buyer has not confirmed; returns their ids. Safe to run at any time, and twice."""
    now = now or utcnow()
    cutoff = now - timedelta(days=setting("auto_complete_days"))
    ids = list(
        session.scalars(
            select(Order.id)
            .where(Order.status.in_((SHIPPED, DELIVERED)), Order.shipped_at <= cutoff)
            .order_by(Order.id)
        )
    )
    done = []
    for order_id in ids:
        order = session.get(Order, order_id)
        try:
            with session.begin_nested():
                _complete(session, order, None)
            done.append(order_id)
        except Conflict:
            pass  # confirmed by its buyer meanwhile
        if progress:
            progress(1)
    return done


def due_count(session: Session, now: datetime | None = None) -> int:
    cutoff = (now or utcnow()) - timedelta(days=setting("auto_complete_days"))
    return (
        session.scalar(
            select(func.count(Order.id)).where(
                Order.status.in_((SHIPPED, DELIVERED)), Order.shipped_at <= cutoff
            )
        )
        or 0
    )


# --- telling buyers and sellers ------------------------------------------------------------------

# status -> (to whom, Persian title, English title); {n} is the order number, {booth} its booth.
_MESSAGES: dict[str, tuple[str, str, str]] = {
    PLACED: ("seller", "سفارش تازه‌ی {n} در غرفه‌ی {booth}", "New order {n} at {booth}"),
    ACCEPTED: ("buyer", "سفارش {n} را {booth} پذیرفت", "{booth} accepted order {n}"),
    SHIPPED: ("buyer", "سفارش {n} فرستاده شد", "Order {n} is on its way"),
    DELIVERED: (
        "buyer",
        "سفارش {n} تحویل شد؛ لطفاً دریافت را تأیید کنید",
        "Order {n} was delivered; please confirm",
    ),
    COMPLETED: ("seller", "مبلغ سفارش {n} به حساب شما واریز شد", "Order {n} was paid to your account"),
    CANCELLED: ("other", "سفارش {n} لغو شد و مبلغ آن بازگشت", "Order {n} was cancelled and refunded"),
}


def _tell(order: Order, status: str, *, actor: Member | None = None, reason: str = "") -> None:
    """Notify the side that did not act (the SDK's notify; nothing when no inbox is active)."""
    if status not in _MESSAGES:
        return
    to, title_fa, title_en = _MESSAGES[status]
    booth = order.booth
    recipients: list[Member] = []
    if to == "seller":
        recipients = [order.seller]
    elif to == "buyer":
        recipients = [order.buyer]
    else:
        if actor is None or actor.id != order.buyer_id:
            recipients.append(order.buyer)
        if actor is None or actor.id != order.seller_id:
            recipients.append(order.seller)
    amount_fa = format_money(order.total, lang="fa")
    amount_en = format_money(order.total, lang="en")
    number_fa = to_persian_digits(str(order.id))  # "#12" reads backwards in right-to-left text
    body_fa = f"مبلغ: {amount_fa}" + (f" — دلیل: {reason}" if reason else "")
    body_en = f"Amount: {amount_en}" + (f" — reason: {reason}" if reason else "")
    message = Message(
        title_fa=title_fa.format(n=number_fa, booth=booth.name),
        title_en=title_en.format(n=f"#{order.id}", booth=booth.name),
        body_fa=body_fa,
        body_en=body_en,
        url=f"/bazaar/orders/{order.id}",
        source="bazaar",
        kind=f"order.{status}",
    )
    for member in recipients:
        notify(member, message)


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


PERIODS = {"30d": _l("Last 30 days"), "12m": _l("Last 12 months")}


def _tehran_day(session: Session) -> Any:
    if is_sqlite(session.get_bind()):
        return func.date(Order.created_at, f"+{TEHRAN_OFFSET_MINUTES} minutes")
    return func.date(Order.created_at + timedelta(minutes=TEHRAN_OFFSET_MINUTES))


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def sales_series(
    session: Session, booth_ids: list[int], *, period: str, now: datetime, lang: str = "fa"
) -> list[SalesPoint]:
    """Sales per Tehran day (30d) or Jalali month (12m), gaps filled with zeros: one query."""
    today = (now + timedelta(minutes=TEHRAN_OFFSET_MINUTES)).date()
    if period == "12m":
        month = jdatetime.date.fromgregorian(date=today).replace(day=1)
        months = [month]
        for _i in range(11):
            month = (month - timedelta(days=1)).replace(day=1)
            months.insert(0, month)
        start = months[0].togregorian()
    else:
        start = today - timedelta(days=29)
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
    if period == "12m":
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


def _utc_start(day: date) -> datetime:
    """The UTC moment Tehran's ``day`` begins."""
    return datetime.combine(day, datetime.min.time()) - timedelta(minutes=TEHRAN_OFFSET_MINUTES)


def _month_label(month: Any, lang: str) -> str:
    if lang == "fa":
        return to_persian_digits(f"{month.year % 100:02d}/{month.month:02d}")
    return month.togregorian().strftime("%b %y")


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
        raise _invalid({"period": _("Unknown period.")})
    booths = booths_of(session, seller)
    booth = None
    if booth_id is not None:
        booth = next((b for b in booths if b.id == booth_id), None)
        if booth is None:
            raise NotFound(_("No such booth."), code="unknown_booth")
    ids = [booth.id] if booth is not None else [b.id for b in booths]
    series = sales_series(session, ids, period=period, now=now, lang=lang)
    since = _utc_start(series[0].start)
    top: list[TopProduct] = []
    pending: list[Order] = []
    low: list[Product] = []
    if ids:
        amount = func.sum(OrderItem.unit_price * OrderItem.quantity)
        rows = session.execute(
            select(Product.id, Product.title, func.sum(OrderItem.quantity), amount)
            .join(OrderItem, OrderItem.product_id == Product.id)
            .join(Order, Order.id == OrderItem.order_id)
            .where(Order.booth_id.in_(ids), Order.status.in_(SOLD_STATUSES), Order.created_at >= since)
            .group_by(Product.id, Product.title)
            .order_by(desc(amount), Product.id)
            .limit(5)
        ).all()
        top = [TopProduct(pid, title, int(q or 0), int(a or 0)) for pid, title, q, a in rows]
        pending = list(
            session.scalars(
                select(Order)
                .where(Order.booth_id.in_(ids), Order.status.in_((PLACED, ACCEPTED)))
                .order_by(Order.id)
                .limit(20)
                .options(joinedload(Order.buyer), joinedload(Order.booth))
            )
        )
        low = list(
            session.scalars(
                select(Product)
                .where(
                    Product.booth_id.in_(ids),
                    Product.listed.is_(True),
                    Product.stock <= setting("low_stock"),
                )
                .order_by(Product.stock, Product.id)
                .limit(20)
            )
        )
    return Dashboard(booths, booth, period, series, top, pending, low)


# --- importing a catalogue from CSV --------------------------------------------------------------

CSV_COLUMNS = ("title", "category", "price", "stock", "unit", "kind", "programmes", "description")
CSV_REQUIRED = ("title", "category", "price", "stock")


class ImportRefused(BadInput):
    """Some rows are wrong: ``rows`` lists (line number, message) for every one of them."""

    def __init__(self, rows: list[tuple[int, str]]) -> None:
        super().__init__(
            _("%(n)s rows have errors; nothing was imported.", n=len(rows)),
            fields={f"line {line}": message for line, message in rows},
            code="bad_rows",
        )
        self.rows = rows


def read_csv(text: str) -> list[tuple[int, dict[str, str]]]:
    """(line number, row) for every data row; the header names the columns (any order)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in CSV_REQUIRED if c not in header]
    if missing:
        raise BadInput(
            _("The first line must name the columns; missing: %(names)s.", names=", ".join(missing)),
            code="bad_header",
        )
    unknown = [h for h in header if h and h not in CSV_COLUMNS]
    if unknown:
        raise BadInput(_("Unknown columns: %(names)s.", names=", ".join(unknown)), code="bad_header")
    reader.fieldnames = header
    rows = []
    for row in reader:
        if not any((v or "").strip() for k, v in row.items() if k):
            continue
        rows.append((reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}))
    return rows


def import_products(
    session: Session,
    booth: Booth,
    actor: Member,
    rows: list[tuple[int, dict[str, str]]],
    progress: Callable[[int], None] | None = None,
) -> list[Product]:
    """Add every row as a product of ``booth``, or none: all rows are checked first, and every
    bad one is reported with its line number (ImportRefused)."""
    _require_seller(actor, booth)
    tree = category_tree(session)
    bad: list[tuple[int, str]] = []
    checked: list[dict[str, Any]] = []
    for line, row in rows:
        try:
            checked.append(_product_fields(tree, row, product=None, price_unit="toman"))
        except BadInput as exc:
            detail = "; ".join(f"{k}: {v}" for k, v in exc.form_errors().items() if k != "_form")
            bad.append((line, detail))
        if progress:
            progress(1)
    if bad:
        raise ImportRefused(bad)
    if not checked:
        raise BadInput(_("The file has no products."), code="empty_file")
    made = []
    with session.begin_nested():
        for clean in checked:
            product = Product(booth_id=booth.id, booth=booth, listed=clean.pop("listed", True))
            _apply_product(tree, product, clean)
            session.add(product)
            made.append(product)
            if progress:
                progress(1)
        session.flush()
    return made


# --- small helpers for pages ---------------------------------------------------------------------


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


def unit_label(unit: str) -> str:
    return str(UNIT_LABELS.get(unit, unit))


def delivery_label(option: str) -> str:
    return str(DELIVERY_LABELS.get(option, option))


def programme_label(programme: str) -> str:
    return str(PROGRAMME_LABELS.get(programme, programme))


def tomans(rials: int) -> str:
    """Rials as a plain toman figure for a form field ('12500', '12.5')."""
    whole, tenth = divmod(rials, 10)
    return f"{whole}.{tenth}" if tenth else str(whole)


def reputation(kind: str, subject_id: int, viewer: Any, region: Region | None) -> Any:
    """What social supervision says about a booth or product (None when it is not active here)."""
    subject = viewer if _person(viewer) else region
    return region_hook("resalat_reputation", subject)(kind=kind, subject_id=subject_id)


def escrow_balance(session: Session) -> int:
    return ledger.system_account(session, "escrow").posted


def open_orders_total(session: Session) -> int:
    """What open orders hold; equals escrow's balance (minus) when nothing else uses escrow."""
    return (
        session.scalar(select(func.coalesce(func.sum(Order.total), 0)).where(Order.status.in_(OPEN_STATUSES)))
        or 0
    )


def counts_by_status(session: Session) -> dict[str, int]:
    rows = session.execute(select(Order.status, func.count(Order.id)).group_by(Order.status)).all()
    return {s: int(n) for s, n in rows}


def orders_to_handle(session: Session, seller: Member) -> int:
    """Orders waiting for the seller (to accept or to send): the tile's badge. One query."""
    return (
        session.scalar(
            select(func.count(Order.id)).where(
                Order.seller_id == seller.id, Order.status.in_((PLACED, ACCEPTED))
            )
        )
        or 0
    )


def sold_total(session: Session) -> int:
    return (
        session.scalar(select(func.coalesce(func.sum(Order.total), 0)).where(Order.status == COMPLETED)) or 0
    )


def count_booths(session: Session) -> int:
    return session.scalar(select(func.count(Booth.id)).where(Booth.hidden.is_(False))) or 0


def regions_for_select(session: Session) -> list[tuple[Region, list[Region]]]:
    """Provinces with their places, for select boxes: one query."""
    rows = list(session.scalars(select(Region).order_by(Region.code)))
    places: dict[int, list[Region]] = {}
    for r in rows:
        if r.parent_id is not None:
            places.setdefault(r.parent_id, []).append(r)
    return [(r, places.get(r.id, [])) for r in rows if r.parent_id is None]

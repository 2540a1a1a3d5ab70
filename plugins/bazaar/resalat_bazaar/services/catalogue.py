"""The catalogue as people see it: categories, booths and products, who may see what, and hiding.

A hidden booth or product (by an administrator or social supervision) is gone from search and
pages for everyone but its owner, who reads why, and the administrators.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from resalat_bazaar import messages
from resalat_bazaar.hookspecs import Reputation
from resalat_bazaar.models import BOOTH_OPEN, REASON_MAX, Booth, Category, Product
from resalat_bazaar.services.access import is_admin, is_person
from resalat_bazaar.services.fields import clean_text, invalid
from resalat_core.sdk import (
    Member,
    NotFound,
    Page,
    Region,
    _,
    current_language,
    ids_under,
    kept_by_worker,
    notify,
    paginate,
    region_hook,
    to_latin_digits,
    utcnow,
)

# --- categories ----------------------------------------------------------------------------------

# (code, parent code, Persian, English): what cores buy (step 2) and sell (step 10). Reference
# data: the names are stored in both languages on the rows, like the regions' names.
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


def _categories(session: Session) -> tuple[list[Category], bool]:
    """Every category, parents before children, in their seeded order; and whether they were all
    there already (False when this transaction seeded them, or another is seeding them now)."""
    rows = list(session.scalars(select(Category).order_by(Category.position, Category.id)))
    if len(rows) >= len(DEFAULT_CATEGORIES):
        return rows, True
    if ensure_categories(session):
        rows = list(session.scalars(select(Category).order_by(Category.position, Category.id)))
    return rows, False


def categories(session: Session) -> list[Category]:
    """Every category, parents before children, in their seeded order."""
    return _categories(session)[0]


@dataclass(frozen=True)
class CategoryRow:
    """A category as the tree holds it: plain values, so one tree may serve many requests."""

    id: int
    code: str
    parent_id: int | None
    name_fa: str
    name_en: str
    position: int

    @classmethod
    def of(cls, row: Category) -> CategoryRow:
        return cls(row.id, row.code, row.parent_id, row.name_fa, row.name_en, row.position)


class CategoryTree:
    """The category tree in memory: one query, then lookups (built once, read by many threads)."""

    def __init__(self, rows: list[CategoryRow], *, committed: bool = True) -> None:
        self.rows = rows
        # False when this request seeded the rows: a rollback would take their ids back.
        self.committed = committed
        self.by_id: dict[int, CategoryRow] = {c.id: c for c in rows}
        self.by_code: dict[str, CategoryRow] = {c.code: c for c in rows}
        under: dict[int | None, list[CategoryRow]] = {}
        for c in rows:
            under.setdefault(c.parent_id, []).append(c)
        self._under = under
        self._flat: list[tuple[int, CategoryRow]] = []
        self._walk(None, 0)

    def _walk(self, parent: int | None, depth: int) -> None:
        for c in self.children(parent):
            self._flat.append((depth, c))
            self._walk(c.id, depth + 1)

    def children(self, category_id: int | None) -> list[CategoryRow]:
        return list(self._under.get(category_id, ()))

    def chain(self, category: CategoryRow) -> list[CategoryRow]:
        """The category and its ancestors, root first."""
        by_id = self.by_id
        chain = [category]
        while chain[0].parent_id is not None and chain[0].parent_id in by_id and len(chain) < 10:
            chain.insert(0, by_id[chain[0].parent_id])
        return chain

    def subtree_ids(self, category: CategoryRow) -> list[int]:
        """The category and every category under it."""
        found, frontier = [category.id], [category.id]
        while frontier:
            frontier = [c.id for parent in frontier for c in self._under.get(parent, ())]
            found += frontier
        return found

    def find(self, ref: Any) -> CategoryRow | None:
        """A category by its code or id (as typed or sent); None if there is none."""
        if ref is None or ref == "":
            return None
        if isinstance(ref, CategoryRow):
            return ref
        if isinstance(ref, Category):
            return self.by_id.get(ref.id)
        text = to_latin_digits(str(ref)).strip()
        if text.isdecimal():
            return self.by_id.get(int(text))
        return self.by_code.get(text.lower())

    def flat(self) -> list[tuple[int, CategoryRow]]:
        """(depth, category) in tree order: for select boxes."""
        return list(self._flat)


def category_tree(session: Session) -> CategoryTree:
    """The category tree: reference data that changes only when first seeded, so each worker
    keeps it (with the member cache on) instead of reading it for every search and product."""

    def read() -> CategoryTree:
        rows, there = _categories(session)
        # Seeded by this request: not kept until committed (a later request reads it again).
        return CategoryTree([CategoryRow.of(c) for c in rows], committed=there)

    return kept_by_worker("bazaar.categories", read, keep=lambda tree: tree.committed)


def category_name(category: Category | CategoryRow) -> str:
    """The category's name in the reader's language (both are on the row, as reference data)."""
    return category.name_fa if current_language() == "fa" else category.name_en


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
    return is_person(member) and booth.owner_id == member.id


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


def booths_of_query(member: Member) -> Select[tuple[Booth]]:
    """The member's own booths, oldest first (for a paged list)."""
    return select(Booth).where(Booth.owner_id == member.id).order_by(Booth.id)


def booths_of(session: Session, member: Member) -> list[Booth]:
    return list(session.scalars(booths_of_query(member)))


def booths_query(session: Session, *, region: Region | None = None) -> Select[tuple[Booth]]:
    """Open, visible booths, newest first (optionally of a province or place)."""
    stmt = select(Booth).where(Booth.status == BOOTH_OPEN, Booth.hidden.is_(False))
    if region is not None:
        stmt = stmt.where(Booth.region_id.in_(ids_under(session, [region])))
    return stmt.order_by(Booth.id.desc())


# --- products ------------------------------------------------------------------------------------


def get_product(session: Session, product_id: int, *, options: Sequence[Any] = ()) -> Product:
    """The product with this id, hidden or not (for services and supervision), loaded with
    ``options``; NotFound otherwise."""
    product = session.get(Product, product_id, options=options) if isinstance(product_id, int) else None
    if product is None:
        raise NotFound(_("No such product."), code="unknown_product")
    return product


def may_see_product(member: Any, product: Product) -> bool:
    """Others see a product while it is listed and neither it nor its booth is hidden."""
    booth = product.booth
    if is_owner(member, booth) or is_admin(member, booth.region):
        return True
    return product.is_public and not booth.hidden


@cache
def _shown_with() -> tuple[Any, ...]:
    """What a product's page and answer show of it, in the product's own statement: its booth
    (with the booth's place, joined by the booth's mapping), photos and programmes; a few rows
    each. Built at first use: building loader options maps every class, which at import time
    would run before the other plugins' tables are declared."""
    return (joinedload(Product.booth), joinedload(Product.photos), joinedload(Product.programme_rows))


def visible_product(session: Session, viewer: Any, product_id: int) -> Product:
    """The product with this id as ``viewer`` may see it (with what its page shows, one
    statement); NotFound for a missing one and for one hidden from them alike."""
    product = get_product(session, product_id, options=_shown_with())
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


def booth_products(session: Session, viewer: Any, booth: Booth, page: int, per_page: int) -> Page[Product]:
    """A booth's products, newest first; the owner sees unlisted and hidden ones too."""
    stmt = select(Product).where(Product.booth_id == booth.id)
    if not (is_owner(viewer, booth) or is_admin(viewer, booth.region)):
        stmt = stmt.where(Product.listed.is_(True), Product.hidden.is_(False))
    return paginate(session, stmt.order_by(Product.id.desc()), page, per_page)


def reputation(kind: str, subject_id: int, viewer: Any, region: Region | None) -> Reputation | None:
    """What social supervision says about a booth or product (None when it is not active here)."""
    subject = viewer if is_person(viewer) else region
    return region_hook("resalat_reputation", subject)(kind=kind, subject_id=subject_id)


# --- hiding --------------------------------------------------------------------------------------


def _hiding_reason(reason: str, hidden: bool) -> str:
    reason = clean_text(reason)[:REASON_MAX]
    if hidden and not reason:
        raise invalid({"reason": _("Say why it is hidden: the owner will read it.")})
    return reason


def set_booth_hidden(
    session: Session, booth: Booth, hidden: bool, *, reason: str, actor: Member | None = None
) -> Booth:
    """Hide a booth (from search and pages, except for its owner, who sees ``reason``) or show it."""
    reason = _hiding_reason(reason, hidden)
    if booth.hidden == hidden and (not hidden or booth.hidden_reason == reason):
        return booth
    booth.hidden = hidden
    booth.hidden_reason = reason if hidden else None
    booth.hidden_at = utcnow() if hidden else None
    session.flush()
    owner = session.get(Member, booth.owner_id)
    if owner is not None:
        url = f"/bazaar/booths/{booth.id}"
        kind = messages.BOOTH_HIDDEN if hidden else messages.BOOTH_SHOWN
        notify(owner, kind(url=url, name=booth.name, **({"reason": reason} if hidden else {})))
    return booth


def set_product_hidden(
    session: Session, product: Product, hidden: bool, *, reason: str, actor: Member | None = None
) -> Product:
    """Hide a product (from search and pages, except for its owner, who sees ``reason``) or show it."""
    reason = _hiding_reason(reason, hidden)
    if product.hidden == hidden and (not hidden or product.hidden_reason == reason):
        return product
    product.hidden = hidden
    product.hidden_reason = reason if hidden else None
    product.hidden_at = utcnow() if hidden else None
    session.flush()
    owner = session.get(Member, product.booth.owner_id)
    if owner is not None:
        url = f"/bazaar/products/{product.id}"
        kind = messages.PRODUCT_HIDDEN if hidden else messages.PRODUCT_SHOWN
        notify(owner, kind(url=url, name=product.title, **({"reason": reason} if hidden else {})))
    return product

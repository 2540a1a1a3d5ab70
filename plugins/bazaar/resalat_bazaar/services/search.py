"""Searching the catalogue in Persian: the filters a query string asks for, one ranked statement,
a capped count, and the search columns the full-text index is fed from."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import Integer, Select, any_, func, select, text, union_all
from sqlalchemy.dialects.postgresql import array
from sqlalchemy.orm import Session, contains_eager, defer, joinedload, lazyload

from resalat_bazaar.fulltext import FTS, PostgresTsvectorIndex, index_for, joined_pairs, terms_of
from resalat_bazaar.models import (
    BOOTH_OPEN,
    PROGRAMMES,
    TITLE_MAX,
    Booth,
    Product,
    ProductProgramme,
)
from resalat_bazaar.services.catalogue import CategoryRow, CategoryTree, category_tree
from resalat_bazaar.services.fields import clean_text, invalid
from resalat_bazaar.services.labels import SORTS
from resalat_core.sdk import (
    BadInput,
    NotFound,
    Page,
    Region,
    _,
    get_region,
    ids_under,
    read_money,
    search_key,
    to_latin_digits,
)

SEARCH_COUNT_CAP = 1000
# On PostgreSQL, a search the planner expects to match this many times the cap is not counted.
SEARCH_ESTIMATE_OVER = 20


@dataclass
class SearchFilters:
    """What a search asks for; prices in rials."""

    q: str = ""
    category: CategoryRow | None = None
    region: Region | None = None
    booth_id: int | None = None
    min_price: int | None = None
    max_price: int | None = None
    programme: str | None = None
    in_stock: bool = False
    sort: str = "relevance"
    # The category tree read_search_filters looked the category up in, so the search reuses it.
    tree: CategoryTree | None = field(default=None, repr=False, compare=False)
    # Words may be the beginning of a joined pair (see fulltext.alternatives): see search.
    half_joined: bool = False

    @property
    def terms(self) -> list[str]:
        return terms_of(self.q)


def read_search_filters(
    session: Session, args: Mapping[str, Any], *, price_unit: str = "toman", tree: CategoryTree | None = None
) -> SearchFilters:
    """The search a query string asks for (the page's in tomans, the API's in rials).

    The edge of every search, shared by the page and the API: prices are read with the host's
    money reader, codes looked up; every bad value is reported at once (BadInput naming each).
    ``tree``: the category tree, if the caller has read it already.
    """
    errors: dict[str, Any] = {}
    found = SearchFilters(q=clean_text(args.get("q"))[:200], tree=tree)
    _read_places(session, args, found, errors)
    for name in ("min_price", "max_price"):
        try:
            value = read_money(args.get(name), unit=price_unit, field=name, required=False, allow_zero=True)
        except BadInput as exc:
            errors.update({k: str(v) for k, v in exc.fields.items()})
            value = None
        setattr(found, name, value)
    if found.min_price is not None and found.max_price is not None and found.min_price > found.max_price:
        errors["max_price"] = _("The highest price is below the lowest.")
    programme = args.get("programme")
    if programme not in (None, ""):
        if programme not in PROGRAMMES:
            errors["programme"] = _("Choose a loan programme from the list.")
        found.programme = programme
    found.in_stock = str(args.get("in_stock", "")).lower() in ("1", "true", "on", "yes")
    sort = args.get("sort") or ("relevance" if found.terms else "newest")
    if sort not in SORTS:
        errors["sort"] = _("Unknown order.")
    found.sort = sort
    if errors:
        raise invalid(errors)
    return found


def _read_places(
    session: Session, args: Mapping[str, Any], found: SearchFilters, errors: dict[str, Any]
) -> None:
    """The category, region and booth a search is narrowed to, by code or id."""
    ref = args.get("category")
    if ref not in (None, ""):
        found.tree = found.tree or category_tree(session)
        found.category = found.tree.find(ref)
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
        text = to_latin_digits(str(ref)).strip()
        if text.isdecimal() and 0 < int(text) < 2**31:
            found.booth_id = int(text)
        else:
            errors["booth"] = _("No such booth.")


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
        matches = index_for(session).matches(terms, half_joined=filters.half_joined)
        stmt = stmt.join(matches, matches.c.product_id == Product.id)
        rank = matches.c.rank
    elif terms:
        matching = index_for(session).matching_ids(terms, half_joined=filters.half_joined)
        stmt = stmt.where(Product.id.in_(matching))
    stmt = _narrowed(session, stmt, filters, tree)
    if filters.sort == "price_asc":
        return stmt.order_by(Product.price, Product.id.desc())
    if filters.sort == "price_desc":
        return stmt.order_by(Product.price.desc(), Product.id.desc())
    if filters.sort == "relevance" and rank is not None:
        return stmt.order_by(rank.desc(), Product.id.desc())
    return stmt.order_by(Product.id.desc())


def _narrowed(
    session: Session, stmt: Select[Any], filters: SearchFilters, tree: CategoryTree | None
) -> Select[Any]:
    """``stmt`` narrowed by the filters other than the words: ordinary SQL on products and booths."""
    if filters.category is not None:
        tree = tree or filters.tree or category_tree(session)
        stmt = stmt.where(Product.category_id.in_(tree.subtree_ids(filters.category)))
    if filters.region is not None:
        stmt = stmt.where(Booth.region_id.in_(ids_under(session, [filters.region])))
    if filters.booth_id is not None:
        stmt = stmt.where(Product.booth_id == filters.booth_id)
    if filters.min_price is not None:
        stmt = stmt.where(Product.price >= filters.min_price)
    if filters.max_price is not None:
        stmt = stmt.where(Product.price <= filters.max_price)
    if filters.programme:
        flagged = select(ProductProgramme.product_id).where(ProductProgramme.programme == filters.programme)
        stmt = stmt.where(Product.id.in_(flagged))
    if filters.in_stock:
        stmt = stmt.where(Product.stock > 0)
    return stmt


def search(session: Session, filters: SearchFilters, page: int, per_page: int) -> Page[Product]:
    """One page of the catalogue search with its count, photos and programmes.

    The count stops at ``SEARCH_COUNT_CAP`` (the page says "more than ..."). Ranking by relevance
    reads every match, so a broad search (more matches than the cap: one common word over a big
    catalogue) lists the newest matches first instead, which the database answers by walking
    the newest products and checking each against the index; the page asks for another word.

    One word (of four letters or more) that finds nothing is searched again as the beginning of a
    joined pair, so the half-typed کتابخا finds کتاب خانه (a search that finds something costs
    nothing more).
    """
    found = _search(session, filters, page, per_page)
    terms = filters.terms
    # Four letters at least: a word of two and two of the next (one letter is matched whole).
    if found.total == 0 and len(terms) == 1 and len(terms[0]) >= 4 and not filters.half_joined:
        # Cheap: a pair beginning with the word would have found its first word as a prefix, so
        # the pairs read here are only those whose first word the query runs past.
        found = _search(session, replace(filters, half_joined=True), page, per_page)
    return found


def _search(session: Session, filters: SearchFilters, page: int, per_page: int) -> Page[Product]:
    index = index_for(session)
    if (
        isinstance(index, PostgresTsvectorIndex)
        and filters.terms
        and not (filters.programme or filters.in_stock)
    ):
        return _search_index_table(session, index, filters, page, per_page)
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


def _search_index_table(
    session: Session, index: PostgresTsvectorIndex, filters: SearchFilters, page: int, per_page: int
) -> Page[Product]:
    """The search answered from PostgreSQL's index table, which holds every filter it needs.

    Two statements: the planner's estimate of the matches (EXPLAIN, not run), then one statement
    that counts the matches (capped), picks the page's ids and loads their products with booth,
    place, category, photos and programmes. Nothing is joined or ranked over the whole catalogue:
    a million products cost what the matches cost.
    """
    query = index.tsquery(filters.terms, half_joined=filters.half_joined)
    where, lead = _index_conditions(session, filters, query)
    cap = SEARCH_COUNT_CAP
    offset = (page - 1) * per_page
    estimate = _estimated_rows(session, select(FTS.c.product_id).where(*where))
    # Past the cap the newest matches come first for "relevance" (see search). Walking the
    # newest products and checking each against the index is quick when matches are common;
    # with two thousand matches or so, sorting them beats walking the whole table until twenty
    # fit the filters (``+ 0`` keeps the planner off the primary key's order).
    walk = estimate > 2 * cap
    many = _page_of(FTS.c, where, _keys(FTS.c, filters.sort, None, walk=walk, lead=lead), per_page, offset)
    if estimate > SEARCH_ESTIMATE_OVER * cap:
        # The planner expects tens of thousands: "more than 1,000" without reading them. Checking
        # a common word row by row until the thousandth match was most of such a search's time.
        items, _total = _products_of(session, many.subquery("page"), None)
        total = cap + 1
        if page == 1 and len(items) < per_page:
            # Fewer than a page: the whole count is known after all, whatever was estimated.
            total = len(items)
    else:
        # The first cap + 1 matches, read once: their count, and (when that is all of them) the
        # page, ranked or sorted among them; past the cap, the page from every match instead.
        # The conditions on the count are the database's to check once, so one branch only runs.
        ranked = filters.sort == "relevance"
        first = (
            select(FTS.c.product_id, FTS.c.price, *([FTS.c.document] if ranked else []))
            .where(*where)
            .limit(cap + 1)
            .cte("first_matches")
        )
        counted = select(func.count().label("total")).select_from(first).cte("counted")
        total_of = select(counted.c.total).scalar_subquery()
        few = _page_of(first.c, [], _keys(first.c, filters.sort, query if ranked else None), per_page, offset)
        both = union_all(few.where(total_of <= cap), many.where(total_of > cap)).subquery("page")
        items, found_total = _products_of(session, both, total_of)
        if found_total is None:
            # An empty page: no match at all on the first page, else a page past the end.
            found_total = session.scalar(select(counted.c.total)) if page > 1 else 0
        total = int(found_total or 0)
    capped = total > cap
    found = Page(items=items, page=page, per_page=per_page, total=min(total, cap))
    found.capped = capped  # type: ignore[attr-defined]
    found.broad = capped and filters.sort == "relevance"  # type: ignore[attr-defined]
    return found


def _index_conditions(session: Session, filters: SearchFilters, query: Any) -> tuple[list[Any], Any | None]:
    """The search's conditions on the index table (its filters, then its words), and the column
    it fixes to one value with a (column, id) index to walk (see _one_of), if any."""
    # Bare ``visible`` (not IS TRUE): the GIN index holds only visible products, and the planner
    # matches its condition by form. The words come last: PostgreSQL checks conditions of equal
    # cost in the order given, so a row walked in id order is read for its (large) words only
    # once its place, category and price fit.
    where: list[Any] = [FTS.c.visible]
    leads: list[Any] = []
    if filters.category is not None:
        tree = filters.tree or category_tree(session)
        under = tree.subtree_ids(filters.category)
        top = filters.category.parent_id is None and all(
            tree.by_id[i].parent_id in (None, filters.category.id) for i in under if i in tree.by_id
        )
        # One value, not a list: GIN would read the words again for each value of a list.
        if top:
            where.append(_one_of(FTS.c.category_top, filters.category.id))
            leads.append(FTS.c.category_top)
        else:
            where.append(FTS.c.category_id.in_(under))
    if filters.region is not None:
        if filters.region.parent_id is None:
            where.append(_one_of(FTS.c.province_id, filters.region.id))
            leads.append(FTS.c.province_id)
        else:
            where.append(FTS.c.region_id.in_(ids_under(session, [filters.region])))
    if filters.booth_id is not None:
        where.append(FTS.c.booth_id == filters.booth_id)
    if filters.min_price is not None:
        where.append(FTS.c.price >= filters.min_price)
    if filters.max_price is not None:
        where.append(FTS.c.price <= filters.max_price)
    where.append(FTS.c.document.op("@@")(query))
    return where, (leads[0] if leads else None)


def _one_of(col: Any, value: int) -> Any:
    """``col = ANY (ARRAY[value])``: to the planner, unlike ``col = value``, not a constant.

    Both use the GIN index alike. But a column equal to a constant drops out of an ORDER BY, so
    the planner would walk the primary key newest first and test every product of every province
    or category; ordered by this column and then the id, the newest matches are walked in the
    btree index of that column and the id (migration 6a7000000006), one province or category
    only. (It also lets the planner test the words last, after the province or category.)
    """
    return col == any_(array([value], type_=Integer))


def _keys(
    cols: Any, sort: str, ranked_by: Any | None, *, walk: bool = True, lead: Any | None = None
) -> list[tuple[Any, bool]]:
    """A page's order as (expression, descending) pairs over ``cols`` (the index table's or a CTE's).

    Newest first, ``lead`` (a column the search fixes to one value, see _one_of) comes first.
    """
    if sort == "price_asc":
        return [(cols.price, False), (cols.product_id, True)]
    if sort == "price_desc":
        return [(cols.price, True), (cols.product_id, True)]
    if ranked_by is not None:
        return [(func.ts_rank_cd(cols.document, ranked_by), True), (cols.product_id, True)]
    if lead is not None:
        # The planner walks the (lead, id) index or sorts the matches, whichever it expects cheaper.
        return [(lead, True), (cols.product_id, True)]
    return [(cols.product_id if walk else cols.product_id + 0, True)]


def _page_of(
    cols: Any, where: list[Any], keys: list[tuple[Any, bool]], limit: int, offset: int
) -> Select[Any]:
    """(product_id, ord): one page of ids in the order ``keys`` give, numbered from 1."""

    def ordered(pairs: list[tuple[Any, bool]]) -> list[Any]:
        return [e.desc() if descending else e for e, descending in pairs]

    inner = (
        select(cols.product_id.label("product_id"), *(e.label(f"k{i}") for i, (e, _) in enumerate(keys)))
        .where(*where)
        .order_by(*ordered(keys))
        .limit(limit)
        .offset(offset)
        .subquery()
    )
    # Numbered by the same keys, so the products' statement can keep the page's order.
    again = [(inner.c[f"k{i}"], descending) for i, (_, descending) in enumerate(keys)]
    return select(inner.c.product_id, func.row_number().over(order_by=ordered(again)).label("ord"))


def _products_of(session: Session, page: Any, total: Any | None) -> tuple[list[Product], int | None]:
    """The page's products in its order, with what a result shows, in one statement; and ``total``."""
    stmt = (
        select(Product, page.c.ord, *([total.label("total")] if total is not None else []))
        .join(page, page.c.product_id == Product.id)
        .join(Booth, Booth.id == Product.booth_id)
        .options(
            contains_eager(Product.booth).joinedload(Booth.region),
            # Joined, not one more statement each: a page has twenty products, a product a few
            # photos and at most five programmes.
            joinedload(Product.photos),
            joinedload(Product.programme_rows),
            # What the index is fed from, the longest columns, is shown nowhere.
            defer(Product.search_text),
            defer(Product.search_title),
        )
        .order_by(page.c.ord)
    )
    rows = session.execute(stmt).unique().all()
    return [r[0] for r in rows], (rows[0][2] if rows and total is not None else None)


def _estimated_rows(session: Session, stmt: Select[Any]) -> float:
    """PostgreSQL's own estimate of the rows ``stmt`` returns (EXPLAIN: planned, not run)."""
    compiled = stmt.compile(bind=session.get_bind(), compile_kwargs={"literal_binds": True})
    plan = session.execute(text(f"EXPLAIN (FORMAT JSON) {compiled}")).scalar_one()
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return float(plan[0]["Plan"]["Plan Rows"])


def _capped_count(session: Session, stmt: Select[Any]) -> int:
    limited = stmt.order_by(None).limit(SEARCH_COUNT_CAP + 1).subquery()
    return session.scalar(select(func.count()).select_from(limited)) or 0


def index_text(tree: CategoryTree, product: Product) -> None:
    """Fill the columns the search index is fed from (the database's triggers do the rest).

    The category path's names go in both languages: a buyer may search in either.
    """
    category = tree.by_id.get(product.category_id)
    names = [n for c in (tree.chain(category) if category else []) for n in (c.name_fa, c.name_en)]
    product.search_title = search_key(product.title)[: TITLE_MAX * 2]
    rest = search_key(" ".join([product.description, *names]))
    # The joined form of each pair of adjacent words: 'کتاب خانه' is found by 'کتابخانه'.
    product.search_text = " ".join(
        p for p in (rest, joined_pairs(product.search_title), joined_pairs(rest)) if p
    )


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
            index_text(tree, product)
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

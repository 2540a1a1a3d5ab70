"""Parcel sizes, the tariff (its CSV import) and the quotes M-Bazar shows at checkout."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from resalat_bazaar import services as bazaar
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, lazyload, load_only

from resalat_core.sdk import (
    BadInput,
    Digits,
    Member,
    Named,
    Page,
    Region,
    _,
    _l,
    paginate,
    to_latin_digits,
)

from .. import FEE, FEES, NAME, setting
from ..models import (
    C_OPEN,
    SIZES,
    Consignment,
    ParcelProfile,
    TariffRow,
)
from .common import (
    MAX_GRAMS,
    MAX_PRICE,
    _member_region,
    now,
)

# --- parcel sizes ---------------------------------------------------------------------------------


def unit_grams(unit: str) -> int:
    return int((setting("unit_grams") or {}).get(unit, 1000))


def profiles(session: Session, product_ids: Iterable[int]) -> dict[int, ParcelProfile]:
    ids = sorted(set(product_ids))
    if not ids:
        return {}
    return {
        p.product_id: p
        for p in session.scalars(select(ParcelProfile).where(ParcelProfile.product_id.in_(ids)))
    }


def weigh(session: Session, lines: Sequence[tuple[Any, int]]) -> tuple[int, str]:
    """The grams and the size class of these (product, quantity) lines, in one query."""
    return _weigh(profiles(session, [p.id for p, _q in lines]), lines)


def _weigh(found: dict[int, ParcelProfile], lines: Sequence[tuple[Any, int]]) -> tuple[int, str]:
    """The grams and the size class of these lines, with their products' parcel sizes ``found``."""
    grams, size = 0, "small"
    for product, quantity in lines:
        profile = found.get(product.id)
        each = profile.weight_grams if profile is not None else unit_grams(product.unit)
        grams += each * quantity
        kind = profile.size if profile is not None else ("bulky" if product.unit == "head" else "medium")
        size = max(size, kind, key=SIZES.index)
    if grams > 30_000 and SIZES.index(size) < SIZES.index("large"):
        size = "large"
    return grams, size


def _goods_of(member: Member) -> Select[tuple[Any]]:
    """The goods of the member's booths (M-Bazar says which booths are theirs)."""
    product = bazaar.Product
    booths = bazaar.booths_of_query(member).with_only_columns(bazaar.Booth.id).order_by(None)
    return select(product).where(product.booth_id.in_(booths), product.kind == "goods")


def seller_products_query(member: Member) -> Select[tuple[Any]]:
    """The seller's goods, newest first, as the parcels page shows them: the title and unit only.

    M-Bazar's product loads its photos and programmes with it (a query each, and more past 500
    rows) and joins its category; the page shows none of them, so none is loaded.
    """
    product = bazaar.Product
    return (
        _goods_of(member)
        .options(load_only(product.id, product.title, product.unit), lazyload("*"))
        .order_by(product.id.desc())
    )


def seller_products(
    session: Session, member: Member, page: int, per_page: int
) -> Page[tuple[Any, ParcelProfile | None]]:
    """One page of the seller's goods with their parcel sizes (None: the default by unit), in
    three queries whatever the number of goods: the count, the page's products, their sizes."""
    found = paginate(session, seller_products_query(member), page, per_page)
    sizes = profiles(session, [p.id for p in found.items])
    return Page(
        items=[(p, sizes.get(p.id)) for p in found.items],
        page=found.page,
        per_page=found.per_page,
        total=found.total,
    )


def sells(session: Session, member: Member) -> bool:
    """Whether the member has goods in M-Bazar, in one query."""
    return bool(session.scalar(select(_goods_of(member).exists())))


def set_parcel(
    session: Session, member: Member, product_id: int, weight_grams: Any, size: str
) -> ParcelProfile:
    """The seller says what one unit of their product weighs and how big it is."""
    product = bazaar.owned_product(session, member, product_id)
    errors: dict[str, Any] = {}
    if (
        isinstance(weight_grams, bool)
        or not isinstance(weight_grams, int)
        or not 1 <= weight_grams <= MAX_GRAMS
    ):
        errors["weight_grams"] = _(
            "Weight is a whole number of grams from 1 to %(n)s.", n=Digits(str(MAX_GRAMS))
        )
    if size not in SIZES:
        errors["size"] = _("Choose a size.")
    if errors:
        raise BadInput(_("Please correct the marked fields."), fields=errors)
    found = session.get(ParcelProfile, product.id)
    if found is None:
        found = ParcelProfile(product_id=product.id, weight_grams=weight_grams, size=size)
        session.add(found)
    else:
        found.weight_grams, found.size, found.updated_at = weight_grams, size, now()
    session.flush()
    return found


# --- the tariff and quotes ------------------------------------------------------------------------


@dataclass(frozen=True)
class Price:
    fee: int
    max_grams: int
    from_matrix: bool
    consignment: Consignment | None = None


def _province(region: Region) -> int:
    return region.province_id


def tariff_bands(
    session: Session, origins: Iterable[int], destination: int
) -> dict[int, list[tuple[int, int]]]:
    """The tariff's (up to grams, rials) bands from each of the ``origins`` provinces to the
    ``destination`` province, lightest first, in one query; an origin without rows is left out."""
    ids = sorted(set(origins))
    if not ids:
        return {}
    found: dict[int, list[tuple[int, int]]] = {}
    for origin, most, fee in session.execute(
        select(TariffRow.origin_id, TariffRow.max_grams, TariffRow.price)
        .where(TariffRow.origin_id.in_(ids), TariffRow.destination_id == destination)
        .order_by(TariffRow.origin_id, TariffRow.max_grams)
    ):
        found.setdefault(int(origin), []).append((int(most), int(fee)))
    return found


def _priced(bands: list[tuple[int, int]] | None, same_province: bool, grams: int) -> Price:
    """The price of a parcel of ``grams`` in the matrix's ``bands`` for its provinces (None: no
    row, so the default bands of the settings); BadInput when it is too heavy for every band."""
    matrix = bool(bands)
    if not bands:
        key = "default_same_province" if same_province else "default_other_province"
        bands = [(int(g), int(p)) for g, p in setting(key) or []]
    for most, fee in bands:
        if grams <= most:
            return Price(fee, most, matrix)
    heaviest = max((g for g, _p in bands), default=0)
    raise BadInput(
        _(
            "M-ST carries at most %(kg)s kg between these places; this order weighs %(weight)s kg.",
            kg=Digits(str(heaviest // 1000)),
            weight=Digits(str((grams + 999) // 1000)),
        ),
        code="too_heavy",
    )


def price_for(session: Session, origin: Region, destination: Region, grams: int) -> Price:
    """The tariff's price for a parcel of ``grams`` between two regions' provinces: the matrix's
    smallest band that holds it, else the default bands of the settings (same or other province).
    Too heavy for every band is refused."""
    a, b = _province(origin), _province(destination)
    return _priced(tariff_bands(session, [a], b).get(a), a == b, grams)


def open_consignments_to(
    session: Session, origin_ids: Iterable[int], destination_id: int
) -> dict[int, Consignment]:
    """The open consignment (the oldest) from each of ``origin_ids`` to ``destination_id``, by
    origin, in one query; an origin without one is left out."""
    ids = sorted(set(origin_ids))
    if not ids:
        return {}
    oldest = (
        select(func.min(Consignment.id))
        .where(
            Consignment.status == C_OPEN,
            Consignment.origin_id.in_(ids),
            Consignment.destination_id == destination_id,
        )
        .group_by(Consignment.origin_id)
    )
    return {c.origin_id: c for c in session.scalars(select(Consignment).where(Consignment.id.in_(oldest)))}


def open_consignment(session: Session, origin_id: int, destination_id: int) -> Consignment | None:
    return open_consignments_to(session, [origin_id], destination_id).get(origin_id)


def price_orders(
    session: Session, buyer: Member, orders: Sequence[tuple[Any, Sequence[tuple[Any, int]]]]
) -> list[tuple[Price, int, str] | BadInput]:
    """For each (booth, lines) of ``orders``, (price, grams, size) for carrying its lines from the
    booth to the buyer, or the ``BadInput`` that refuses it (too heavy): the consignment price
    when an open consignment goes from the booth's place to the buyer's. Three queries whatever
    the number of booths: parcel sizes, tariff rows, open consignments."""
    if not orders:
        return []
    found = profiles(session, [p.id for _booth, lines in orders for p, _q in lines])
    destination = _member_region(session, buyer)
    bands = tariff_bands(
        session, [_province(booth.region) for booth, _lines in orders], destination.province_id
    )
    joined = open_consignments_to(session, [booth.region_id for booth, _lines in orders], buyer.region_id)
    percent = int(setting("consignment_percent"))
    answers: list[tuple[Price, int, str] | BadInput] = []
    for booth, lines in orders:
        grams, size = _weigh(found, lines)
        origin = _province(booth.region)
        try:
            price = _priced(bands.get(origin), origin == destination.province_id, grams)
        except BadInput as refused:
            answers.append(refused)
            continue
        consignment = joined.get(booth.region_id)
        if consignment is not None:
            price = Price(price.fee * percent // 100, price.max_grams, price.from_matrix, consignment)
        answers.append((price, grams, size))
    return answers


def price_order(
    session: Session, booth: Any, buyer: Member, lines: Sequence[tuple[Any, int]]
) -> tuple[Price, int, str]:
    """(price, grams, size) for carrying these lines from the booth to the buyer: the consignment
    price when an open consignment goes from the booth's place to the buyer's."""
    (answer,) = price_orders(session, buyer, [(booth, lines)])
    if isinstance(answer, BadInput):
        raise answer
    return answer


def quotes(
    session: Session, buyer: Member, groups: Sequence[Any]
) -> dict[int, bazaar.DeliveryQuote | BadInput]:
    """M-Bazar's quotes for carrying each booth's part of the cart to the buyer, by booth id (a
    ``BadInput`` for a booth's order M-ST cannot carry), in a few queries whatever their number."""
    destination = _member_region(session, buyer)
    orders = [(group.booth, [(line.product, line.item.quantity) for line in group.lines]) for group in groups]
    # With carrier set, M-Bazar leaves "sent" and "delivered" to our operators (see the README).
    carrier = NAME if setting("carrier") else None
    answers: dict[int, bazaar.DeliveryQuote | BadInput] = {}
    for group, priced in zip(groups, price_orders(session, buyer, orders), strict=True):
        if isinstance(priced, BadInput):
            answers[group.booth.id] = priced
            continue
        found = priced[0]
        origin = group.booth.region
        same = origin.province_id == destination.province_id
        days = int(setting("days_same_province" if same else "days_other_province"))
        terms: list[Any] = [
            _l(
                "%(origin)s to %(destination)s, up to %(kg)s kg",
                origin=Named(origin.name_fa, origin.name_en),
                destination=Named(destination.name_fa, destination.name_en),
                kg=Digits(str(max(1, found.max_grams // 1000))),
            ),
            _l(
                "Within %(days)s days; you give the operator a delivery code at the door.",
                days=Digits(str(days)),
            ),
        ]
        if found.consignment is not None:
            terms.append(
                _l(
                    "A lower price: it travels with the consignment to %(city)s.",
                    city=Named(destination.name_fa, destination.name_en),
                )
            )
        answers[group.booth.id] = bazaar.DeliveryQuote(
            fee=found.fee, account=FEES, purpose=FEE, terms=tuple(terms), carrier=carrier
        )
    return answers


def quote(session: Session, buyer: Member, group: Any) -> bazaar.DeliveryQuote:
    """M-Bazar's quote for carrying one booth's part of the cart to the buyer."""
    answer = quotes(session, buyer, [group])[group.booth.id]
    if isinstance(answer, BadInput):
        raise answer
    return answer


@dataclass
class TariffImport:
    rows: int = 0
    added: int = 0
    updated: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"rows": self.rows, "added": self.added, "updated": self.updated}


TARIFF_COLUMNS = ("origin", "destination", "max_grams", "price_rials")


def read_tariff_csv(text: str) -> list[dict[str, str]]:
    """The rows of a tariff CSV (UTF-8, a header row naming TARIFF_COLUMNS)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in TARIFF_COLUMNS if c not in header]
    if missing:
        raise BadInput(
            _(
                "The file must have the columns %(columns)s; missing: %(missing)s.",
                columns=", ".join(TARIFF_COLUMNS),
                missing=", ".join(missing),
            ),
            code="bad_columns",
        )
    return [{(k or "").strip(): (v or "").strip() for k, v in row.items()} for row in reader]


def _whole(value: str) -> int | None:
    text = to_latin_digits(value).replace(",", "").replace("٬", "").strip()
    return int(text) if text.isdecimal() else None


def import_tariff(
    session: Session, rows: Sequence[dict[str, str]], progress: Callable[[int], None] | None = None
) -> TariffImport:
    """Check every row, then write them all (a row for the same provinces and band replaces its
    price); any bad row refuses the whole file with each row's problem, and nothing changes."""
    result = TariffImport(rows=len(rows))
    provinces = {r.code: r for r in session.scalars(select(Region).where(Region.parent_id.is_(None)))}
    good: dict[tuple[int, int, int], int] = {}
    for n, row in enumerate(rows, start=2):  # line 1 is the header
        problems = []
        origin, destination = (
            provinces.get(row.get("origin", "").lower()),
            provinces.get(row.get("destination", "").lower()),
        )
        if origin is None:
            problems.append(_("unknown province %(code)s", code=row.get("origin", "")))
        if destination is None:
            problems.append(_("unknown province %(code)s", code=row.get("destination", "")))
        grams, price = _whole(row.get("max_grams", "")), _whole(row.get("price_rials", ""))
        if grams is None or not 1 <= grams <= MAX_GRAMS:
            problems.append(_("max_grams must be a whole number from 1 to %(n)s", n=Digits(str(MAX_GRAMS))))
        if price is None or price > MAX_PRICE:
            problems.append(_("price_rials must be a whole number of rials"))
        if (
            origin is not None
            and destination is not None
            and grams is not None
            and price is not None
            and not problems
        ):
            key = (origin.id, destination.id, grams)
            if key in good:
                problems.append(_("the same provinces and band twice"))
            good[key] = price
        if problems:
            result.errors.append({"line": n, "problems": [str(p) for p in problems]})
        if progress:
            progress(1)
    if not rows:
        raise BadInput(_("The file has no tariff rows."), code="empty_tariff")
    if result.errors:
        raise BadInput(
            _("The tariff was not imported: %(n)s rows have problems.", n=Digits(str(len(result.errors)))),
            fields={f"line_{e['line']}": "; ".join(e["problems"]) for e in result.errors},
            code="bad_rows",
        )
    existing = {(r.origin_id, r.destination_id, r.max_grams): r for r in session.scalars(select(TariffRow))}
    for key, price in good.items():
        row = existing.get(key)
        if row is None:
            session.add(TariffRow(origin_id=key[0], destination_id=key[1], max_grams=key[2], price=price))
            result.added += 1
        else:
            row.price = price
            result.updated += 1
    session.flush()
    return result


def tariff_query() -> Select[Any]:
    return select(TariffRow).order_by(TariffRow.origin_id, TariffRow.destination_id, TariffRow.max_grams)

"""M-ST's rules: operators, parcel sizes, the tariff and quotes, shipments and their moves, the
delivery code, paying the operator, and consignments. Nothing here commits: the caller decides."""

from __future__ import annotations

import csv
import hmac
import io
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from resalat_bazaar import services as bazaar
from sqlalchemy import Select, case, func, or_, select, update
from sqlalchemy.orm import Session, joinedload

from resalat_core.sdk import (
    BadInput,
    Conflict,
    Digits,
    Member,
    Money,
    Named,
    NotAllowed,
    NotFound,
    Region,
    TooManyAttempts,
    Words,
    _,
    _l,
    can,
    get_region,
    grant_role,
    has_role,
    ids_under,
    main_account,
    normalize_text,
    notify,
    region_hook,
    system_account,
    to_latin_digits,
    transfer,
    utcnow,
)

from . import APPROVE, COMMISSION, CONSIGN, FEE, FEES, INCOME, OPERATOR, OPTION, PAYOUT, messages, setting
from .models import (
    ACTIVE,
    APPROVED,
    ASSIGNED,
    C_LEFT,
    C_OPEN,
    CANCELLED,
    CODE_LENGTH,
    CREATED,
    DELIVERED,
    FAILED,
    IN_TRANSIT,
    NOTE_MAX,
    OPERATOR_STATUSES,
    PENDING,
    PICKED_UP,
    RETURNED,
    SIZES,
    SUSPENDED,
    VEHICLES,
    Consignment,
    Operator,
    OperatorArea,
    ParcelProfile,
    Shipment,
    ShipmentEvent,
    TariffRow,
)

REFERENCE_KIND = "stm_shipment"
MAX_CAPACITY_KG = 40_000
MAX_GRAMS = 100_000_000
MAX_PRICE = 10_000_000_000
MAX_AREAS = 10

STATUS_LABELS = {
    CREATED: _l("Waiting for an operator"),
    ASSIGNED: _l("Operator assigned"),
    PICKED_UP: _l("Picked up"),
    IN_TRANSIT: _l("On the way"),
    DELIVERED: _l("Delivered"),
    FAILED: _l("Delivery failed"),
    RETURNED: _l("Returned to the booth"),
    CANCELLED: _l("Called off"),
}
OPERATOR_LABELS = {
    PENDING: _l("Waiting for approval"),
    APPROVED: _l("Approved"),
    SUSPENDED: _l("Suspended"),
}
VEHICLE_LABELS = {
    "motorbike": _l("Motorbike"),
    "car": _l("Car"),
    "pickup": _l("Pickup truck"),
    "van": _l("Van"),
    "truck": _l("Truck"),
}
SIZE_LABELS = {
    "small": _l("Small (fits a bag)"),
    "medium": _l("Medium (a box)"),
    "large": _l("Large (a car's boot)"),
    "bulky": _l("Bulky (needs a pickup or a truck)"),
}
CONSIGNMENT_LABELS = {
    C_OPEN: _l("Open: parcels may join"),
    C_LEFT: _l("Left"),
    "cancelled": _l("Called off"),
}
# action -> (the statuses it moves from, the status it moves to, a note is required)
MOVES: dict[str, tuple[tuple[str, ...], str, bool]] = {
    "pickup": ((ASSIGNED,), PICKED_UP, False),
    "transit": ((PICKED_UP, FAILED), IN_TRANSIT, False),
    "fail": ((PICKED_UP, IN_TRANSIT), FAILED, True),
    "return": ((PICKED_UP, IN_TRANSIT, FAILED), RETURNED, False),
}
MOVE_LABELS = {
    "accept": _l("Accept this job"),
    "pickup": _l("Picked up at the booth"),
    "transit": _l("On the way to the buyer"),
    "fail": _l("Could not deliver"),
    "return": _l("Returned to the booth"),
    "deliver": _l("Delivered: enter the code"),
}


def now() -> datetime:
    return utcnow()


def _member_region(session: Session, member: Member) -> Region:
    return member.region if member.region is not None else get_region(session, member.region_id)


# --- operators ------------------------------------------------------------------------------------


def operator_of(session: Session, member: Member) -> Operator | None:
    """The member's operator record (applied, approved or suspended), or None."""
    return session.scalar(select(Operator).where(Operator.member_id == member.id))


def _read_areas(session: Session, codes: Iterable[str]) -> list[Region]:
    found: list[Region] = []
    for code in codes:
        code = (code or "").strip()
        if not code:
            continue
        try:
            region = get_region(session, code)
        except NotFound:
            message = _("No region has the code %(code)s.", code=code)
            raise BadInput(message, fields={"areas": message}) from None
        if region.id not in {r.id for r in found}:
            found.append(region)
    if not found:
        message = _("Choose at least one region where you will carry parcels.")
        raise BadInput(message, fields={"areas": message})
    if len(found) > MAX_AREAS:
        message = _("At most %(n)s regions.", n=Digits(str(MAX_AREAS)))
        raise BadInput(message, fields={"areas": message})
    return found


def apply(session: Session, member: Member, vehicle: str, capacity_kg: Any, areas: Sequence[str]) -> Operator:
    """Apply to carry parcels (or change an application): it waits for an approval again."""
    errors: dict[str, Any] = {}
    if vehicle not in VEHICLES:
        errors["vehicle"] = _("Choose your vehicle.")
    if (
        isinstance(capacity_kg, bool)
        or not isinstance(capacity_kg, int)
        or not 1 <= capacity_kg <= MAX_CAPACITY_KG
    ):
        errors["capacity_kg"] = _(
            "Capacity is a whole number of kilograms from 1 to %(n)s.", n=Digits(str(MAX_CAPACITY_KG))
        )
    if errors:
        raise BadInput(_("Please correct the marked fields."), fields=errors)
    regions = _read_areas(session, areas)
    found = operator_of(session, member)
    if found is None:
        found = Operator(
            member_id=member.id, region_id=member.region_id, vehicle=vehicle, capacity_kg=capacity_kg
        )
        session.add(found)
    elif found.status == SUSPENDED:
        raise NotAllowed(_("Your operator account is suspended: ask the guide of your region."))
    else:
        found.vehicle, found.capacity_kg = vehicle, capacity_kg
        found.status = PENDING if found.status != APPROVED else APPROVED
    found.areas = [OperatorArea(region_id=r.id) for r in regions]
    session.flush()
    return found


def may_decide(member: Member, operator: Operator) -> bool:
    return can(APPROVE, operator.region, member)


def decide(session: Session, actor: Member, operator_id: int, decision: str, note: str = "") -> Operator:
    """Approve or suspend an operator: an admin or the guide of the operator's region."""
    found = session.get(Operator, operator_id) if isinstance(operator_id, int) else None
    if found is None or not may_decide(actor, found):
        raise NotFound(_("No such operator."), code="unknown_operator")
    return set_status(session, found, decision, actor, note)


def set_status(
    session: Session, found: Operator, decision: str, actor: Member | None = None, note: str = ""
) -> Operator:
    """Approve (granting the operator role in their region) or suspend; the operator is told."""
    if decision not in (APPROVED, SUSPENDED):
        message = _("Approve or suspend.")
        raise BadInput(message, fields={"decision": message})
    found.status = decision
    found.note = normalize_text(note or "")[:NOTE_MAX]
    found.decided_by_id, found.decided_at = (actor.id if actor else None), now()
    if decision == APPROVED and not has_role(found.member, OPERATOR, found.region):
        grant_role(session, found.member, OPERATOR, region=found.region)
    session.flush()
    notify(found.member, messages.DECIDED(url="/stm/operator", status=Words(OPERATOR_LABELS[decision])))
    return found


def approvals_query(area: list[int] | None, status: str | None = None) -> Select[tuple[Operator]]:
    stmt = select(Operator).options(joinedload(Operator.member), joinedload(Operator.region))
    if area is not None:
        stmt = stmt.where(Operator.region_id.in_(area))
    if status in OPERATOR_STATUSES:
        stmt = stmt.where(Operator.status == status)
    # Those waiting first, then the newest.
    return stmt.order_by(case((Operator.status == PENDING, 0), else_=1), Operator.id.desc())


def approved_operator(session: Session, member: Member) -> Operator:
    """The member's approved operator record; a clear refusal otherwise."""
    found = operator_of(session, member)
    if found is None or found.status != APPROVED:
        raise NotAllowed(
            _("Only an approved M-ST operator may do this: apply on the operator page."), code="not_operator"
        )
    return found


def area_ids(session: Session, operator: Operator) -> list[int]:
    """Every region id of the operator's service area (a province brings its places)."""
    return ids_under(session, [a.region_id for a in operator.areas])


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
    found = profiles(session, [p.id for p, _q in lines])
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


def seller_products(session: Session, member: Member) -> list[tuple[Any, ParcelProfile | None]]:
    """The seller's goods with their parcel sizes (None: the default by unit), in two queries."""
    booths = [b.id for b in bazaar.booths_of(session, member)]
    if not booths:
        return []
    products = list(
        session.scalars(
            select(bazaar.Product)
            .where(bazaar.Product.booth_id.in_(booths), bazaar.Product.kind == "goods")
            .order_by(bazaar.Product.id)
        )
    )
    found = profiles(session, [p.id for p in products])
    return [(p, found.get(p.id)) for p in products]


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


def price_for(session: Session, origin: Region, destination: Region, grams: int) -> Price:
    """The tariff's price for a parcel of ``grams`` between two regions' provinces: the matrix's
    smallest band that holds it, else the default bands of the settings (same or other province).
    Too heavy for every band is refused."""
    a, b = _province(origin), _province(destination)
    rows = list(
        session.execute(
            select(TariffRow.max_grams, TariffRow.price)
            .where(TariffRow.origin_id == a, TariffRow.destination_id == b)
            .order_by(TariffRow.max_grams)
        )
    )
    bands = [(int(g), int(p)) for g, p in rows]
    matrix = bool(bands)
    if not matrix:
        key = "default_same_province" if a == b else "default_other_province"
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


def open_consignment(session: Session, origin_id: int, destination_id: int) -> Consignment | None:
    return session.scalar(
        select(Consignment)
        .where(
            Consignment.status == C_OPEN,
            Consignment.origin_id == origin_id,
            Consignment.destination_id == destination_id,
        )
        .order_by(Consignment.id)
        .limit(1)
    )


def price_order(
    session: Session, booth: Any, buyer: Member, lines: Sequence[tuple[Any, int]]
) -> tuple[Price, int, str]:
    """(price, grams, size) for carrying these lines from the booth to the buyer: the consignment
    price when an open consignment goes from the booth's place to the buyer's."""
    grams, size = weigh(session, lines)
    found = price_for(session, booth.region, _member_region(session, buyer), grams)
    joined = open_consignment(session, booth.region_id, buyer.region_id)
    if joined is not None:
        fee = found.fee * int(setting("consignment_percent")) // 100
        found = Price(fee, found.max_grams, found.from_matrix, joined)
    return found, grams, size


def quote(session: Session, buyer: Member, group: Any) -> bazaar.DeliveryQuote:
    """M-Bazar's quote for carrying one booth's part of the cart to the buyer."""
    lines = [(line.product, line.item.quantity) for line in group.lines]
    found, grams, _size = price_order(session, group.booth, buyer, lines)
    origin, destination = group.booth.region, _member_region(session, buyer)
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
            "Within %(days)s days; you give the operator a delivery code at the door.", days=Digits(str(days))
        ),
    ]
    if found.consignment is not None:
        terms.append(
            _l(
                "A lower price: it travels with the consignment to %(city)s.",
                city=Named(destination.name_fa, destination.name_en),
            )
        )
    return bazaar.DeliveryQuote(fee=found.fee, account=FEES, purpose=FEE, terms=tuple(terms))


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


def tariff_query() -> Select[tuple[TariffRow]]:
    return select(TariffRow).order_by(TariffRow.origin_id, TariffRow.destination_id, TariffRow.max_grams)


# --- shipments: creation, cancellation ------------------------------------------------------------


def _code() -> str:
    return f"{secrets.randbelow(10**CODE_LENGTH):0{CODE_LENGTH}d}"


def plan_shipment(session: Session, order: Any) -> Shipment | None:
    """The shipment of an order just paid with M-ST delivery (M-Bazar's resalat_order_paid)."""
    if order.delivery != OPTION:
        return None
    existing = session.scalar(select(Shipment).where(Shipment.order_id == order.id))
    if existing is not None:
        return existing
    buyer = order.buyer
    lines = [(item.product, item.quantity) for item in order.items]
    grams, size = weigh(session, lines)
    pickup, dropoff = order.booth.region, _member_region(session, buyer)
    joined = open_consignment(session, order.booth.region_id, buyer.region_id)
    shipment = Shipment(
        order_id=order.id,
        buyer_id=order.buyer_id,
        seller_id=order.seller_id,
        booth_name=order.booth.name[:160],
        pickup_region_id=pickup.id,
        dropoff_region_id=dropoff.id,
        pickup_province_id=pickup.province_id,
        dropoff_province_id=dropoff.province_id,
        dropoff_address=(order.address or "")[:600],
        weight_grams=grams,
        size=size,
        fee=order.delivery_fee or 0,
        fee_account_id=order.delivery_fee_account_id,
        consignment_id=joined.id if joined is not None else None,
        status=CREATED,
        code=_code(),
    )
    session.add(shipment)
    session.flush()
    _event(session, shipment, None, CREATED, None, "")
    if joined is not None and joined.operator_id is not None:
        _claim(session, shipment, (CREATED,), ASSIGNED, None, "", operator_id=joined.operator_id)
    notify(
        buyer,
        messages.SHIPMENT_CREATED(
            url=track_url(shipment), order=Digits(str(order.id)), code=Digits(shipment.code)
        ),
    )
    return shipment


def order_cancelled(session: Session, order: Any) -> Shipment | None:
    """M-Bazar cancelled the order: call its shipment off and tell the operator."""
    shipment = session.scalar(select(Shipment).where(Shipment.order_id == order.id))
    if shipment is None or shipment.status in (DELIVERED, RETURNED, CANCELLED):
        return shipment
    was_carrying = shipment.status in (PICKED_UP, IN_TRANSIT, FAILED)
    _claim(session, shipment, (shipment.status,), CANCELLED, None, _("The order was cancelled."))
    if shipment.operator is not None:
        notify(
            shipment.operator.member,
            messages.CALLED_OFF(url=track_url(shipment), order=Digits(str(order.id))),
        )
    if was_carrying:
        # Carried part of the way: the operator is paid what the fee account still holds for it.
        _pay_operator(session, shipment)
    return shipment


# --- shipments: who sees them, lists --------------------------------------------------------------


def track_url(shipment: Shipment) -> str:
    return f"/stm/shipments/{shipment.id}"


def role_in(session: Session, viewer: Any, shipment: Shipment) -> str | None:
    """'buyer', 'seller', 'operator', 'admin' or None: how the viewer stands to the shipment."""
    if viewer is None or getattr(viewer, "is_anonymous", True):
        return None
    if shipment.buyer_id == viewer.id:
        return "buyer"
    if shipment.seller_id == viewer.id:
        return "seller"
    if shipment.operator is not None and shipment.operator.member_id == viewer.id:
        return "operator"
    if can(APPROVE, shipment.pickup_region, viewer) or can(APPROVE, shipment.dropoff_region, viewer):
        return "admin"
    return None


def visible_shipment(session: Session, viewer: Any, shipment_id: int) -> tuple[Shipment, str]:
    found = session.get(Shipment, shipment_id) if isinstance(shipment_id, int) else None
    role = role_in(session, viewer, found) if found is not None else None
    if found is None or role is None:
        raise NotFound(_("No such shipment."), code="unknown_shipment")
    return found, role


def mine_query(member: Member, as_seller: bool = False) -> Select[tuple[Shipment]]:
    column = Shipment.seller_id if as_seller else Shipment.buyer_id
    return select(Shipment).where(column == member.id).order_by(Shipment.id.desc())


def on_the_way(session: Session, member: Member) -> int:
    return (
        session.scalar(
            select(func.count(Shipment.id)).where(
                Shipment.buyer_id == member.id, Shipment.status.in_((ASSIGNED, PICKED_UP, IN_TRANSIT))
            )
        )
        or 0
    )


def _nearness(home: Region) -> Any:
    """0 for a job at the operator's own place, 1 in their province, 2 elsewhere in their area."""
    return case(
        (or_(Shipment.pickup_region_id == home.id, Shipment.dropoff_region_id == home.id), 0),
        (
            or_(
                Shipment.pickup_province_id == home.province_id,
                Shipment.dropoff_province_id == home.province_id,
            ),
            1,
        ),
        else_=2,
    )


def open_jobs_query(session: Session, operator: Operator) -> Select[tuple[Shipment]]:
    """Open jobs that start or end in the operator's area, nearest first (consignment parcels
    travel with their consignment and are not offered one by one)."""
    area = area_ids(session, operator)
    home = _member_region(session, operator.member)
    return (
        select(Shipment)
        .where(
            Shipment.status == CREATED,
            Shipment.consignment_id.is_(None),
            or_(Shipment.pickup_region_id.in_(area), Shipment.dropoff_region_id.in_(area)),
        )
        .order_by(_nearness(home), Shipment.id)
    )


def open_jobs_near(session: Session, operator: Operator) -> int:
    stmt = open_jobs_query(session, operator).order_by(None)
    return session.scalar(select(func.count()).select_from(stmt.subquery())) or 0


def my_jobs_query(operator: Operator) -> Select[tuple[Shipment]]:
    return (
        select(Shipment)
        .where(Shipment.operator_id == operator.id, Shipment.status.in_(ACTIVE))
        .order_by(Shipment.id)
    )


def done_jobs_query(operator: Operator) -> Select[tuple[Shipment]]:
    return (
        select(Shipment)
        .where(Shipment.operator_id == operator.id, Shipment.status.in_((DELIVERED, RETURNED, CANCELLED)))
        .order_by(Shipment.updated_at.desc(), Shipment.id.desc())
    )


def in_area(session: Session, operator: Operator, shipment: Shipment) -> bool:
    area = set(area_ids(session, operator))
    return shipment.pickup_region_id in area or shipment.dropoff_region_id in area


def job_for(session: Session, member: Member, shipment_id: int) -> tuple[Operator, Shipment]:
    """A job the approved operator may see: an open one in their area, or one of theirs."""
    operator = approved_operator(session, member)
    found = session.get(Shipment, shipment_id) if isinstance(shipment_id, int) else None
    if found is None:
        raise NotFound(_("No such shipment."), code="unknown_shipment")
    if found.operator_id != operator.id and not (
        found.status == CREATED and in_area(session, operator, found)
    ):
        if found.status == CREATED:
            raise NotAllowed(
                _(
                    "This job is outside your service area: it starts in %(from)s and ends in %(to)s.",
                    **{
                        "from": Named(found.pickup_region.name_fa, found.pickup_region.name_en),
                        "to": Named(found.dropoff_region.name_fa, found.dropoff_region.name_en),
                    },
                ),
                code="outside_area",
            )
        if in_area(session, operator, found):
            raise Conflict(_("Another operator has just taken this job."), code="taken")
        raise NotFound(_("No such shipment."), code="unknown_shipment")
    return operator, found


def actions_for(session: Session, member: Member, shipment: Shipment) -> list[str]:
    """What the operator may do with this job now, in the order the page shows them."""
    operator = operator_of(session, member)
    if operator is None or operator.status != APPROVED:
        return []
    if shipment.status == CREATED and shipment.consignment_id is None:
        return ["accept"] if in_area(session, operator, shipment) else []
    if shipment.operator_id != operator.id:
        return []
    found = [a for a, (sources, _t, _n) in MOVES.items() if shipment.status in sources]
    if shipment.status in (PICKED_UP, IN_TRANSIT):
        found.insert(0, "deliver")
    if shipment.consignment_id is not None and shipment.status == ASSIGNED:
        found = []  # the consignment leaves as one
    return found


# --- shipments: moves ------------------------------------------------------------------------------


def _event(
    session: Session, shipment: Shipment, before: str | None, after: str, actor: Member | None, note: Any
) -> None:
    session.add(
        ShipmentEvent(
            shipment_id=shipment.id,
            from_status=before,
            to_status=after,
            actor_id=actor.id if actor is not None else None,
            note=str(note or "")[:NOTE_MAX],
        )
    )
    session.flush()
    session.expire(shipment, ["events"])
    region_hook("resalat_shipment_changed", shipment.buyer)(shipment=shipment)


def _claim(
    session: Session,
    shipment: Shipment,
    sources: Sequence[str],
    target: str,
    actor: Member | None,
    note: Any,
    *,
    operator_id: int | None = None,
) -> None:
    """Make the change with a conditional UPDATE, so two racing requests cannot both make it."""
    before = shipment.status
    values: dict[str, Any] = {"status": target, "updated_at": now()}
    where = [Shipment.id == shipment.id, Shipment.status.in_(sources)]
    if operator_id is not None:
        values["operator_id"] = operator_id
        where.append(Shipment.operator_id.is_(None))
    claimed = session.execute(
        update(Shipment).where(*where).values(**values).execution_options(synchronize_session=False)
    ).rowcount
    session.expire(shipment)
    if not claimed:
        if target == ASSIGNED:
            raise Conflict(_("Another operator has just taken this job."), code="taken")
        raise Conflict(
            _("This shipment is already %(status)s.", status=Words(STATUS_LABELS[shipment.status])),
            code="wrong_status",
        )
    _event(session, shipment, before, target, actor, note)


def accept(session: Session, member: Member, shipment_id: int) -> Shipment:
    """The operator takes an open job in their area; of two at once exactly one wins (409)."""
    operator, shipment = job_for(session, member, shipment_id)
    if shipment.consignment_id is not None:
        raise Conflict(
            _("This parcel travels with a consignment: accept the consignment."), code="in_consignment"
        )
    if shipment.weight_grams > operator.capacity_kg * 1000:
        raise BadInput(
            _(
                "This parcel weighs %(kg)s kg, more than your vehicle carries.",
                kg=Digits(str((shipment.weight_grams + 999) // 1000)),
            ),
            code="too_heavy",
        )
    with session.begin_nested():
        _claim(session, shipment, (CREATED,), ASSIGNED, member, "", operator_id=operator.id)
    for who in (shipment.buyer, shipment.seller):
        notify(
            who,
            messages.ACCEPTED(
                url=track_url(shipment), order=Digits(str(shipment.order_id)), operator=Words(member.name)
            ),
        )
    return shipment


def _order(session: Session, shipment: Shipment) -> Any:
    return bazaar.get_order(session, shipment.order_id)


def _order_sent(session: Session, shipment: Shipment) -> None:
    """The order leaves the booth with the parcel: accepted if the seller had not, then sent."""
    order = _order(session, shipment)
    if order.status == bazaar.PLACED:
        bazaar.transition(session, order, "accept", None)
    if order.status == bazaar.ACCEPTED:
        bazaar.transition(session, order, "ship", None)


def move(session: Session, member: Member, shipment_id: int, action: str, note: str = "") -> Shipment:
    """An operator moves their job on: picked up, on the way, failed (with a reason), returned."""
    if action not in MOVES:
        message = _("Unknown action.")
        raise BadInput(message, fields={"action": message})
    sources, target, needs_note = MOVES[action]
    _operator, shipment = job_for(session, member, shipment_id)
    if shipment.operator_id != _operator.id:
        raise NotAllowed(_("Accept the job first."), code="not_yours")
    note = normalize_text(note or "")[:NOTE_MAX]
    if needs_note and len(note) < 3:
        message = _("Say why: the buyer and the seller will read it.")
        raise BadInput(message, fields={"note": message}, code="reason_required")
    with session.begin_nested():
        _claim(session, shipment, sources, target, member, note)
        if target == PICKED_UP:
            _order_sent(session, shipment)
        if target == FAILED:
            for who in (shipment.buyer, shipment.seller):
                notify(
                    who,
                    messages.FAILED(
                        url=track_url(shipment), order=Digits(str(shipment.order_id)), reason=note
                    ),
                )
        if target == RETURNED:
            # The operator carried it there and back: they are paid the fee (see the README).
            _pay_operator(session, shipment)
            for who in (shipment.buyer, shipment.seller):
                notify(who, messages.RETURNED(url=track_url(shipment), order=Digits(str(shipment.order_id))))
    if target == PICKED_UP:
        notify(
            shipment.buyer,
            messages.PICKED_UP(
                url=track_url(shipment), order=Digits(str(shipment.order_id)), code=Digits(shipment.code)
            ),
        )
    return shipment


def deliver(session: Session, member: Member, shipment_id: int, code: str) -> Shipment:
    """The operator types the buyer's code at the door: the shipment is delivered, the order
    delivered and completed (the seller paid by M-Bazar), the operator paid from the fee account.
    A wrong code changes nothing but the count of wrong codes; too many lock it for a while."""
    operator, shipment = job_for(session, member, shipment_id)
    if shipment.operator_id != operator.id:
        raise NotAllowed(_("Accept the job first."), code="not_yours")
    if shipment.status not in (PICKED_UP, IN_TRANSIT):
        raise Conflict(
            _("This shipment is already %(status)s.", status=Words(STATUS_LABELS[shipment.status])),
            code="wrong_status",
        )
    moment = now()
    if shipment.locked_until is not None and shipment.locked_until > moment:
        minutes = max(1, int((shipment.locked_until - moment).total_seconds() // 60) + 1)
        error = TooManyAttempts(
            _("Too many wrong codes: try again in %(minutes)s minutes.", minutes=Digits(str(minutes))),
            code="code_locked",
        )
        error.minutes = minutes
        raise error
    typed = to_latin_digits(str(code or "")).strip()
    if not hmac.compare_digest(typed.encode(), shipment.code.encode()):
        wrong = shipment.wrong_codes + 1
        if wrong >= int(setting("max_code_attempts")):
            shipment.wrong_codes = 0
            shipment.locked_until = moment + timedelta(minutes=int(setting("lock_minutes")))
        else:
            shipment.wrong_codes = wrong
        session.flush()
        message = _("That is not the buyer's delivery code. Ask the buyer to read it from their M-ST page.")
        # keep_changes: the wrong try is counted even though the delivery is refused.
        raise BadInput(message, fields={"code": message}, code="wrong_code", keep_changes=True)
    with session.begin_nested():
        shipment.wrong_codes, shipment.locked_until = 0, None
        _claim(session, shipment, (PICKED_UP, IN_TRANSIT), DELIVERED, member, "")
        order = _order(session, shipment)
        if order.status in (bazaar.PLACED, bazaar.ACCEPTED):
            _order_sent(session, shipment)
        if order.status == bazaar.SHIPPED:
            bazaar.transition(session, order, "deliver", None)
        if order.status == bazaar.DELIVERED:
            bazaar.transition(session, order, "confirm", None)
        _pay_operator(session, shipment)
    notify(shipment.seller, messages.DELIVERED(url=track_url(shipment), order=Digits(str(shipment.order_id))))
    return shipment


def _pay_operator(session: Session, shipment: Shipment) -> None:
    """The fee held at checkout goes to the operator, less M-ST's commission; once per shipment."""
    if shipment.paid or shipment.operator is None or shipment.fee <= 0 or shipment.fee_account_id is None:
        return
    commission = shipment.fee * int(setting("commission_percent")) // 100
    pay = shipment.fee - commission
    params = {"shipment": shipment.id}
    reference = f"{REFERENCE_KIND}:{shipment.id}"
    if pay > 0:
        transfer(
            session,
            f"stm:payout:{shipment.id}",
            shipment.fee_account_id,
            main_account(session, shipment.operator.member),
            pay,
            PAYOUT,
            reference,
            params=params,
        )
    if commission > 0:
        transfer(
            session,
            f"stm:commission:{shipment.id}",
            shipment.fee_account_id,
            system_account(session, INCOME),
            commission,
            COMMISSION,
            reference,
            params=params,
        )
    shipment.paid = True
    session.flush()
    notify(
        shipment.operator.member,
        messages.PAID(url=track_url(shipment), amount=Money(pay), shipment=Digits(str(shipment.id))),
    )


# --- consignments ----------------------------------------------------------------------------------


def open_new_consignment(
    session: Session, actor: Member, origin: str, destination: str, note: str = ""
) -> Consignment:
    """A social leader or guide opens a consignment from a place of their area to a city."""
    errors: dict[str, Any] = {}
    found: dict[str, Region] = {}
    for name, code in (("origin", origin), ("destination", destination)):
        try:
            found[name] = get_region(session, (code or "").strip())
        except NotFound:
            errors[name] = _("Choose a place.")
    if not errors:
        if found["origin"].parent_id is None:
            errors["origin"] = _("Choose a village or town, not a whole province.")
        if found["destination"].parent_id is None:
            errors["destination"] = _("Choose a city, not a whole province.")
        if not errors and found["origin"].id == found["destination"].id:
            errors["destination"] = _("The destination must differ from the origin.")
    if errors:
        raise BadInput(_("Please correct the marked fields."), fields=errors)
    if not can(CONSIGN, found["origin"], actor):
        raise NotAllowed(_("You may open consignments only from places in your area."), code="outside_area")
    if open_consignment(session, found["origin"].id, found["destination"].id) is not None:
        raise Conflict(_("A consignment between these places is already open."), code="already_open")
    made = Consignment(
        opened_by_id=actor.id,
        origin_id=found["origin"].id,
        destination_id=found["destination"].id,
        note=normalize_text(note or "")[:NOTE_MAX],
    )
    session.add(made)
    session.flush()
    return made


def consignments_query(area: list[int] | None) -> Select[tuple[Consignment]]:
    stmt = select(Consignment)
    if area is not None:
        stmt = stmt.where(or_(Consignment.origin_id.in_(area), Consignment.destination_id.in_(area)))
    return stmt.order_by(case((Consignment.status == C_OPEN, 0), else_=1), Consignment.id.desc())


def parcels_of(session: Session, consignment: Consignment) -> list[Shipment]:
    return list(
        session.scalars(
            select(Shipment).where(Shipment.consignment_id == consignment.id).order_by(Shipment.id)
        )
    )


def visible_consignment(session: Session, viewer: Member, consignment_id: int) -> Consignment:
    found = session.get(Consignment, consignment_id) if isinstance(consignment_id, int) else None
    if found is None:
        raise NotFound(_("No such consignment."), code="unknown_consignment")
    operator = operator_of(session, viewer)
    ok = (
        can(CONSIGN, found.origin, viewer)
        or can(CONSIGN, found.destination, viewer)
        or (
            operator is not None
            and operator.status == APPROVED
            and found.origin_id in area_ids(session, operator)
        )
        or (operator is not None and found.operator_id == operator.id)
    )
    if not ok:
        raise NotFound(_("No such consignment."), code="unknown_consignment")
    return found


def accept_consignment(session: Session, member: Member, consignment_id: int) -> Consignment:
    """An approved operator of the origin's area takes the whole consignment (one wins)."""
    operator = approved_operator(session, member)
    found = session.get(Consignment, consignment_id) if isinstance(consignment_id, int) else None
    if found is None:
        raise NotFound(_("No such consignment."), code="unknown_consignment")
    if found.origin_id not in area_ids(session, operator):
        raise NotAllowed(_("This consignment starts outside your service area."), code="outside_area")
    with session.begin_nested():
        claimed = session.execute(
            update(Consignment)
            .where(
                Consignment.id == found.id, Consignment.status == C_OPEN, Consignment.operator_id.is_(None)
            )
            .values(operator_id=operator.id)
            .execution_options(synchronize_session=False)
        ).rowcount
        session.expire(found)
        if not claimed:
            raise Conflict(_("Another operator has just taken this consignment."), code="taken")
        for shipment in parcels_of(session, found):
            if shipment.status == CREATED:
                _claim(session, shipment, (CREATED,), ASSIGNED, member, "", operator_id=operator.id)
    return found


def leave(session: Session, member: Member, consignment_id: int) -> Consignment:
    """The consignment leaves: its operator (or whoever opened it) closes it; every parcel is
    picked up and on its way, to be delivered one by one with its own code."""
    found = session.get(Consignment, consignment_id) if isinstance(consignment_id, int) else None
    if found is None:
        raise NotFound(_("No such consignment."), code="unknown_consignment")
    operator = operator_of(session, member)
    mine = operator is not None and found.operator_id == operator.id
    if not (mine or can(CONSIGN, found.origin, member)):
        raise NotAllowed(_("Only its operator or a leader of its area may send it off."))
    if found.status != C_OPEN:
        raise Conflict(_("This consignment has already left."), code="wrong_status")
    if found.operator_id is None:
        raise Conflict(_("No operator has taken this consignment yet."), code="no_operator")
    parcels = [s for s in parcels_of(session, found) if s.status == ASSIGNED]
    if not parcels:
        raise Conflict(_("No parcel has joined this consignment yet."), code="empty")
    with session.begin_nested():
        found.status, found.left_at = C_LEFT, now()
        carrier = found.operator.member if found.operator is not None else member
        for shipment in parcels:
            _claim(session, shipment, (ASSIGNED,), PICKED_UP, carrier, "")
            _order_sent(session, shipment)
            _claim(session, shipment, (PICKED_UP,), IN_TRANSIT, carrier, "")
        session.flush()
    return found


def open_consignments_for(session: Session, operator: Operator) -> list[Consignment]:
    area = area_ids(session, operator)
    return list(
        session.scalars(
            select(Consignment)
            .where(
                Consignment.status == C_OPEN,
                Consignment.operator_id.is_(None),
                Consignment.origin_id.in_(area),
            )
            .order_by(Consignment.id)
        )
    )


# --- figures ---------------------------------------------------------------------------------------


def figures(session: Session, area: list[int] | None) -> tuple[int, int]:
    """Shipments on the way and delivered, of the area."""
    stmt = select(Shipment.status, func.count(Shipment.id)).group_by(Shipment.status)
    if area is not None:
        stmt = stmt.where(or_(Shipment.pickup_region_id.in_(area), Shipment.dropoff_region_id.in_(area)))
    rows = dict(session.execute(stmt).all())
    moving = sum(int(rows.get(s, 0)) for s in (ASSIGNED, PICKED_UP, IN_TRANSIT))
    return moving, int(rows.get(DELIVERED, 0))


def fees_held(session: Session) -> int:
    return system_account(session, FEES).posted


def parcel_counts(session: Session, consignment_ids: Sequence[int]) -> dict[int, int]:
    if not consignment_ids:
        return {}
    rows = session.execute(
        select(Shipment.consignment_id, func.count(Shipment.id))
        .where(Shipment.consignment_id.in_(consignment_ids))
        .group_by(Shipment.consignment_id)
    ).all()
    return {int(c): int(n) for c, n in rows}

"""Cooperation-centre rules: centres, their members and cores, and orders shared among the cores.

No Flask here: pages, the API, the CLI and the demo call these, so every rule lives once. Who may
do what is decided here too (a centre's leader manages it whatever their role), and every change
to an order's shares happens under a lock on the order's row, so its shares can never add up to
more than the order, however many people split it at once.

Public for other plugins (``supporters`` requires this one): ``Centre``, ``get_centre``,
``centres_query``, ``centres_of_member`` and ``centre_member_ids``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from resalat_cores.services import (
    ACTIVE,
    Core,
    cores_led_by,
    get_core,
    get_core_by_code,
)
from sqlalchemy import Select, case, exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from resalat_centers.models import (
    ACCEPTED,
    CANCELLED,
    DECLINED,
    DELIVERED,
    IN_PROGRESS,
    NAME_MAX,
    NOTE_MAX,
    OFFERED,
    OPEN,
    ORDER_STATUSES,
    TEXT_MAX,
    UNIT_MAX,
    WITHDRAWN,
    Centre,
    CentreCore,
    CentreMember,
    Delivery,
    Order,
    Share,
)
from resalat_core.sdk import (
    BadInput,
    Member,
    Message,
    NotAllowed,
    NotFound,
    Region,
    _,
    can,
    find_member,
    format_date,
    get_region,
    has_role,
    normalize_text,
    notify,
    parse_jalali_date,
    parse_money,
    search_key,
    to_latin_digits,
    utcnow,
)

REGISTER = "centers.register"
MANAGE = "centers.manage"
SOURCE = "centers"
DESCRIPTION_MAX = 2000
# Big enough for any real order, small enough to stay far from a 32-bit column's limit.
QUANTITY_MAX = 10_000_000
# At most this many shares in one split: a form or a request, not a bulk import.
SPLIT_MAX = 50
TEHRAN = ZoneInfo("Asia/Tehran")

__all__ = [
    "Centre",
    "CentreCore",
    "CentreMember",
    "CoreProgress",
    "Delivery",
    "Order",
    "Share",
    "SharePart",
    "accept_share",
    "add_member",
    "cancel_order",
    "centre_cores_query",
    "centre_member_ids",
    "centres_of_member",
    "centres_query",
    "create_order",
    "decline_share",
    "get_centre",
    "get_order",
    "get_share",
    "link_core",
    "may_manage",
    "may_register",
    "require_manager",
    "register_centre",
    "remove_member",
    "report_delivery",
    "split_order",
    "unlink_core",
]


# --- reading what people typed -----------------------------------------------------------------


def tehran_today() -> date:
    """Today in Iran: a due date "today" means the Iranian day, whatever the server's zone."""
    return datetime.now(TEHRAN).date()


def _bad(message: Any, field: str) -> BadInput:
    return BadInput(message, fields={field: message})


def read_text(value: Any, field: str, *, limit: int, required: bool = True) -> str:
    """Persian-normalised text of at most ``limit`` characters; BadInput naming ``field``."""
    text = normalize_text(value) if isinstance(value, str) else ""
    if required and not text:
        raise _bad(_("Required."), field)
    if len(text) > limit:
        raise _bad(_("At most %(max)d characters.", max=limit), field)
    return text


def read_paragraphs(value: Any, field: str, *, limit: int) -> str:
    """Like read_text, but line breaks are kept (a description has paragraphs)."""
    raw = value if isinstance(value, str) else ""
    lines = [normalize_text(line) for line in raw.replace("\r\n", "\n").split("\n")]
    text = "\n".join(lines).strip("\n")
    if len(text) > limit:
        raise _bad(_("At most %(max)d characters.", max=limit), field)
    return text


def read_quantity(value: Any, field: str = "quantity") -> int:
    """A whole number of units, 1 or more, from any digits; BadInput otherwise."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise _bad(_("Enter a whole number."), field)
    text = to_latin_digits(normalize_text(str(value))).replace(",", "").replace("\u066c", "")
    if not text:
        raise _bad(_("Enter a quantity."), field)
    # A trailing minus is how a negative number looks once typed in a right-to-left field.
    digits = text.strip("+-")
    if not digits.isdigit() or len(digits) > 12:
        raise _bad(_("Enter a whole number."), field)
    number = int(digits)
    if number <= 0 or "-" in text:
        raise _bad(_("The quantity must be more than zero."), field)
    if number > QUANTITY_MAX:
        raise _bad(_("At most %(max)d.", max=QUANTITY_MAX), field)
    return number


def read_due_date(value: Any, field: str = "due_date", *, today: date | None = None) -> date:
    """A Jalali date (1404/05/20, any digits) that is today or later; BadInput otherwise.

    A Gregorian date typed by mistake (2025-08-11) would read as a Jalali year six centuries
    ahead, so years outside 1300-1499 are refused with a hint instead of being taken literally.
    """
    if isinstance(value, date):
        day = value
    else:
        text = to_latin_digits(value.strip()) if isinstance(value, str) else ""
        if len(text) >= 4 and text[:4].isdigit() and not 1300 <= int(text[:4]) <= 1499:
            raise _bad(_("Enter the date in the Persian calendar, like 1404/05/20."), field)
        day = parse_jalali_date(value if isinstance(value, str) else "", field=field)
    if day < (today or tehran_today()):
        raise _bad(_("This date has already passed."), field)
    return day


def read_price(value: Any, field: str = "unit_price") -> int | None:
    """A unit price typed in tomans, as rials; None when left empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse_money(value, unit="toman", field=field)


def _id_of(value: Any) -> int | None:
    text = to_latin_digits(str(value)).strip() if value is not None else ""
    return int(text) if text.isdigit() and len(text) < 10 else None


# --- who may do what ---------------------------------------------------------------------------


def _signed_in(member: Any) -> bool:
    return member is not None and not getattr(member, "is_anonymous", True)


def may_register(member: Any, region: Region | None = None) -> bool:
    """May ``member`` register a centre in ``region`` (None: anywhere)?

    Cultural supporters register centres (DOMAIN.md), and administrators; the permission
    ``centers.register`` lets every supporter in, so the kind is checked here.
    """
    if not _signed_in(member):
        return False
    return has_role(member, "admin", region) or has_role(member, "supporter", region, kind="cultural")


def may_manage(member: Any, centre: Centre) -> bool:
    """May ``member`` manage ``centre``'s members, cores and orders?

    Its own leader always may, whatever their role; so may whoever holds ``centers.manage`` in
    the centre's region (the area's social leaders and administrators).
    """
    if not _signed_in(member):
        return False
    return centre.leader_id == member.id or can(MANAGE, centre.region, member=member)


def require_manager(member: Member, centre: Centre) -> None:
    if not may_manage(member, centre):
        raise NotAllowed(_("Only the centre's leader manages its members, cores and orders."))


# --- centres -----------------------------------------------------------------------------------


def _member_from(session: Session, identifier: Any, field: str) -> Member:
    text = identifier.strip() if isinstance(identifier, str) else ""
    if not text:
        raise _bad(_("Enter a mobile number or national code."), field)
    member = find_member(session, text)
    if member is None or not member.is_active:
        raise _bad(_("Nobody in M-Resalat has this mobile or national code."), field)
    return member


def register_centre(
    session: Session,
    actor: Member,
    *,
    name: str,
    region: str | int | Region,
    leader: str | Member,
    description: str = "",
) -> Centre:
    """Register a centre in ``region`` led by ``leader`` (a member, or their mobile/national code).

    Every field is checked and all problems are reported together; nothing is stored if any is
    wrong. The registrar must be a cultural supporter or an administrator where the centre is.
    """
    if not may_register(actor):
        raise NotAllowed(_("Only cultural supporters and administrators register centres."))
    errors: dict[str, Any] = {}
    values: dict[str, Any] = {}
    try:
        values["name"] = read_text(name, "name", limit=NAME_MAX)
    except BadInput as exc:
        errors.update(exc.fields)
    try:
        values["description"] = read_paragraphs(description, "description", limit=DESCRIPTION_MAX)
    except BadInput as exc:
        errors.update(exc.fields)
    place: Region | None = None
    try:
        place = get_region(session, region) if region not in (None, "") else None
    except (NotFound, BadInput):
        place = None
    if place is None:
        errors["region"] = _("Choose the centre's place from the list.")
    elif not may_register(actor, place):
        errors["region"] = _("You may register centres only in your own area.")
    if isinstance(leader, Member):
        values["leader"] = leader
    else:
        try:
            values["leader"] = _member_from(session, leader, "leader")
        except BadInput as exc:
            errors.update(exc.fields)
    if place is not None and "name" in values and _name_taken(session, place, values["name"]):
        errors["name"] = _("This place already has a centre with this name.")
    if errors:
        raise BadInput(_("Please correct the marked fields."), fields=errors)
    centre = Centre(
        name=values["name"],
        name_key=search_key(values["name"])[:NAME_MAX],
        description=values["description"],
        leader_id=values["leader"].id,
        region_id=place.id,  # type: ignore[union-attr]
        registered_by_id=actor.id,
        created_at=utcnow(),
    )
    session.add(centre)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        # Registered by someone else between our check and our insert.
        raise BadInput(
            _("Please correct the marked fields."),
            fields={"name": _("This place already has a centre with this name.")},
        ) from None
    return centre


def _name_taken(session: Session, region: Region, name: str) -> bool:
    key = search_key(name)[:NAME_MAX]
    return (
        session.scalar(select(Centre.id).where(Centre.region_id == region.id, Centre.name_key == key))
        is not None
    )


def get_centre(session: Session, centre_id: Any) -> Centre:
    """The centre with this id; NotFound otherwise."""
    cid = _id_of(centre_id)
    centre = session.get(Centre, cid) if cid is not None else None
    if centre is None:
        raise NotFound(_("No such cooperation centre."), code="unknown_centre")
    return centre


def centres_query(*, region_ids: Iterable[int] | None = None, q: str | None = None) -> Select[Any]:
    """Centres (in ``region_ids`` when given), by name, with their leader and place loaded.

    ``q`` matches the name as searched (Arabic or Persian letters, any digits).
    """
    stmt = select(Centre).options(joinedload(Centre.leader), joinedload(Centre.region))
    if region_ids is not None:
        stmt = stmt.where(Centre.region_id.in_(list(region_ids)))
    key = search_key(q or "")
    if key:
        escaped = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(Centre.name_key.like(f"%{escaped}%", escape="\\"))
    return stmt.order_by(Centre.name_key, Centre.id)


def centres_of_member(session: Session, member: Member) -> list[Centre]:
    """The centres ``member`` leads or belongs to, by name."""
    belongs = exists().where(CentreMember.centre_id == Centre.id, CentreMember.member_id == member.id)
    stmt = centres_query().where(or_(Centre.leader_id == member.id, belongs))
    return list(session.scalars(stmt))


def centre_member_ids(session: Session, centre: Centre) -> list[int]:
    """Ids of everyone in ``centre``: its leader and its members, ascending."""
    ids = set(session.scalars(select(CentreMember.member_id).where(CentreMember.centre_id == centre.id)))
    ids.add(centre.leader_id)
    return sorted(ids)


@dataclass(frozen=True)
class CentreCounts:
    members: int = 0
    cores: int = 0
    open_orders: int = 0


def centre_counts(session: Session, centres: Sequence[Centre]) -> dict[int, CentreCounts]:
    """Members (leader included), cores and unfinished orders of each centre: three queries."""
    ids = [c.id for c in centres]
    if not ids:
        return {}

    def grouped(column: Any, *where: Any) -> dict[int, int]:
        rows = session.execute(select(column, func.count()).where(column.in_(ids), *where).group_by(column))
        return {cid: n for cid, n in rows}

    members = grouped(CentreMember.centre_id)
    cores = grouped(CentreCore.centre_id)
    orders = grouped(Order.centre_id, Order.status.in_((OPEN, IN_PROGRESS)))
    return {cid: CentreCounts(members.get(cid, 0) + 1, cores.get(cid, 0), orders.get(cid, 0)) for cid in ids}


def region_choices(session: Session) -> list[Region]:
    """Provinces, each followed by its places: for the centre form's select box."""
    rows = list(session.scalars(select(Region).order_by(Region.code)))
    children: dict[int, list[Region]] = {}
    for r in rows:
        if r.parent_id is not None:
            children.setdefault(r.parent_id, []).append(r)
    ordered: list[Region] = []
    for r in rows:
        if r.parent_id is None:
            ordered += [r, *children.get(r.id, [])]
    return ordered


# --- members -----------------------------------------------------------------------------------


def members_query(centre: Centre) -> Select[Any]:
    """The centre's members (not its leader), newest first, with each member loaded."""
    return (
        select(CentreMember)
        .where(CentreMember.centre_id == centre.id)
        .options(joinedload(CentreMember.member))
        .order_by(CentreMember.id.desc())
    )


def add_member(session: Session, centre: Centre, actor: Member, identifier: str | Member) -> CentreMember:
    """Add a member of the ecosystem (by mobile or national code) to ``centre``; once only."""
    require_manager(actor, centre)
    member = identifier if isinstance(identifier, Member) else _member_from(session, identifier, "member")
    if member.id == centre.leader_id:
        raise _bad(_("The centre's leader already belongs to it."), "member")
    if _membership(session, centre, member.id) is not None:
        raise _bad(_("%(name)s is already a member of this centre.", name=member.name), "member")
    row = CentreMember(centre_id=centre.id, member_id=member.id, added_by_id=actor.id, added_at=utcnow())
    session.add(row)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        # Added by another request between our check and our insert.
        raise _bad(_("%(name)s is already a member of this centre.", name=member.name), "member") from None
    return row


def _membership(session: Session, centre: Centre, member_id: int) -> CentreMember | None:
    return session.scalar(
        select(CentreMember).where(CentreMember.centre_id == centre.id, CentreMember.member_id == member_id)
    )


def remove_member(session: Session, centre: Centre, actor: Member, member_id: Any) -> Member:
    """Take a member out of ``centre``; NotFound if they are not in it. Returns the member."""
    require_manager(actor, centre)
    mid = _id_of(member_id)
    row = _membership(session, centre, mid) if mid is not None else None
    if row is None:
        raise NotFound(_("This person is not a member of the centre."), code="unknown_centre_member")
    member = row.member
    session.delete(row)
    session.flush()
    return member


def is_in_centre(session: Session, centre: Centre, member: Any) -> bool:
    if not _signed_in(member):
        return False
    return member.id == centre.leader_id or _membership(session, centre, member.id) is not None


# --- cores -------------------------------------------------------------------------------------


def centre_cores_query(centre: Centre) -> Select[Any]:
    """The cores linked to ``centre``, in the order they were linked, each core loaded."""
    return (
        select(CentreCore)
        .where(CentreCore.centre_id == centre.id)
        .options(joinedload(CentreCore.core))
        .order_by(CentreCore.id)
    )


def active_cores_of(session: Session, centre: Centre) -> list[Core]:
    """The centre's active cores in the order they joined: those that can take a share of an order.

    (By name, "هسته ۱۰" would come before "هسته ۲".)
    """
    stmt = (
        select(Core)
        .join(CentreCore, CentreCore.core_id == Core.id)
        .where(CentreCore.centre_id == centre.id, Core.status == ACTIVE)
        .order_by(CentreCore.id)
    )
    return list(session.scalars(stmt))


def _find_core(session: Session, ref: Any, field: str) -> Core:
    """A core by its core ID (شناسه هسته) or database id; BadInput naming ``field`` otherwise."""
    if isinstance(ref, Core):
        return ref
    text = normalize_text(str(ref)) if ref is not None else ""
    if not text:
        raise _bad(_("Enter the core ID."), field)
    core = None
    try:
        core = get_core_by_code(session, text)
    except (NotFound, BadInput):
        core = None
    if core is None and _id_of(text) is not None:
        try:
            core = get_core(session, _id_of(text))
        except (NotFound, BadInput):
            core = None
    if core is None:
        raise _bad(_("No core has this core ID."), field)
    return core


def link_core(session: Session, centre: Centre, actor: Member, core_ref: Any) -> CentreCore:
    """Link an active core to ``centre``; a core belongs to at most one centre."""
    require_manager(actor, centre)
    core = _find_core(session, core_ref, "core")
    if core.status != ACTIVE:
        raise _bad(_("Only active cores can join a centre; this one is not active."), "core")
    taken = session.scalar(select(CentreCore).where(CentreCore.core_id == core.id))
    if taken is not None:
        message = (
            _("This core is already part of the centre.")
            if taken.centre_id == centre.id
            else _("This core already belongs to another centre.")
        )
        raise _bad(message, "core")
    link = CentreCore(centre_id=centre.id, core_id=core.id, linked_by_id=actor.id, linked_at=utcnow())
    session.add(link)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise _bad(_("This core already belongs to another centre."), "core") from None
    return link


def unlink_core(session: Session, centre: Centre, actor: Member, core_id: Any) -> Core:
    """Take a core out of ``centre``; refused while it still has work to deliver for the centre."""
    require_manager(actor, centre)
    cid = _id_of(core_id)
    link = (
        session.scalar(select(CentreCore).where(CentreCore.centre_id == centre.id, CentreCore.core_id == cid))
        if cid is not None
        else None
    )
    if link is None:
        raise NotFound(_("This core is not part of the centre."), code="unknown_centre_core")
    unfinished = session.scalar(
        select(Share.id)
        .join(Order, Order.id == Share.order_id)
        .where(
            Order.centre_id == centre.id,
            Share.core_id == link.core_id,
            Share.status.in_((OFFERED, ACCEPTED)),
            Share.delivered < Share.quantity,
        )
        .limit(1)
    )
    if unfinished is not None:
        raise BadInput(
            _("This core still has shares of the centre's orders to deliver; settle them first."),
            code="core_has_work",
        )
    core = link.core
    session.delete(link)
    session.flush()
    return core


# --- orders ------------------------------------------------------------------------------------


def create_order(
    session: Session,
    centre: Centre,
    actor: Member,
    *,
    customer: str,
    item: str,
    unit: str,
    quantity: Any,
    due_date: Any,
    unit_price: Any = None,
    note: str = "",
) -> Order:
    """Record an order a customer outside the centre placed with it; every bad field is reported."""
    require_manager(actor, centre)
    errors: dict[str, Any] = {}
    values: dict[str, Any] = {}
    checks = (
        ("customer", lambda: read_text(customer, "customer", limit=TEXT_MAX)),
        ("item", lambda: read_text(item, "item", limit=TEXT_MAX)),
        ("unit", lambda: read_text(unit, "unit", limit=UNIT_MAX)),
        ("quantity", lambda: read_quantity(quantity, "quantity")),
        ("due_date", lambda: read_due_date(due_date, "due_date")),
        ("unit_price", lambda: read_price(unit_price, "unit_price")),
        ("note", lambda: read_paragraphs(note, "note", limit=DESCRIPTION_MAX)),
    )
    for name, check in checks:
        try:
            values[name] = check()
        except BadInput as exc:
            errors.update(exc.fields or {name: exc.message})
    if errors:
        raise BadInput(_("Please correct the marked fields."), fields=errors)
    order = Order(
        centre_id=centre.id,
        status=OPEN,
        allocated=0,
        delivered=0,
        created_by_id=actor.id,
        created_at=utcnow(),
        **values,
    )
    session.add(order)
    session.flush()
    return order


def orders_query(centre: Centre, *, status: str | None = None) -> Select[Any]:
    """The centre's orders, newest first (only those in ``status`` when given)."""
    stmt = select(Order).where(Order.centre_id == centre.id)
    if status:
        if status not in ORDER_STATUSES:
            raise _bad(_("Unknown status."), "status")
        stmt = stmt.where(Order.status == status)
    return stmt.order_by(Order.id.desc())


def order_by_id(session: Session, order_id: Any) -> Order:
    """Any order by id (for the CLI, which answers to the operator); NotFound otherwise."""
    oid = _id_of(order_id)
    order = (
        session.scalar(select(Order).where(Order.id == oid).options(joinedload(Order.centre)))
        if oid is not None
        else None
    )
    if order is None:
        raise NotFound(_("No such order."), code="unknown_order")
    return order


def get_order(session: Session, actor: Member, order_id: Any) -> Order:
    """An order its centre's manager may see; NotFound for anyone else, so ids reveal nothing."""
    order = order_by_id(session, order_id)
    if not may_manage(actor, order.centre):
        raise NotFound(_("No such order."), code="unknown_order")
    return order


def _lock_order(session: Session, order_id: int) -> Order:
    """The order's row, locked until the transaction ends, with fresh values.

    PostgreSQL: SELECT ... FOR UPDATE makes concurrent splits, answers and deliveries of one order
    wait for each other. SQLite ignores FOR UPDATE; its BEGIN IMMEDIATE already lets one writer in.
    """
    order = session.scalar(
        select(Order).where(Order.id == order_id).with_for_update().execution_options(populate_existing=True)
    )
    if order is None:
        raise NotFound(_("No such order."), code="unknown_order")
    return order


def _require_open(order: Order) -> None:
    if order.status == CANCELLED:
        raise BadInput(_("This order was cancelled."), code="order_cancelled")
    if order.status == DELIVERED:
        raise BadInput(_("This order has been delivered in full."), code="order_delivered")


@dataclass(frozen=True)
class SharePart:
    """One share asked for in a split: a core (core ID or id), a quantity and a Jalali due date."""

    core: Any
    quantity: Any
    due_date: Any


def split_order(
    session: Session, order: Order | int, actor: Member, parts: Sequence[SharePart]
) -> list[Share]:
    """Give each core in ``parts`` a share of ``order``; all or nothing.

    Each core must be an active core of the order's centre, each quantity positive, each due date
    no later than the order's; together they may not exceed what remains unshared. The order's
    row is locked first and everything is checked against its fresh values, so concurrent splits
    can never over-allocate. Field errors name ``shares.<i>.<field>``.
    """
    order_id = order.id if isinstance(order, Order) else order
    order = _lock_order(session, order_id)
    require_manager(actor, order.centre)
    _require_open(order)
    parts = list(parts)
    if not parts:
        raise _bad(_("Give at least one share."), "shares")
    if len(parts) > SPLIT_MAX:
        raise _bad(_("At most %(max)d shares at a time.", max=SPLIT_MAX), "shares")
    cores = {c.id: c for c in active_cores_of(session, order.centre)}
    by_code = {c.code: c for c in cores.values()}
    errors: dict[str, Any] = {}
    wanted: list[tuple[Core, int, date]] = []
    seen: set[int] = set()
    for i, part in enumerate(parts):
        prefix = f"shares.{i}"
        core = _core_of_centre(part.core, cores, by_code)
        if core is None:
            errors[f"{prefix}.core"] = _("Choose one of the centre's active cores.")
        elif core.id in seen:
            errors[f"{prefix}.core"] = _("This core appears twice; give it one share.")
        else:
            seen.add(core.id)
        try:
            quantity = read_quantity(part.quantity, f"{prefix}.quantity")
        except BadInput as exc:
            errors.update(exc.fields)
            quantity = 0
        try:
            due = read_due_date(part.due_date, f"{prefix}.due_date")
            if due > order.due_date:
                errors[f"{prefix}.due_date"] = _(
                    "A share cannot be due after the order (%(date)s).", date=format_date(order.due_date)
                )
        except BadInput as exc:
            errors.update(exc.fields)
            due = order.due_date
        if core is not None and quantity:
            wanted.append((core, quantity, due))
    total = sum(q for _c, q, _d in wanted)
    if not errors and total > order.remaining:
        errors["shares"] = _(
            "Only %(remaining)d %(unit)s remain to be shared; these shares add up to %(total)d.",
            remaining=order.remaining,
            unit=order.unit,
            total=total,
        )
    if errors:
        raise BadInput(_("Please correct the marked fields."), fields=errors, code="bad_split")
    now = utcnow()
    shares = [
        Share(
            order_id=order.id,
            core_id=core.id,
            quantity=quantity,
            due_date=due,
            status=OFFERED,
            delivered=0,
            assigned_by_id=actor.id,
            created_at=now,
        )
        for core, quantity, due in wanted
    ]
    session.add_all(shares)
    order.allocated += total
    session.flush()
    for share in shares:
        _tell_core_leader(session, share, order)
    return shares


def _core_of_centre(ref: Any, cores: dict[int, Core], by_code: dict[str, Core]) -> Core | None:
    if isinstance(ref, Core):
        return cores.get(ref.id)
    text = normalize_text(str(ref)) if ref is not None else ""
    if text in by_code:
        return by_code[text]
    cid = _id_of(text)
    return cores.get(cid) if cid is not None else None


def cancel_order(session: Session, order: Order | int, actor: Member) -> Order:
    """Cancel an unfinished order; its shares still open are withdrawn from their cores."""
    order_id = order.id if isinstance(order, Order) else order
    order = _lock_order(session, order_id)
    require_manager(actor, order.centre)
    _require_open(order)
    touched = list(
        session.scalars(
            select(Share)
            .where(Share.order_id == order.id, Share.status.in_((OFFERED, ACCEPTED)))
            .options(joinedload(Share.core))
        )
    )
    session.execute(
        update(Share)
        .where(Share.order_id == order.id, Share.status.in_((OFFERED, ACCEPTED)))
        .values(status=WITHDRAWN)
        .execution_options(synchronize_session="fetch")
    )
    order.status = CANCELLED
    order.closed_at = utcnow()
    session.flush()
    for share in touched:
        if share.delivered < share.quantity:
            _tell_core_leader(session, share, order, withdrawn=True)
    return order


@dataclass(frozen=True)
class CoreProgress:
    """How one core is doing on an order: what it was given, accepted and delivered."""

    core: Core
    offered: int
    accepted: int
    delivered: int
    declined: int

    @property
    def assigned(self) -> int:
        return self.offered + self.accepted

    @property
    def percent(self) -> int:
        return self.delivered * 100 // self.accepted if self.accepted else 0


def order_progress(session: Session, order: Order) -> list[CoreProgress]:
    """Per-core progress on ``order``: two queries, however many shares and cores."""

    def total(status: str | None, column: Any = Share.quantity) -> Any:
        value = column if status is None else case((Share.status == status, column), else_=0)
        return func.coalesce(func.sum(value), 0)

    rows = session.execute(
        select(
            Share.core_id,
            total(OFFERED),
            # A withdrawn share counts with what it accepted: its deliveries stay on record.
            func.coalesce(
                func.sum(case((Share.status.in_((ACCEPTED, WITHDRAWN)), Share.delivered), else_=0)), 0
            ),
            total(ACCEPTED),
            total(DECLINED),
        )
        .where(Share.order_id == order.id)
        .group_by(Share.core_id)
    ).all()
    if not rows:
        return []
    cores = {c.id: c for c in session.scalars(select(Core).where(Core.id.in_([r[0] for r in rows])))}
    progress = [
        CoreProgress(
            core=cores[core_id],
            offered=int(offered),
            accepted=int(accepted),
            delivered=int(delivered),
            declined=int(declined),
        )
        for core_id, offered, delivered, accepted, declined in rows
    ]
    return sorted(progress, key=lambda p: p.core.id)


def order_shares_query(order: Order) -> Select[Any]:
    """The shares of ``order``, oldest first, each with its core loaded."""
    return select(Share).where(Share.order_id == order.id).options(joinedload(Share.core)).order_by(Share.id)


def _refresh_status(session: Session, order: Order) -> None:
    """Open until a core accepts, in progress until every unit is delivered, then delivered."""
    if order.status == CANCELLED:
        return
    if order.delivered >= order.quantity:
        order.status = DELIVERED
        order.closed_at = utcnow()
        return
    started = order.delivered > 0 or session.scalar(
        select(exists().where(Share.order_id == order.id, Share.status == ACCEPTED))
    )
    order.status = IN_PROGRESS if started else OPEN


# --- shares, as their core leaders see them ----------------------------------------------------


def led_core_ids(session: Session, member: Member) -> list[int]:
    """The ids of the cores ``member`` leads (as the cores plugin decides)."""
    return [c.id for c in cores_led_by(session, member)]


def my_shares_query(session: Session, member: Member, *, status: str | None = None) -> Select[Any]:
    """Shares given to the cores ``member`` leads, newest first, with order, centre and core."""
    stmt = (
        select(Share)
        .where(Share.core_id.in_(led_core_ids(session, member)))
        .options(joinedload(Share.core), joinedload(Share.order).joinedload(Order.centre))
        .order_by(Share.id.desc())
    )
    if status:
        stmt = stmt.where(Share.status == status)
    return stmt


def awaiting_answer(session: Session, member: Member) -> int:
    """How many shares wait for ``member``'s answer as a core leader (for the home tile's badge)."""
    ids = led_core_ids(session, member)
    if not ids:
        return 0
    return (
        session.scalar(
            select(func.count())
            .select_from(Share)
            .join(Order, Order.id == Share.order_id)
            .where(Share.core_id.in_(ids), Share.status == OFFERED, Order.status.in_((OPEN, IN_PROGRESS)))
        )
        or 0
    )


def get_share(session: Session, member: Member, share_id: Any) -> Share:
    """A share of a core ``member`` leads; NotFound for anyone else's, so ids reveal nothing."""
    sid = _id_of(share_id)
    share = (
        session.scalar(
            select(Share)
            .where(Share.id == sid)
            .options(joinedload(Share.core), joinedload(Share.order).joinedload(Order.centre))
        )
        if sid is not None
        else None
    )
    if share is None or share.core_id not in led_core_ids(session, member):
        raise NotFound(_("No such share among your cores' work."), code="unknown_share")
    return share


def _lock_share(session: Session, share: Share) -> tuple[Share, Order]:
    """The share and its order, both locked and fresh (the order first, as every writer does)."""
    order = _lock_order(session, share.order_id)
    locked = session.scalar(
        select(Share).where(Share.id == share.id).with_for_update().execution_options(populate_existing=True)
    )
    assert locked is not None  # the order's lock keeps its shares in place
    return locked, order


def accept_share(session: Session, member: Member, share_id: Any) -> Share:
    """The core leader takes on the share."""
    share, order = _lock_share(session, get_share(session, member, share_id))
    _require_open(order)
    if share.status != OFFERED:
        raise BadInput(_("This share has already been answered."), code="share_answered")
    share.status = ACCEPTED
    share.answered_by_id = member.id
    share.answered_at = utcnow()
    _refresh_status(session, order)
    session.flush()
    return share


def decline_share(session: Session, member: Member, share_id: Any, reason: str) -> Share:
    """The core leader declines the share, saying why; its quantity is free to give to others."""
    # Ownership first: someone else's share is a 404 whatever they typed.
    share = get_share(session, member, share_id)
    text = read_text(reason, "reason", limit=NOTE_MAX)
    share, order = _lock_share(session, share)
    _require_open(order)
    if share.status != OFFERED:
        raise BadInput(_("This share has already been answered."), code="share_answered")
    share.status = DECLINED
    share.decline_reason = text
    share.answered_by_id = member.id
    share.answered_at = utcnow()
    order.allocated -= share.quantity
    _refresh_status(session, order)
    session.flush()
    _tell_centre_leader(session, order, share, member, declined=True)
    return share


def report_delivery(
    session: Session, member: Member, share_id: Any, quantity: Any, note: str = ""
) -> Delivery:
    """The core leader reports units delivered on an accepted share; never more than it has left."""
    share = get_share(session, member, share_id)
    amount = read_quantity(quantity, "quantity")
    text = read_text(note, "note", limit=NOTE_MAX, required=False)
    share, order = _lock_share(session, share)
    _require_open(order)
    if share.status != ACCEPTED:
        raise BadInput(_("Accept the share before reporting deliveries."), code="share_not_accepted")
    if amount > share.remaining:
        message = _(
            "Only %(left)d %(unit)s of this share are left to deliver.", left=share.remaining, unit=order.unit
        )
        raise _bad(message, "quantity")
    delivery = Delivery(
        share_id=share.id, quantity=amount, note=text, reported_by_id=member.id, created_at=utcnow()
    )
    session.add(delivery)
    share.delivered += amount
    order.delivered += amount
    _refresh_status(session, order)
    session.flush()
    _tell_centre_leader(session, order, share, member, delivered=amount)
    return delivery


def deliveries_of(session: Session, share: Share, limit: int = 100) -> list[Delivery]:
    """The share's deliveries, newest first (a share is delivered in a handful of parts)."""
    stmt = (
        select(Delivery)
        .where(Delivery.share_id == share.id)
        .options(joinedload(Delivery.reported_by))
        .order_by(Delivery.id.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))


# --- telling people ----------------------------------------------------------------------------


def _tell_core_leader(session: Session, share: Share, order: Order, *, withdrawn: bool = False) -> None:
    leader = session.get(Member, share.core.leader_id) if share.core.leader_id else None
    if leader is None:
        return
    centre = order.centre
    due_fa, due_en = format_date(share.due_date), format_date(share.due_date, lang="en")
    if withdrawn:
        message = Message(
            title_fa=f"سفارش «{order.item}» کانون {centre.name} لغو شد",
            title_en=f"{centre.name} cancelled the order “{order.item}”",
            body_fa="سهم هسته‌ی شما از این سفارش دیگر لازم نیست.",
            body_en="Your core's share of this order is no longer needed.",
            url=f"/centers/shares/{share.id}",
            source=SOURCE,
            kind="share.withdrawn",
        )
    else:
        message = Message(
            title_fa=f"سهم تازه برای هسته‌ی {share.core.name}: {share.quantity} {order.unit} {order.item}",
            title_en=f"A new share for {share.core.name}: {share.quantity} {order.unit} of {order.item}",
            body_fa=f"کانون {centre.name} این سهم را تا {due_fa} به هسته‌ی شما سپرده است؛ "
            "لطفاً آن را بپذیرید یا با ذکر دلیل رد کنید.",
            body_en=f"{centre.name} offers your core this share, due {due_en}; "
            "please accept it or decline it with a reason.",
            url=f"/centers/shares/{share.id}",
            source=SOURCE,
            kind="share.offered",
        )
    _send(leader, message)


def _tell_centre_leader(
    session: Session,
    order: Order,
    share: Share,
    actor: Member,
    *,
    declined: bool = False,
    delivered: int = 0,
) -> None:
    leader = session.get(Member, order.centre.leader_id)
    if leader is None or leader.id == actor.id:
        return
    core = share.core.name
    if declined:
        message = Message(
            title_fa=f"هسته‌ی {core} سهم خود از «{order.item}» را نپذیرفت",
            title_en=f"{core} declined its share of “{order.item}”",
            body_fa=f"دلیل: {share.decline_reason}\n{share.quantity} {order.unit} دوباره آزاد است.",
            body_en=f"Reason: {share.decline_reason}\n{share.quantity} {order.unit} are free to share again.",
            url=f"/centers/orders/{order.id}",
            source=SOURCE,
            kind="share.declined",
        )
    else:
        message = Message(
            title_fa=f"هسته‌ی {core} {delivered} {order.unit} از «{order.item}» را تحویل داد",
            title_en=f"{core} delivered {delivered} {order.unit} of “{order.item}”",
            body_fa=f"تحویل‌شده تا کنون: {order.delivered} از {order.quantity}",
            body_en=f"Delivered so far: {order.delivered} of {order.quantity}",
            url=f"/centers/orders/{order.id}",
            source=SOURCE,
            kind="share.delivered",
        )
    _send(leader, message)


def _send(member: Member, message: Message) -> None:
    """Notify ``member``; titles are cut to the inbox's limit (an item's name may be long)."""
    limit = 200

    def cut(text: str) -> str:
        return text if len(text) <= limit else text[: limit - 1] + "…"

    notify(member, replace(message, title_fa=cut(message.title_fa), title_en=cut(message.title_en)))


# --- figures -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    centres: int
    cores: int
    orders: int
    units_delivered: int


def figures(session: Session) -> Figures:
    """The dashboard's figures, one query each."""
    return Figures(
        centres=session.scalar(select(func.count(Centre.id))) or 0,
        cores=session.scalar(select(func.count(CentreCore.id))) or 0,
        orders=session.scalar(select(func.count(Order.id)).where(Order.status != CANCELLED)) or 0,
        units_delivered=session.scalar(select(func.coalesce(func.sum(Order.delivered), 0))) or 0,
    )

"""The register of centres: who may register and manage one, registering, finding, counting.

Cultural supporters register centres in their own area, and administrators; a centre's own leader
manages it whatever their role, and so does whoever holds ``centers.manage`` where it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from resalat_centers.models import (
    CANCELLED,
    IN_PROGRESS,
    NAME_MAX,
    OPEN,
    Centre,
    CentreCore,
    CentreMember,
    Order,
)
from resalat_centers.services.checks import (
    DESCRIPTION_MAX,
    bad,
    check_paragraphs,
    check_text,
    collect,
    id_of,
)
from resalat_core.sdk import (
    BadInput,
    Member,
    NotAllowed,
    NotFound,
    Region,
    _,
    can,
    find_member,
    get_region,
    has_role,
    search_key,
    utcnow,
)

# Held by every supporter (and administrators): only cultural supporters use it, see may_register.
REGISTER = "centers.register"
# Held by the area's social leaders and administrators; a centre's leader needs no permission.
MANAGE = "centers.manage"


# --- who may do what ---------------------------------------------------------------------------


def signed_in(member: Any) -> bool:
    return member is not None and not getattr(member, "is_anonymous", True)


def may_register(member: Any, region: Region | None = None) -> bool:
    """May ``member`` register a centre in ``region`` (None: anywhere)?

    Cultural supporters register centres (DOMAIN.md), and administrators. The permission
    ``centers.register`` lets every supporter in, since a permission knows roles and not their
    kinds, so the kind is checked here.
    """
    if not signed_in(member):
        return False
    return has_role(member, "admin", region) or has_role(member, "supporter", region, kind="cultural")


def may_manage(member: Any, centre: Centre) -> bool:
    """May ``member`` manage ``centre``'s members, cores and orders?

    Its own leader always may, whatever their role; so may whoever holds ``centers.manage`` in
    the centre's region (the area's social leaders and administrators).
    """
    if not signed_in(member):
        return False
    return centre.leader_id == member.id or can(MANAGE, centre.region, member=member)


def require_manager(member: Member, centre: Centre) -> None:
    if not may_manage(member, centre):
        raise NotAllowed(_("Only the centre's leader manages its members, cores and orders."))


# --- registering -------------------------------------------------------------------------------


def member_from(session: Session, identifier: Any, field: str) -> Member:
    """An active member by mobile or national code (any digits); BadInput naming ``field``."""
    text = identifier.strip() if isinstance(identifier, str) else ""
    if not text:
        raise bad(_("Enter a mobile number or national code."), field)
    member = find_member(session, text)
    if member is None or not member.is_active:
        raise bad(_("Nobody in M-Resalat has this mobile or national code."), field)
    return member


def _place(session: Session, actor: Member, region: Any) -> Region:
    try:
        place = get_region(session, region) if region not in (None, "") else None
    except (NotFound, BadInput):
        place = None
    if place is None:
        raise bad(_("Choose the centre's place from the list."), "region")
    if not may_register(actor, place):
        raise bad(_("You may register centres only in your own area."), "region")
    return place


def _name_taken(session: Session, region: Region, name: str) -> bool:
    key = search_key(name)[:NAME_MAX]
    return (
        session.scalar(select(Centre.id).where(Centre.region_id == region.id, Centre.name_key == key))
        is not None
    )


def _name_taken_error() -> BadInput:
    return BadInput(
        _("Please correct the marked fields."),
        fields={"name": _("This place already has a centre with this name.")},
    )


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
    clean_name = collect(errors, check_text, name, "name", limit=NAME_MAX)
    clean_description = collect(errors, check_paragraphs, description, "description", limit=DESCRIPTION_MAX)
    place = collect(errors, _place, session, actor, region)
    chosen = leader if isinstance(leader, Member) else collect(errors, member_from, session, leader, "leader")
    if place is not None and clean_name and _name_taken(session, place, clean_name):
        errors["name"] = _("This place already has a centre with this name.")
    if errors:
        raise BadInput(_("Please correct the marked fields."), fields=errors)
    centre = Centre(
        name=clean_name,
        name_key=search_key(clean_name)[:NAME_MAX],
        description=clean_description,
        leader_id=chosen.id,
        region_id=place.id,
        registered_by_id=actor.id,
        created_at=utcnow(),
    )
    session.add(centre)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        # Registered by someone else between our check and our insert.
        raise _name_taken_error() from None
    return centre


# --- finding -----------------------------------------------------------------------------------


def get_centre(session: Session, centre_id: Any) -> Centre:
    """The centre with this id; NotFound otherwise."""
    cid = id_of(centre_id)
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


def centres_of_member_query(member: Member) -> Select[Any]:
    """The centres ``member`` leads or belongs to, by name, for ``paginate``."""
    belongs = exists().where(CentreMember.centre_id == Centre.id, CentreMember.member_id == member.id)
    return centres_query().where(or_(Centre.leader_id == member.id, belongs))


def centres_of_member(session: Session, member: Member) -> list[Centre]:
    """The centres ``member`` leads or belongs to, by name (all of them: for a page, paginate
    ``centres_of_member_query``)."""
    return list(session.scalars(centres_of_member_query(member)))


def centre_member_ids(session: Session, centre: Centre) -> list[int]:
    """Ids of everyone in ``centre``: its leader and its members, ascending."""
    ids = set(session.scalars(select(CentreMember.member_id).where(CentreMember.centre_id == centre.id)))
    ids.add(centre.leader_id)
    return sorted(ids)


# --- counting ----------------------------------------------------------------------------------


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


@dataclass(frozen=True)
class Figures:
    centres: int
    cores: int
    orders: int
    units_delivered: int


def figures(session: Session, area: list[int] | None = None) -> Figures:
    """The dashboard's figures about the centres of ``area`` (region ids; None: everywhere), in one
    query: centres, the cores in them, their orders (not cancelled) and the units delivered."""
    centres = select(Centre.id)
    if area is not None:
        centres = centres.where(Centre.region_id.in_(area))
    row = session.execute(
        select(
            select(func.count()).select_from(centres.subquery()).scalar_subquery(),
            select(func.count(CentreCore.id)).where(CentreCore.centre_id.in_(centres)).scalar_subquery(),
            select(func.count(Order.id))
            .where(Order.centre_id.in_(centres), Order.status != CANCELLED)
            .scalar_subquery(),
            select(func.coalesce(func.sum(Order.delivered), 0))
            .where(Order.centre_id.in_(centres))
            .scalar_subquery(),
        )
    ).one()
    return Figures(*(int(n or 0) for n in row))

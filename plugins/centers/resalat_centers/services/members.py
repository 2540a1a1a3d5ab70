"""Who belongs to a centre: its members, added and removed by its leader, and its cores.

A core belongs to at most one centre, and cannot leave while it has work to deliver for it.
"""

from __future__ import annotations

from typing import Any

from resalat_cores.services import ACTIVE, Core, get_core, get_core_by_code
from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, lazyload

from resalat_centers.models import ACCEPTED, OFFERED, Centre, CentreCore, CentreMember, Order, Share
from resalat_centers.services.checks import bad, id_of
from resalat_centers.services.registry import member_from, require_manager, signed_in
from resalat_core.sdk import BadInput, Member, NotFound, _, normalize_text, utcnow

# --- members -----------------------------------------------------------------------------------


def members_query(centre: Centre) -> Select[Any]:
    """The centre's members (not its leader), newest first, with each member loaded."""
    return (
        select(CentreMember)
        .where(CentreMember.centre_id == centre.id)
        .options(joinedload(CentreMember.member))
        .order_by(CentreMember.id.desc())
    )


def _membership(session: Session, centre: Centre, member_id: int) -> CentreMember | None:
    return session.scalar(
        select(CentreMember).where(CentreMember.centre_id == centre.id, CentreMember.member_id == member_id)
    )


def add_member(session: Session, centre: Centre, actor: Member, identifier: str | Member) -> CentreMember:
    """Add a member of the ecosystem (by mobile or national code) to ``centre``; once only."""
    require_manager(actor, centre)
    member = identifier if isinstance(identifier, Member) else member_from(session, identifier, "member")
    if member.id == centre.leader_id:
        raise bad(_("The centre's leader already belongs to it."), "member")
    if _membership(session, centre, member.id) is not None:
        raise bad(_("%(name)s is already a member of this centre.", name=member.name), "member")
    row = CentreMember(centre_id=centre.id, member_id=member.id, added_by_id=actor.id, added_at=utcnow())
    session.add(row)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        # Added by another request between our check and our insert.
        raise bad(_("%(name)s is already a member of this centre.", name=member.name), "member") from None
    return row


def remove_member(session: Session, centre: Centre, actor: Member, member_id: Any) -> Member:
    """Take a member out of ``centre``; NotFound if they are not in it. Returns the member."""
    require_manager(actor, centre)
    mid = id_of(member_id)
    row = _membership(session, centre, mid) if mid is not None else None
    if row is None:
        raise NotFound(_("This person is not a member of the centre."), code="unknown_centre_member")
    member = row.member
    session.delete(row)
    session.flush()
    return member


def is_in_centre(session: Session, centre: Centre, member: Any) -> bool:
    """Does ``member`` lead ``centre`` or belong to it?"""
    if not signed_in(member):
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


def active_cores_of(session: Session, centre: Centre, *, with_leaders: bool = True) -> list[Core]:
    """The centre's active cores in the order they joined: those that can take a share of an order.

    (By name, "هسته ۱۰" would come before "هسته ۲".) ``with_leaders=False`` leaves each core's
    leader unloaded, for a list that names only the cores: hundreds of leaders would cost the
    member's roles a query for every few hundred of them.
    """
    stmt = (
        select(Core)
        .join(CentreCore, CentreCore.core_id == Core.id)
        .where(CentreCore.centre_id == centre.id, Core.status == ACTIVE)
        .order_by(CentreCore.id)
    )
    if not with_leaders:
        stmt = stmt.options(lazyload(Core.leader))
    return list(session.scalars(stmt))


def find_core(session: Session, ref: Any, field: str) -> Core:
    """A core by its core ID (شناسه هسته) or database id; BadInput naming ``field`` otherwise."""
    if isinstance(ref, Core):
        return ref
    text = normalize_text(str(ref)) if ref is not None else ""
    if not text:
        raise bad(_("Enter the core ID."), field)
    core = None
    try:
        core = get_core_by_code(session, text)
    except (NotFound, BadInput):
        core = None
    if core is None and id_of(text) is not None:
        try:
            core = get_core(session, id_of(text))
        except (NotFound, BadInput):
            core = None
    if core is None:
        raise bad(_("No core has this core ID."), field)
    return core


def link_core(session: Session, centre: Centre, actor: Member, core_ref: Any) -> CentreCore:
    """Link an active core to ``centre``; a core belongs to at most one centre."""
    require_manager(actor, centre)
    core = find_core(session, core_ref, "core")
    if core.status != ACTIVE:
        raise bad(_("Only active cores can join a centre; this one is not active."), "core")
    taken = session.scalar(select(CentreCore).where(CentreCore.core_id == core.id))
    if taken is not None:
        message = (
            _("This core is already part of the centre.")
            if taken.centre_id == centre.id
            else _("This core already belongs to another centre.")
        )
        raise bad(message, "core")
    link = CentreCore(centre_id=centre.id, core_id=core.id, linked_by_id=actor.id, linked_at=utcnow())
    session.add(link)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise bad(_("This core already belongs to another centre."), "core") from None
    return link


def unlink_core(session: Session, centre: Centre, actor: Member, core_id: Any) -> Core:
    """Take a core out of ``centre``; refused while it still has work to deliver for the centre."""
    require_manager(actor, centre)
    cid = id_of(core_id)
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

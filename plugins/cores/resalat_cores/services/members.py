"""A core's people: adding and removing them, listing them for its leader, linking those who join.

A person in a core may or may not be a member of M-Resalat; one listed before they joined is
linked to their account when they register (the ``resalat_member_joined`` hook).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from resalat_core.sdk import BadInput, Member, NotFound, _
from resalat_cores.models import Core, CoreMember, CoreStatusChange
from resalat_cores.services.access import may_manage, require_manager
from resalat_cores.services.registry import checked_person, member_ids_by_code


def add_core_member(
    session: Session,
    core: Core,
    *,
    name: str,
    national_code: str,
    relation: str,
    mobile: str | None = None,
    member: Member | None = None,
    actor: Member,
) -> CoreMember:
    """Add a person to the core; the same national code twice in one core is BadInput.

    The core's leader or a guide/admin of its place may. ``member`` links the row to an
    M-Resalat account (its national code must match); without it, an account with that national
    code is linked if one exists.
    """
    require_manager(actor, core)
    errors: dict[str, str] = {}
    row = checked_person(
        {"name": name, "national_code": national_code, "relation": relation, "mobile": mobile}, errors
    )
    if row is not None and member is not None and member.national_code != row["national_code"]:
        errors["national_code"] = _("This is not that member's national code.")
    duplicate = _("This person is already a member of this core.")
    if row is not None and "national_code" not in errors:
        taken = select(CoreMember.id).where(
            CoreMember.core_id == core.id, CoreMember.national_code == row["national_code"]
        )
        if session.scalar(taken) is not None:
            errors["national_code"] = duplicate
    if errors or row is None:
        raise BadInput(_("Please correct the marked fields."), fields=errors)
    member_id = (
        member.id
        if member is not None
        else member_ids_by_code(session, [row["national_code"]]).get(row["national_code"])
    )
    person = CoreMember(core_id=core.id, member_id=member_id, **row)
    try:
        with session.begin_nested():
            session.add(person)
    except IntegrityError:
        # Added by someone else between our check and our insert.
        raise BadInput(duplicate, fields={"national_code": duplicate}) from None
    session.expire(core, ["members_count", "members"])
    return person


def remove_core_member(session: Session, core: Core, core_member: CoreMember | int, *, actor: Member) -> None:
    """Remove a person from the core (not its leader). NotFound if they are not in this core."""
    require_manager(actor, core)
    member_id = core_member.id if isinstance(core_member, CoreMember) else core_member
    person = session.scalar(
        select(CoreMember).where(CoreMember.id == member_id, CoreMember.core_id == core.id)
    )
    if person is None:
        raise NotFound(_("No such person in this core."), code="unknown_core_member")
    if person.is_leader:
        raise BadInput(_("The leader cannot be removed from their own core."), code="leader")
    session.delete(person)
    session.flush()
    session.expire(core, ["members_count", "members"])


def core_members_query(core: Core) -> Select[tuple[CoreMember]]:
    """The core's people, the leader first, for ``paginate``. Check ``may_manage`` before showing
    them: the rows carry national codes and mobiles."""
    return select(CoreMember).where(CoreMember.core_id == core.id).order_by(CoreMember.id)


def history_query(core: Core) -> Select[Any]:
    """The core's status changes, oldest first, each with who made it, for ``paginate``. Check
    ``may_manage`` before showing them: they name who acted."""
    return select(CoreStatusChange).where(CoreStatusChange.core_id == core.id).order_by(CoreStatusChange.id)


def core_members(session: Session, viewer: Any, core: Core) -> list[CoreMember]:
    """The core's people with their national codes: for its leader and reviewers only (else
    NotFound, so another member's core reveals nothing more than its public page)."""
    if not may_manage(viewer, core):
        raise NotFound(_("No such core among those you manage."), code="unknown_core")
    return list(session.scalars(core_members_query(core)))


def link_joined_member(session: Session, member: Member) -> int:
    """A person listed in cores has just joined M-Resalat: link their rows to the new account."""
    result = session.execute(
        update(CoreMember)
        .where(CoreMember.national_code == member.national_code, CoreMember.member_id.is_(None))
        .values(member_id=member.id)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)

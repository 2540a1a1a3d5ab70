"""Who may do what with a core: its leader manages its people; a reviewer of its place approves it.

A reviewer is whoever holds ``cores.approve`` (or ``cores.suspend``) in the core's place: an
administrator there, and every role that declares it holds those permissions (the guides
plugin's ``guide``). No role is named here, so a deployment without guides still works.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from resalat_core.sdk import NotAllowed, Region, _, area_of, can
from resalat_cores.models import Core

APPROVE = "cores.approve"
SUSPEND = "cores.suspend"


def is_person(member: Any) -> bool:
    return member is not None and not getattr(member, "is_anonymous", True) and member.is_active


def may_review(member: Any, region: Region, permission: str = APPROVE) -> bool:
    """May ``member`` approve (or, with ``cores.suspend``, suspend) cores in ``region``, and
    register a core there for someone else?"""
    return is_person(member) and can(permission, region, member=member)


def may_manage(member: Any, core: Core) -> bool:
    """May ``member`` change the core's people? Its leader, or a reviewer of its place."""
    return is_person(member) and (core.leader_id == member.id or may_review(member, core.region))


def review_area(session: Session, member: Any, permission: str = APPROVE) -> list[int] | None:
    """The region ids where ``member`` reviews cores (None: nationwide; []: nowhere)."""
    return area_of(session, member, permission)


def require_reviewer(actor: Any, core: Core, permission: str = APPROVE) -> None:
    if not may_review(actor, core.region, permission):
        raise NotAllowed(_("Only a guide of this core's area, or an administrator, may do this."))


def require_manager(actor: Any, core: Core) -> None:
    if not may_manage(actor, core):
        raise NotAllowed(_("Only the core's leader, or a guide of its area, may change its members."))

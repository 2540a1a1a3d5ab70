"""Who supports as what: the supporter kinds a member holds, where each reaches, and the refusals."""

from __future__ import annotations

from sqlalchemy.orm import Session

from resalat_core.sdk import Member, NotAllowed, Region, _, has_role, ids_under
from resalat_supporters import plugin

ROLE = "supporter"
CREDIT = "credit"
CULTURAL = "cultural"
CREDIT_BEHAVIOUR = "credit_behaviour"
# The kinds the plugin declares on its role, in their usual order, and how each reads.
_ROLE = next(role for role in plugin.roles if role.name == ROLE)
KINDS = tuple(kind.name for kind in _ROLE.kinds)
KIND_LABELS = {kind.name: kind.title for kind in _ROLE.kinds}


def kinds_of(member: Member) -> list[str]:
    """The supporter kinds ``member`` holds anywhere, in the usual order."""
    held = {g.kind for g in member.roles if g.role == ROLE}
    return [k for k in KINDS if k in held]


def holds_kind(member: Member, kind: str, region: Region | None = None) -> bool:
    """Does ``member`` hold the supporter role of ``kind`` in ``region`` (None: anywhere)?"""
    return has_role(member, ROLE, region, kind=kind)


def kind_area(session: Session, member: Member, kind: str) -> list[int] | None:
    """Region ids where ``member`` supports as ``kind`` (their grants and the places under them).

    None means nationwide; an empty list means nowhere. A kind is not a permission, so the host's
    ``area_of`` cannot answer this: the grants of that kind are read here.
    """
    ids = {g.region_id for g in member.roles if g.role == ROLE and g.kind == kind}
    if None in ids:
        return None
    return ids_under(session, [i for i in ids if i is not None])


def require_kind(member: Member, kind: str | None) -> list[str]:
    """The member's kinds; NotAllowed unless they hold ``kind`` somewhere (None: any kind at all).

    The pages ask this before showing a form, and the services before acting: one rule, one message.
    """
    held = kinds_of(member)
    if kind is None and not held:
        raise NotAllowed(
            _("Only supporters can record support. Ask an administrator to grant you a supporter kind."),
            code="not_a_supporter",
        )
    if kind == CREDIT and kind not in held:
        raise NotAllowed(
            _("Only credit supporters can introduce a member for a loan, and you are not one."),
            code="not_a_credit_supporter",
        )
    if kind == CREDIT_BEHAVIOUR and kind not in held:
        raise NotAllowed(
            _("Only credit-behaviour supporters can sponsor a centre, and you are not one."),
            code="not_a_credit_behaviour_supporter",
        )
    return held

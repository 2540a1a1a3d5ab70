"""Operators: applying, approval by the region's guide or an admin, the service area."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Select, case, select
from sqlalchemy.orm import Session, joinedload, selectinload

from resalat_core.sdk import (
    BadInput,
    Digits,
    Member,
    NotAllowed,
    NotFound,
    Region,
    Words,
    _,
    can,
    get_region,
    grant_role,
    has_role,
    ids_under,
    normalize_text,
    notify,
)

from .. import APPROVE, OPERATOR, messages
from ..models import (
    APPROVED,
    NOTE_MAX,
    OPERATOR_STATUSES,
    PENDING,
    SUSPENDED,
    VEHICLES,
    Operator,
    OperatorArea,
)
from .common import (
    MAX_AREAS,
    MAX_CAPACITY_KG,
    OPERATOR_LABELS,
    now,
)

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


def approvals_query(area: list[int] | None, status: str | None = None) -> Select[Any]:
    # Each operator's place and areas are named with their provinces: loaded here, not one by one.
    stmt = select(Operator).options(
        joinedload(Operator.member),
        joinedload(Operator.region).joinedload(Region.parent),
        selectinload(Operator.areas).joinedload(OperatorArea.region).joinedload(Region.parent),
    )
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

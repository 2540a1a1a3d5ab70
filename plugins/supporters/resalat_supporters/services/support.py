"""Support actions: what a supporter did for a member or a core, and what a member received."""

from __future__ import annotations

from datetime import date
from typing import Any

from resalat_cores.services import Core, cores_of_member_query
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from resalat_core.sdk import Member, Page, _, find_member, paginate, utcnow
from resalat_supporters.models import DESCRIPTION_MAX, SupportAction
from resalat_supporters.services.checks import (
    check_rials,
    find_core,
    read_paragraphs,
    refusal,
    region_name,
    today,
)
from resalat_supporters.services.kinds import KIND_LABELS, KINDS, holds_kind, require_kind

# An hour's support given is typed with one decimal; a thousand hours is surely a typo.
MAX_MINUTES = 1000 * 60


def _beneficiary(
    session: Session, supporter: Member, member: str, core: str, errors: dict[str, Any]
) -> tuple[Member | None, Core | None]:
    """The member (by mobile or national code) or the core (by core ID) supported: exactly one."""
    member = member.strip() if isinstance(member, str) else ""
    core = core.strip() if isinstance(core, str) else ""
    if bool(member) == bool(core):
        message = _("Name either the member (mobile or national code) or the core (core ID) you supported.")
        errors["member"] = message
        errors["core"] = message
        return None, None
    if core:
        return None, find_core(session, core, errors)
    found = find_member(session, member)
    if found is None or not found.is_active:
        errors["member"] = _("No member has that mobile or national code.")
        return None, None
    if found.id == supporter.id:
        errors["member"] = _("Support is given to others: you cannot be your own beneficiary.")
        return None, None
    return found, None


def _check_minutes(minutes: Any, errors: dict[str, Any]) -> int | None:
    if minutes is None:
        return None
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 0 < minutes <= MAX_MINUTES:
        errors["hours"] = _("Between 0.1 and %(max)d hours.", max=MAX_MINUTES // 60)
        return None
    return minutes


def record_action(
    session: Session,
    supporter: Member,
    *,
    kind: str,
    member: str = "",
    core: str = "",
    happened_on: date | None = None,
    description: str = "",
    minutes: int | None = None,
    amount: int | None = None,
) -> SupportAction:
    """Record what ``supporter`` did for a member (mobile or national code) or a core (core ID).

    ``kind`` must be one of the supporter's own kinds, held where the beneficiary lives or works;
    the day may not be in the future; time given (minutes) and money given (rials) are optional.
    NotAllowed if the member is no supporter at all; BadInput naming every bad field otherwise.
    """
    held = require_kind(supporter, None)
    errors: dict[str, Any] = {}
    if kind not in KINDS:
        errors["kind"] = _("Choose the kind of support from the list.")
    elif kind not in held:
        errors["kind"] = _("You are not a %(kind)s; choose one of your own kinds.", kind=KIND_LABELS[kind])
    beneficiary_member, beneficiary_core = _beneficiary(session, supporter, member, core, errors)
    if happened_on is None:
        errors["happened_on"] = _("Enter a date.")
    elif happened_on > today():
        errors["happened_on"] = _("The day cannot be in the future.")
    text = read_paragraphs(description, "description", DESCRIPTION_MAX, errors)
    minutes = _check_minutes(minutes, errors)
    rials = check_rials(amount, "amount", errors, required=False)
    where = (
        (beneficiary_member or beneficiary_core).region if (beneficiary_member or beneficiary_core) else None
    )
    if "kind" not in errors and where is not None and not holds_kind(supporter, kind, where):
        errors["kind"] = _(
            "Your role as %(kind)s does not reach %(region)s.",
            kind=KIND_LABELS[kind],
            region=region_name(where),
        )
    if errors:
        raise refusal(errors)
    action = SupportAction(
        supporter_id=supporter.id,
        kind=kind,
        beneficiary_member_id=beneficiary_member.id if beneficiary_member else None,
        beneficiary_core_id=beneficiary_core.id if beneficiary_core else None,
        happened_on=happened_on,
        description=text,
        minutes=minutes,
        amount=rials,
        created_at=utcnow(),
    )
    session.add(action)
    session.flush()
    return action


def actions_by(session: Session, supporter: Member, page: int = 1, per_page: int = 20) -> Page[SupportAction]:
    """One page of what ``supporter`` recorded, newest first."""
    stmt = select(SupportAction).where(SupportAction.supporter_id == supporter.id)
    return paginate(session, stmt.order_by(SupportAction.id.desc()), page, per_page)


def received_query(member: Member) -> Select[Any]:
    """Support ``member`` received: given to them, or to a core they lead or work in."""
    core_ids = cores_of_member_query(member).with_only_columns(Core.id).order_by(None)
    condition = or_(
        SupportAction.beneficiary_member_id == member.id, SupportAction.beneficiary_core_id.in_(core_ids)
    )
    return select(SupportAction).where(condition).order_by(SupportAction.id.desc())


def actions_received(
    session: Session, member: Member, page: int = 1, per_page: int = 20
) -> Page[SupportAction]:
    """One page of the support ``member`` received, newest first."""
    return paginate(session, received_query(member), page, per_page)

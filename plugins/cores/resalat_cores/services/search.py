"""Finding cores: the public search and its filters, a member's own cores, and counts.

Every list is a query for the SDK's ``paginate``, filtered in the database, so a page of cores
is one query however many there are.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, false, func, or_, select
from sqlalchemy.orm import Session

from resalat_core.sdk import (
    BadInput,
    Member,
    NotFound,
    Region,
    _,
    get_region,
    ids_under,
    normalize_text,
    search_key,
    to_latin_digits,
)
from resalat_cores.models import ACTIVE, STATUSES, Core, CoreMember, Field
from resalat_cores.services.registry import get_field, is_blank, unknown_status

SEARCH_MAX = 100
_CORE_CODE_RE = re.compile(r"^[A-Z]{3}-[A-Z][A-Z0-9_]*-[0-9]{6,}$")


def provinces_and_places(session: Session) -> list[tuple[Region, list[Region]]]:
    """Every province with its places, by code: what the place pickers offer."""
    rows = list(session.scalars(select(Region).order_by(Region.code)))
    under: dict[int, list[Region]] = {}
    for region in rows:
        if region.parent_id is not None:
            under.setdefault(region.parent_id, []).append(region)
    return [(r, under.get(r.id, [])) for r in rows if r.parent_id is None]


def region_with_places(session: Session, region: Region) -> list[int]:
    """``region``'s id and, for a province, the ids of every place under it."""
    return ids_under(session, [region])


def search_filters(
    session: Session,
    *,
    field: str | None = None,
    region: str | None = None,
    status: str | None = None,
    q: str | None = None,
) -> dict[str, Any]:
    """Search filters as typed (codes) turned into ``cores_query`` arguments; BadInput names every
    unknown one, so a mistyped filter is never silently an empty list."""
    errors: dict[str, str] = {}
    out: dict[str, Any] = {"field": None, "region_ids": None, "status": None, "region": None, "q": None}
    if not is_blank(q):
        out["q"] = normalize_text(q)
        if len(out["q"]) > SEARCH_MAX:
            errors["q"] = _("At most %(max)d characters.", max=SEARCH_MAX)
    if not is_blank(field):
        try:
            out["field"] = get_field(session, field).code  # type: ignore[arg-type]
        except NotFound:
            errors["field"] = _("Choose a field of work from the list.")
    if not is_blank(region):
        try:
            place = get_region(session, region.strip())  # type: ignore[union-attr]
            out["region"] = place
            out["region_ids"] = region_with_places(session, place)
        except (NotFound, BadInput):
            errors["region"] = _("Choose a place from the list.")
    if not is_blank(status):
        if status not in STATUSES:
            errors["status"] = unknown_status()
        else:
            out["status"] = status
    if errors:
        raise BadInput(_("Please correct the marked fields."), fields=errors)
    return out


def cores_query(
    *,
    region_ids: list[int] | None = None,
    field: str | None = None,
    status: str | None = None,
    q: str | None = None,
) -> Select[tuple[Core]]:
    """Cores, newest first, for the SDK's ``paginate``.

    ``region_ids`` None means everywhere (an empty list: nowhere); ``field`` is a field code;
    ``q`` matches the name (search_key, so spelling variants meet) or the exact core ID.
    """
    stmt = select(Core)
    if region_ids is not None:
        stmt = stmt.where(Core.region_id.in_(region_ids)) if region_ids else stmt.where(false())
    if field:
        stmt = stmt.where(Core.field_id == select(Field.id).where(Field.code == field).scalar_subquery())
    if status:
        if status not in STATUSES:
            message = unknown_status()
            raise BadInput(message, fields={"status": message})
        stmt = stmt.where(Core.status == status)
    key = search_key(q)
    if key:
        code = to_latin_digits(q or "").strip().upper()
        matches = Core.name_search.contains(key, autoescape=True)
        stmt = stmt.where(or_(matches, Core.code == code) if _CORE_CODE_RE.match(code) else matches)
    return stmt.order_by(Core.id.desc())


def cores_of_member_query(member: Member) -> Select[tuple[Core]]:
    """Cores ``member`` leads or works in, newest first."""
    works_in = select(CoreMember.core_id).where(CoreMember.member_id == member.id)
    return (
        select(Core).where(or_(Core.leader_id == member.id, Core.id.in_(works_in))).order_by(Core.id.desc())
    )


def cores_of_member(session: Session, member: Member) -> list[Core]:
    """Cores ``member`` leads or works in (as a listed core member), newest first."""
    return list(session.scalars(cores_of_member_query(member)).unique())


def cores_led_by(session: Session, member: Member) -> list[Core]:
    """Cores ``member`` leads, oldest first."""
    return list(session.scalars(select(Core).where(Core.leader_id == member.id).order_by(Core.id)).unique())


def count_cores(session: Session, status: str | None = ACTIVE, area: list[int] | None = None) -> int:
    """How many cores there are of this status (all of them with None), within ``area`` (region
    ids; None: nationwide)."""
    stmt = select(func.count(Core.id))
    if status is not None:
        stmt = stmt.where(Core.status == status)
    if area is not None:
        stmt = stmt.where(Core.region_id.in_(area)) if area else stmt.where(false())
    return session.scalar(stmt) or 0


def cores_by_status(session: Session, area: list[int] | None = None) -> dict[str, int]:
    """How many cores there are of each status within ``area`` (None: nationwide), in one query."""
    stmt = select(Core.status, func.count(Core.id)).group_by(Core.status)
    if area is not None:
        stmt = stmt.where(Core.region_id.in_(area)) if area else stmt.where(false())
    found = {status: int(n) for status, n in session.execute(stmt)}
    return {status: found.get(status, 0) for status in STATUSES}


def active_by_field(session: Session, area: list[int] | None = None) -> list[tuple[Field, int, int]]:
    """(field, active cores, people working in them) for each field with an active core within
    ``area`` (None: nationwide), by field code, in one query whatever the number of cores."""
    people = (
        select(CoreMember.core_id, func.count(CoreMember.id).label("n"))
        .group_by(CoreMember.core_id)
        .subquery()
    )
    stmt = (
        select(Field, func.count(Core.id), func.coalesce(func.sum(people.c.n), 0))
        .join(Core, Core.field_id == Field.id)
        .outerjoin(people, people.c.core_id == Core.id)
        .where(Core.status == ACTIVE)
        .group_by(Field.id)
        .order_by(Field.code)
    )
    if area is not None:
        stmt = stmt.where(Core.region_id.in_(area)) if area else stmt.where(false())
    return [(field, int(cores), int(members)) for field, cores, members in session.execute(stmt)]


def active_cores_led(session: Session, member: Member) -> int:
    """How many active cores (with a core ID) ``member`` leads: what Merat weighs."""
    stmt = select(func.count(Core.id)).where(Core.leader_id == member.id, Core.status == ACTIVE)
    return session.scalar(stmt) or 0


def active_cores_led_by_member(session: Session, member_ids: Sequence[int]) -> dict[int, int]:
    """``active_cores_led`` of many members by id, in one query (members leading none left out)."""
    rows = session.execute(
        select(Core.leader_id, func.count(Core.id))
        .where(Core.leader_id.in_(list(member_ids)), Core.status == ACTIVE)
        .group_by(Core.leader_id)
    )
    return {member_id: int(n) for member_id, n in rows}

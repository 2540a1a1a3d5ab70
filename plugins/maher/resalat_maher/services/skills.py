"""Skills members list, finding a coach among them, and the experts Rasan's "ask me" reaches."""

from __future__ import annotations

from typing import Any

from resalat_cores import services as cores
from sqlalchemy import Select, case, false, func, or_, select
from sqlalchemy.orm import Session, joinedload

from resalat_core.sdk import (
    BadInput,
    Member,
    NotFound,
    Region,
    _,
    _l,
    get_region,
    normalize_text,
    search_key,
)
from resalat_maher.models import DESCRIPTION_MAX, LEVELS, MODES, NAME_MAX, YEARS_MAX, Skill

# At most this many skills per member: a profile, not a CV.
SKILLS_MAX = 20

LEVEL_LABELS = {
    "beginner": _l("Beginner"),
    "skilled": _l("Skilled"),
    "master": _l("Master"),
}
MODE_LABELS = {
    "in_person": _l("In person"),
    "online": _l("Online"),
    "both": _l("In person or online"),
}


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def checked_text(value: Any, field: str, errors: dict[str, str], *, limit: int, required: bool) -> str:
    """``value`` normalised; an error under ``field`` when required and blank or too long."""
    text = normalize_text(value if isinstance(value, str) else "")
    if required and not text:
        errors[field] = _("Fill this in.")
    elif len(text) > limit:
        errors[field] = _("At most %(max)d characters.", max=limit)
    return text


def checked_choice(value: Any, choices: tuple[str, ...], field: str, errors: dict[str, str]) -> str:
    if value not in choices:
        errors[field] = _("Choose one from the list.")
        return choices[0]
    return str(value)


def checked_field(session: Session, value: Any, errors: dict[str, str], name: str = "field") -> Any:
    try:
        return cores.get_field(session, value) if not is_blank(value) else None
    except NotFound:
        pass
    errors[name] = _("Choose a field of work from the list.")
    return None


def save_skill(
    session: Session,
    member: Member,
    *,
    name: Any,
    field: Any,
    level: Any,
    years: int,
    description: Any = "",
    mentoring: bool = False,
    mode: Any = "in_person",
    region: Any = None,
    skill: Skill | None = None,
) -> Skill:
    """Add a skill to ``member``'s list (or change ``skill``, theirs); every bad field at once."""
    errors: dict[str, str] = {}
    clean_name = checked_text(name, "name", errors, limit=NAME_MAX, required=True)
    found_field = checked_field(session, field, errors)
    clean_level = checked_choice(level, LEVELS, "level", errors)
    if not isinstance(years, int) or isinstance(years, bool) or not 0 <= years <= YEARS_MAX:
        errors["years"] = _("A whole number from 0 to %(max)d.", max=YEARS_MAX)
    clean_description = checked_text(
        description, "description", errors, limit=DESCRIPTION_MAX, required=False
    )
    clean_mode = checked_choice(mode or "in_person", MODES, "mode", errors)
    place: Region = member.region
    if not is_blank(region):
        try:
            place = get_region(session, str(region).strip())
        except (NotFound, BadInput):
            errors["region"] = _("Choose a place from the list.")
    if skill is None:
        count = session.scalar(select(func.count(Skill.id)).where(Skill.member_id == member.id)) or 0
        if count >= SKILLS_MAX:
            errors["name"] = _("At most %(max)d skills: remove one first.", max=SKILLS_MAX)
    elif skill.member_id != member.id:
        raise NotFound(_("No such skill among yours."), code="unknown_skill")
    if errors:
        raise BadInput(_("Please correct the marked fields."), fields=errors)
    if skill is None:
        skill = Skill(member_id=member.id)
        session.add(skill)
    skill.name = clean_name
    skill.name_search = search_key(clean_name)[:NAME_MAX]
    skill.field = found_field
    skill.level = clean_level
    skill.years = years
    skill.description = clean_description
    skill.mentoring = bool(mentoring)
    skill.mode = clean_mode
    skill.region = place
    session.flush()
    return skill


def my_skill(session: Session, member: Member, skill_id: int) -> Skill:
    skill = session.get(Skill, skill_id)
    if skill is None or skill.member_id != member.id:
        raise NotFound(_("No such skill among yours."), code="unknown_skill")
    return skill


def get_skill(session: Session, skill_id: int) -> Skill:
    skill = session.get(Skill, skill_id)
    if skill is None:
        raise NotFound(_("No such skill."), code="unknown_skill")
    return skill


def delete_skill(session: Session, member: Member, skill_id: int) -> None:
    session.delete(my_skill(session, member, skill_id))
    session.flush()


# A skill's place is shown with its province ("Gorg Tappeh, Zanjan"): loaded with the skill, since
# a place already read as another's parent has no parent of its own loaded, and would ask once each.
WITH_PLACE = joinedload(Skill.region).joinedload(Region.parent)


def skills_of_query(member_id: int) -> Select[tuple[Skill]]:
    return select(Skill).options(WITH_PLACE).where(Skill.member_id == member_id).order_by(Skill.id)


def skills_of(session: Session, member_id: int) -> list[Skill]:
    return list(session.scalars(skills_of_query(member_id)).unique())


def coach_filters(
    session: Session, *, field: Any = None, region: Any = None, q: Any = None
) -> dict[str, Any]:
    """The search as typed (codes, words) checked with the cores' filters: BadInput names each bad one."""
    return cores.search_filters(
        session,
        field=field if isinstance(field, str) else None,
        region=region if isinstance(region, str) else None,
        q=q if isinstance(q, str) else None,
    )


def coaches_query(
    *,
    field: str | None = None,
    region_ids: list[int] | None = None,
    q: str | None = None,
    mentoring_only: bool = False,
) -> Select[tuple[Skill]]:
    """Skills (with their member) matching the search: mentors first, then masters, newest first.

    ``q`` matches the skill's name by ``search_key``, so «کاربافی» finds «كاربافي»; ``region_ids``
    None means everywhere (a province's id brings the places under it, see ``coach_filters``).
    """
    stmt = select(Skill).options(WITH_PLACE)
    if field:
        stmt = stmt.where(
            Skill.field_id == select(cores.Field.id).where(cores.Field.code == field).scalar_subquery()
        )
    if region_ids is not None:
        stmt = stmt.where(Skill.region_id.in_(region_ids)) if region_ids else stmt.where(false())
    key = search_key(q)
    if key:
        stmt = stmt.where(Skill.name_search.contains(key, autoescape=True))
    if mentoring_only:
        stmt = stmt.where(Skill.mentoring.is_(True))
    level_rank = case({"master": 0, "skilled": 1}, value=Skill.level, else_=2)
    return stmt.order_by(Skill.mentoring.desc(), level_rank, Skill.id.desc())


def skill_title(skill: Skill) -> str:
    """The skill and its level in the reader's language: «کاربافی (استاد)», "کاربافی (Master)"."""
    return _("%(skill)s (%(level)s)", skill=skill.name, level=LEVEL_LABELS.get(skill.level, skill.level))


def experts(
    session: Session, field: str | None, words: str | None, region_id: int | None, limit: int
) -> list[dict[str, Any]]:
    """Members who list a skill in ``field`` (a field code) or whose skill's name holds ``words``:
    the same place first, then the places of the same province, then elsewhere; one row per member.
    """
    limit = max(0, min(int(limit or 0), 100))
    if limit == 0:
        return []
    matches = []
    if field:
        matches.append(
            Skill.field_id == select(cores.Field.id).where(cores.Field.code == field).scalar_subquery()
        )
    for word in search_key(words).split():
        if len(word) > 1:
            matches.append(Skill.name_search.contains(word, autoescape=True))
    if not matches:
        return []
    stmt = select(Skill).where(or_(*matches))
    if region_id is not None:
        place = session.get(Region, region_id)
        province = place.province_id if place is not None else region_id
        in_province = select(Region.id).where(or_(Region.id == province, Region.parent_id == province))
        nearness = case(
            (Skill.region_id == region_id, 0),
            (Skill.region_id.in_(in_province), 1),
            else_=2,
        )
        stmt = stmt.order_by(nearness, Skill.mentoring.desc(), Skill.id)
    else:
        stmt = stmt.order_by(Skill.mentoring.desc(), Skill.id)
    found: list[dict[str, Any]] = []
    seen: set[int] = set()
    # Several skills of one member may match: read a few more rows than wanted, keep one a member.
    for skill in session.scalars(stmt.limit(limit * 4)).unique():
        if skill.member_id in seen:
            continue
        seen.add(skill.member_id)
        found.append({"member_id": skill.member_id, "title": skill_title(skill)})
        if len(found) >= limit:
            break
    return found

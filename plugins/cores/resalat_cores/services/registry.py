"""The registry of cores: fields of work, registering a core with its family, and finding one by id.

A core is registered as a candidate, with its leader and family as its people; a reviewer of its
place approves it later (``review``). Nothing here commits: the caller's transaction decides.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from resalat_core.sdk import (
    BadInput,
    Digits,
    Member,
    NotAllowed,
    NotFound,
    Region,
    _,
    _l,
    get_region,
    join_words,
    normalize_mobile,
    normalize_national_code,
    normalize_person_name,
    normalize_text,
    notify,
    search_key,
    to_latin_digits,
    utcnow,
)
from resalat_cores.messages import CORE_REGISTERED
from resalat_cores.models import (
    ACTIVE,
    CANDIDATE,
    DESCRIPTION_MAX,
    FIELD_CODE_MAX,
    FIELD_NAME_MAX,
    LEADER,
    NAME_MAX,
    RELATIONS,
    STATUSES,
    SUSPENDED,
    Core,
    CoreMember,
    CoreStatusChange,
    Field,
)
from resalat_cores.services.access import is_person, may_manage, may_review

_FIELD_CODE_RE = re.compile(rf"^[a-z][a-z0-9_]{{1,{FIELD_CODE_MAX - 1}}}$")

# The fields the brochure names (DOMAIN.md); more are added with `resalat cores add-field`.
# A field's names are data (each field is named by the administrator who adds it, in Persian and
# English), so the brochure's are seeded with both names like any other.
DEFAULT_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("saffron", "زعفران", "Saffron"),
    ("hand_weaving", "کاربافی (بافت دستی)", "Hand weaving (karbafi)"),
    ("clothing", "پوشاک", "Clothing"),
    ("livestock", "دام سبک", "Light livestock"),
    ("beekeeping", "زنبورداری", "Beekeeping"),
    ("handicrafts", "صنایع دستی", "Handicrafts"),
    ("food", "مواد غذایی", "Food"),
    ("solar", "انرژی خورشیدی", "Solar energy"),
)

STATUS_LABELS = {
    CANDIDATE: _l("Candidate"),
    ACTIVE: _l("Active"),
    SUSPENDED: _l("Suspended"),
}
RELATION_LABELS = {
    "leader": _l("Leader"),
    "spouse": _l("Spouse"),
    "child": _l("Child"),
    "parent": _l("Parent"),
    "sibling": _l("Brother or sister"),
    "relative": _l("Relative"),
    "other": _l("Other"),
}


def unknown_status() -> str:
    """The error for a status that is none of a core's: it names the statuses there are."""
    return _("Choose one of: %(statuses)s.", statuses=join_words(STATUS_LABELS[s] for s in STATUSES))


# What a family row may say: the leader's own row is added by the registration itself.
FAMILY_RELATIONS = tuple(r for r in RELATIONS if r != LEADER)


def ensure_default_fields(session: Session) -> int:
    """Add the brochure's fields that are missing (by code); returns how many were added.

    Fields are seeded on demand rather than by the migration, so that one list (``DEFAULT_FIELDS``)
    is the source, and an emptied database (tests, a reset) fills itself again.
    """
    have = set(session.scalars(select(Field.code)))
    missing = [row for row in DEFAULT_FIELDS if row[0] not in have]
    if not missing:
        return 0
    try:
        with session.begin_nested():
            session.add_all(Field(code=c, name_fa=fa, name_en=en) for c, fa, en in missing)
    except IntegrityError:
        # Another request seeded them between our read and our write: theirs are as good.
        return 0
    return len(missing)


def fields(session: Session) -> list[Field]:
    """Every field of work, the brochure's first, in the order they were added."""
    rows = list(session.scalars(select(Field).order_by(Field.id)))
    if not {code for code, _fa, _en in DEFAULT_FIELDS} <= {f.code for f in rows}:
        ensure_default_fields(session)
        rows = list(session.scalars(select(Field).order_by(Field.id)))
    return rows


def get_field(session: Session, code: str) -> Field:
    """The field with this code (any case, spaces trimmed); NotFound otherwise."""
    clean = to_latin_digits(code).strip().lower() if isinstance(code, str) else ""
    found = session.scalar(select(Field).where(Field.code == clean)) if clean else None
    if found is None and clean in {c for c, _fa, _en in DEFAULT_FIELDS}:
        ensure_default_fields(session)
        found = session.scalar(select(Field).where(Field.code == clean))
    if found is None:
        raise NotFound(_("No field of work has the code %(code)s.", code=code), code="unknown_field")
    return found


def add_field(session: Session, code: str, name_fa: str, name_en: str) -> Field:
    """Add a field of work; BadInput names every bad value (nothing is stored then)."""
    errors: dict[str, str] = {}
    clean_code = code.strip().lower() if isinstance(code, str) else ""
    if not _FIELD_CODE_RE.match(clean_code):
        errors["code"] = _(
            "Use 2 to %(max)d lower-case English letters, digits or _, starting with a letter.",
            max=FIELD_CODE_MAX,
        )
    names = {}
    for key, value in (("name_fa", name_fa), ("name_en", name_en)):
        text = normalize_text(value) if isinstance(value, str) else ""
        if not 2 <= len(text) <= FIELD_NAME_MAX:
            errors[key] = _("Give a name of 2 to %(max)d characters.", max=FIELD_NAME_MAX)
        names[key] = text
    if "code" not in errors:
        ensure_default_fields(session)
        if session.scalar(select(Field.id).where(Field.code == clean_code)) is not None:
            errors["code"] = _("A field with this code already exists.")
    if errors:
        raise BadInput(_("Please correct the marked fields."), fields=errors)
    field = Field(code=clean_code, **names)
    try:
        with session.begin_nested():
            session.add(field)
    except IntegrityError:
        message = _("A field with this code already exists.")
        raise BadInput(message, fields={"code": message}) from None
    return field


# --- registering -------------------------------------------------------------------------------


def _paragraphs(text: Any) -> str:
    # normalize_text folds every space, newlines included; a description keeps its line breaks.
    if not isinstance(text, str):
        return ""
    lines = [normalize_text(line) for line in text.replace("\r\n", "\n").split("\n")]
    return "\n".join(lines).strip("\n")


def _core_name(value: Any, errors: dict[str, str]) -> str:
    name = normalize_text(value) if isinstance(value, str) else ""
    if not name:
        errors["name"] = _("Give the core a name.")
    elif not 2 <= len(name) <= NAME_MAX:
        errors["name"] = _("A core's name is 2 to %(max)d characters long.", max=NAME_MAX)
    return name


def _region_or_error(session: Session, region: Any, errors: dict[str, str]) -> Region | None:
    if isinstance(region, Region):
        return region
    try:
        if region in (None, ""):
            raise NotFound("")
        return get_region(session, region)
    except (NotFound, BadInput):
        errors["region"] = _("Choose the core's place from the list.")
        return None


def _field_or_error(session: Session, field: Any, errors: dict[str, str]) -> Field | None:
    if isinstance(field, Field):
        return field
    try:
        return get_field(session, field)
    except NotFound:
        errors["field"] = _("Choose a field of work from the list.")
        return None


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def checked_person(
    data: Mapping[str, Any], errors: dict[str, str], prefix: str = ""
) -> dict[str, Any] | None:
    """A core member's name, national code, relation and mobile, checked; errors under ``prefix``."""
    row: dict[str, Any] = {}
    bad = False
    checks = (
        ("name", normalize_person_name),
        ("national_code", normalize_national_code),
    )
    for key, check in checks:
        try:
            row[key] = check(data.get(key) or "", field=key)
        except BadInput as exc:
            errors[prefix + key] = str(exc.message)
            bad = True
    mobile = data.get("mobile")
    row["mobile"] = None
    if not is_blank(mobile):
        try:
            row["mobile"] = normalize_mobile(mobile, field="mobile")
        except BadInput as exc:
            errors[prefix + "mobile"] = str(exc.message)
            bad = True
    relation = (data.get("relation") or "").strip() if isinstance(data.get("relation"), str) else ""
    if relation not in FAMILY_RELATIONS:
        errors[prefix + "relation"] = _("Choose how this person is related to the leader.")
        bad = True
    row["relation"] = relation
    return None if bad else row


def _family(
    family: Sequence[Mapping[str, Any]], leader: Member | None, errors: dict[str, str]
) -> list[dict[str, Any]]:
    """The family rows, checked; a row left wholly blank (an unused line of a form) is skipped."""
    rows: list[dict[str, Any]] = []
    seen: set[str] = {leader.national_code} if leader is not None else set()
    if not isinstance(family, Sequence) or isinstance(family, str):
        errors["family"] = _("List the family members as a list.")
        return rows
    for i, item in enumerate(family):
        prefix = f"family.{i}."
        if not isinstance(item, Mapping):
            errors[f"family.{i}"] = _("Each family member needs a name, national code and relation.")
            continue
        if all(is_blank(item.get(k)) for k in ("name", "national_code", "mobile")):
            continue
        row = checked_person(item, errors, prefix)
        if row is None:
            continue
        if leader is not None and row["national_code"] == leader.national_code:
            errors[prefix + "national_code"] = _(
                "This is the leader's national code; the leader is added anyway."
            )
        elif row["national_code"] in seen:
            errors[prefix + "national_code"] = _("This national code is already listed.")
        else:
            seen.add(row["national_code"])
            rows.append(row)
    return rows


def member_ids_by_code(session: Session, codes: Iterable[str]) -> dict[str, int]:
    wanted = list(set(codes))
    if not wanted:
        return {}
    return dict(
        session.execute(select(Member.national_code, Member.id).where(Member.national_code.in_(wanted))).all()
    )


@dataclass
class _Registration:
    """A registration once every value is checked: what ``register_core`` stores."""

    leader: Member
    actor: Member
    name: str
    field: Field
    place: Region
    existed_before: bool
    description: str
    family: list[dict[str, Any]]


def _checked_registration(
    session: Session,
    *,
    leader: Any,
    name: Any,
    field: Any,
    region: Any,
    existed_before: Any,
    description: Any,
    family: Sequence[Mapping[str, Any]],
    actor: Member | None,
) -> _Registration:
    """Every value of a registration checked at once: BadInput names each bad one."""
    errors: dict[str, str] = {}
    place = _region_or_error(session, region, errors)
    if not isinstance(leader, Member) or not leader.is_active:
        errors["leader"] = _("The leader must be an active member of M-Resalat.")
        leader = None
    actor = actor if actor is not None else leader
    if place is not None and leader is not None and actor.id != leader.id and not may_review(actor, place):
        raise NotAllowed(_("Only a guide of the core's area may register a core for someone else."))
    clean_name = _core_name(name, errors)
    chosen = _field_or_error(session, field, errors)
    if not isinstance(existed_before, bool):
        errors["existed_before"] = _("Say whether the business was already working.")
    text = _paragraphs(description)
    if len(text) > DESCRIPTION_MAX:
        errors["description"] = _("At most %(max)d characters.", max=DESCRIPTION_MAX)
    rows = _family(family, leader, errors)
    if "name" not in errors and leader is not None:
        twin = select(Core.id).where(Core.leader_id == leader.id, Core.name_search == search_key(clean_name))
        if session.scalar(twin) is not None:
            errors["name"] = _("This leader already has a core with this name.")
    if errors:
        raise BadInput(_("Please correct the marked fields."), fields=errors)
    assert leader is not None and actor is not None and place is not None and chosen is not None
    return _Registration(leader, actor, clean_name, chosen, place, existed_before, text, rows)


def register_core(
    session: Session,
    *,
    leader: Member,
    name: str,
    field: str | Field,
    region: Region | str | int,
    existed_before: bool,
    description: str = "",
    family: Sequence[Mapping[str, Any]] = (),
    actor: Member | None = None,
) -> Core:
    """Register a core as a candidate, with its leader and family as its members.

    ``field`` is a field code and ``region`` the core's place (a Region, or its code or id).
    ``family`` items are ``{"name", "national_code", "relation", "mobile" (optional)}``; family
    members who are already M-Resalat members are linked to their accounts. Every problem is
    reported at once as BadInput fields (``family.<i>.<key>`` for the family rows), and nothing is
    stored. ``actor`` (default: the leader) registering for someone else must be a reviewer of
    the core's place (a guide or an admin there), else NotAllowed.
    """
    checked = _checked_registration(
        session,
        leader=leader,
        name=name,
        field=field,
        region=region,
        existed_before=existed_before,
        description=description,
        family=family,
        actor=actor,
    )
    core = Core(
        name=checked.name,
        name_search=search_key(checked.name),
        leader=checked.leader,
        field=checked.field,
        region=checked.place,
        existed_before=checked.existed_before,
        status=CANDIDATE,
        description=checked.description,
        created_at=utcnow(),
    )
    session.add(core)
    session.flush()
    _add_people(session, core, checked.leader, checked.family)
    session.add(
        CoreStatusChange(core_id=core.id, from_status=None, to_status=CANDIDATE, actor_id=checked.actor.id)
    )
    session.flush()
    session.expire(core, ["members_count", "members", "history"])
    if checked.actor.id != checked.leader.id:
        notify(checked.leader, CORE_REGISTERED(url=f"/cores/{core.id}", core=core.name))
    return core


def _add_people(session: Session, core: Core, leader: Member, family: list[dict[str, Any]]) -> None:
    """The leader's own row, then the family's, each linked to an account where one exists."""
    linked = member_ids_by_code(session, (r["national_code"] for r in family))
    session.add(
        CoreMember(
            core_id=core.id,
            member_id=leader.id,
            name=leader.name,
            national_code=leader.national_code,
            mobile=leader.mobile,
            relation=LEADER,
        )
    )
    for row in family:
        session.add(CoreMember(core_id=core.id, member_id=linked.get(row["national_code"]), **row))


# --- finding a core ----------------------------------------------------------------------------


def get_core(session: Session, core_id: int) -> Core:
    """The core with this id; NotFound otherwise."""
    core = session.get(Core, core_id) if isinstance(core_id, int) and 0 < core_id < 2**31 else None
    if core is None:
        raise NotFound(_("No such core."), code="unknown_core")
    return core


def get_core_by_code(session: Session, code: str) -> Core:
    """The core with this core ID (any case, Persian digits and stray spaces accepted)."""
    clean = to_latin_digits(code).strip().upper() if isinstance(code, str) else ""
    core = session.scalar(select(Core).where(Core.code == clean)) if clean else None
    if core is None:
        raise NotFound(_("No core has the core ID %(code)s.", code=Digits(code)), code="unknown_core")
    return core


def visible_core(session: Session, viewer: Any, core_id: int) -> Core:
    """A core as ``viewer`` may see it: approved cores are public; a candidate is seen only by
    its leader, its members and reviewers of its place (NotFound for everyone else)."""
    core = get_core(session, core_id)
    if core.code is not None or may_manage(viewer, core):
        return core
    if is_person(viewer):
        mine = select(CoreMember.id).where(CoreMember.core_id == core.id, CoreMember.member_id == viewer.id)
        if session.scalar(mine) is not None:
            return core
    raise NotFound(_("No such core."), code="unknown_core")

"""Core rules: registering, approving (the core ID), suspending, members and search. No Flask here.

Pages, the API, the CLI and the plugins that build on cores (guides, leaders, supporters, centers)
all call these, so every rule lives once. Nothing here commits: the caller's transaction decides.

The core ID (شناسه هسته) is ``<province>-<FIELD>-<serial>``, e.g. ``ZNJ-LIVESTOCK-000012``: the
province's three-letter abbreviation (``PROVINCE_ABBREVIATIONS``), the field's code in capitals and
a six-digit serial counted per province and field. It is issued once, at approval, and never
changes (a suspended core keeps it). Two approvals at the same moment may reach for the same
serial; the unique constraint on ``cores.code`` refuses the second, which takes the next one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Select, false, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from resalat_core.sdk import (
    BadInput,
    Conflict,
    Member,
    Message,
    NotAllowed,
    NotFound,
    Region,
    _,
    _l,
    area_of,
    get_region,
    grant_role,
    has_role,
    normalize_mobile,
    normalize_national_code,
    normalize_person_name,
    normalize_text,
    notify,
    search_key,
    to_latin_digits,
    utcnow,
)
from resalat_cores.models import (
    ACTIVE,
    CANDIDATE,
    DESCRIPTION_MAX,
    FIELD_CODE_MAX,
    FIELD_NAME_MAX,
    LEADER,
    NAME_MAX,
    REASON_MAX,
    RELATIONS,
    STATUSES,
    SUSPENDED,
    Core,
    CoreMember,
    CoreStatusChange,
    Field,
)

__all__ = [
    "ACTIVE",
    "CANDIDATE",
    "DEFAULT_FIELDS",
    "PROVINCE_ABBREVIATIONS",
    "RELATIONS",
    "RELATION_LABELS",
    "REVIEWERS",
    "STATUS_LABELS",
    "STATUSES",
    "SUSPENDED",
    "Core",
    "CoreMember",
    "CoreStatusChange",
    "Field",
    "add_core_member",
    "add_field",
    "approve_core",
    "core_id_prefix",
    "core_members",
    "core_members_query",
    "cores_led_by",
    "cores_of_member",
    "cores_of_member_query",
    "cores_query",
    "count_cores",
    "ensure_default_fields",
    "fields",
    "get_core",
    "get_core_by_code",
    "get_field",
    "province_abbreviation",
    "provinces_and_places",
    "link_joined_member",
    "may_manage",
    "may_review",
    "queue_query",
    "reactivation_status",
    "region_with_places",
    "register_core",
    "remove_core_member",
    "search_filters",
    "set_status",
    "visible_core",
]

# The roles that review cores: a guide (رهیار) of the core's area, or an administrator there.
REVIEWERS = ("guide", "admin")
# How many serials an approval tries before it gives up (only concurrent approvals make it retry).
CODE_ATTEMPTS = 8
SERIAL_DIGITS = 6
SEARCH_MAX = 100
_FIELD_CODE_RE = re.compile(rf"^[a-z][a-z0-9_]{{1,{FIELD_CODE_MAX - 1}}}$")
_CORE_CODE_RE = re.compile(r"^[A-Z]{3}-[A-Z][A-Z0-9_]*-[0-9]{6,}$")

# The fields the brochure names (DOMAIN.md); more are added with `resalat cores add-field`.
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

# The first part of a core ID: one three-letter abbreviation per province (region code).
PROVINCE_ABBREVIATIONS: dict[str, str] = {
    "azerbaijan-east": "EAZ",
    "azerbaijan-west": "WAZ",
    "ardabil": "ARD",
    "isfahan": "ISF",
    "alborz": "ALB",
    "ilam": "ILM",
    "bushehr": "BSH",
    "tehran": "THR",
    "chaharmahal-bakhtiari": "CHB",
    "khorasan-south": "SKH",
    "khorasan-razavi": "RKH",
    "khorasan-north": "NKH",
    "khuzestan": "KHZ",
    "zanjan": "ZNJ",
    "semnan": "SMN",
    "sistan-baluchestan": "SBL",
    "fars": "FRS",
    "qazvin": "QZV",
    "qom": "QOM",
    "kurdistan": "KRD",
    "kerman": "KRM",
    "kermanshah": "KSH",
    "kohgiluyeh-boyer-ahmad": "KBA",
    "golestan": "GLS",
    "gilan": "GIL",
    "lorestan": "LRS",
    "mazandaran": "MZN",
    "markazi": "MRK",
    "hormozgan": "HRM",
    "hamadan": "HMD",
    "yazd": "YZD",
}

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
# What a family row may say: the leader's own row is added by the registration itself.
FAMILY_RELATIONS = tuple(r for r in RELATIONS if r != LEADER)


# --- who may do what ---------------------------------------------------------------------------


def _is_person(member: Any) -> bool:
    return member is not None and not getattr(member, "is_anonymous", True) and member.is_active


def may_review(member: Any, region: Region) -> bool:
    """May ``member`` approve, suspend and register cores in ``region``? A guide or admin there."""
    return _is_person(member) and any(has_role(member, role, region) for role in REVIEWERS)


def may_manage(member: Any, core: Core) -> bool:
    """May ``member`` change the core's members? Its leader, or a reviewer of its place."""
    return _is_person(member) and (core.leader_id == member.id or may_review(member, core.region))


def _require_reviewer(actor: Any, core: Core) -> None:
    if not may_review(actor, core.region):
        raise NotAllowed(_("Only a guide of this core's area, or an administrator, may do this."))


def _require_manager(actor: Any, core: Core) -> None:
    if not may_manage(actor, core):
        raise NotAllowed(_("Only the core's leader, or a guide of its area, may change its members."))


# --- fields ------------------------------------------------------------------------------------


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


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _person(data: Mapping[str, Any], errors: dict[str, str], prefix: str = "") -> dict[str, Any] | None:
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
    if not _blank(mobile):
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
        if all(_blank(item.get(k)) for k in ("name", "national_code", "mobile")):
            continue
        row = _person(item, errors, prefix)
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


def _members_by_code(session: Session, codes: Iterable[str]) -> dict[str, int]:
    wanted = list(set(codes))
    if not wanted:
        return {}
    return dict(
        session.execute(select(Member.national_code, Member.id).where(Member.national_code.in_(wanted))).all()
    )


def register_core(
    session: Session,
    *,
    leader: Member,
    name: str,
    field: str,
    region: Region,
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
    stored. ``actor`` (default: the leader) registering for someone else must be a guide or an
    admin of the core's place, else NotAllowed.
    """
    errors: dict[str, str] = {}
    place = _region_or_error(session, region, errors)
    if not isinstance(leader, Member) or not leader.is_active:
        errors["leader"] = _("The leader must be an active member of M-Resalat.")
        leader = None  # type: ignore[assignment]
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

    core = Core(
        name=clean_name,
        name_search=search_key(clean_name),
        leader=leader,
        field=chosen,
        region=place,
        existed_before=existed_before,
        status=CANDIDATE,
        description=text,
        created_at=utcnow(),
    )
    session.add(core)
    session.flush()
    linked = _members_by_code(session, (r["national_code"] for r in rows))
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
    for row in rows:
        session.add(CoreMember(core_id=core.id, member_id=linked.get(row["national_code"]), **row))
    session.add(CoreStatusChange(core_id=core.id, from_status=None, to_status=CANDIDATE, actor_id=actor.id))
    session.flush()
    session.expire(core, ["members_count", "members", "history"])
    if actor.id != leader.id:
        notify(
            leader,
            Message(
                title_fa=f"هسته‌ی «{core.name}» به نام شما ثبت شد",
                title_en=f"The core “{core.name}” was registered in your name",
                body_fa="رهیار منطقه آن را ثبت کرد؛ پس از تأیید، شناسه‌ی هسته صادر می‌شود.",
                body_en="Your area's guide registered it; its core ID is issued once it is approved.",
                url=f"/cores/{core.id}",
                source="cores",
                kind="core.registered",
            ),
        )
    return core


# --- approving and the core ID -----------------------------------------------------------------


def province_abbreviation(region: Region) -> str:
    """The three letters a core ID starts with, for the province of ``region``."""
    province = region.parent if region.parent_id is not None else region
    known = PROVINCE_ABBREVIATIONS.get(province.code)
    if known:
        return known
    # A province added to the data later still gets a stable, readable prefix.
    return re.sub(r"[^A-Z]", "", province.code.upper())[:3].ljust(3, "X")


def core_id_prefix(core: Core) -> str:
    """``ZNJ-LIVESTOCK-``: what every core ID of the core's province and field starts with."""
    return f"{province_abbreviation(core.region)}-{core.field.code.upper()}-"


def _next_serial(session: Session, prefix: str) -> int:
    """One more than the highest serial issued under ``prefix`` (1 for the first)."""
    pattern = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    # Longest first, then highest: stays right even past six digits.
    last = session.scalar(
        select(Core.code)
        .where(Core.code.like(pattern, escape="\\"))
        .order_by(func.length(Core.code).desc(), Core.code.desc())
        .limit(1)
    )
    tail = (last or "")[len(prefix) :]
    return int(tail) + 1 if tail.isdigit() else 1


def approve_core(session: Session, core: Core, *, actor: Member) -> Core:
    """Approve a candidate core: issue its core ID, make it active, record who and when.

    Only a guide or admin of the core's place may (NotAllowed otherwise); a core that is not a
    candidate is a Conflict (approving twice, or a suspended core). The leader becomes a core
    leader (راهبر هسته) there and is told the core ID.
    """
    _require_reviewer(actor, core)
    if core.status != CANDIDATE:
        if core.code:
            raise Conflict(
                _("This core is already approved; its core ID is %(code)s.", code=core.code),
                code="already_approved",
            )
        raise Conflict(_("Only a candidate core can be approved; reactivate this one first."))
    prefix = core_id_prefix(core)
    approved_at = utcnow()
    for _attempt in range(CODE_ATTEMPTS):
        code = f"{prefix}{_next_serial(session, prefix):0{SERIAL_DIGITS}d}"
        try:
            with session.begin_nested():
                # Conditional: of two guides approving at once, the second finds no candidate.
                result = session.execute(
                    update(Core)
                    .where(Core.id == core.id, Core.status == CANDIDATE)
                    .values(code=code, status=ACTIVE, approved_at=approved_at, approved_by_id=actor.id)
                    .execution_options(synchronize_session=False)
                )
        except IntegrityError:
            continue  # a concurrent approval took this serial: count again and take the next
        if result.rowcount != 1:
            raise Conflict(_("Someone else changed this core a moment ago; reload and look again."))
        break
    else:
        raise Conflict(_("A core ID could not be issued just now; please try again."))
    session.refresh(core)
    session.add(
        CoreStatusChange(
            core_id=core.id, from_status=CANDIDATE, to_status=ACTIVE, actor_id=actor.id, at=approved_at
        )
    )
    grant_role(session, core.leader, "core_leader", region=core.region)
    session.flush()
    notify(
        core.leader,
        Message(
            title_fa=f"هسته‌ی «{core.name}» تأیید شد",
            title_en=f"The core “{core.name}” was approved",
            body_fa=f"شناسه‌ی هسته: {core.code}",
            body_en=f"Core ID: {core.code}",
            url=f"/cores/{core.id}",
            source="cores",
            kind="core.approved",
        ),
    )
    return core


# --- suspending and reactivating ---------------------------------------------------------------


def reactivation_status(core: Core) -> str:
    """What reactivating a suspended core makes it: active again with its core ID, or, if it was
    suspended before it was ever approved, a candidate in the queue once more."""
    return ACTIVE if core.code else CANDIDATE


def set_status(session: Session, core: Core, status: str, *, actor: Member, reason: str) -> Core:
    """Suspend a core or bring it back, with a reason, recorded in its history.

    Suspended from candidate or active; back to active only with a core ID (a never-approved
    core goes back to candidate, then is approved). A guide or admin of the core's place only.
    """
    _require_reviewer(actor, core)
    errors: dict[str, str] = {}
    if status not in STATUSES:
        errors["status"] = _("Choose one of: %(statuses)s.", statuses=", ".join(STATUSES))
    clean_reason = normalize_text(reason) if isinstance(reason, str) else ""
    if not clean_reason:
        errors["reason"] = _("Give the reason; the core's leader will read it.")
    elif len(clean_reason) > REASON_MAX:
        errors["reason"] = _("At most %(max)d characters.", max=REASON_MAX)
    if errors:
        raise BadInput(_("Please correct the marked fields."), fields=errors)
    old = core.status
    if status == old:
        raise Conflict(_("The core is already %(status)s.", status=str(STATUS_LABELS[status]).lower()))
    if status == ACTIVE and not core.code:
        raise Conflict(_("This core was never approved: approve it to make it active."))
    if status == CANDIDATE and (core.code or old != SUSPENDED):
        raise Conflict(_("Only a suspended core that was never approved goes back to the candidates."))
    result = session.execute(
        update(Core)
        .where(Core.id == core.id, Core.status == old)
        .values(status=status)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise Conflict(_("Someone else changed this core a moment ago; reload and look again."))
    session.refresh(core)
    session.add(
        CoreStatusChange(
            core_id=core.id, from_status=old, to_status=status, reason=clean_reason, actor_id=actor.id
        )
    )
    session.flush()
    session.expire(core, ["history"])
    suspended = status == SUSPENDED
    notify(
        core.leader,
        Message(
            title_fa=f"هسته‌ی «{core.name}» {'تعلیق شد' if suspended else 'دوباره فعال شد'}",
            title_en=f"The core “{core.name}” was {'suspended' if suspended else 'reactivated'}",
            body_fa=f"دلیل: {clean_reason}",
            body_en=f"Reason: {clean_reason}",
            url=f"/cores/{core.id}",
            source="cores",
            kind="core.suspended" if suspended else "core.reactivated",
        ),
    )
    return core


# --- members of a core -------------------------------------------------------------------------


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
    _require_manager(actor, core)
    errors: dict[str, str] = {}
    row = _person(
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
        else _members_by_code(session, [row["national_code"]]).get(row["national_code"])
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
    _require_manager(actor, core)
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


# --- finding cores -----------------------------------------------------------------------------


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
        raise NotFound(_("No core has the core ID %(code)s.", code=code), code="unknown_core")
    return core


def visible_core(session: Session, viewer: Any, core_id: int) -> Core:
    """A core as ``viewer`` may see it: approved cores are public; a candidate is seen only by
    its leader, its members and reviewers of its place (NotFound for everyone else)."""
    core = get_core(session, core_id)
    if core.code is not None or may_manage(viewer, core):
        return core
    if _is_person(viewer):
        mine = select(CoreMember.id).where(CoreMember.core_id == core.id, CoreMember.member_id == viewer.id)
        if session.scalar(mine) is not None:
            return core
    raise NotFound(_("No such core."), code="unknown_core")


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
    if region.parent_id is not None:
        return [region.id]
    return [region.id, *session.scalars(select(Region.id).where(Region.parent_id == region.id))]


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
    if not _blank(q):
        out["q"] = normalize_text(q)
        if len(out["q"]) > SEARCH_MAX:
            errors["q"] = _("At most %(max)d characters.", max=SEARCH_MAX)
    if not _blank(field):
        try:
            out["field"] = get_field(session, field).code  # type: ignore[arg-type]
        except NotFound:
            errors["field"] = _("Choose a field of work from the list.")
    if not _blank(region):
        try:
            place = get_region(session, region.strip())  # type: ignore[union-attr]
            out["region"] = place
            out["region_ids"] = region_with_places(session, place)
        except (NotFound, BadInput):
            errors["region"] = _("Choose a place from the list.")
    if not _blank(status):
        if status not in STATUSES:
            errors["status"] = _("Choose one of: %(statuses)s.", statuses=", ".join(STATUSES))
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
            message = _("Choose one of: %(statuses)s.", statuses=", ".join(STATUSES))
            raise BadInput(message, fields={"status": message})
        stmt = stmt.where(Core.status == status)
    key = search_key(q)
    if key:
        code = to_latin_digits(q or "").strip().upper()
        matches = Core.name_search.contains(key, autoescape=True)
        stmt = stmt.where(or_(matches, Core.code == code) if _CORE_CODE_RE.match(code) else matches)
    return stmt.order_by(Core.id.desc())


def queue_query(session: Session, reviewer: Member, *, status: str = CANDIDATE) -> Select[tuple[Core]]:
    """A reviewer's cores of this status (default: the candidates) in their area, newest first."""
    return cores_query(region_ids=area_of(session, reviewer, REVIEWERS), status=status)


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


def count_cores(session: Session, status: str | None = ACTIVE) -> int:
    """How many cores there are of this status (all of them with None)."""
    stmt = select(func.count(Core.id))
    if status is not None:
        stmt = stmt.where(Core.status == status)
    return session.scalar(stmt) or 0

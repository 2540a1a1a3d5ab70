"""Membership rules: registering, roles, permissions. No Flask here: pages, API and CLI call these."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from resalat_core.errors import BadInput, NotFound
from resalat_core.i18n import _
from resalat_core.identity import (
    normalize_mobile,
    normalize_national_code,
    normalize_persian_name,
)
from resalat_core.members.models import Member, RoleGrant
from resalat_core.members.passwords import hash_password, validate_new_password
from resalat_core.regions.models import Region
from resalat_core.regions.services import get_region, ids_under
from resalat_core.vocabulary import vocabulary

MIN_PASSWORD = 8


@dataclass
class Registration:
    national_code: str
    mobile: str
    name: str
    region: str | int
    password: str
    language: str = "fa"
    # The password typed again, where a person typed it (the sign-up page); None: not asked.
    confirm: str | None = None


def find_member(session: Session, identifier: str) -> Member | None:
    """The member whose mobile or national code this is (any digits, any spelling), or None."""
    try:
        mobile = normalize_mobile(identifier)
    except BadInput:
        mobile = None
    if mobile:
        return session.scalar(select(Member).where(Member.mobile == mobile))
    try:
        code = normalize_national_code(identifier)
    except BadInput:
        return None
    return session.scalar(select(Member).where(Member.national_code == code))


def get_member(session: Session, identifier: str | int) -> Member:
    member = (
        session.get(Member, identifier) if isinstance(identifier, int) else find_member(session, identifier)
    )
    if member is None:
        raise NotFound(_("No member has that mobile or national code."), code="unknown_member")
    return member


def register_member(session: Session, data: Registration) -> Member:
    """Create a member after checking every field; all problems are reported together.

    The name is a person's name in Persian letters (the field says so wherever it is asked).
    """
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for field, check in (
        ("national_code", normalize_national_code),
        ("mobile", normalize_mobile),
        ("name", normalize_persian_name),
    ):
        try:
            values[field] = check(getattr(data, field), field=field)
        except BadInput as exc:
            errors[field] = str(exc.message)
    try:
        region = get_region(session, data.region)
    except (BadInput, NotFound):
        errors["region"] = _("Choose your region from the list.")
        region = None
    problem = validate_new_password(
        data.password, (values.get("mobile", data.mobile), values.get("national_code", data.national_code))
    )
    if problem:
        errors["password"] = problem
    if data.confirm is not None and data.confirm != data.password:
        errors["confirm"] = _("The two passwords differ.")
    if "national_code" in values and session.scalar(
        select(Member.id).where(Member.national_code == values["national_code"])
    ):
        errors["national_code"] = _("A member with this national code already exists.")
    if "mobile" in values and session.scalar(select(Member.id).where(Member.mobile == values["mobile"])):
        errors["mobile"] = _("A member with this mobile number already exists.")
    if errors:
        raise BadInput(_("Please correct the marked fields."), fields=errors)
    member = Member(
        national_code=values["national_code"],
        mobile=values["mobile"],
        name=values["name"],
        region=region,
        password_hash=hash_password(data.password),
        language=data.language if data.language in ("fa", "en") else "fa",
    )
    session.add(member)
    session.flush()
    _announce_joined(member)
    return member


def _announce_joined(member: Member) -> None:
    """Tell the plugins active in the member's region, inside the registration's transaction."""
    from flask import current_app, has_app_context

    if not has_app_context() or "resalat" not in current_app.extensions:
        return
    from resalat_core.plugins.activation import region_hook

    region_hook("resalat_member_joined", member)(member=member)


def grant_role(
    session: Session,
    member: Member,
    role: str,
    *,
    region: Region | None = None,
    kind: str | None = None,
) -> RoleGrant:
    """Give ``member`` a role, nationwide or in ``region``; granting it again changes nothing.

    The role must be declared by the host or a loaded plugin; a role with kinds (a supporter)
    is held as one of them, and a role without kinds as none.
    """
    declared = vocabulary().role(role)
    if declared is None:
        names = ", ".join(sorted(vocabulary().roles))
        raise BadInput(
            _("Unknown role %(role)s; roles are: %(roles)s.", role=role, roles=names),
            fields={"role": _("Unknown role.")},
        )
    if declared.kinds:
        if declared.kind(kind or "") is None:
            kinds = ", ".join(k.name for k in declared.kinds)
            raise BadInput(
                _("This role needs a kind: %(kinds)s.", kinds=kinds),
                fields={"kind": _("Choose a kind.")},
            )
    elif kind is not None:
        message = _("This role has no kinds.")
        raise BadInput(message, fields={"kind": message})
    region_id = region.id if region else None
    for grant in member.roles:
        if grant.role == role and grant.region_id == region_id and grant.kind == kind:
            return grant
    grant = RoleGrant(member=member, role=role, region=region, kind=kind)
    session.add(grant)
    session.flush()
    _audit(session, "core.role_granted", member, region, after={"role": role, "kind": kind})
    return grant


def revoke_role(session: Session, member: Member, role: str, *, region: Region | None = None) -> int:
    region_id = region.id if region else None
    removed = [g for g in member.roles if g.role == role and g.region_id == region_id]
    for grant in removed:
        member.roles.remove(grant)
    session.flush()
    if removed:
        _audit(session, "core.role_revoked", member, region, before={"role": role})
    return len(removed)


def _audit(
    session: Session, action: str, member: Member, region: Region | None, **states: dict[str, Any]
) -> None:
    """Write the change of ``member``'s roles to the audit trail, in the change's transaction.

    The entry belongs to the region of the grant (None: nationwide, read by nationwide admins).
    Outside an app (a script on the bare models) there are no declared actions to write.
    """
    from flask import current_app, has_app_context

    if not has_app_context() or "resalat" not in current_app.extensions:
        return
    from resalat_core.audit.services import audit

    audit(session, action, subject=f"member:{member.id}", region=region, **states)  # type: ignore[arg-type]


def _covers(grant: RoleGrant, region: Region | None) -> bool:
    """Does a role held in ``grant.region`` reach ``region`` (None: anywhere at all)?"""
    if grant.region_id is None or region is None:
        return True
    return grant.region_id in (region.id, region.parent_id)


def roles_of(member: Any) -> set[str]:
    if member is None or getattr(member, "is_anonymous", True):
        return set()
    return {"member"} | {g.role for g in member.roles}


def has_role(member: Any, role: str, region: Region | None = None, kind: str | None = None) -> bool:
    if member is None or getattr(member, "is_anonymous", True):
        return False
    if role == "member":
        return True
    return any(
        g.role == role and (kind is None or g.kind == kind) and _covers(g, region) for g in member.roles
    )


def roles_holding(permission: str, registry: dict[str, Any]) -> set[str] | None:
    """The roles that hold ``permission`` (admins always do); None when every member does."""
    perm = registry.get(permission)
    if perm is None:
        return set()
    roles = set(perm.roles)
    if "member" in roles:
        return None
    return roles | {"admin"}


def can(member: Any, permission: str, region: Region | None, registry: dict[str, Any]) -> bool:
    """Does ``member`` hold ``permission`` in ``region`` (None: anywhere)?

    A permission is held through any role that grants it, in the role's region and every place
    under it; admins hold every permission in their region.
    """
    if member is None or getattr(member, "is_anonymous", True) or not member.is_active:
        return False
    roles = roles_holding(permission, registry)
    if roles is None:
        return True
    return any(g.role in roles and _covers(g, region) for g in member.roles)


def regions_where(member: Member, roles: Iterable[str]) -> list[int | None]:
    """Region ids where ``member`` holds one of ``roles`` (None in the list means nationwide)."""
    wanted = set(roles)
    return sorted(
        {g.region_id for g in member.roles if g.role in wanted},
        key=lambda r: (r is not None, r or 0),
    )


def area_for_roles(session: Session, member: Member, roles: Iterable[str]) -> list[int] | None:
    """Every region id where ``member`` holds one of ``roles``, with the places under them.

    None means nationwide; an empty list means nowhere.
    """
    ids = regions_where(member, roles)
    if None in ids:
        return None
    return ids_under(session, [i for i in ids if i is not None])


def area_of(
    session: Session, member: Member, permission: str, registry: dict[str, Any] | None = None
) -> list[int] | None:
    """Every region id where ``member`` may act with ``permission``: the regions of the roles
    that hold it (and of an admin's role) and the places under them. None means nationwide; an
    empty list means nowhere.

    Use it as ``Model.region_id.in_(area)`` so that a guide sees only their area, in one query.
    """
    if registry is None:
        from flask import current_app

        registry = current_app.extensions["resalat"].permissions
    roles = roles_holding(permission, registry)
    if roles is None:
        return None
    return area_for_roles(session, member, roles)


def count_members(session: Session) -> int:
    return session.scalar(select(func.count(Member.id))) or 0

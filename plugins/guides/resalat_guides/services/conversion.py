"""From candidate to core: the candidate's core registered in the cores registry, or linked to it.

A guide cannot make members: the candidate registers in M-Resalat themselves (so they choose their
own password), and the guide then registers their core, led by them.
"""

from __future__ import annotations

from typing import Any

from resalat_cores import services as cores
from sqlalchemy.orm import Session

from resalat_core.sdk import BadInput, Member, _, find_member
from resalat_guides.models import CORE_REGISTERED, GROW, Candidate
from resalat_guides.services.area import GuideScope, check_errors
from resalat_guides.services.candidates import CAN_REGISTER_CORE, STATUS_LABELS, move
from resalat_guides.services.links import core_by_ref

Core = cores.Core


def leader_for(session: Session, candidate: Candidate) -> Member:
    """The member who will lead the candidate's core: found by national code, else by mobile.

    A guide cannot make members: the candidate registers in M-Resalat themselves (so they choose
    their own password), with this mobile, and then the guide registers their core.
    """
    by_code = find_member(session, candidate.national_code)
    by_mobile = find_member(session, candidate.mobile)
    if by_code is not None:
        return by_code
    if by_mobile is not None:
        raise BadInput(
            _(
                "The member with mobile %(mobile)s has a different national code; "
                "check the candidate's details.",
                mobile=candidate.mobile,
            ),
            fields={"national_code": _("Does not match the member with this mobile.")},
            code="member_mismatch",
        )
    raise BadInput(
        _(
            "%(name)s is not a member of M-Resalat yet. Ask them to register with mobile %(mobile)s, "
            "then register their core here.",
            name=candidate.name,
            mobile=candidate.mobile,
        ),
        code="not_a_member",
    )


def register_candidate_core(
    session: Session,
    scope: GuideScope,
    candidate: Candidate,
    *,
    core_name: str = "",
    description: str = "",
    approve: bool = False,
    core_code: str = "",
) -> Any:
    """Register the candidate's core in the cores registry, led by the candidate, and (if the guide
    says so) approve it at once so it gets its core ID. The candidate becomes core_registered.

    Those who grow an existing business register a core that existed before. With ``core_code``
    (a core ID) the candidate's core is already registered and is linked instead (attach_core).
    """
    if isinstance(core_code, str) and core_code.strip():
        return attach_core(session, scope, candidate, core_code)
    if candidate.status not in CAN_REGISTER_CORE:
        raise BadInput(
            _("Only an identified or advised candidate can have their core registered."),
            fields={"status": STATUS_LABELS[candidate.status]},
            code="wrong_status",
        )
    leader = leader_for(session, candidate)
    try:
        core = cores.register_core(
            session,
            leader=leader,
            name=core_name,
            field=candidate.field,
            region=candidate.region,
            existed_before=candidate.intent == GROW,
            description=description,
            actor=scope.actor,
        )
    except BadInput as exc:
        # The registry names the core's name "name"; on the candidate's page that is "core_name".
        fields = {("core_name" if k == "name" else k): v for k, v in exc.fields.items()}
        raise BadInput(exc.message, fields=fields, code=exc.code) from None
    if approve:
        core = cores.approve_core(session, core, actor=scope.actor)
    candidate.member_id = leader.id
    candidate.core_id = core.id
    move(session, candidate, CORE_REGISTERED, scope.actor, "")
    session.flush()
    return core


def attach_core(session: Session, scope: GuideScope, candidate: Candidate, core: Any | str) -> Any:
    """The candidate's core is already in the registry (they registered it themselves): link it.

    ``core`` is a Core or its core ID. It must be led by the candidate and lie in the guide's area;
    the candidate becomes core_registered, as if the guide had registered it.
    """
    if candidate.status not in CAN_REGISTER_CORE:
        raise BadInput(
            _("Only an identified or advised candidate can have their core registered."),
            fields={"status": STATUS_LABELS[candidate.status]},
            code="wrong_status",
        )
    errors: dict[str, Any] = {}
    found = core if isinstance(core, Core) else core_by_ref(session, core, "core_code", errors)
    check_errors(errors)
    leader = leader_for(session, candidate)
    if found.leader_id != leader.id or not scope.covers(found.region_id):
        message = _("This core is not led by the candidate in your area.")
        raise BadInput(message, fields={"core_code": message})
    candidate.member_id = leader.id
    candidate.core_id = found.id
    move(session, candidate, CORE_REGISTERED, scope.actor, "")
    session.flush()
    return found


def core_of(session: Session, candidate: Candidate) -> Any:
    """The candidate's core, or None before it is registered."""
    return session.get(Core, candidate.core_id) if candidate.core_id else None

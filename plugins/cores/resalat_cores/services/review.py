"""Reviewing cores: approving a candidate (its core ID), suspending and reactivating, the queue.

The core ID (شناسه هسته) is ``<province>-<FIELD>-<serial>``, e.g. ``ZNJ-LIVESTOCK-000012``: the
province's three-letter abbreviation (``PROVINCE_ABBREVIATIONS``), the field's code in capitals and
a six-digit serial counted per province and field. It is issued once, at approval, and never
changes (a suspended core keeps it). Two approvals at the same moment may reach for the same
serial; the unique constraint on ``cores.code`` refuses the second, which takes the next one.
"""

from __future__ import annotations

import re

from sqlalchemy import Select, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from resalat_core.sdk import (
    BadInput,
    Conflict,
    Digits,
    Member,
    Region,
    Words,
    _,
    grant_role,
    normalize_text,
    notify,
    utcnow,
)
from resalat_cores.messages import CORE_APPROVED, CORE_REACTIVATED, CORE_SUSPENDED
from resalat_cores.models import ACTIVE, CANDIDATE, REASON_MAX, STATUSES, SUSPENDED, Core, CoreStatusChange
from resalat_cores.services.access import APPROVE, SUSPEND, require_reviewer, review_area
from resalat_cores.services.registry import STATUS_LABELS, unknown_status
from resalat_cores.services.search import cores_query

# How many serials an approval tries before it gives up (only concurrent approvals make it retry).
CODE_ATTEMPTS = 8
SERIAL_DIGITS = 6

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
    return int(tail) + 1 if tail.isdecimal() else 1


def approve_core(session: Session, core: Core, *, actor: Member) -> Core:
    """Approve a candidate core: issue its core ID, make it active, record who and when.

    Only a guide or admin of the core's place may (NotAllowed otherwise); a core that is not a
    candidate is a Conflict (approving twice, or a suspended core). The leader becomes a core
    leader (راهبر هسته) there and is told the core ID.
    """
    require_reviewer(actor, core, APPROVE)
    if core.status != CANDIDATE:
        if core.code:
            raise Conflict(
                _("This core is already approved; its core ID is %(code)s.", code=Digits(core.code)),
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
    notify(core.leader, CORE_APPROVED(url=f"/cores/{core.id}", core=core.name, code=Digits(core.code)))
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
    require_reviewer(actor, core, SUSPEND)
    errors: dict[str, str] = {}
    if status not in STATUSES:
        errors["status"] = unknown_status()
    clean_reason = normalize_text(reason) if isinstance(reason, str) else ""
    if not clean_reason:
        errors["reason"] = _("Give the reason; the core's leader will read it.")
    elif len(clean_reason) > REASON_MAX:
        errors["reason"] = _("At most %(max)d characters.", max=REASON_MAX)
    if errors:
        raise BadInput(_("Please correct the marked fields."), fields=errors)
    old = core.status
    if status == old:
        raise Conflict(_("The core is already %(status)s.", status=Words(STATUS_LABELS[status])))
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
    told = CORE_SUSPENDED if status == SUSPENDED else CORE_REACTIVATED
    notify(core.leader, told(url=f"/cores/{core.id}", core=core.name, reason=clean_reason))
    return core


def queue_query(session: Session, reviewer: Member, *, status: str = CANDIDATE) -> Select[tuple[Core]]:
    """A reviewer's cores of this status (default: the candidates) in their area, newest first."""
    return cores_query(region_ids=review_area(session, reviewer, APPROVE), status=status)

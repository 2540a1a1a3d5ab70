"""Links between cores along a value chain: a guide suggests one, the other core's leader answers.

The source core (of the guide's area) supplies the target core (anywhere in the country) with a
product; both must have a core ID.
"""

from __future__ import annotations

from typing import Any

from resalat_cores import services as cores
from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import Session, aliased, contains_eager

from resalat_core.sdk import (
    BadInput,
    Member,
    NotFound,
    Page,
    Words,
    _,
    _l,
    join_words,
    notify,
    paginate,
    search_key,
    utcnow,
)
from resalat_guides.messages import LINK_SUGGESTED
from resalat_guides.models import ACCEPTED, DECLINED, NAME_MAX, NOTE_MAX, PENDING, REASON_MAX, CoreLink
from resalat_guides.services.area import GuideScope, check_errors, is_id, paragraphs, short_text

Core = cores.Core
LINK_STATUS_LABELS = {PENDING: _l("Pending"), ACCEPTED: _l("Accepted"), DECLINED: _l("Declined")}


def area_cores(session: Session, scope: GuideScope) -> list[Any]:
    """The active cores of the guide's area: the cores they may suggest links from (for a select)."""
    stmt = (
        select(Core)
        .where(scope.where(Core.region_id), Core.status == cores.ACTIVE)
        .order_by(Core.name, Core.id)
        .limit(500)
    )
    return list(session.scalars(stmt))


def find_cores(session: Session, q: str | None, *, page: int = 1, per_page: int = 10) -> Page[Any]:
    """Active cores anywhere in the country whose name or core ID matches ``q``: a link's other end."""
    if not search_key(q):
        return Page(items=[], page=1, per_page=per_page, total=0)
    return paginate(session, cores.cores_query(status=cores.ACTIVE, q=q), page, per_page)


def core_by_ref(session: Session, ref: Any, field: str, errors: dict[str, Any]) -> Any:
    """A core by id (an int) or by its core ID (text); a field error when there is none."""
    found = None
    if isinstance(ref, int) and not isinstance(ref, bool):
        found = session.get(Core, ref) if is_id(ref) else None
    elif isinstance(ref, str) and ref.strip():
        try:
            found = cores.get_core_by_code(session, ref)
        except NotFound:
            found = None
    else:
        errors[field] = _("Choose a core.")
        return None
    if found is None:
        errors[field] = _("No core has this core ID.")
    return found


def suggest_link(
    session: Session,
    scope: GuideScope,
    *,
    source: int | str | None,
    target: int | str | None,
    product: str,
    note: str = "",
) -> CoreLink:
    """Suggest that ``source`` (a core of the guide's area) supplies ``target`` (any core in the
    country): ``product`` is what flows. Both must have a core ID; a link cannot join a core to
    itself, and a pair already linked or awaiting an answer is not suggested again.
    """
    errors: dict[str, Any] = {}
    source_core = core_by_ref(session, source, "source", errors)
    target_core = core_by_ref(session, target, "target", errors)
    if source_core is not None and not scope.covers(source_core.region_id):
        errors["source"] = _("This core is not in your area.")
        source_core = None
    for name, core in (("source", source_core), ("target", target_core)):
        if core is not None and core.status != cores.ACTIVE:
            errors[name] = _("Only an approved core, with a core ID, can be linked.")
    if source_core is not None and target_core is not None and source_core.id == target_core.id:
        errors["target"] = _("A core cannot be linked to itself.")
    what = short_text(product, "product", NAME_MAX, errors, required=True)
    why = paragraphs(note)
    if len(why) > NOTE_MAX:
        errors["note"] = _("At most %(max)d characters.", max=NOTE_MAX)
    if not errors:
        existing = session.scalar(
            select(CoreLink.status).where(
                CoreLink.source_core_id == source_core.id,
                CoreLink.target_core_id == target_core.id,
                CoreLink.status.in_((PENDING, ACCEPTED)),
            )
        )
        if existing == PENDING:
            errors["target"] = _("This link was already suggested and awaits an answer.")
        elif existing == ACCEPTED:
            errors["target"] = _("These cores are already linked.")
    check_errors(errors)
    link = CoreLink(
        source_core_id=source_core.id,
        target_core_id=target_core.id,
        product=what,
        note=why,
        status=PENDING,
        suggested_by_id=scope.actor.id,
        created_at=utcnow(),
    )
    session.add(link)
    session.flush()
    # Through the SDK: told in the inbox where notifications are on, silently skipped elsewhere.
    notify(
        target_core.leader,
        LINK_SUGGESTED(
            url="/guides/my-links", target=target_core.name, source=source_core.name, product=what
        ),
    )
    return link


def _link_query() -> tuple[Select[tuple[CoreLink]], Any, Any]:
    # Aliases: the link loads both cores, and each side is filtered on its own.
    src, tgt = aliased(Core), aliased(Core)
    stmt = (
        select(CoreLink)
        .join(src, CoreLink.source_core_id == src.id)
        .join(tgt, CoreLink.target_core_id == tgt.id)
        .options(contains_eager(CoreLink.source.of_type(src)), contains_eager(CoreLink.target.of_type(tgt)))
    )
    return stmt, src, tgt


def check_link_status_filter(status: Any) -> str | None:
    if status in (None, ""):
        return None
    if status not in LINK_STATUS_LABELS:
        message = _(
            "Unknown status; choose one of: %(statuses)s.",
            statuses=join_words(LINK_STATUS_LABELS.values()),
        )
        raise BadInput(message, fields={"status": message})
    return str(status)


def area_links_query(scope: GuideScope, *, status: str | None = None) -> Select[tuple[CoreLink]]:
    """Links touching the guide's area (either end in it), pending first, newest first."""
    stmt, src, tgt = _link_query()
    if scope.area is not None:
        stmt = stmt.where(or_(src.region_id.in_(scope.area), tgt.region_id.in_(scope.area)))
    if status:
        stmt = stmt.where(CoreLink.status == status)
    return stmt.order_by((CoreLink.status == PENDING).desc(), CoreLink.id.desc())


def area_links(
    session: Session, scope: GuideScope, *, status: str | None = None, page: int = 1, per_page: int = 20
) -> Page[CoreLink]:
    return paginate(session, area_links_query(scope, status=check_link_status_filter(status)), page, per_page)


def get_area_link(session: Session, scope: GuideScope, link_id: int) -> CoreLink:
    stmt, src, tgt = _link_query()
    stmt = stmt.where(CoreLink.id == link_id)
    if scope.area is not None:
        stmt = stmt.where(or_(src.region_id.in_(scope.area), tgt.region_id.in_(scope.area)))
    link = session.scalar(stmt) if is_id(link_id) else None
    if link is None:
        raise NotFound(_("No such link in your area."), code="unknown_link")
    return link


def leader_links(session: Session, member: Member, *, page: int = 1, per_page: int = 20) -> Page[CoreLink]:
    """Links of the cores ``member`` leads, either way; suggestions awaiting their answer first."""
    stmt, src, tgt = _link_query()
    stmt = stmt.where(or_(src.leader_id == member.id, tgt.leader_id == member.id)).order_by(
        and_(CoreLink.status == PENDING, tgt.leader_id == member.id).desc(), CoreLink.id.desc()
    )
    return paginate(session, stmt, page, per_page)


def links_for_leader(session: Session, member: Member) -> tuple[int, int]:
    """How many links touch the cores ``member`` leads, either way, and how many of them await
    their answer (for the home screen's tile and badge): one query."""
    src, tgt = aliased(Core), aliased(Core)
    waiting = case((and_(CoreLink.status == PENDING, tgt.leader_id == member.id), 1), else_=0)
    row = session.execute(
        select(func.count(), func.coalesce(func.sum(waiting), 0))
        .select_from(CoreLink)
        .join(src, CoreLink.source_core_id == src.id)
        .join(tgt, CoreLink.target_core_id == tgt.id)
        .where(or_(src.leader_id == member.id, tgt.leader_id == member.id))
    ).one()
    return int(row[0] or 0), int(row[1] or 0)


def pending_for_leader(session: Session, member: Member) -> int:
    """How many suggestions await ``member``'s answer (for a home-screen badge): one query."""
    return (
        session.scalar(
            select(func.count())
            .select_from(CoreLink)
            .join(Core, CoreLink.target_core_id == Core.id)
            .where(Core.leader_id == member.id, CoreLink.status == PENDING)
        )
        or 0
    )


def _link_for_target_leader(session: Session, member: Member, link_id: int) -> CoreLink:
    stmt, _src, tgt = _link_query()
    link = (
        session.scalar(stmt.where(CoreLink.id == link_id, tgt.leader_id == member.id))
        if is_id(link_id)
        else None
    )
    if link is None:
        # Another core's suggestion looks exactly like a missing one.
        raise NotFound(_("No such suggestion for a core you lead."), code="unknown_link")
    return link


def decide_link(
    session: Session, member: Member, link_id: int, *, accept: bool, reason: str = ""
) -> CoreLink:
    """The target core's leader accepts or declines a suggested link (a reason is optional)."""
    link = _link_for_target_leader(session, member, link_id)
    errors: dict[str, Any] = {}
    why = short_text(reason, "reason", REASON_MAX, errors, required=False)
    if link.status != PENDING:
        raise BadInput(
            _(
                "This suggestion was already answered: %(status)s.",
                status=Words(LINK_STATUS_LABELS[link.status]),
            ),
            code="already_answered",
        )
    check_errors(errors)
    link.status = ACCEPTED if accept else DECLINED
    link.decided_by_id = member.id
    link.decided_at = utcnow()
    link.decline_reason = "" if accept else why
    session.flush()
    return link

"""How the cores plugin plugs into the host: pages, API, CLI, permissions, tiles, next steps, events."""

from __future__ import annotations

from typing import Any

from flask import url_for
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, object_session

from resalat_core.sdk import (
    CreditSignal,
    Figure,
    Member,
    Named,
    NextStep,
    Permission,
    SignalKind,
    Tile,
    _l,
    can,
    db_session,
    hookimpl,
)
from resalat_cores import demo, plugin, services
from resalat_cores.api import bp as api_bp
from resalat_cores.cli import cores as cores_cli
from resalat_cores.models import ACTIVE, CANDIDATE, SUSPENDED, Core
from resalat_cores.mydata import resalat_closing_blockers as resalat_closing_blockers
from resalat_cores.mydata import resalat_member_closed as resalat_member_closed
from resalat_cores.mydata import resalat_member_data as resalat_member_data
from resalat_cores.views import bp as pages_bp

ACTIVE_CORE_LEADER = "active_core_leader"


def _session_of(member: Member) -> Session:
    # The caller's own session, so what is read or written shares its transaction.
    return object_session(member) or db_session()


# --- wiring ------------------------------------------------------------------------------------


@hookimpl
def resalat_blueprints() -> list[Any]:
    return [pages_bp, api_bp]


@hookimpl
def resalat_cli() -> Any:
    return cores_cli


@hookimpl
def resalat_permissions() -> list[Permission]:
    # Reviewing is an administrator's by default; the guides plugin's ``guide`` role declares
    # that it holds both review permissions too, so cores names no role it does not own.
    return [
        # Every member may register their own core; pages check it with login_required, since a
        # permission every member holds would close nothing.
        Permission("cores.register", _l("Register a core"), ("member",)),
        Permission(services.APPROVE, _l("Approve a core and issue its core ID"), ("admin",)),
        Permission(services.SUSPEND, _l("Suspend and reactivate a core"), ("admin",)),
    ]


@hookimpl
def resalat_tiles(member: Member) -> list[Tile]:
    session = _session_of(member)
    mine = (
        session.scalar(select(func.count()).select_from(services.cores_of_member_query(member).subquery()))
        or 0
    )
    tiles = [
        Tile(
            title=plugin.title,
            url=url_for("cores.mine") if mine else url_for("cores.search"),
            icon=plugin.icon,
            description=_l("Your cores and their core IDs") if mine else _l("Register your family business"),
            order=30,
        )
    ]
    if can(services.APPROVE, member=member):
        waiting = services.count_cores(session, CANDIDATE, services.review_area(session, member))
        tiles.append(
            Tile(
                title=_l("Cores of my area"),
                url=url_for("cores.queue"),
                icon="clipboard-check",
                description=_l("Candidate cores waiting for approval"),
                badge=waiting or None,
                order=31,
            )
        )
    return tiles


def _leader_step(core_id: int, name: str, status: str) -> NextStep:
    """What a core's leader does next, by the core's status."""
    if status == SUSPENDED:
        return NextStep(
            _l("Your core is suspended"),
            _l("%(name)s: read why on its page and talk to the guide of your area.", name=name),
            url_for("cores.show", core_id=core_id),
            priority=80,
            icon="exclamation-triangle",
        )
    if status == CANDIDATE:
        return NextStep(
            _l("Your core is waiting for approval"),
            _l("%(name)s: a guide of your area reviews it and gives it a core ID.", name=name),
            url_for("cores.show", core_id=core_id),
            priority=40,
            icon="hourglass-split",
        )
    return NextStep(
        _l("Your core: %(name)s", name=name),
        _l("It is active: keep its family members up to date."),
        url_for("cores.members", core_id=core_id),
        priority=20,
        icon="people",
    )


MAX_STEPS = 3


@hookimpl
def resalat_next_steps(member: Member) -> list[NextStep]:
    """The cores ``member`` leads, one card each, the most urgent first and at most three: one
    query of three columns on the indexed leader, that orders and cuts them itself (a leader of many
    cores reads three rows, not all)."""
    urgency = case({SUSPENDED: 0, CANDIDATE: 1}, value=Core.status, else_=2)
    rows = _session_of(member).execute(
        select(Core.id, Core.name, Core.status)
        .where(Core.leader_id == member.id)
        .order_by(urgency, Core.id)
        .limit(MAX_STEPS)
    )
    return [_leader_step(core_id, name, status) for core_id, name, status in rows]


@hookimpl
def resalat_stats(session: Session, area: list[int] | None) -> list[Figure]:
    counts = services.cores_by_status(session, area)
    by_field = services.active_by_field(session, area)
    # Keyed: the stats plugin keeps their history (the brochure's cores by field and their people).
    return [
        Figure(_l("Active cores"), counts[ACTIVE], _l("cores"), key="active_cores"),
        Figure(_l("Cores awaiting approval"), counts[CANDIDATE], _l("cores"), key="candidate_cores"),
        Figure(
            _l("People working in active cores"),
            sum(people for _f, _c, people in by_field),
            _l("people"),
            key="active_core_members",
        ),
        *(
            Figure(
                _l("Active cores in %(field)s", field=Named(f.name_fa, f.name_en)),
                cores,
                _l("cores"),
                key=f"active_cores_{f.code}",
            )
            for f, cores, _people in by_field
        ),
    ]


# --- questions and events ----------------------------------------------------------------------


@hookimpl(optionalhook=True)
def resalat_credit_signal_kinds() -> list[SignalKind]:
    """Merat's default weight for leading active cores: 30 points a core, at most 60."""
    return [
        SignalKind(
            ACTIVE_CORE_LEADER,
            _l("Leads active entrepreneurship cores with a core ID: %(value)s"),
            points=30,
            per=1,
            cap=60,
        )
    ]


@hookimpl(optionalhook=True)
def resalat_credit_signals(member: Member) -> list[CreditSignal]:
    """Leading an active core is social capital Merat may weigh (the value: how many)."""
    return resalat_credit_signals_many(_session_of(member), [member]).get(member.id, [])


@hookimpl(optionalhook=True)
def resalat_credit_signals_many(session: Session, members: list[Member]) -> dict[int, list[CreditSignal]]:
    """Active cores led, for a whole chunk of members in one query (Merat's refresh)."""
    led = services.active_cores_led_by_member(session, [m.id for m in members])
    return {member_id: [CreditSignal(ACTIVE_CORE_LEADER, n)] for member_id, n in led.items() if n}


@hookimpl
def resalat_member_joined(member: Member) -> None:
    # A family member listed in a core before they joined is linked to their new account.
    services.link_joined_member(_session_of(member), member)


@hookimpl
def resalat_demo(session: Any, world: Any) -> None:
    world.extras["cores"] = demo.build(session, world)


@hookimpl
def resalat_demo_rows(session: Any, world: Any, rows: int) -> None:
    demo.add_rows(session, world, rows)

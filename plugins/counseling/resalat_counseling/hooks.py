"""How counselling plugs into the host: pages, API, CLI, the counsellor's and guide's permissions,
the home page's tile and next steps, the dashboard's figure and the demo."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, url_for
from sqlalchemy.orm import Session, object_session

from resalat_core.sdk import (
    Figure,
    Member,
    Moment,
    NextStep,
    PeriodicJob,
    Permission,
    Tile,
    _l,
    can,
    db_session,
    hookimpl,
)

from . import BOOK_FOR, COUNSEL, COUNSELOR, demo, plugin, services
from .api import bp as api_bp
from .cli import group
from .mydata import resalat_closing_blockers as resalat_closing_blockers
from .mydata import resalat_member_closed as resalat_member_closed
from .mydata import resalat_member_data as resalat_member_data
from .views import bp as pages_bp


def _session_of(member: Member) -> Session:
    return object_session(member) or db_session()


@hookimpl
def resalat_blueprints() -> list[Blueprint]:
    return [pages_bp, api_bp]


@hookimpl
def resalat_cli() -> Any:
    return group


@hookimpl
def resalat_periodic_jobs() -> list[PeriodicJob]:
    # Every quarter of an hour: a reminder reaches both sides well within the reminder hours.
    return [
        PeriodicJob(
            services.REMIND,
            _l("Counselling: remind both sides of coming sessions"),
            "*/15 * * * *",
            plan=services.plan_reminders,
            run_chunk=services.remind_chunk,
        )
    ]


@hookimpl
def resalat_permissions() -> list[Permission]:
    return [
        Permission(COUNSEL, _l("Give counsel: publish topics and hours, write summaries"), (COUNSELOR,)),
        # Guides book for the members of their area; the guides plugin is not required.
        Permission(BOOK_FOR, _l("Book a counselling session for a member of one's area"), ("guide", "admin")),
    ]


@hookimpl
def resalat_tiles(member: Member) -> list[Tile]:
    return [Tile(plugin.title, url_for("counseling.index"), icon=plugin.icon)]


@hookimpl
def resalat_next_steps(member: Member) -> list[NextStep]:
    session = _session_of(member)
    steps: list[NextStep] = []
    coming = services.next_session(session, member)
    if coming is not None:
        steps.append(
            NextStep(
                _l("A counselling session soon"),
                _l("%(topic)s, %(when)s", topic=coming.topic.title, when=Moment(coming.starts_at)),
                url_for("counseling.booking", booking_id=coming.id),
                priority=60,
                icon="calendar-event",
            )
        )
    if can(COUNSEL, member=member):
        profile = services.counselor_of(session, member)
        waiting = session.scalar(services.to_summarise_query(profile).limit(1)) if profile else None
        if waiting is not None:
            steps.append(
                NextStep(
                    _l("A session summary to write"),
                    _l("The session with %(name)s is waiting for your summary.", name=waiting.member.name),
                    url_for("counseling.booking", booking_id=waiting.id),
                    priority=50,
                    icon="pencil-square",
                )
            )
    unrated = services.to_rate(session, member)
    if unrated is not None:
        steps.append(
            NextStep(
                _l("Rate your counselling session"),
                _l("How helpful was the session with %(name)s?", name=unrated.counselor.member.name),
                url_for("counseling.booking", booking_id=unrated.id),
                priority=10,
                icon="star",
            )
        )
    return steps


@hookimpl
def resalat_stats(session: Session, area: list[int] | None) -> list[Figure]:
    # Keyed: the stats plugin keeps its history.
    return [
        Figure(
            _l("Counselling sessions booked"), services.count_bookings(session, area), key="sessions_booked"
        )
    ]


@hookimpl
def resalat_demo(session: Any, world: Any) -> None:
    demo.load(session, world)


@hookimpl
def resalat_demo_rows(session: Any, world: Any, rows: int) -> None:
    demo.add_rows(session, world, rows)

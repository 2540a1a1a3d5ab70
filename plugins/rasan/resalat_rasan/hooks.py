"""How Rasan plugs into the host: its wiring, the tile, next steps for experts and moderators."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import Session, object_session

from resalat_core.sdk import (
    AuditAction,
    Figure,
    Member,
    NextStep,
    Number,
    Permission,
    Tile,
    _l,
    can,
    db_session,
    hookimpl,
)

from . import MODERATE, demo, plugin, services
from .api import bp as api_bp
from .cli import group
from .models import RasanPost
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
def resalat_permissions() -> list[Permission]:
    # The social leader's role is the leaders plugin's; Rasan does not require it, and an
    # administrator of the region moderates where no leader is named.
    return [
        Permission(MODERATE, _l("Hide or restore reported posts of the region"), ("social_leader", "admin"))
    ]


@hookimpl
def resalat_audit_actions() -> list[AuditAction]:
    return [
        AuditAction("rasan.post_hidden", _l("Post hidden")),
        AuditAction("rasan.post_restored", _l("Hidden post shown again")),
    ]


@hookimpl
def resalat_tiles(member: Member) -> list[Tile]:
    waiting = services.waiting_questions(_session_of(member), member)
    return [Tile(plugin.title, url_for(f"{plugin.name}.index"), icon=plugin.icon, badge=waiting or None)]


@hookimpl
def resalat_next_steps(member: Member) -> list[NextStep]:
    session = _session_of(member)
    steps = []
    waiting = services.waiting_questions(session, member)
    if waiting:
        steps.append(
            NextStep(
                _l("Questions for you on Rasan"),
                _l(
                    "Members asked what you know: %(count)s questions wait for your answer.",
                    count=Number(waiting),
                ),
                url_for(f"{plugin.name}.questions"),
                priority=50,
                icon="question-circle",
            )
        )
    if can(MODERATE, member=member):
        reports = services.open_reports(session, member)
        if reports:
            steps.append(
                NextStep(
                    _l("Reported posts wait for you"),
                    _l("Posts reported in your region: %(count)s.", count=Number(reports)),
                    url_for(f"{plugin.name}.moderation"),
                    priority=50,
                    icon="flag",
                )
            )
    return steps


@hookimpl
def resalat_stats(session: Session, area: list[int] | None) -> list[Figure]:
    stmt = select(func.count(RasanPost.id))
    if area is not None:
        stmt = stmt.where(RasanPost.region_id.in_(area))
    return [Figure(_l("Rasan posts"), session.scalar(stmt) or 0)]


@hookimpl
def resalat_demo(session: Any, world: Any) -> None:
    demo.load(session, world)


@hookimpl
def resalat_demo_rows(session: Any, world: Any, rows: int) -> None:
    demo.add_rows(session, world, rows)

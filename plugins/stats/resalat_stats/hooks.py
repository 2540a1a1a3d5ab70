"""How the plugin plugs into the host: its pages, API, CLI, permissions, tile and demo."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, url_for

from resalat_core.sdk import Member, PeriodicJob, Permission, Tile, _l, hookimpl

from . import VIEW_ALL, demo, plugin, services
from .api import bp as api_bp
from .cli import group
from .views import bp as pages_bp


@hookimpl
def resalat_blueprints() -> list[Blueprint]:
    return [pages_bp, api_bp]


@hookimpl
def resalat_cli() -> Any:
    return group


@hookimpl
def resalat_periodic_jobs() -> list[PeriodicJob]:
    # Late in Tehran's evening, so the day's snapshot holds the day.
    return [
        PeriodicJob(
            services.REFRESH,
            _l("Achievements: keep today's figures"),
            "50 23 * * *",
            plan=services.plan_refresh,
            run_chunk=services.refresh_chunk,
        )
    ]


@hookimpl
def resalat_permissions() -> list[Permission]:
    return [Permission(VIEW_ALL, _l("See every kept figure of the area"), ("admin",))]


@hookimpl
def resalat_tiles(member: Member) -> list[Tile]:
    return [Tile(plugin.title, url_for(f"{plugin.name}.index"), icon=plugin.icon)]


@hookimpl
def resalat_demo(session: Any, world: Any) -> None:
    demo.load(session, world)


@hookimpl
def resalat_demo_rows(session: Any, world: Any, rows: int) -> None:
    demo.add_rows(session, rows)

"""`resalat guides`: list candidates in the order of work, and a guide's dashboard figures."""

from __future__ import annotations

from typing import Any

import click
from flask.cli import AppGroup
from resalat_cores import services as cores

from resalat_core.sdk import (
    BadInput,
    NotFound,
    cli_errors,
    db_session,
    echo_json,
    get_member,
    get_region,
    json_option,
)
from resalat_guides import services
from resalat_guides.models import STATUSES, Candidate

guides = AppGroup("guides", help="Guides (رهیاران): candidates and a guide's dashboard.")


def _as_dict(c: Candidate) -> dict[str, Any]:
    return {
        "id": c.id,
        "name": c.name,
        "national_code": c.national_code,
        "mobile": c.mobile,
        "region": c.region.code,
        "intent": c.intent,
        "field": c.field.code,
        "experience_years": c.experience_years,
        "status": c.status,
        "core_id": c.core_id,
        "guide_id": c.guide_id,
        "created_at": c.created_at.isoformat(),
    }


@guides.command("candidates")
@click.option("--guide", "guide_ref", default=None, help="Only this guide's area (mobile or national code).")
@click.option(
    "--region", "region_code", default=None, help="Only this region (a province takes in its places)."
)
@click.option("--status", default=None, help=f"Only candidates with this status: {', '.join(STATUSES)}.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 1000))
@json_option
@cli_errors
def candidates(
    guide_ref: str | None, region_code: str | None, status: str | None, limit: int, as_json: bool
) -> None:
    """Candidates in the order of work: experience first, growing before starting, oldest first."""
    session = db_session()
    # Nobody acts here: the listing only reads, so a scope without a member is enough.
    scope = services.GuideScope(member=None, area=None)
    if guide_ref:
        scope = services.guide_scope(session, get_member(session, guide_ref))
    if region_code:
        try:
            region = get_region(session, region_code)
        except NotFound as exc:
            raise BadInput(exc.message, fields={"region": exc.message}) from None
        scope = scope.within(cores.region_with_places(session, region))
    page = services.list_candidates(session, scope, status=status, page=1, per_page=limit)
    if as_json:
        echo_json({"total": page.total, "items": [_as_dict(c) for c in page.items]})
        return
    if not page.items:
        click.echo("no candidates")
        return
    for c in page.items:
        click.echo(
            f"{c.id:>6}  {c.status:<15} {c.intent:<5} {c.experience_years:>2}y  {c.field.code:<12} "
            f"{c.region.code:<24} {c.name} ({c.mobile})"
        )
    shown = len(page.items)
    click.echo(f"{page.total} candidates" + (f", the first {shown} shown" if shown < page.total else ""))


@guides.command("dashboard")
@click.argument("identifier")
@json_option
@cli_errors
def dashboard(identifier: str, as_json: bool) -> None:
    """The dashboard figures of the guide IDENTIFIER (mobile or national code): their area's
    candidates and cores by status, follow-ups due and pending link suggestions."""
    session = db_session()
    member = get_member(session, identifier)
    scope = services.guide_scope(session, member)
    figures = services.dashboard(session, scope).figures()
    if as_json:
        echo_json({"guide_id": member.id, "nationwide": scope.area is None, **figures})
        return
    where = "nationwide" if scope.area is None else f"{len(scope.area)} regions"
    click.echo(f"{member.name} ({member.mobile}), guide: {where}")
    click.echo(f"candidates: {figures['candidates_total']}")
    for status, count in figures["candidates"].items():
        click.echo(f"  {status:<16}{count:>6}")
    click.echo(f"cores: {figures['cores_total']}")
    for status, count in figures["cores"].items():
        click.echo(f"  {status:<16}{count:>6}")
    click.echo(f"follow-ups due: {figures['follow_ups_due']}")
    click.echo(f"pending link suggestions: {figures['pending_links']}")

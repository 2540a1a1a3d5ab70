"""`resalat supervision`: a handler's queue of reports, and the ecosystem's supervision figures."""

from __future__ import annotations

from typing import Any

import click
from flask.cli import AppGroup

from resalat_core.sdk import (
    BadInput,
    _,
    cli_errors,
    db_session,
    echo_json,
    get_member,
    json_option,
)
from resalat_supervision import services
from resalat_supervision.models import PENDING, STATUSES, Report

supervision = AppGroup("supervision", help="Social supervision: reports waiting for handlers, figures.")


def _report(r: Report, title: str) -> dict[str, Any]:
    return {
        "id": r.id,
        "kind": r.kind,
        "subject_id": r.subject_id,
        "subject": title,
        "booth_id": r.booth_id,
        "region": r.region.code,
        "category": r.category,
        "status": r.status,
        "outcome": r.outcome,
        "seen_price_rials": r.seen_price,
        "reference_price_rials": r.reference_price,
        "description": r.description,
        "reporter": {"id": r.reporter_id, "name": r.reporter.name, "mobile": r.reporter.mobile},
        "created_at": r.created_at.isoformat(),
    }


@supervision.command("queue")
@click.argument("identifier")
@click.option(
    "--status",
    type=click.Choice(STATUSES),
    default=None,
    help="One status (default: open and under_review).",
)
@click.option(
    "--limit", default=50, show_default=True, type=click.IntRange(1, 1000), help="At most this many."
)
@json_option
@cli_errors
def queue(identifier: str, status: str | None, limit: int, as_json: bool) -> None:
    """Reports waiting for the handler IDENTIFIER (mobile or national code), oldest first."""
    session = db_session()
    member = get_member(session, identifier)
    if not services.is_handler(member):
        raise BadInput(_("This member handles the reports of no area, so has no queue."))
    statuses = [status] if status else list(PENDING)
    page = services.queue(session, member, statuses=statuses, page=1, per_page=limit)
    titles = services.subject_titles(session, page.items)
    rows = [_report(r, titles.get((r.kind, r.subject_id), "")) for r in page.items]
    if as_json:
        echo_json({"handler": {"id": member.id, "name": member.name}, "total": page.total, "items": rows})
        return
    if not rows:
        click.echo("no reports waiting")
        return
    for row in rows:
        click.echo(
            f"{row['id']:>6}  {row['created_at'][:16]}  {row['status']:<12}  {row['category']:<7}  "
            f"{row['kind']} {row['subject_id']} {row['subject']}  ({row['region']})"
        )
    click.echo(f"{page.total} in all, oldest first")


@supervision.command("stats")
@json_option
@cli_errors
def stats(as_json: bool) -> None:
    """Reviews and their average stars; reports by status and by outcome."""
    found = services.stats(db_session())
    if as_json:
        echo_json(found.as_dict())
        return
    average = f"{found.average_stars:.2f}" if found.average_stars is not None else "-"
    click.echo(f"reviews: {found.reviews} (average {average} stars)")
    click.echo("reports: " + ", ".join(f"{k} {v}" for k, v in found.reports_by_status.items()))
    click.echo("outcomes: " + ", ".join(f"{k} {v}" for k, v in found.reports_by_outcome.items()))

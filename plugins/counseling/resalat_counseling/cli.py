"""`resalat counseling`: the reminder job cron runs, and the free slots of a counsellor."""

from __future__ import annotations

import sys
from datetime import datetime

import click
from flask.cli import AppGroup

from resalat_core.sdk import (
    BadInput,
    _,
    cli_errors,
    db_session,
    echo_json,
    json_option,
    plan_job,
    run_job,
    utcnow,
)

from . import plugin, services

group = AppGroup(plugin.name, help="Online counselling: session reminders, free slots.")


def _moment(at: str | None) -> datetime | None:
    if not at:
        return None
    try:
        return datetime.fromisoformat(at)
    except ValueError:
        raise BadInput(_("--now must be a UTC time as YYYY-MM-DDTHH:MM."), fields={"now": at}) from None


@group.command("remind")
@click.option("--now", "at", default=None, help="Run as if it were this UTC time (YYYY-MM-DDTHH:MM).")
@json_option
@cli_errors
def remind(at: str | None, as_json: bool) -> None:
    """Tell both sides of every session starting within the reminder hours, once per booking."""
    moment = _moment(at) or services.now()
    # The periodic job's chunks, run here one after the other; each booking is claimed and
    # committed with its chunk, so a crash halfway leaves those reminded marked, the rest due.
    chunks = plan_job(services.REMIND, utcnow(), at=moment.isoformat())
    with click.progressbar(length=max(len(chunks), 1), label="counseling", file=sys.stderr) as bar:
        done = run_job(services.REMIND, chunks=chunks, progress=bar.update)
    due, sent = done.counts.get("due", 0), done.counts.get("reminded", 0)
    if as_json:
        echo_json({"due": due, "reminded": sent})
    else:
        click.echo(f"reminded: {sent} of {due}")


@group.command("slots")
@click.argument("counselor_id", type=int)
@json_option
@cli_errors
def slots(counselor_id: int, as_json: bool) -> None:
    """The free slots of a counsellor for the coming days (UTC)."""
    session = db_session()
    found = services.free_slots(session, services.get_counselor(session, counselor_id))
    rows = [
        {"starts_at": s.starts_at.isoformat(), "ends_at": s.ends_at.isoformat(), "mode": s.mode}
        for s in found
    ]
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        click.echo(f"{row['starts_at']}  {row['mode']}")

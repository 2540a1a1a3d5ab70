"""The campaigns' commands: ``resalat campaigns close-due`` (periodic) and ``list``."""

from __future__ import annotations

from datetime import date

import click
from flask.cli import AppGroup

from resalat_core.sdk import cli_errors, db_session, echo_json, json_option, parse_jalali_date

from . import plugin, services

group = AppGroup(plugin.name, help="Campaigns and giving: end due campaigns, list them.")


@group.command("close-due")
@click.option("--on", "on", default=None, help="The day to run for, Jalali (default: today in Tehran).")
@json_option
@cli_errors
def close_due(on: str | None, as_json: bool) -> None:
    """End every open campaign past its last day or at its goal: its money goes to its cause."""
    session = db_session()
    day: date | None = parse_jalali_date(on, field="on") if on else None
    ids = services.due_ids(session, day)
    if as_json:
        run = services.close_due(session, day)
    else:
        with click.progressbar(length=len(ids), label="closing") as bar:
            run = services.close_due(session, day, progress=bar.update)
    session.commit()
    if as_json:
        echo_json(run.as_dict())
    else:
        click.echo(f"closed {run.closed}, delivered {run.delivered} rials")


@group.command("list")
@click.option("--status", type=click.Choice(["draft", "open", "closed", "cancelled"]), default="open")
@json_option
@cli_errors
def list_campaigns(status: str, as_json: bool) -> None:
    """Campaigns with a status (open by default), with their progress in rials."""
    from sqlalchemy import select

    from .models import Campaign

    rows = db_session().scalars(select(Campaign).where(Campaign.status == status).order_by(Campaign.id))
    data = [
        {
            "id": c.id,
            "title": c.title,
            "status": c.status,
            "goal": c.goal,
            "raised": c.raised,
            "deadline": c.deadline.isoformat(),
        }
        for c in rows
    ]
    if as_json:
        echo_json(data)
    else:
        for row in data:
            click.echo(f"{row['id']}\t{row['raised']}/{row['goal']}\t{row['deadline']}\t{row['title']}")

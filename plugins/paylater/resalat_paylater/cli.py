"""`resalat paylater`: the due-day job, filling the fund, and the debts by region for scripts."""

from __future__ import annotations

import sys
from datetime import date

import click
from flask.cli import AppGroup

from resalat_core.sdk import (
    BadInput,
    _,
    cli_errors,
    db_session,
    echo_json,
    fund_command,
    json_option,
    plan_job,
    run_job,
    utcnow,
)

from . import plugin, services

group = AppGroup(plugin.name, help="M-Nasieh (pay later): the due-day job, the fund, debts by region.")


def _day(on: str | None) -> date | None:
    if not on:
        return None
    try:
        return date.fromisoformat(on)
    except ValueError:
        raise BadInput(_("--today must be a day as YYYY-MM-DD."), fields={"today": on}) from None


@group.command("run-due")
@click.option("--today", "on", default=None, help="Run as if today were this day (YYYY-MM-DD).")
@json_option
@cli_errors
def run_due(on: str | None, as_json: bool) -> None:
    """Remind of purchases due soon, collect those due from main accounts, mark the rest overdue."""
    day = _day(on)
    # The periodic job's chunks, run here one after the other (Celery workers take the same ones).
    now = utcnow()
    chunks = plan_job(services.RUN_DUE, now, day=day.isoformat() if day else None)
    with click.progressbar(length=max(len(chunks), 1), label="paylater", file=sys.stderr) as bar:
        done = run_job(services.RUN_DUE, now=now, chunks=chunks, progress=bar.update)
    counts = {name: done.counts.get(name, 0) for name in services.DueResult().as_dict()}
    if as_json:
        echo_json(counts)
        return
    for name, value in counts.items():
        click.echo(f"{name}: {value}")


fund_command(
    group,
    services.fund,
    json_key="paylater_fund",
    label="pay-later fund",
    help="Bring AMOUNT rials into the pay-later fund from outside (cash in).",
)


@group.command("regions")
@json_option
@cli_errors
def regions(as_json: bool) -> None:
    """Open and overdue debts by region, nationwide, the most overdue first."""
    rows = services.by_region(db_session(), None)
    data = [
        {
            "region": r.region.code,
            "open_count": r.open_count,
            "open_rials": r.open_rials,
            "overdue_count": r.overdue_count,
            "overdue_rials": r.overdue_rials,
        }
        for r in rows
    ]
    if as_json:
        echo_json(data)
        return
    if not data:
        click.echo("no open debts")
    for r in data:
        click.echo(
            f"{r['region']:<28} open {r['open_count']:>5} {r['open_rials']:>16,}  "
            f"overdue {r['overdue_count']:>5} {r['overdue_rials']:>16,}"
        )

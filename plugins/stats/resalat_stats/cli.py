"""`resalat stats`: take today's snapshot of every figure (`refresh`), print a period's table (`report`)."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from resalat_core.sdk import (
    cli_errors,
    db_session,
    echo_json,
    format_money,
    json_option,
    parse_jalali_date,
    plan_job,
    run_job,
    utcnow,
)

from . import services
from .periods import KINDS, MONTH, parse_period

group = AppGroup("stats", help="Achievements: daily snapshots of every plugin's figures, and their report.")


@group.command("refresh")
@click.option("--day", default=None, help="The Jalali day to keep them under (1405/09/15); today by default.")
@json_option
@cli_errors
def refresh(day: str | None, as_json: bool) -> None:
    """Count every keyed figure nationwide and in each province and keep them as the day's snapshot.

    Run it once a day (cron); running it again the same day replaces that day's figures.
    """
    when = parse_jalali_date(day, field="day") if day else None
    # The periodic job's chunks (a scope each), run here one after the other; Celery workers take
    # the same ones. On stderr: stdout stays the JSON a script reads.
    now = utcnow()
    chunks = plan_job(services.REFRESH, now, day=when.isoformat() if when else None)
    with click.progressbar(length=len(chunks), label="counting", file=sys.stderr) as bar:
        done = run_job(services.REFRESH, now=now, chunks=chunks, progress=bar.update)
    found = {"scopes": done.counts.get("scopes", 0), "figures": done.counts.get("figures", 0)}
    if as_json:
        echo_json(found)
    else:
        click.echo(f"kept {found['figures']} figures in {found['scopes']} scopes")


@group.command("report")
@click.option("--region", default=None, help="A region's code (its province); nationwide by default.")
@click.option("--period", default=None, help="1405-09 (month), 1405-S3 (season) or 1405 (year).")
@click.option(
    "--kind", type=click.Choice(KINDS), default=MONTH, show_default=True, help="Newest period of this kind."
)
@json_option
@cli_errors
def report(region: str | None, period: str | None, kind: str, as_json: bool) -> None:
    """The table the page shows an administrator: every kept figure of a scope in a period."""
    session = db_session()
    scope = services.scope_of(session, region)
    chosen = parse_period(period) if period else services.latest_period(session, kind)
    rows = services.table(session, scope, chosen, everything=True, lang="en")
    if as_json:
        echo_json(
            {
                "region": scope.code if scope else None,
                "period": chosen.code,
                "items": [
                    {
                        "plugin": r.plugin,
                        "key": r.key,
                        "label": r.label,
                        "unit": r.unit,
                        "money": r.money,
                        "value": r.value,
                        "previous": r.previous,
                        "change": r.change,
                        "day": r.day.isoformat(),
                    }
                    for r in rows
                ],
            }
        )
        return
    click.echo(f"{scope.name_en if scope else 'Nationwide'}, {chosen.name('en')}")
    if not rows:
        click.echo("no figures kept for this period")
        return
    for r in rows:
        if r.money:
            value = format_money(r.value, lang="en")
            change = (
                ""
                if r.change is None
                else f"  ({'+' if r.change >= 0 else ''}{format_money(r.change, lang='en')})"
            )
        else:
            value = f"{r.value:,} {r.unit}".rstrip()
            change = "" if r.change is None else f"  ({r.change:+,})"
        click.echo(f"{r.name:<36} {r.label:<44} {value}{change}")

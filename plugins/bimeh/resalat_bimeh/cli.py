"""`resalat bimeh`: the daily job (reminders, lapses, renewals) and filling the insurance pool."""

from __future__ import annotations

import sys
from datetime import date

import click
from flask.cli import AppGroup

from resalat_core.sdk import BadInput, _, cli_errors, db_session, echo_json, fund_command, json_option

from . import plugin, services

group = AppGroup(plugin.name, help="M-Bimeh (insurance): the daily job and the insurance pool.")


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
    """Remind of instalments due soon, lapse policies unpaid past the grace days, end policies past
    their term, remind of renewals, and close stale offers."""
    day = _day(on)
    session = db_session()
    total = services.due_count(session, day)
    with click.progressbar(length=max(total, 1), label="bimeh", file=sys.stderr) as bar:
        result = services.run_due(session, day, progress=bar.update, commit=session.commit)
    session.commit()
    if as_json:
        echo_json(result.as_dict())
        return
    for name, value in result.as_dict().items():
        click.echo(f"{name}: {value}")


fund_command(
    group,
    services.fund,
    json_key="bimeh_pool",
    label="insurance pool",
    help="Bring AMOUNT rials into the insurance pool from outside (cash in).",
)


@group.command("figures")
@json_option
@cli_errors
def figures(as_json: bool) -> None:
    """The pool's balance and the policies and claims, nationwide."""
    found = services.figures(db_session(), None)
    data = {
        "pool": found.balance,
        "premiums": found.premiums,
        "payouts": found.payouts,
        "active": found.active,
        "lapsed": found.lapsed,
        "waiting": found.waiting,
        "waiting_rials": found.waiting_rials,
        "paid_claims": found.paid_claims,
    }
    if as_json:
        echo_json(data)
        return
    for name, value in data.items():
        click.echo(f"{name}: {value}")

"""`resalat aghsat`: the run-due job, filling the instalment fund, and plans for scripts."""

from __future__ import annotations

import sys
from datetime import date
from typing import Any

import click
from flask.cli import AppGroup

from resalat_aghsat import services
from resalat_aghsat.models import Plan
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

group = AppGroup("aghsat", help="M-Aghsat: instalment purchases: the run-due job, the fund, plans.")


def plan_dict(plan: Plan) -> dict[str, Any]:
    return {
        "code": plan.code,
        "name_fa": plan.name_fa,
        "name_en": plan.name_en,
        "months": plan.months,
        "down_bps": plan.down_bps,
        "fee_bps": plan.fee_bps,
        "min_rating": plan.min_rating,
        "amount_min": plan.amount_min,
        "amount_max": plan.amount_max,
        "categories": plan.categories,
        "booths": plan.booths,
        "programmes": plan.programmes,
        "active": plan.active,
    }


@group.command("run-due")
@click.option("--today", "on", default=None, help="Run as if today were this day (YYYY-MM-DD).")
@json_option
@cli_errors
def run_due(on: str | None, as_json: bool) -> None:
    """Collect instalments due from main accounts, remind of those falling due, move overdue purchases."""
    day = None
    if on:
        try:
            day = date.fromisoformat(on)
        except ValueError:
            raise BadInput(_("--today must be a day as YYYY-MM-DD."), fields={"today": on}) from None
    # The periodic job's chunks, run here one after the other (Celery workers take the same ones).
    now = utcnow()
    chunks = plan_job(services.RUN_DUE, now, day=day.isoformat() if day else None)
    with click.progressbar(length=max(len(chunks), 1), label="aghsat", file=sys.stderr) as bar:
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
    json_key="aghsat_fund",
    label="instalment fund",
    help="Bring AMOUNT rials into the instalment fund from outside (cash in).",
)


@group.command("plans")
@click.option("--all", "show_all", is_flag=True, help="Include inactive plans.")
@json_option
@cli_errors
def plans(show_all: bool, as_json: bool) -> None:
    """The instalment plans."""
    found = services.plans(db_session(), active_only=not show_all)
    if as_json:
        echo_json([plan_dict(p) for p in found])
        return
    for p in found:
        click.echo(
            f"{p.code:<12} {p.months:>2} months  down {p.down_bps / 100:g}%  fee {p.fee_bps / 100:g}%  "
            f"rating>={p.min_rating}  {p.amount_min:,}..{p.amount_max:,}  {p.name_en}"
        )


def _codes(text: str | None) -> list[str] | None:
    return None if text is None else [c.strip() for c in text.split(",") if c.strip()]


@group.command("plan")
@click.argument("code")
@click.option("--name-fa")
@click.option("--name-en")
@click.option("--months", type=int)
@click.option("--down-bps", type=int, help="basis points: 2500 = 25%")
@click.option("--fee-bps", type=int, help="basis points: 300 = 3%")
@click.option("--min-rating")
@click.option("--amount-min", type=int, help="rials")
@click.option("--amount-max", type=int, help="rials")
@click.option("--categories", help="M-Bazar category codes, comma-separated")
@click.option("--booths", help="booth numbers, comma-separated")
@click.option("--programmes", help="programmes, comma-separated")
@click.option("--active/--inactive", default=None)
@json_option
@cli_errors
def plan(code: str, as_json: bool, **options: Any) -> None:
    """Create or change the plan CODE (only the options given change)."""
    session = db_session()
    data = {k: v for k, v in options.items() if v is not None}
    for name in ("categories", "programmes"):
        if name in data:
            data[name] = _codes(data[name])
    if "booths" in data:
        try:
            data["booths"] = [int(b) for b in _codes(data["booths"]) or []]
        except ValueError:
            raise BadInput(_("Booths are numbers."), fields={"booths": data["booths"]}) from None
    existing = services.plan_by_code(session, code.strip().lower())
    data["code"] = code
    saved = services.save_plan(session, data, existing)
    session.commit()
    if as_json:
        echo_json(plan_dict(saved))
    else:
        click.echo(f"saved {saved.code}")

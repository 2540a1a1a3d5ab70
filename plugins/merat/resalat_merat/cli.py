"""`resalat merat`: a member's score, the periodic refresh of every stale score, and the weights."""

from __future__ import annotations

import sys
from typing import Any

import click
from flask.cli import AppGroup

from resalat_core.sdk import (
    cli_errors,
    db_session,
    echo_json,
    get_member,
    json_option,
    plan_job,
    run_job,
    utcnow,
)
from resalat_merat import services
from resalat_merat.models import Score

merat = AppGroup("merat", help="Merat credit scores: score a member, refresh stale scores, show the weights.")


def score_json(score: Score) -> dict[str, Any]:
    return {
        "id": score.id,
        "member": {"id": score.member_id, "name": score.member.name, "mobile": score.member.mobile},
        "value": score.value,
        "rating": score.rating,
        "max_monthly_repayment_rials": score.max_monthly_repayment,
        "base": score.base,
        "reason": score.reason,
        "computed_at": score.computed_at.isoformat(),
        "valid_until": score.valid_until.isoformat(),
        "lines": [
            {
                "source": line.source,
                "kind": line.kind,
                "value": line.value,
                "weight": line.weight,
                "points": line.points,
                "params": line.params,
                "description": line.description,
            }
            for line in score.lines
        ],
    }


@merat.command("score")
@click.argument("member")
@json_option
@cli_errors
def score(member: str, as_json: bool) -> None:
    """Compute MEMBER's score now (a mobile or national code) and print it with every signal."""
    session = db_session()
    found = get_member(session, member)
    made = services.score_member(session, found, requested_by=None, reason=services.ON_DEMAND)
    session.commit()
    if as_json:
        echo_json(score_json(made))
        return
    click.echo(f"{found.name} ({found.mobile}): {made.value} / 1000, rating {made.rating}")
    click.echo(f"max monthly repayment: {made.max_monthly_repayment:,} rials")
    click.echo(f"valid until: {made.valid_until:%Y-%m-%d}")
    click.echo(f"{'base':<34} {'':>14} {made.base:>+6}")
    for line in made.lines:
        weight = "no weight" if line.weight is None else f"{line.weight_points}/{line.weight_per}"
        click.echo(f"{line.source + ':' + line.kind:<34} {line.value:>14,} {line.points:>+6}  ({weight})")


@merat.command("refresh")
@click.option(
    "--stale-only",
    is_flag=True,
    help="Only members with no score newer than the stale_days setting (default: every member).",
)
@click.option("--batch-size", type=click.IntRange(1, 10_000), default=None, help="Members per batch.")
@json_option
@cli_errors
def refresh(stale_only: bool, batch_size: int | None, as_json: bool) -> None:
    """Recompute members' scores (reason "periodic"): run it from cron, e.g. nightly with --stale-only."""
    # The periodic job's chunks, run here one after the other (Celery workers take the same ones).
    now = utcnow()
    chunks = plan_job(services.REFRESH, now, stale_only=stale_only, chunk_size=batch_size)
    with click.progressbar(length=max(len(chunks), 1), label="scoring", file=sys.stderr) as bar:
        done = run_job(services.REFRESH, now=now, chunks=chunks, progress=bar.update)
    result = services.RefreshResult(
        scored=done.counts.get("scored", 0),
        by_rating={r: done.counts.get(f"rating_{r}", 0) for r in services.RATINGS},
    )
    if as_json:
        echo_json({"scored": result.scored, "stale_only": stale_only, "by_rating": result.by_rating})
        return
    ratings = ", ".join(f"{r}: {n}" for r, n in result.by_rating.items())
    click.echo(f"scored {result.scored} members ({ratings})")


@merat.command("weights")
@json_option
@cli_errors
def weights(as_json: bool) -> None:
    """The weights, rating thresholds and capacity shares in force: each signal kind as the plugin
    that gives it declares it, with [plugins.merat.weights.<kind>] overriding it."""
    table = services.weights()
    sources = {kind: found.source for kind, found in services.declared_kinds().items()}
    data = {
        "base_score": services.base_score(),
        "weights": {
            k: {"points": w.points, "per": w.per, "max": w.max, "money": w.money, "source": sources[k]}
            for k, w in sorted(table.items())
        },
        "ratings": dict(services.thresholds()),
        "capacity_percent": {r: services.capacity_percent(r) for r in services.RATINGS},
        "validity_months": services.validity_months(),
    }
    if as_json:
        echo_json(data)
        return
    click.echo(f"base score: {data['base_score']}   validity: {data['validity_months']} months")
    for kind, w in data["weights"].items():
        cap = "no cap" if w["max"] is None else f"max {w['max']:+}"
        unit = " rials" if w["money"] else ""
        click.echo(f"{kind:<32} {w['points']:>+5} per {w['per']:>14,}{unit}  {cap}  ({w['source']})")
    for rating, floor in data["ratings"].items():
        click.echo(f"rating {rating}: {floor}+  capacity {data['capacity_percent'][rating]}%")
    click.echo(f"rating E: below  capacity {data['capacity_percent']['E']}%")

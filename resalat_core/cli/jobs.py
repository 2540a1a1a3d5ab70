"""`resalat jobs`: the periodic jobs the plugins declare, run here or sent to the Celery workers."""

from __future__ import annotations

import json
import sys

import click
from flask import current_app
from flask.cli import AppGroup

from resalat_core.cli import cli_errors, echo_json, json_option
from resalat_core.db import utcnow
from resalat_core.errors import BadInput
from resalat_core.i18n import _
from resalat_core.jobs import JobResult, jobs, plan_job, run_job

group = AppGroup("jobs", help="Periodic jobs in chunks: list them, run one here or on the Celery workers.")


@group.command("list")
@json_option
def list_jobs(as_json: bool) -> None:
    """Every periodic job with its plugin and schedule (cron, in celery_timezone)."""
    rows = [
        {"code": job.code, "plugin": job.source, "title": str(job.title), "schedule": job.schedule}
        for job in jobs().values()
    ]
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        click.echo(f"{row['code']:<28} {row['schedule']:<16} {row['title']}")


def _options(pairs: tuple[str, ...]) -> dict[str, object]:
    found: dict[str, object] = {}
    for pair in pairs:
        name, sep, raw = pair.partition("=")
        if not sep or not name:
            raise BadInput(_("An option is NAME=VALUE, not %(pair)s.", pair=pair), fields={"option": pair})
        try:
            found[name] = json.loads(raw)
        except ValueError:
            found[name] = raw
    return found


@group.command("run")
@click.argument("code")
@click.option("--celery", "on_celery", is_flag=True, help="Send the chunks to the Celery workers and wait.")
@click.option("--option", "pairs", multiple=True, help="NAME=VALUE (JSON) passed to the job's plan.")
@json_option
@cli_errors
def run(code: str, on_celery: bool, pairs: tuple[str, ...], as_json: bool) -> None:
    """Run job CODE now: plan its chunks, then run each here (or on the workers with --celery)."""
    options = _options(pairs)
    # One moment for the plan and every chunk: a chunk sent again is judged against the same one.
    now = utcnow()
    chunks = plan_job(code, now, **options)
    with click.progressbar(length=max(len(chunks), 1), label="chunks", file=sys.stderr) as bar:
        result: JobResult
        if on_celery:
            from resalat_core.jobs.celery import send_job

            result = send_job(
                current_app._get_current_object(),  # type: ignore[attr-defined]
                code,
                now=now,
                chunks=chunks,
                progress=bar.update,
            )
        else:
            result = run_job(code, now=now, chunks=chunks, progress=bar.update)
    if as_json:
        echo_json(result.as_dict())
        return
    click.echo(f"{code}: {result.chunks} chunks")
    for name, value in sorted(result.counts.items()):
        click.echo(f"{name}: {value}")

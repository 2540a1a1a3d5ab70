"""`resalat audit list|export`: read the audit trail from a shell, with the log page's filters."""

from __future__ import annotations

import csv
import sys
from typing import Any

import click
from flask.cli import AppGroup
from sqlalchemy import select

from resalat_core.audit.models import AuditEntry
from resalat_core.audit.services import batches, entries_query, read_filter
from resalat_core.cli import cli_errors, echo_json, json_option
from resalat_core.db import db_session
from resalat_core.members.models import Member
from resalat_core.regions.models import Region
from resalat_core.regions.services import get_region, ids_under

audit = AppGroup("audit", help="Read the audit trail (it is never edited).")
COLUMNS = ("id", "at", "action", "actor", "region", "subject", "before", "after", "address")


def _filters(fn: Any) -> Any:
    for name, text in reversed(
        (
            ("action", "Only this action code (core.sign_in, loans.approved ...)."),
            ("actor", "Only what this member did (mobile or national code)."),
            ("since", "From this Jalali day (1404/01/31)."),
            ("until", "Up to this Jalali day, inclusive."),
            ("subject", "Only entries about this reference (loan:12)."),
            ("region", "Only this region and the places under it (a code: zanjan)."),
        )
    ):
        fn = click.option(f"--{name}", default="", help=text)(fn)
    return fn


def _query(filters: dict[str, str]) -> Any:
    """The entries the options ask for, newest first; BadInput names a wrong option."""
    session = db_session()
    chosen, _values = read_filter(session, {**filters, "event": filters.get("action", "")})
    area = None
    if filters.get("region"):
        area = ids_under(session, [get_region(session, filters["region"]).id])
    return entries_query(area, chosen)


def _rows(entries: list[AuditEntry]) -> list[dict[str, Any]]:
    """Plain rows: codes as stored (a shell reads codes), the actor by mobile, the region by code."""
    session = db_session()
    actors = {e.actor_id for e in entries if e.actor_id is not None}
    regions = {e.region_id for e in entries if e.region_id is not None}
    mobiles = (
        {i: m for i, m in session.execute(select(Member.id, Member.mobile).where(Member.id.in_(actors)))}
        if actors
        else {}
    )
    codes = (
        {i: c for i, c in session.execute(select(Region.id, Region.code).where(Region.id.in_(regions)))}
        if regions
        else {}
    )
    return [
        {
            "id": e.id,
            "at": e.at.isoformat() + "Z",
            "action": e.action,
            "actor": mobiles.get(e.actor_id) if e.actor_id is not None else None,
            "region": codes.get(e.region_id) if e.region_id is not None else None,
            "subject": e.subject,
            "before": e.before,
            "after": e.after,
            "address": e.address,
        }
        for e in entries
    ]


@audit.command("list")
@_filters
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True)
@json_option
@cli_errors
def list_entries(limit: int, as_json: bool, **filters: str) -> None:
    """The newest entries that match the options."""
    entries = list(db_session().scalars(_query(filters).limit(limit)))
    rows = _rows(entries)
    if as_json:
        echo_json({"entries": rows})
        return
    if not rows:
        click.echo("no entries")
    for row in rows:
        click.echo(
            f"{row['id']}  {row['at']}  {row['action']}  {row['actor'] or 'system'}  "
            f"{row['region'] or 'nationwide'}  {row['subject'] or '-'}"
        )


@audit.command("export")
@_filters
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, writable=True), default="-", show_default=True
)
@cli_errors
def export(output: str, **filters: str) -> None:
    """Every entry that matches the options as CSV (UTF-8 with a BOM), a batch at a time."""
    import json

    query = _query(filters)
    stream = sys.stdout if output == "-" else open(output, "w", encoding="utf-8", newline="")  # noqa: SIM115
    try:
        stream.write("\ufeff")
        writer = csv.writer(stream)
        writer.writerow(COLUMNS)
        for batch in batches(db_session(), query):
            for row in _rows(batch):
                writer.writerow(
                    [json.dumps(row[c], ensure_ascii=False) if c in ("before", "after") and row[c] is not None
                     else ("" if row[c] is None else row[c]) for c in COLUMNS]
                )  # fmt: skip
    finally:
        if stream is not sys.stdout:
            stream.close()

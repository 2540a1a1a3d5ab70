"""Group orders' commands: ``resalat group_orders close-due`` (periodic), ``list`` and ``bulk list``."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from resalat_core.sdk import cli_errors, db_session, echo_json, json_option, utcnow

from . import plugin, services
from .models import BulkOrder

group = AppGroup(plugin.name, help="Group orders: cores buying together from an M-Bazar booth.")


@group.command("close-due")
@json_option
@cli_errors
def close_due(as_json: bool) -> None:
    """Close every open group purchase whose deadline passed: order it when its minimum was
    reached, else pay every core back. Meant for a scheduler (hourly); safe to run twice."""
    session = db_session()
    now = utcnow()
    due = (
        session.scalar(select(func.count()).select_from(services.due_query(now).order_by(None).subquery()))
        or 0
    )
    with click.progressbar(length=due, label="closing", file=sys.stderr) as bar:
        done = services.close_due(session, now=now, each=lambda _closed: bar.update(1), commit=True)
    session.commit()
    placed = [c.purchase_id for c in done if c.status == "placed"]
    refunded = [c.purchase_id for c in done if c.status != "placed"]
    if as_json:
        echo_json({"closed": len(done), "placed": placed, "refunded": refunded})
    else:
        click.echo(f"{len(done)} group purchases closed: {len(placed)} ordered, {len(refunded)} paid back")


@group.command("list")
@json_option
@cli_errors
def list_open(as_json: bool) -> None:
    """The group purchases open to cores, the nearest deadline first."""
    session = db_session()
    rows = [
        {
            "id": p.id,
            "title": p.title,
            "joined": p.joined_quantity,
            "min": p.min_quantity,
            "max": p.max_quantity,
            "deadline": p.deadline.isoformat(),
        }
        for p in session.scalars(services.open_query())
    ]
    session.commit()
    if as_json:
        echo_json(rows)
    else:
        for row in rows:
            taken = f"{row['joined']}/{row['max']} (min {row['min']})"
            click.echo(f"{row['id']}\t{row['title']}\t{taken}\t{row['deadline']}")


bulk = AppGroup("bulk", help="Bulk customer orders split among cores.")
group.add_command(bulk)


@bulk.command("list")
@click.option("--status", type=click.Choice(["open", "completed", "cancelled"]), default=None)
@json_option
@cli_errors
def bulk_list(status: str | None, as_json: bool) -> None:
    """Every bulk order (only those in ``--status`` when given), newest first, with its progress."""
    session = db_session()
    stmt = select(BulkOrder).order_by(BulkOrder.id.desc())
    if status:
        stmt = stmt.where(BulkOrder.status == status)
    rows = [
        {
            "id": o.id,
            "status": o.status,
            "customer_id": o.customer_id,
            "region": o.region.code,
            "description": o.description,
            "quantity": o.quantity,
            "unit": o.unit,
            "unit_price": o.unit_price,
            "allocated": o.allocated,
            "held": o.held,
            "deadline": o.deadline.isoformat(),
        }
        for o in session.scalars(stmt).unique()
    ]
    session.commit()
    if as_json:
        echo_json(rows)
    else:
        for row in rows:
            given = f"{row['allocated']}/{row['quantity']} {row['unit']}"
            click.echo(
                f"{row['id']}\t{row['status']}\t{given}\t{row['held']} rials held\t{row['description']}"
            )

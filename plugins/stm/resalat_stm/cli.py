"""`resalat stm`: import and show the tariff, list and approve operators."""

from __future__ import annotations

import sys
from typing import Any

import click
from flask.cli import AppGroup
from sqlalchemy import select

from resalat_core.sdk import (
    BadInput,
    Digits,
    NotFound,
    _,
    cli_errors,
    db_session,
    echo_json,
    find_member,
    json_option,
)

from . import plugin, services
from .models import APPROVED, OPERATOR_STATUSES, SUSPENDED, Operator

group = AppGroup(plugin.name, help="M-ST (members' delivery): the tariff and the operators.")
tariff = AppGroup("tariff", help="The zone tariff: provinces × weight bands → price in rials.")
operators = AppGroup("operators", help="Operators: list, approve, suspend.")
group.add_command(tariff)
group.add_command(operators)


@tariff.command("import")
@click.argument("path", type=click.Path(dir_okay=False))
@json_option
@cli_errors
def tariff_import(path: str, as_json: bool) -> None:
    """Import FILE.csv (columns origin,destination,max_grams,price_rials; province codes).

    Every row is checked first; a bad row refuses the whole file and nothing changes."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(_("The file cannot be read as UTF-8 text: %(error)s", error=str(exc))) from None
    session = db_session()
    rows = services.read_tariff_csv(text)
    with click.progressbar(length=max(len(rows), 1), label="tariff", file=sys.stderr) as bar:
        try:
            result = services.import_tariff(session, rows, progress=bar.update)
        except BadInput as exc:
            session.rollback()
            if as_json:
                echo_json({"error": exc.to_dict()["error"]})
            else:
                click.echo(str(exc.message), err=True)
                for key, problem in exc.fields.items():
                    line = key.removeprefix("line_")
                    click.echo(_("Line %(n)s: %(problem)s", n=Digits(line), problem=problem), err=True)
            sys.exit(1)
    session.commit()
    if as_json:
        echo_json(result.as_dict())
        return
    click.echo(f"rows: {result.rows}, added: {result.added}, updated: {result.updated}")


@tariff.command("show")
@json_option
@cli_errors
def tariff_show(as_json: bool) -> None:
    """Every tariff row, by provinces and band; the default bands for pairs without rows."""
    rows = [
        {
            "origin": r.origin.code,
            "destination": r.destination.code,
            "max_grams": r.max_grams,
            "price_rials": r.price,
        }
        for r in db_session().scalars(services.tariff_query())
    ]
    defaults = {
        "same_province": plugin.setting("default_same_province"),
        "other_province": plugin.setting("default_other_province"),
    }
    if as_json:
        echo_json({"rows": rows, "defaults": defaults})
        return
    for r in rows:
        click.echo(f"{r['origin']:<22} {r['destination']:<22} {r['max_grams']:>10} g {r['price_rials']:>14,}")
    click.echo(f"defaults: {defaults}")


@operators.command("list")
@click.option("--status", type=click.Choice(OPERATOR_STATUSES), default=None)
@json_option
@cli_errors
def operators_list(status: str | None, as_json: bool) -> None:
    """Operators, those waiting first."""
    found = list(db_session().scalars(services.approvals_query(None, status)))
    data: list[dict[str, Any]] = [
        {
            "id": o.id,
            "mobile": o.member.mobile,
            "status": o.status,
            "vehicle": o.vehicle,
            "capacity_kg": o.capacity_kg,
            "areas": [a.region.code for a in o.areas],
        }
        for o in found
    ]
    if as_json:
        echo_json(data)
        return
    for o in data:
        click.echo(
            f"{o['id']:>5} {o['mobile']} {o['status']:<10} {o['vehicle']:<9} "
            f"{o['capacity_kg']:>6} kg {','.join(o['areas'])}"
        )


def _decide(mobile: str, decision: str, as_json: bool) -> None:
    session = db_session()
    member = find_member(session, mobile)
    if member is None:
        raise NotFound(_("No member has this mobile or national code."), code="unknown_member")
    found = session.scalar(select(Operator).where(Operator.member_id == member.id))
    if found is None:
        raise NotFound(_("This member has not applied to be an operator."), code="not_operator")
    services.set_status(session, found, decision)
    session.commit()
    if as_json:
        echo_json({"id": found.id, "status": found.status})
        return
    click.echo(f"{mobile}: {found.status}")


@operators.command("approve")
@click.argument("mobile")
@json_option
@cli_errors
def approve(mobile: str, as_json: bool) -> None:
    """Approve the operator with this mobile (or national code)."""
    _decide(mobile, APPROVED, as_json)


@operators.command("suspend")
@click.argument("mobile")
@json_option
@cli_errors
def suspend(mobile: str, as_json: bool) -> None:
    """Suspend the operator with this mobile (or national code)."""
    _decide(mobile, SUSPENDED, as_json)

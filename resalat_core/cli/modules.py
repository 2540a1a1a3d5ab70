"""`resalat modules`: switch sub-systems on and off per region."""

from __future__ import annotations

from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from resalat_core.cli import cli_errors, echo_json, json_option
from resalat_core.db import db_session
from resalat_core.errors import BadInput
from resalat_core.i18n import _
from resalat_core.plugins.activation import load_activation, set_module
from resalat_core.regions.models import Region
from resalat_core.regions.services import get_region, provinces

modules = AppGroup("modules", help="Which sub-system is on in which region.")


def _switch(
    name: str, region_code: str | None, everywhere: bool, enabled: bool, with_dependants: bool = False
) -> None:
    if bool(region_code) == everywhere:
        # Bad input like any other: exit code 1 and the message, as scripts expect.
        raise BadInput(_("Give exactly one of --region CODE or --all."), code="usage")
    session = db_session()
    region = get_region(session, region_code) if region_code else None
    set_module(session, name, enabled=enabled, region=region, with_dependants=with_dependants)
    session.commit()
    where = region.code if region else "all regions"
    click.echo(f"{name}: {'enabled' if enabled else 'disabled'} for {where}")


@modules.command("enable")
@click.argument("name")
@click.option("--region", "region_code", help="Province or place code.")
@click.option("--all", "everywhere", is_flag=True, help="Everywhere (clears regional choices).")
@cli_errors
def enable(name: str, region_code: str | None, everywhere: bool) -> None:
    """Switch module NAME on for a region or everywhere."""
    _switch(name, region_code, everywhere, True)


@modules.command("disable")
@click.argument("name")
@click.option("--region", "region_code", help="Province or place code.")
@click.option("--all", "everywhere", is_flag=True, help="Everywhere (clears regional choices).")
@click.option("--with-dependants", is_flag=True, help="Also switch off the modules that require NAME there.")
@cli_errors
def disable(name: str, region_code: str | None, everywhere: bool, with_dependants: bool) -> None:
    """Switch module NAME off for a region or everywhere."""
    _switch(name, region_code, everywhere, False, with_dependants)


@modules.command("list")
@json_option
def list_modules(as_json: bool) -> None:
    """A matrix of loaded modules by province (places that differ are listed under it)."""
    session = db_session()
    snap = load_activation(session)
    names = [r.name for r in current_app.extensions["resalat"].plugins.loaded]
    provs = provinces(session)
    matrix = {n: {p.code: snap.is_active(n, p) for p in provs} for n in names}
    rows = snap.rows()
    ids = [rid for _m, rid, _on in rows if rid is not None]
    codes = (
        dict(session.execute(select(Region.id, Region.code).where(Region.id.in_(ids))).all()) if ids else {}
    )
    overrides: list[dict[str, Any]] = [
        {"module": m, "region": codes.get(rid) if rid is not None else None, "enabled": on}
        for m, rid, on in rows
    ]
    if as_json:
        echo_json({"modules": names, "matrix": matrix, "rows": overrides})
        return
    if not names:
        click.echo("no modules loaded")
        return
    width = max(len(p.code) for p in provs) if provs else 8
    click.echo(" " * width + "  " + " ".join(f"{n[:10]:<10}" for n in names))
    for p in provs:
        cells = " ".join(f"{'on' if matrix[n][p.code] else '-':<10}" for n in names)
        click.echo(f"{p.code:<{width}}  {cells}")
    # Decisions below province level do not show in the matrix: list them.
    for row in overrides:
        if row["region"] and "/" in row["region"]:
            click.echo(f"  {row['region']}: {row['module']} {'on' if row['enabled'] else 'off'}")

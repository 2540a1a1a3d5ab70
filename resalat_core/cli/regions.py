"""`resalat regions`: Iran's provinces and places."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from resalat_core.cli import cli_errors, echo_json, json_option
from resalat_core.db import db_session
from resalat_core.regions.services import get_region, load_regions, places_of, provinces

regions = AppGroup("regions", help="Provinces and their cities, towns and villages.")


@regions.command("load")
def load() -> None:
    """Load (or refresh) the 31 provinces and their places."""
    session = db_session()
    added, updated = load_regions(session)
    session.commit()
    click.echo(f"regions: {added} added, {updated} updated")


@regions.command("list")
@click.option("--province", default=None, help="A province code: list its places instead.")
@json_option
@cli_errors
def list_regions(province: str | None, as_json: bool) -> None:
    """List provinces, or the places of one province."""
    session = db_session()
    rows = places_of(session, get_region(session, province)) if province else provinces(session)
    data = [{"code": r.code, "name_fa": r.name_fa, "name_en": r.name_en, "kind": r.kind} for r in rows]
    if as_json:
        echo_json(data)
        return
    for r in data:
        click.echo(f"{r['code']:<36} {r['kind']:<9} {r['name_en']} / {r['name_fa']}")

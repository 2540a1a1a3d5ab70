"""`resalat plugins list` and `resalat plugin new`."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from resalat_core.cli import echo_json, json_option

plugins = AppGroup("plugins", help="Installed plugins and their state.")
plugin = AppGroup("plugin", help="Write a new plugin.")


@plugins.command("list")
@json_option
def list_plugins(as_json: bool) -> None:
    """Every installed plugin: loaded or failed (with the reason), version and requirements."""
    rows = current_app.extensions["resalat"].plugins.listing()
    if as_json:
        echo_json(rows)
        return
    if not rows:
        click.echo("no plugins installed")
    for row in rows:
        reqs = ", ".join(row["requires"]) or "-"
        line = f"{row['name']:<16} {row['version'] or '?':<10} {row['status']:<7} requires: {reqs}"
        click.echo(line)
        if row["error"]:
            click.echo(f"    error: {row['error']}")


@plugin.command("new")
@click.argument("name")
@click.option(
    "--dest",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("plugins"),
    show_default=True,
    help="Folder the plugin's folder is written into.",
)
@click.option("--title-fa", default=None, help="Persian title (defaults to the name).")
@click.option("--title-en", default=None, help="English title (defaults to the name).")
def new_plugin(name: str, dest: Path, title_fa: str | None, title_en: str | None) -> None:
    """Write plugins/NAME: a working plugin with a model, page, API, CLI, migration and test."""
    from resalat_core.scaffold import ScaffoldError, write_plugin

    try:
        target = write_plugin(name, dest, title_fa=title_fa, title_en=title_en)
    except ScaffoldError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"wrote {target}")
    click.echo(f"install it with: pip install -e {target}   then: resalat db upgrade")

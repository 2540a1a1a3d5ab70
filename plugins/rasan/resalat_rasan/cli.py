"""Rasan's commands: ``resalat rasan stats`` and ``resalat rasan reindex``."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from resalat_core.sdk import db_session, echo_json, json_option

from . import plugin, services

group = AppGroup(plugin.name, help="Rasan, the members' social network.")


@group.command("stats")
@json_option
def stats(as_json: bool) -> None:
    """Print how many posts, comments, likes, follows, groups and open reports there are."""
    figures = services.stats(db_session())
    if as_json:
        echo_json(figures)
    else:
        for name, value in figures.items():
            click.echo(f"{name}: {value}")


@group.command("reindex")
@json_option
def reindex(as_json: bool) -> None:
    """Recompute every post's search key and hashtags (after the text normaliser changed)."""
    session = db_session()
    total = services.stats(session)["posts"]
    # The bar goes to stderr so that --json stays clean.
    with click.progressbar(length=total, label="reindexing", file=sys.stderr) as bar:
        done = services.reindex(session, progress=bar.update)
    session.commit()
    if as_json:
        echo_json({"posts": done})
    else:
        click.echo(f"{done} posts indexed")

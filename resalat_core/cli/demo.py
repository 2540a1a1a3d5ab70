"""`resalat demo`: load the demo world (host and every plugin), or reload it with --reset."""

from __future__ import annotations

from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import MetaData, text

from resalat_core import migrate
from resalat_core.db import Base, db_session, get_db, is_sqlite
from resalat_core.demo import DEMO_PASSWORD, add_demo_rows, demo_loaded, load_demo, personas


def reset_database() -> None:
    """Drop every table of the host and plugins (and Alembic's), then migrate from scratch."""
    db = get_db()
    db.session.remove()
    with db.engine.begin() as conn:
        if is_sqlite(db.engine):
            # Search indexes (FTS5 virtual tables) go first; their shadow tables go with them.
            virtual = conn.execute(
                text(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'"
                )
            ).scalars()
            for name in list(virtual):
                conn.execute(text(f'DROP TABLE IF EXISTS "{name}"'))
        # Tables of plugins no longer installed go first: PostgreSQL refuses to drop members while
        # one of them still references it.
        found = MetaData()
        found.reflect(conn)
        found.drop_all(conn, tables=[t for t in found.sorted_tables if t.name not in Base.metadata.tables])
        Base.metadata.drop_all(conn)
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


@click.command("demo")
@click.option("--reset", is_flag=True, help="Drop everything and load the demo again.")
@click.option(
    "--rows",
    type=click.IntRange(1, 100_000),
    default=None,
    help="Then add this many entries to every list the personas see (to try pages at size).",
)
@with_appcontext
def demo(reset: bool, rows: int | None) -> None:
    """Load a small demo: regions, one persona per role, and every plugin's demo data."""
    if reset:
        reset_database()
    migrate.upgrade(current_app)
    session = db_session()
    if demo_loaded(session):
        if rows is None:
            click.echo("the demo is already loaded (use --reset to load it again)")
            return
    else:
        _load(session)
    if rows is not None:
        _add_rows(session, rows)


def _add_rows(session: Any, rows: int) -> None:
    names = [n for n, _ in current_app.extensions["resalat"].plugins.impls("resalat_demo_rows")]
    with click.progressbar(length=len(names) + 1, label=f"{rows} more rows per list") as bar:
        add_demo_rows(current_app, session, rows, progress=lambda _name: bar.update(1))
        session.commit()
    click.echo(f"added {rows} rows to every list of the host and {len(names)} plugins")


def _load(session: Any) -> None:
    names = [n for n, _ in current_app.extensions["resalat"].plugins.impls("resalat_demo")]
    with click.progressbar(length=len(names) + 1, label="demo") as bar:
        load_demo(current_app, session, progress=lambda _name: bar.update(1))
        session.commit()
        bar.update(1)
    click.echo(f"demo loaded; every persona's password is {DEMO_PASSWORD}")
    shown: set[str] = set()
    for role, p in personas():
        if p.key not in shown:
            shown.add(p.key)
            click.echo(f"  {p.key:<14} {p.mobile}  {p.name}  ({role.name})")

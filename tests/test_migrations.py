"""`resalat db upgrade` builds a brand-new database for the host and every installed plugin."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import inspect
from sqlalchemy.engine import make_url

from resalat_core import migrate, testing
from resalat_core.app import create_app
from resalat_core.db import Base


def _server_connection(url: str) -> psycopg.Connection:
    """An autocommit connection to the server of ``url`` (CREATE DATABASE refuses transactions)."""
    libpq = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    return psycopg.connect(libpq, autocommit=True)


@pytest.fixture
def empty_database(backend: str, tmp_path: Path) -> Iterator[str]:
    """The URL of a database nobody has touched: a new SQLite file, or a new PostgreSQL database."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    server_url = os.environ[testing.PG_ENV]
    name = f"resalat_mig_{secrets.token_hex(6)}"
    with _server_connection(server_url) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with _server_connection(server_url) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def fresh_app(empty_database: str) -> Iterator[Flask]:
    app = create_app(testing.test_config(empty_database))
    yield app
    app.extensions["resalat"].db.dispose()


def table_names(app: Flask) -> set[str]:
    return set(inspect(app.extensions["resalat"].db.engine).get_table_names())


def upgrade_from_the_cli(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output


def test_db_upgrade_brings_a_brand_new_database_to_every_head(fresh_app: Flask) -> None:
    assert table_names(fresh_app) == set()

    upgrade_from_the_cli(fresh_app)

    assert sorted(migrate.current(fresh_app)) == sorted(migrate.heads(fresh_app))
    assert set(Base.metadata.tables) <= table_names(fresh_app)


def test_every_installed_plugin_with_migrations_reaches_its_own_head(fresh_app: Flask) -> None:
    records = fresh_app.extensions["resalat"].plugins.records.values()
    # A plugin that failed to load would have its migrations skipped without a word.
    assert [(r.name, r.error) for r in records if r.status != "loaded"] == []
    upgrade_from_the_cli(fresh_app)

    script = ScriptDirectory.from_config(migrate.alembic_config(fresh_app))
    # A head another branch depends on is absorbed by it in alembic_version, yet applied.
    current = migrate.applied(fresh_app)
    branches = [migrate.HOST_BRANCH] + [
        r.name for r in fresh_app.extensions["resalat"].plugins.loaded if r.plugin.migrations_dir
    ]
    for branch in branches:
        head = script.get_revision(f"{branch}@head")
        assert head is not None, f"{branch} has no migration branch labelled {branch!r}"
        assert head.revision in current, f"{branch} is not at its head {head.revision}"


def test_the_migrated_schema_matches_the_models_exactly(fresh_app: Flask) -> None:
    upgrade_from_the_cli(fresh_app)

    assert migrate.schema_drift(fresh_app) == []
    result = fresh_app.test_cli_runner().invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output


def test_the_database_can_go_down_to_nothing_and_up_again(fresh_app: Flask) -> None:
    upgrade_from_the_cli(fresh_app)

    migrate.downgrade(fresh_app, "base")
    assert migrate.current(fresh_app) == []
    assert table_names(fresh_app) <= {"alembic_version"}

    upgrade_from_the_cli(fresh_app)
    assert sorted(migrate.current(fresh_app)) == sorted(migrate.heads(fresh_app))
    assert migrate.schema_drift(fresh_app) == []

"""Migrations: one Alembic history with a branch for the host and one per loaded plugin."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import Flask

import resalat_core.models  # noqa: F401  (every host table in the metadata)
from resalat_core.db import Base, is_sqlite

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic (with Mako) is imported where it is used: every web worker registers the `resalat db`
# commands, but only the command itself migrates, and importing it took a worker a second.

HERE = Path(__file__).resolve().parent
HOST_BRANCH = "core"
HOST_BASE_REVISION = "c0de00000001"


def alembic_config(app: Flask) -> Config:
    """A Config whose version locations are the host's and every loaded plugin's."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(HERE / "migrations"))
    cfg.set_main_option("path_separator", "os")
    locations = [str(HERE / "migrations" / "versions")]
    for record in app.extensions["resalat"].plugins.loaded:
        versions = record.plugin.migrations_dir
        if versions is not None:
            locations.append(str(versions))
    cfg.set_main_option("version_locations", os.pathsep.join(locations))
    cfg.attributes["app"] = app
    return cfg


def upgrade(app: Flask, target: str = "heads") -> None:
    from alembic import command

    command.upgrade(alembic_config(app), target)


def downgrade(app: Flask, target: str) -> None:
    from alembic import command

    command.downgrade(alembic_config(app), target)


def heads(app: Flask) -> list[str]:
    """The revisions ``alembic_version`` holds once every branch is upgraded.

    A branch head that another branch depends on (a plugin whose tables refer to another
    plugin's) is absorbed by the dependent branch, as Alembic records it, so it is not listed.
    """
    from alembic.script import ScriptDirectory

    return list(ScriptDirectory.from_config(alembic_config(app)).get_heads(consider_depends_on=True))


def applied(app: Flask) -> set[str]:
    """Every revision the database has: its current heads and all they rest on, dependencies too."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config(app))
    heads_now = tuple(current(app))
    if not heads_now:
        return set()
    return {rev.revision for rev in script.revision_map.iterate_revisions(heads_now, "base")}


def known_revisions(app: Flask) -> set[str]:
    """Every revision of the host's and the loaded plugins' histories (to tell a backup from a
    newer release, whose schema this install cannot read)."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config(app))
    return {rev.revision for rev in script.walk_revisions()}


def current(app: Flask) -> list[str]:
    from alembic.migration import MigrationContext

    engine = app.extensions["resalat"].db.engine
    with engine.connect() as conn:
        return list(MigrationContext.configure(conn).get_current_heads())


def include_name(name: str | None, type_: str, _parent_names: Any) -> bool:
    """Leave out what the ORM does not own: full-text search tables a plugin maintains itself
    (any table whose name contains ``_fts``, with SQLite FTS5's shadow tables)."""
    return not (type_ == "table" and name is not None and "_fts" in name)


def schema_drift(app: Flask) -> list[Any]:
    """What differs between the migrated database and the models (empty when they agree)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = app.extensions["resalat"].db.engine
    with engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn,
            opts={"compare_type": True, "render_as_batch": is_sqlite(engine), "include_name": include_name},
        )
        return compare_metadata(ctx, Base.metadata)


def revision(app: Flask, message: str, *, branch: str, autogenerate: bool = True) -> Any:
    """Write a new migration on ``branch`` (``core`` or a plugin's name)."""
    from alembic import command
    from alembic.script import ScriptDirectory

    cfg = alembic_config(app)
    script = ScriptDirectory.from_config(cfg)
    if branch == HOST_BRANCH:
        version_path = str(HERE / "migrations" / "versions")
    else:
        plugin = app.extensions["resalat"].plugins.plugin(branch)
        if plugin is None:
            raise ValueError(f"no loaded plugin named {branch!r}")
        version_path = str(plugin.root / "migrations" / "versions")
        Path(version_path).mkdir(parents=True, exist_ok=True)
    has_branch = any(branch in (rev.branch_labels or ()) for rev in script.walk_revisions())
    kwargs: dict[str, Any] = {
        "message": message,
        "autogenerate": autogenerate,
        "version_path": version_path,
    }
    if has_branch:
        kwargs["head"] = f"{branch}@head"
    else:
        kwargs["head"] = "base"
        kwargs["branch_label"] = branch
        if branch != HOST_BRANCH:
            kwargs["depends_on"] = HOST_BASE_REVISION
    return command.revision(cfg, **kwargs)

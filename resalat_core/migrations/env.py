"""Alembic environment shared by the host and every plugin's branch."""

from __future__ import annotations

from alembic import context

import resalat_core.models  # noqa: F401  (every host table in the metadata)
from resalat_core.db import Base, is_sqlite
from resalat_core.migrate import include_name

config = context.config
app = config.attributes["app"]
target_metadata = Base.metadata


def run_migrations() -> None:
    engine = app.extensions["resalat"].db.engine
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            # SQLite cannot ALTER most things; batch mode copies the table instead.
            render_as_batch=is_sqlite(engine),
            include_name=include_name,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations()

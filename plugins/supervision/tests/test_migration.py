"""The supervision branch of the migrations builds exactly the tables the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from resalat_core.sdk import Base, get_db, is_sqlite


def test_the_migrated_tables_match_the_models(app):
    with app.app_context():
        engine = get_db().engine
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "render_as_batch": is_sqlite(engine)}
            )
            drift = [d for d in compare_metadata(context, Base.metadata) if "supervision" in repr(d)]
            indexes = {i["name"]: i for i in inspect(conn).get_indexes("supervision_reports")}
            versions = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalars().all()

    assert drift == []
    pending = indexes["uq_supervision_reports_pending_per_reporter"]
    assert pending["unique"] and pending["column_names"] == ["reporter_id", "kind", "subject_id"]
    assert "5e9e00000002" in versions  # the head: 64-bit ids

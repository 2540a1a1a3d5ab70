"""The notifications branch of the migrations builds exactly the tables the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from resalat_core.sdk import Base, get_db, is_sqlite


def test_the_migrated_inbox_table_matches_the_model(app):
    with app.app_context():
        engine = get_db().engine
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "render_as_batch": is_sqlite(engine)}
            )
            drift = [d for d in compare_metadata(context, Base.metadata) if "notifications" in repr(d)]
            indexes = {i["name"]: i["column_names"] for i in inspect(conn).get_indexes("notifications")}
            branch = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalars().all()

    assert drift == []
    assert indexes["ix_notifications_member_id_read_at"] == ["member_id", "read_at"]
    assert indexes["ix_notifications_member_id_id"] == ["member_id", "id"]
    assert "4e0b7a9c2d17" in branch  # the branch's head: 64-bit ids

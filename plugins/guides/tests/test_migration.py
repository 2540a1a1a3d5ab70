"""The guides branch of the migrations builds exactly the tables the models describe, after the cores'."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from resalat_core.sdk import Base, get_db, is_sqlite

TABLES = ("guides_candidates", "guides_status_changes", "guides_advice", "guides_core_links")


def test_the_migrated_tables_match_the_models(app):
    with app.app_context():
        engine = get_db().engine
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "render_as_batch": is_sqlite(engine)}
            )
            drift = [d for d in compare_metadata(context, Base.metadata) if "guides_" in repr(d)]
            inspector = inspect(conn)
            indexes = {i["name"]: i["column_names"] for i in inspector.get_indexes("guides_candidates")}
            targets = {fk["referred_table"] for fk in inspector.get_foreign_keys("guides_core_links")}
            tables = set(inspector.get_table_names())

    assert drift == []
    assert set(TABLES) <= tables
    assert indexes["ix_guides_candidates_region_id_priority"] == ["region_id", "priority", "created_at"]
    assert indexes["ix_guides_candidates_status_region_id"] == ["status", "region_id"]
    assert targets == {"cores", "members"}

"""The cores branch of the migrations builds exactly the tables the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from resalat_core.sdk import Base, get_db, is_sqlite

TABLES = ("cores", "cores_fields", "cores_members", "cores_status_changes")


def test_the_migrated_tables_match_the_models(app):
    with app.app_context():
        engine = get_db().engine
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "render_as_batch": is_sqlite(engine)}
            )
            drift = [d for d in compare_metadata(context, Base.metadata) if any(t in repr(d) for t in TABLES)]
            indexes = {i["name"]: i["column_names"] for i in inspect(conn).get_indexes("cores")}
            uniques = {u["name"]: u["column_names"] for u in inspect(conn).get_unique_constraints("cores")}
            tables = set(inspect(conn).get_table_names())

    assert drift == []
    # The lookups the pages make: search by status and place, by field, by name, by leader.
    assert indexes["ix_cores_status_region_id"] == ["status", "region_id"]
    assert indexes["ix_cores_field_id_status"] == ["field_id", "status"]
    assert indexes["ix_cores_name_search"] == ["name_search"]
    assert indexes["ix_cores_leader_id"] == ["leader_id"]
    # The core ID is unique: the last guard when two approvals race for a serial.
    assert uniques["uq_cores_code"] == ["code"]
    # Migrated, not created by the ORM: every table is there. (Its revision id need not be in
    # alembic_version: a plugin whose migration depends on this one absorbs it as the head.)
    assert set(TABLES) <= tables

"""audit entries

The audit trail (``audit_entries``): who did what, where, on what, before and after, from which
address. On PostgreSQL a trigger refuses every UPDATE and DELETE of an entry: nobody edits or
removes one.

Revision ID: c0de0000a007
Revises: c0de0000a006
Create Date: 2026-12-07 03:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c0de0000a007"
down_revision: str | Sequence[str] | None = "c0de0000a006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REFUSE_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_entries_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit entries are append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql
"""
REFUSE_TRIGGER = """
CREATE TRIGGER audit_entries_append_only
BEFORE UPDATE OR DELETE ON audit_entries
FOR EACH ROW EXECUTE FUNCTION audit_entries_refuse_change()
"""


def upgrade() -> None:
    op.create_table(
        "audit_entries",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=True),
        sa.Column("subject", sa.String(length=80), nullable=True),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("address", sa.String(length=45), nullable=True),
        sa.ForeignKeyConstraint(["actor_id"], ["members.id"], name=op.f("fk_audit_entries_actor_id_members")),
        sa.ForeignKeyConstraint(
            ["region_id"], ["regions.id"], name=op.f("fk_audit_entries_region_id_regions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entries")),
    )
    op.create_index("ix_audit_entries_region_id_at", "audit_entries", ["region_id", "at"], unique=False)
    op.create_index("ix_audit_entries_action_at", "audit_entries", ["action", "at"], unique=False)
    op.create_index("ix_audit_entries_actor_id_at", "audit_entries", ["actor_id", "at"], unique=False)
    op.create_index("ix_audit_entries_at", "audit_entries", ["at"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(REFUSE_FUNCTION)
        op.execute(REFUSE_TRIGGER)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_entries_append_only ON audit_entries")
        op.execute("DROP FUNCTION IF EXISTS audit_entries_refuse_change()")
    op.drop_index("ix_audit_entries_at", table_name="audit_entries")
    op.drop_index("ix_audit_entries_actor_id_at", table_name="audit_entries")
    op.drop_index("ix_audit_entries_action_at", table_name="audit_entries")
    op.drop_index("ix_audit_entries_region_id_at", table_name="audit_entries")
    op.drop_table("audit_entries")

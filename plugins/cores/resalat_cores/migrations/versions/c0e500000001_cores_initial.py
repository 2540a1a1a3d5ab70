"""cores: fields of work, cores with their core ID, core members and status history

Revision ID: c0e500000001
Revises:
Create Date: 2026-11-29 14:49:34

Fields of work are not seeded here: services.ensure_default_fields adds the brochure's fields on
first use, so one list is the source and an emptied database fills itself again.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c0e500000001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("cores",)
depends_on: str | Sequence[str] | None = "c0de00000001"


def upgrade() -> None:
    op.create_table(
        "cores_fields",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=30), nullable=False),
        sa.Column("name_fa", sa.String(length=80), nullable=False),
        sa.Column("name_en", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cores_fields")),
        sa.UniqueConstraint("code", name=op.f("uq_cores_fields_code")),
    )
    op.create_table(
        "cores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=True),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("name_search", sa.String(length=120), nullable=False),
        sa.Column("leader_id", sa.Integer(), nullable=False),
        sa.Column("field_id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("existed_before", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("approved_at", sa.DateTime(), nullable=True),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["approved_by_id"], ["members.id"], name=op.f("fk_cores_approved_by_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["field_id"], ["cores_fields.id"], name=op.f("fk_cores_field_id_cores_fields")
        ),
        sa.ForeignKeyConstraint(["leader_id"], ["members.id"], name=op.f("fk_cores_leader_id_members")),
        sa.ForeignKeyConstraint(["region_id"], ["regions.id"], name=op.f("fk_cores_region_id_regions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cores")),
        sa.UniqueConstraint("code", name=op.f("uq_cores_code")),
    )
    with op.batch_alter_table("cores", schema=None) as batch_op:
        batch_op.create_index("ix_cores_field_id_status", ["field_id", "status"], unique=False)
        batch_op.create_index(batch_op.f("ix_cores_leader_id"), ["leader_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_cores_name_search"), ["name_search"], unique=False)
        batch_op.create_index(batch_op.f("ix_cores_region_id"), ["region_id"], unique=False)
        batch_op.create_index("ix_cores_status_region_id", ["status", "region_id"], unique=False)

    op.create_table(
        "cores_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("core_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("national_code", sa.String(length=10), nullable=False),
        sa.Column("mobile", sa.String(length=11), nullable=True),
        sa.Column("relation", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["core_id"], ["cores.id"], name=op.f("fk_cores_members_core_id_cores"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_cores_members_member_id_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cores_members")),
        sa.UniqueConstraint("core_id", "national_code", name=op.f("uq_cores_members_core_id_national_code")),
    )
    with op.batch_alter_table("cores_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cores_members_member_id"), ["member_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_cores_members_national_code"), ["national_code"], unique=False)

    op.create_table(
        "cores_status_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("core_id", sa.Integer(), nullable=False),
        sa.Column("from_status", sa.String(length=16), nullable=True),
        sa.Column("to_status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["members.id"], name=op.f("fk_cores_status_changes_actor_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["core_id"], ["cores.id"], name=op.f("fk_cores_status_changes_core_id_cores"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cores_status_changes")),
    )
    with op.batch_alter_table("cores_status_changes", schema=None) as batch_op:
        batch_op.create_index("ix_cores_status_changes_core_id_id", ["core_id", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("cores_status_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_cores_status_changes_core_id_id")

    op.drop_table("cores_status_changes")
    with op.batch_alter_table("cores_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cores_members_national_code"))
        batch_op.drop_index(batch_op.f("ix_cores_members_member_id"))

    op.drop_table("cores_members")
    with op.batch_alter_table("cores", schema=None) as batch_op:
        batch_op.drop_index("ix_cores_status_region_id")
        batch_op.drop_index(batch_op.f("ix_cores_region_id"))
        batch_op.drop_index(batch_op.f("ix_cores_name_search"))
        batch_op.drop_index(batch_op.f("ix_cores_leader_id"))
        batch_op.drop_index("ix_cores_field_id_status")

    op.drop_table("cores")
    op.drop_table("cores_fields")

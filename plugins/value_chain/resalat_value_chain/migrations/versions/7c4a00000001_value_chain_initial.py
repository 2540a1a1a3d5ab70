"""value_chain: goods, fields' inputs and outputs, suggested links, organisations' needs and answers

Revision ID: 7c4a00000001
Revises:
Create Date: 2026-12-06 21:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7c4a00000001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("value_chain",)
# On the host's first revision (members, regions), the cores' (cores) and the guides' (their links).
depends_on: str | Sequence[str] | None = ("c0de00000001", "c0e500000001", "fca8931daffc")


def upgrade() -> None:
    op.create_table(
        "value_chain_goods",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name_fa", sa.String(length=80), nullable=False),
        sa.Column("name_en", sa.String(length=80), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_value_chain_goods")),
        sa.UniqueConstraint("code", name=op.f("uq_value_chain_goods_code")),
    )
    op.create_table(
        "value_chain_field_goods",
        sa.Column("field_code", sa.String(length=40), nullable=False),
        sa.Column("inputs", sa.JSON(), nullable=False),
        sa.Column("outputs", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["members.id"], name=op.f("fk_value_chain_field_goods_updated_by_id_members")
        ),
        sa.PrimaryKeyConstraint("field_code", name=op.f("pk_value_chain_field_goods")),
    )
    op.create_table(
        "value_chain_suggestions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_core_id", sa.Integer(), nullable=False),
        sa.Column("target_core_id", sa.Integer(), nullable=False),
        sa.Column("source_region_id", sa.Integer(), nullable=False),
        sa.Column("target_region_id", sa.Integer(), nullable=False),
        sa.Column("good_code", sa.String(length=40), nullable=False),
        sa.Column("distance", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_core_id"], ["cores.id"], name=op.f("fk_value_chain_suggestions_source_core_id_cores")
        ),
        sa.ForeignKeyConstraint(
            ["target_core_id"], ["cores.id"], name=op.f("fk_value_chain_suggestions_target_core_id_cores")
        ),
        sa.ForeignKeyConstraint(
            ["source_region_id"],
            ["regions.id"],
            name=op.f("fk_value_chain_suggestions_source_region_id_regions"),
        ),
        sa.ForeignKeyConstraint(
            ["target_region_id"],
            ["regions.id"],
            name=op.f("fk_value_chain_suggestions_target_region_id_regions"),
        ),
        sa.ForeignKeyConstraint(
            ["link_id"],
            ["guides_core_links.id"],
            name=op.f("fk_value_chain_suggestions_link_id_guides_core_links"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["members.id"], name=op.f("fk_value_chain_suggestions_decided_by_id_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_value_chain_suggestions")),
        sa.UniqueConstraint(
            "source_core_id",
            "target_core_id",
            "good_code",
            name=op.f("uq_value_chain_suggestions_source_core_id_target_core_id_good_code"),
        ),
    )
    with op.batch_alter_table("value_chain_suggestions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_value_chain_suggestions_status_target_region_id", ["status", "target_region_id"], unique=False
        )
        batch_op.create_index(
            "ix_value_chain_suggestions_status_source_region_id", ["status", "source_region_id"], unique=False
        )
        batch_op.create_index("ix_value_chain_suggestions_target_core_id", ["target_core_id"], unique=False)
    op.create_table(
        "value_chain_needs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("good_code", sa.String(length=40), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(length=30), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=True),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("told", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_value_chain_needs_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["members.id"], name=op.f("fk_value_chain_needs_owner_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["regions.id"], name=op.f("fk_value_chain_needs_region_id_regions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_value_chain_needs")),
    )
    with op.batch_alter_table("value_chain_needs", schema=None) as batch_op:
        batch_op.create_index("ix_value_chain_needs_owner_id_id", ["owner_id", "id"], unique=False)
        batch_op.create_index("ix_value_chain_needs_status_good_code", ["status", "good_code"], unique=False)
    op.create_table(
        "value_chain_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("need_id", sa.Integer(), nullable=False),
        sa.Column("core_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_value_chain_answers_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["need_id"],
            ["value_chain_needs.id"],
            name=op.f("fk_value_chain_answers_need_id_value_chain_needs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["core_id"], ["cores.id"], name=op.f("fk_value_chain_answers_core_id_cores")),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_value_chain_answers_member_id_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_value_chain_answers")),
        sa.UniqueConstraint("need_id", "core_id", name=op.f("uq_value_chain_answers_need_id_core_id")),
    )
    with op.batch_alter_table("value_chain_answers", schema=None) as batch_op:
        batch_op.create_index("ix_value_chain_answers_need_id_id", ["need_id", "id"], unique=False)
        batch_op.create_index("ix_value_chain_answers_core_id", ["core_id"], unique=False)


def downgrade() -> None:
    op.drop_table("value_chain_answers")
    op.drop_table("value_chain_needs")
    op.drop_table("value_chain_suggestions")
    op.drop_table("value_chain_field_goods")
    op.drop_table("value_chain_goods")

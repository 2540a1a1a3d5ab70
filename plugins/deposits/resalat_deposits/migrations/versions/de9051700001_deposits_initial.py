"""deposits: loan points movements

Revision ID: de9051700001
Revises:
Create Date: 2026-11-29 17:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "de9051700001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("deposits",)
depends_on: str | Sequence[str] | None = "c0de00000001"


def upgrade() -> None:
    op.create_table(
        "deposits_points_movements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("counterpart_id", sa.Integer(), nullable=True),
        sa.Column("relation", sa.String(length=16), nullable=True),
        sa.Column("reference", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_deposits_points_movements_amount_positive")),
        sa.CheckConstraint(
            "kind IN ('received', 'given', 'used', 'released')",
            name=op.f("ck_deposits_points_movements_kind_known"),
        ),
        sa.CheckConstraint(
            "relation IS NULL OR relation IN ('spouse', 'father', 'mother', 'child')",
            name=op.f("ck_deposits_points_movements_relation_known"),
        ),
        sa.CheckConstraint(
            "counterpart_id IS NULL OR counterpart_id <> member_id",
            name=op.f("ck_deposits_points_movements_not_oneself"),
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_deposits_points_movements_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["counterpart_id"],
            ["members.id"],
            name=op.f("fk_deposits_points_movements_counterpart_id_members"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deposits_points_movements")),
        sa.UniqueConstraint("kind", "reference", name="uq_deposits_points_movements_kind_reference"),
    )
    with op.batch_alter_table("deposits_points_movements", schema=None) as batch_op:
        batch_op.create_index("ix_deposits_points_movements_member_id_id", ["member_id", "id"], unique=False)
        batch_op.create_index("ix_deposits_points_movements_counterpart_id", ["counterpart_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("deposits_points_movements", schema=None) as batch_op:
        batch_op.drop_index("ix_deposits_points_movements_counterpart_id")
        batch_op.drop_index("ix_deposits_points_movements_member_id_id")
    op.drop_table("deposits_points_movements")

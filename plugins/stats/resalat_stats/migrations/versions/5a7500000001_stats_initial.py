"""stats: daily snapshots of the plugins' keyed figures

Revision ID: 5a7500000001
Revises:
Create Date: 2026-12-06 21:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5a7500000001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("stats",)
depends_on: str | Sequence[str] | None = "c0de00000001"


def upgrade() -> None:
    op.create_table(
        "stats_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("scope_id", sa.Integer(), nullable=False),
        sa.Column("plugin", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.Column("money", sa.Boolean(), nullable=False),
        sa.Column("label_fa", sa.String(length=200), nullable=False),
        sa.Column("label_en", sa.String(length=200), nullable=False),
        sa.Column("unit_fa", sa.String(length=200), nullable=False),
        sa.Column("unit_en", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stats_snapshots")),
        sa.UniqueConstraint(
            "scope_id", "day", "plugin", "key", name=op.f("uq_stats_snapshots_scope_id_day_plugin_key")
        ),
    )
    op.create_index("ix_stats_snapshots_scope_day", "stats_snapshots", ["scope_id", "day"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_stats_snapshots_scope_day", table_name="stats_snapshots")
    op.drop_table("stats_snapshots")

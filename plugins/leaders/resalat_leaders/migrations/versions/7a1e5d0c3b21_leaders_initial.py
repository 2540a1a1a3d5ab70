"""leaders: talents and rooted trades introduced, social guarantees

Revision ID: 7a1e5d0c3b21
Revises:
Create Date: 2026-12-01 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7a1e5d0c3b21"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("leaders",)
depends_on: str | Sequence[str] | None = "c0de00000001"


def upgrade() -> None:
    op.create_table(
        "leaders_talents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("leader_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("talent", sa.String(length=200), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "status IN ('new', 'followed_up', 'closed')", name=op.f("ck_leaders_talents_status_known")
        ),
        sa.ForeignKeyConstraint(
            ["leader_id"],
            ["members.id"],
            name=op.f("fk_leaders_talents_leader_id_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_leaders_talents_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["regions.id"], name=op.f("fk_leaders_talents_region_id_regions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_leaders_talents")),
    )
    with op.batch_alter_table("leaders_talents", schema=None) as batch_op:
        batch_op.create_index("ix_leaders_talents_leader_id", ["leader_id"], unique=False)
        batch_op.create_index("ix_leaders_talents_member_id", ["member_id"], unique=False)
        batch_op.create_index("ix_leaders_talents_region_id_id", ["region_id", "id"], unique=False)

    op.create_table(
        "leaders_trades",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("leader_id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("households", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("households >= 0", name=op.f("ck_leaders_trades_households_not_negative")),
        sa.CheckConstraint(
            "status IN ('new', 'followed_up', 'closed')", name=op.f("ck_leaders_trades_status_known")
        ),
        sa.ForeignKeyConstraint(
            ["leader_id"],
            ["members.id"],
            name=op.f("fk_leaders_trades_leader_id_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["regions.id"], name=op.f("fk_leaders_trades_region_id_regions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_leaders_trades")),
    )
    with op.batch_alter_table("leaders_trades", schema=None) as batch_op:
        batch_op.create_index("ix_leaders_trades_leader_id", ["leader_id"], unique=False)
        batch_op.create_index("ix_leaders_trades_region_id_id", ["region_id", "id"], unique=False)

    op.create_table(
        "leaders_guarantees",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("leader_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("cap_rials", sa.BigInteger(), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("signed_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_reason", sa.Text(), nullable=True),
        sa.CheckConstraint("cap_rials > 0", name=op.f("ck_leaders_guarantees_cap_positive")),
        sa.CheckConstraint("leader_id <> member_id", name=op.f("ck_leaders_guarantees_not_oneself")),
        sa.CheckConstraint(
            "status IN ('active', 'revoked')", name=op.f("ck_leaders_guarantees_status_known")
        ),
        sa.ForeignKeyConstraint(
            ["leader_id"],
            ["members.id"],
            name=op.f("fk_leaders_guarantees_leader_id_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_leaders_guarantees_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["regions.id"], name=op.f("fk_leaders_guarantees_region_id_regions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_leaders_guarantees")),
    )
    with op.batch_alter_table("leaders_guarantees", schema=None) as batch_op:
        batch_op.create_index("ix_leaders_guarantees_leader_id_status", ["leader_id", "status"], unique=False)
        batch_op.create_index("ix_leaders_guarantees_member_id_status", ["member_id", "status"], unique=False)
        batch_op.create_index("ix_leaders_guarantees_region_id_id", ["region_id", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("leaders_guarantees", schema=None) as batch_op:
        batch_op.drop_index("ix_leaders_guarantees_region_id_id")
        batch_op.drop_index("ix_leaders_guarantees_member_id_status")
        batch_op.drop_index("ix_leaders_guarantees_leader_id_status")
    op.drop_table("leaders_guarantees")
    with op.batch_alter_table("leaders_trades", schema=None) as batch_op:
        batch_op.drop_index("ix_leaders_trades_region_id_id")
        batch_op.drop_index("ix_leaders_trades_leader_id")
    op.drop_table("leaders_trades")
    with op.batch_alter_table("leaders_talents", schema=None) as batch_op:
        batch_op.drop_index("ix_leaders_talents_region_id_id")
        batch_op.drop_index("ix_leaders_talents_member_id")
        batch_op.drop_index("ix_leaders_talents_leader_id")
    op.drop_table("leaders_talents")

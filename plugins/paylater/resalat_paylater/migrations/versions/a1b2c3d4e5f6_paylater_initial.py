"""Pay later's first migration: members' lines and their debts, exactly as models.py describes them."""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a1b2c3d4e5f6"
down_revision: str | Sequence[str] | None = None
# The plugin's own branch, on top of the host's first revision (members and regions exist first).
branch_labels: str | Sequence[str] | None = ("paylater",)
depends_on: str | Sequence[str] | None = "c0de00000001"


def upgrade() -> None:
    op.create_table(
        "paylater_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("used", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("used >= 0", name=op.f("ck_paylater_lines_used_not_negative")),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_paylater_lines_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_paylater_lines")),
        sa.UniqueConstraint("member_id", name=op.f("uq_paylater_lines_member_id")),
    )
    op.create_table(
        "paylater_debts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("checkout_key", sa.String(length=200), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("bucket", sa.String(length=16), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("reminded_on", sa.Date(), nullable=True),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("paid_by", sa.String(length=16), nullable=True),
        sa.Column("returned", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("paid_at", sa.DateTime(), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("amount > 0", name=op.f("ck_paylater_debts_amount_positive")),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_paylater_debts_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["regions.id"], name=op.f("fk_paylater_debts_region_id_regions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_paylater_debts")),
        sa.UniqueConstraint("order_id", name=op.f("uq_paylater_debts_order_id")),
    )
    op.create_index("ix_paylater_debts_member_id_id", "paylater_debts", ["member_id", "id"], unique=False)
    op.create_index("ix_paylater_debts_status_due_on", "paylater_debts", ["status", "due_on"], unique=False)
    op.create_index(
        "ix_paylater_debts_region_id_status", "paylater_debts", ["region_id", "status"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_paylater_debts_region_id_status", table_name="paylater_debts")
    op.drop_index("ix_paylater_debts_status_due_on", table_name="paylater_debts")
    op.drop_index("ix_paylater_debts_member_id_id", table_name="paylater_debts")
    op.drop_table("paylater_debts")
    op.drop_table("paylater_lines")

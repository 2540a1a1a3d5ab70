"""hesam: card payments through a gateway, the sandbox gateway, Sheba accounts and withdrawals

Revision ID: 4e5a00000001
Revises:
Create Date: 2026-12-06 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "4e5a00000001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("hesam",)
depends_on: str | Sequence[str] | None = "c0de00000002"


def upgrade() -> None:
    op.create_table(
        "hesam_card_payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("gateway", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("token", sa.String(length=100), nullable=True),
        sa.Column("redirect_url", sa.String(length=500), nullable=True),
        sa.Column("reference", sa.String(length=100), nullable=True),
        sa.Column("failure", sa.String(length=40), nullable=True),
        sa.Column("transfer_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_hesam_card_payments_amount_positive")),
        sa.CheckConstraint(
            "state IN ('created', 'redirected', 'verified', 'failed', 'cancelled')",
            name=op.f("ck_hesam_card_payments_state_known"),
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_hesam_card_payments_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["transfer_id"],
            ["wallet_transfers.id"],
            name=op.f("fk_hesam_card_payments_transfer_id_wallet_transfers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hesam_card_payments")),
        sa.UniqueConstraint("member_id", "key", name="uq_hesam_card_payments_member_id_key"),
        sa.UniqueConstraint("gateway", "token", name="uq_hesam_card_payments_gateway_token"),
        sa.UniqueConstraint("transfer_id", name=op.f("uq_hesam_card_payments_transfer_id")),
    )
    with op.batch_alter_table("hesam_card_payments", schema=None) as batch_op:
        batch_op.create_index("ix_hesam_card_payments_member_id_id", ["member_id", "id"], unique=False)

    op.create_table(
        "hesam_sandbox_payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=100), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("callback_url", sa.String(length=500), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=True),
        sa.Column("card_mask", sa.String(length=20), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_hesam_sandbox_payments_amount_positive")),
        sa.CheckConstraint(
            "state IN ('waiting', 'paid', 'failed', 'cancelled')",
            name=op.f("ck_hesam_sandbox_payments_state_known"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hesam_sandbox_payments")),
        sa.UniqueConstraint("token", name=op.f("uq_hesam_sandbox_payments_token")),
    )

    op.create_table(
        "hesam_sheba_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("sheba", sa.String(length=26), nullable=False),
        sa.Column("holder_name", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_hesam_sheba_accounts_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hesam_sheba_accounts")),
        sa.UniqueConstraint("member_id", name=op.f("uq_hesam_sheba_accounts_member_id")),
    )

    op.create_table(
        "hesam_withdrawals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("sheba", sa.String(length=26), nullable=False),
        sa.Column("holder_name", sa.String(length=80), nullable=False),
        sa.Column("transfer_id", sa.Integer(), nullable=False),
        sa.Column("batch", sa.String(length=40), nullable=True),
        sa.Column("bank_reference", sa.String(length=100), nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("exported_at", sa.DateTime(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("amount > 0", name=op.f("ck_hesam_withdrawals_amount_positive")),
        sa.CheckConstraint(
            "state IN ('requested', 'exported', 'settled', 'refused')",
            name=op.f("ck_hesam_withdrawals_state_known"),
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_hesam_withdrawals_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["transfer_id"],
            ["wallet_transfers.id"],
            name=op.f("fk_hesam_withdrawals_transfer_id_wallet_transfers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hesam_withdrawals")),
        sa.UniqueConstraint("member_id", "key", name="uq_hesam_withdrawals_member_id_key"),
        sa.UniqueConstraint("transfer_id", name=op.f("uq_hesam_withdrawals_transfer_id")),
    )
    with op.batch_alter_table("hesam_withdrawals", schema=None) as batch_op:
        batch_op.create_index("ix_hesam_withdrawals_member_id_id", ["member_id", "id"], unique=False)
        batch_op.create_index("ix_hesam_withdrawals_state_id", ["state", "id"], unique=False)
        batch_op.create_index(op.f("ix_hesam_withdrawals_batch"), ["batch"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("hesam_withdrawals", schema=None) as batch_op:
        batch_op.drop_index(op.f("ix_hesam_withdrawals_batch"))
        batch_op.drop_index("ix_hesam_withdrawals_state_id")
        batch_op.drop_index("ix_hesam_withdrawals_member_id_id")
    op.drop_table("hesam_withdrawals")
    op.drop_table("hesam_sheba_accounts")
    op.drop_table("hesam_sandbox_payments")
    with op.batch_alter_table("hesam_card_payments", schema=None) as batch_op:
        batch_op.drop_index("ix_hesam_card_payments_member_id_id")
    op.drop_table("hesam_card_payments")

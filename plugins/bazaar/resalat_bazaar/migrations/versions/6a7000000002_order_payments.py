"""bazaar: orders paid in part by other plugins' payment methods, and delivery fees

Revision ID: 6a7000000002
Revises: 6a701412e59c
Create Date: 2026-12-06 14:20:00

``bazaar_orders.paid_other`` is what those methods paid; each part, with the account it came
from, is a row of ``bazaar_order_payments``. The paid-in-full check now counts them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "6a7000000002"
down_revision: str | Sequence[str] | None = "6a701412e59c"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_CHECK = "paid_main >= 0 AND paid_earmarked >= 0 AND paid_main + paid_earmarked = total"
NEW_CHECK = (
    "paid_main >= 0 AND paid_earmarked >= 0 AND paid_other >= 0 "
    "AND paid_main + paid_earmarked + paid_other = total"
)


def upgrade() -> None:
    with op.batch_alter_table("bazaar_orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("paid_other", sa.BigInteger(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("delivery_fee", sa.BigInteger(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("delivery_fee_account_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_bazaar_orders_delivery_fee_account_id_wallet_accounts"),
            "wallet_accounts",
            ["delivery_fee_account_id"],
            ["id"],
        )
        batch_op.drop_constraint(op.f("ck_bazaar_orders_paid_in_full"), type_="check")
        batch_op.create_check_constraint(op.f("ck_bazaar_orders_paid_in_full"), NEW_CHECK)
        batch_op.create_check_constraint(
            op.f("ck_bazaar_orders_delivery_fee_not_negative"), "delivery_fee >= 0"
        )
    with op.batch_alter_table("bazaar_orders", schema=None) as batch_op:
        batch_op.alter_column("paid_other", server_default=None)
        batch_op.alter_column("delivery_fee", server_default=None)

    op.create_table(
        "bazaar_order_payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=80), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("purpose", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_bazaar_order_payments_amount_positive")),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["wallet_accounts.id"],
            name=op.f("fk_bazaar_order_payments_account_id_wallet_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["bazaar_orders.id"],
            name=op.f("fk_bazaar_order_payments_order_id_bazaar_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bazaar_order_payments")),
    )
    with op.batch_alter_table("bazaar_order_payments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bazaar_order_payments_order_id"), ["order_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("bazaar_order_payments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bazaar_order_payments_order_id"))
    op.drop_table("bazaar_order_payments")
    with op.batch_alter_table("bazaar_orders", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_bazaar_orders_delivery_fee_not_negative"), type_="check")
        batch_op.drop_constraint(
            op.f("fk_bazaar_orders_delivery_fee_account_id_wallet_accounts"), type_="foreignkey"
        )
        batch_op.drop_constraint(op.f("ck_bazaar_orders_paid_in_full"), type_="check")
        batch_op.create_check_constraint(op.f("ck_bazaar_orders_paid_in_full"), OLD_CHECK)
        batch_op.drop_column("delivery_fee_account_id")
        batch_op.drop_column("delivery_fee")
        batch_op.drop_column("paid_other")

"""Group orders' bulk orders: a customer's order paid into escrow and split among cores."""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b41c0e7d5a19"
down_revision: str | Sequence[str] | None = "7a2d419e2821"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "group_orders_bulk_orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("unit", sa.String(length=30), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price", sa.BigInteger(), nullable=False),
        sa.Column("deadline", sa.DateTime(), nullable=False),
        sa.Column("place", sa.String(length=300), nullable=False),
        sa.Column("allocated", sa.Integer(), nullable=False),
        sa.Column("held", sa.BigInteger(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("refunded", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "allocated >= 0 AND allocated <= quantity",
            name=op.f("ck_group_orders_bulk_orders_bulk_allocated_within"),
        ),
        sa.CheckConstraint("held >= 0", name=op.f("ck_group_orders_bulk_orders_bulk_held_not_negative")),
        sa.CheckConstraint(
            "quantity > 0 AND unit_price > 0", name=op.f("ck_group_orders_bulk_orders_bulk_positive")
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["wallet_accounts.id"],
            name=op.f("fk_group_orders_bulk_orders_account_id_wallet_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["members.id"], name=op.f("fk_group_orders_bulk_orders_customer_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["bazaar_products.id"],
            name=op.f("fk_group_orders_bulk_orders_product_id_bazaar_products"),
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["regions.id"], name=op.f("fk_group_orders_bulk_orders_region_id_regions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_orders_bulk_orders")),
        sa.UniqueConstraint("customer_id", "key", name=op.f("uq_group_orders_bulk_orders_customer_id_key")),
    )
    with op.batch_alter_table("group_orders_bulk_orders", schema=None) as batch_op:
        batch_op.create_index(
            "ix_group_orders_bulk_orders_customer_id_id", ["customer_id", "id"], unique=False
        )
        batch_op.create_index(
            "ix_group_orders_bulk_orders_region_id_status", ["region_id", "status"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_group_orders_bulk_orders_product_id"), ["product_id"], unique=False
        )

    op.create_table(
        "group_orders_bulk_parts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("core_id", sa.Integer(), nullable=False),
        sa.Column("leader_id", sa.Integer(), nullable=False),
        sa.Column("split_by_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("paid", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.Column("delivered_at", sa.DateTime(), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_group_orders_bulk_parts_bulk_part_positive")),
        sa.ForeignKeyConstraint(
            ["core_id"], ["cores.id"], name=op.f("fk_group_orders_bulk_parts_core_id_cores")
        ),
        sa.ForeignKeyConstraint(
            ["leader_id"], ["members.id"], name=op.f("fk_group_orders_bulk_parts_leader_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["group_orders_bulk_orders.id"],
            name=op.f("fk_group_orders_bulk_parts_order_id_group_orders_bulk_orders"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["split_by_id"], ["members.id"], name=op.f("fk_group_orders_bulk_parts_split_by_id_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_orders_bulk_parts")),
    )
    with op.batch_alter_table("group_orders_bulk_parts", schema=None) as batch_op:
        batch_op.create_index("ix_group_orders_bulk_parts_leader_id_id", ["leader_id", "id"], unique=False)
        batch_op.create_index("ix_group_orders_bulk_parts_order_id_id", ["order_id", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_group_orders_bulk_parts_core_id"), ["core_id"], unique=False)


def downgrade() -> None:
    op.drop_table("group_orders_bulk_parts")
    op.drop_table("group_orders_bulk_orders")

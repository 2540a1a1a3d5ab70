"""Group orders' first migration: collective purchases, the cores' shares and each change of a share."""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7a2d419e2821"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("group_orders",)
# Members, regions and accounts (the host's), cores, and M-Bazar's booths, products and orders.
depends_on: str | Sequence[str] | None = ("c0de00000002", "6a7000000003")


def upgrade() -> None:
    op.create_table(
        "group_orders_purchases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organiser_id", sa.Integer(), nullable=False),
        sa.Column("booth_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("collection_point", sa.String(length=300), nullable=False),
        sa.Column("title", sa.String(length=160), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("listed_price", sa.BigInteger(), nullable=False),
        sa.Column("unit_price", sa.BigInteger(), nullable=False),
        sa.Column("min_quantity", sa.Integer(), nullable=False),
        sa.Column("max_quantity", sa.Integer(), nullable=False),
        sa.Column("joined_quantity", sa.Integer(), nullable=False),
        sa.Column("deadline", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("placed_at", sa.DateTime(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "joined_quantity >= 0 AND joined_quantity <= max_quantity",
            name=op.f("ck_group_orders_purchases_joined_within_max"),
        ),
        sa.CheckConstraint(
            "min_quantity > 0 AND max_quantity >= min_quantity",
            name=op.f("ck_group_orders_purchases_quantities_ordered"),
        ),
        sa.CheckConstraint(
            "unit_price <= listed_price", name=op.f("ck_group_orders_purchases_unit_price_not_above_listed")
        ),
        sa.CheckConstraint("unit_price > 0", name=op.f("ck_group_orders_purchases_unit_price_positive")),
        sa.ForeignKeyConstraint(
            ["booth_id"], ["bazaar_booths.id"], name=op.f("fk_group_orders_purchases_booth_id_bazaar_booths")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["bazaar_orders.id"], name=op.f("fk_group_orders_purchases_order_id_bazaar_orders")
        ),
        sa.ForeignKeyConstraint(
            ["organiser_id"], ["members.id"], name=op.f("fk_group_orders_purchases_organiser_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["bazaar_products.id"],
            name=op.f("fk_group_orders_purchases_product_id_bazaar_products"),
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["regions.id"], name=op.f("fk_group_orders_purchases_region_id_regions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_orders_purchases")),
        sa.UniqueConstraint("order_id", name=op.f("uq_group_orders_purchases_order_id")),
    )
    with op.batch_alter_table("group_orders_purchases", schema=None) as batch_op:
        batch_op.create_index(
            "ix_group_orders_purchases_booth_id_status", ["booth_id", "status"], unique=False
        )
        batch_op.create_index(
            "ix_group_orders_purchases_organiser_id_id", ["organiser_id", "id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_group_orders_purchases_product_id"), ["product_id"], unique=False
        )
        batch_op.create_index(
            "ix_group_orders_purchases_region_id_status", ["region_id", "status"], unique=False
        )
        batch_op.create_index(
            "ix_group_orders_purchases_status_deadline", ["status", "deadline"], unique=False
        )

    op.create_table(
        "group_orders_shares",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("purchase_id", sa.Integer(), nullable=False),
        sa.Column("core_id", sa.Integer(), nullable=False),
        sa.Column("leader_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("paid", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("handed_at", sa.DateTime(), nullable=True),
        sa.Column("received_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "quantity >= 0 AND paid >= 0", name=op.f("ck_group_orders_shares_share_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["wallet_accounts.id"],
            name=op.f("fk_group_orders_shares_account_id_wallet_accounts"),
        ),
        sa.ForeignKeyConstraint(["core_id"], ["cores.id"], name=op.f("fk_group_orders_shares_core_id_cores")),
        sa.ForeignKeyConstraint(
            ["leader_id"], ["members.id"], name=op.f("fk_group_orders_shares_leader_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["purchase_id"],
            ["group_orders_purchases.id"],
            name=op.f("fk_group_orders_shares_purchase_id_group_orders_purchases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_orders_shares")),
        sa.UniqueConstraint(
            "purchase_id", "core_id", name=op.f("uq_group_orders_shares_purchase_id_core_id")
        ),
    )
    with op.batch_alter_table("group_orders_shares", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_group_orders_shares_core_id"), ["core_id"], unique=False)
        batch_op.create_index("ix_group_orders_shares_leader_id_id", ["leader_id", "id"], unique=False)

    op.create_table(
        "group_orders_share_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("share_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("quantity_before", sa.Integer(), nullable=False),
        sa.Column("quantity_after", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["members.id"], name=op.f("fk_group_orders_share_changes_actor_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["share_id"],
            ["group_orders_shares.id"],
            name=op.f("fk_group_orders_share_changes_share_id_group_orders_shares"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_orders_share_changes")),
        sa.UniqueConstraint("actor_id", "key", name=op.f("uq_group_orders_share_changes_actor_id_key")),
    )
    with op.batch_alter_table("group_orders_share_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_group_orders_share_changes_share_id"), ["share_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("group_orders_share_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_orders_share_changes_share_id"))

    op.drop_table("group_orders_share_changes")
    with op.batch_alter_table("group_orders_shares", schema=None) as batch_op:
        batch_op.drop_index("ix_group_orders_shares_leader_id_id")
        batch_op.drop_index(batch_op.f("ix_group_orders_shares_core_id"))

    op.drop_table("group_orders_shares")
    with op.batch_alter_table("group_orders_purchases", schema=None) as batch_op:
        batch_op.drop_index("ix_group_orders_purchases_status_deadline")
        batch_op.drop_index("ix_group_orders_purchases_region_id_status")
        batch_op.drop_index(batch_op.f("ix_group_orders_purchases_product_id"))
        batch_op.drop_index("ix_group_orders_purchases_organiser_id_id")
        batch_op.drop_index("ix_group_orders_purchases_booth_id_status")

    op.drop_table("group_orders_purchases")

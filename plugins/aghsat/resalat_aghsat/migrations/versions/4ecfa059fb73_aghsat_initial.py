"""M-Aghsat's first migration: plans, booths' opt-in, purchases, instalments and payments."""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "4ecfa059fb73"
down_revision: str | Sequence[str] | None = None
# The plugin's own branch, after the host's members and ledger and M-Bazar's booths and orders.
branch_labels: str | Sequence[str] | None = ("aghsat",)
depends_on: str | Sequence[str] | None = ("c0de00000001", "c0de00000002", "6a701412e59c")


def upgrade() -> None:
    op.create_table(
        "aghsat_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=30), nullable=False),
        sa.Column("name_fa", sa.String(length=120), nullable=False),
        sa.Column("name_en", sa.String(length=120), nullable=False),
        sa.Column("months", sa.Integer(), nullable=False),
        sa.Column("down_bps", sa.Integer(), nullable=False),
        sa.Column("fee_bps", sa.Integer(), nullable=False),
        sa.Column("min_rating", sa.String(length=4), nullable=False),
        sa.Column("amount_min", sa.BigInteger(), nullable=False),
        sa.Column("amount_max", sa.BigInteger(), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("booths", sa.JSON(), nullable=False),
        sa.Column("programmes", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("down_bps >= 0 AND down_bps <= 10000", name=op.f("ck_aghsat_plans_down_share")),
        sa.CheckConstraint("fee_bps >= 0", name=op.f("ck_aghsat_plans_fee_not_negative")),
        sa.CheckConstraint("months > 0", name=op.f("ck_aghsat_plans_months_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aghsat_plans")),
        sa.UniqueConstraint("code", name=op.f("uq_aghsat_plans_code")),
    )
    op.create_table(
        "aghsat_booth_optins",
        sa.Column("booth_id", sa.Integer(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["booth_id"],
            ["bazaar_booths.id"],
            name=op.f("fk_aghsat_booth_optins_booth_id_bazaar_booths"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["by_id"], ["members.id"], name=op.f("fk_aghsat_booth_optins_by_id_members")),
        sa.PrimaryKeyConstraint("booth_id", name=op.f("pk_aghsat_booth_optins")),
    )
    op.create_table(
        "aghsat_purchases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("buyer_id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("checkout_key", sa.String(length=200), nullable=False),
        sa.Column("rating", sa.String(length=4), nullable=False),
        sa.Column("price", sa.BigInteger(), nullable=False),
        sa.Column("down_payment", sa.BigInteger(), nullable=False),
        sa.Column("financed", sa.BigInteger(), nullable=False),
        sa.Column("fee", sa.BigInteger(), nullable=False),
        sa.Column("months", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("bucket", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("financed > 0", name=op.f("ck_aghsat_purchases_financed_positive")),
        sa.ForeignKeyConstraint(
            ["buyer_id"], ["members.id"], name=op.f("fk_aghsat_purchases_buyer_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["bazaar_orders.id"], name=op.f("fk_aghsat_purchases_order_id_bazaar_orders")
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["aghsat_plans.id"], name=op.f("fk_aghsat_purchases_plan_id_aghsat_plans")
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["regions.id"], name=op.f("fk_aghsat_purchases_region_id_regions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aghsat_purchases")),
        sa.UniqueConstraint("order_id", name=op.f("uq_aghsat_purchases_order_id")),
    )
    with op.batch_alter_table("aghsat_purchases", schema=None) as batch_op:
        batch_op.create_index("ix_aghsat_purchases_buyer_id_id", ["buyer_id", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_aghsat_purchases_region_id"), ["region_id"], unique=False)
        batch_op.create_index("ix_aghsat_purchases_status_id", ["status", "id"], unique=False)

    op.create_table(
        "aghsat_instalments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("purchase_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("principal", sa.BigInteger(), nullable=False),
        sa.Column("fee", sa.BigInteger(), nullable=False),
        sa.Column("paid", sa.BigInteger(), nullable=False),
        sa.Column("paid_at", sa.DateTime(), nullable=True),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("reminded_on", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "paid >= 0 AND paid <= principal + fee", name=op.f("ck_aghsat_instalments_paid_within")
        ),
        sa.ForeignKeyConstraint(
            ["purchase_id"],
            ["aghsat_purchases.id"],
            name=op.f("fk_aghsat_instalments_purchase_id_aghsat_purchases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aghsat_instalments")),
        sa.UniqueConstraint("purchase_id", "seq", name=op.f("uq_aghsat_instalments_purchase_id_seq")),
    )
    with op.batch_alter_table("aghsat_instalments", schema=None) as batch_op:
        batch_op.create_index("ix_aghsat_instalments_due", ["paid_at", "due_on"], unique=False)

    op.create_table(
        "aghsat_payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("purchase_id", sa.Integer(), nullable=False),
        sa.Column("payer_id", sa.Integer(), nullable=False),
        sa.Column("payer", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("principal", sa.BigInteger(), nullable=False),
        sa.Column("fee", sa.BigInteger(), nullable=False),
        sa.Column("lines", sa.JSON(), nullable=False),
        sa.Column("refunded", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["payer_id"], ["members.id"], name=op.f("fk_aghsat_payments_payer_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["purchase_id"],
            ["aghsat_purchases.id"],
            name=op.f("fk_aghsat_payments_purchase_id_aghsat_purchases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aghsat_payments")),
        sa.UniqueConstraint("purchase_id", "key", name=op.f("uq_aghsat_payments_purchase_id_key")),
    )
    with op.batch_alter_table("aghsat_payments", schema=None) as batch_op:
        batch_op.create_index("ix_aghsat_payments_purchase_id", ["purchase_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("aghsat_payments", schema=None) as batch_op:
        batch_op.drop_index("ix_aghsat_payments_purchase_id")

    op.drop_table("aghsat_payments")
    with op.batch_alter_table("aghsat_instalments", schema=None) as batch_op:
        batch_op.drop_index("ix_aghsat_instalments_due")

    op.drop_table("aghsat_instalments")
    with op.batch_alter_table("aghsat_purchases", schema=None) as batch_op:
        batch_op.drop_index("ix_aghsat_purchases_status_id")
        batch_op.drop_index(batch_op.f("ix_aghsat_purchases_region_id"))
        batch_op.drop_index("ix_aghsat_purchases_buyer_id_id")

    op.drop_table("aghsat_purchases")
    op.drop_table("aghsat_booth_optins")
    op.drop_table("aghsat_plans")

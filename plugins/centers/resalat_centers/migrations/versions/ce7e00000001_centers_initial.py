"""centers: cooperation centres, their members and cores, orders and the shares of the cores

Revision ID: ce7e00000001
Revises:
Create Date: 2026-11-29 14:49:55
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "ce7e00000001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("centers",)
# On the host's first revision (members, regions) and the cores plugin's (cores).
depends_on: str | Sequence[str] | None = ("c0de00000001", "c0e500000001")


def upgrade() -> None:
    op.create_table(
        "centers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("name_key", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("leader_id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("registered_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["leader_id"], ["members.id"], name=op.f("fk_centers_leader_id_members")),
        sa.ForeignKeyConstraint(["region_id"], ["regions.id"], name=op.f("fk_centers_region_id_regions")),
        sa.ForeignKeyConstraint(
            ["registered_by_id"], ["members.id"], name=op.f("fk_centers_registered_by_id_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_centers")),
        sa.UniqueConstraint("region_id", "name_key", name=op.f("uq_centers_region_id_name_key")),
    )
    with op.batch_alter_table("centers", schema=None) as batch_op:
        batch_op.create_index("ix_centers_leader_id", ["leader_id"], unique=False)

    op.create_table(
        "centers_cores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=False),
        sa.Column("core_id", sa.Integer(), nullable=False),
        sa.Column("linked_by_id", sa.Integer(), nullable=True),
        sa.Column("linked_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["centre_id"], ["centers.id"], name=op.f("fk_centers_cores_centre_id_centers"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["core_id"], ["cores.id"], name=op.f("fk_centers_cores_core_id_cores"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["linked_by_id"],
            ["members.id"],
            name=op.f("fk_centers_cores_linked_by_id_members"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_centers_cores")),
        sa.UniqueConstraint("core_id", name=op.f("uq_centers_cores_core_id")),
    )
    with op.batch_alter_table("centers_cores", schema=None) as batch_op:
        batch_op.create_index("ix_centers_cores_centre_id_id", ["centre_id", "id"], unique=False)

    op.create_table(
        "centers_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["added_by_id"],
            ["members.id"],
            name=op.f("fk_centers_members_added_by_id_members"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["centre_id"],
            ["centers.id"],
            name=op.f("fk_centers_members_centre_id_centers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_centers_members_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_centers_members")),
        sa.UniqueConstraint("centre_id", "member_id", name=op.f("uq_centers_members_centre_id_member_id")),
    )
    with op.batch_alter_table("centers_members", schema=None) as batch_op:
        batch_op.create_index("ix_centers_members_member_id", ["member_id"], unique=False)

    op.create_table(
        "centers_orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=False),
        sa.Column("customer", sa.String(length=200), nullable=False),
        sa.Column("item", sa.String(length=200), nullable=False),
        sa.Column("unit", sa.String(length=40), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("unit_price", sa.BigInteger(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("allocated", sa.Integer(), nullable=False),
        sa.Column("delivered", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "allocated >= 0 AND allocated <= quantity",
            name=op.f("ck_centers_orders_allocated_within_quantity"),
        ),
        sa.CheckConstraint(
            "delivered >= 0 AND delivered <= allocated",
            name=op.f("ck_centers_orders_delivered_within_allocated"),
        ),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_centers_orders_quantity_positive")),
        sa.CheckConstraint(
            "unit_price IS NULL OR unit_price >= 0", name=op.f("ck_centers_orders_unit_price_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["centre_id"],
            ["centers.id"],
            name=op.f("fk_centers_orders_centre_id_centers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["members.id"], name=op.f("fk_centers_orders_created_by_id_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_centers_orders")),
    )
    with op.batch_alter_table("centers_orders", schema=None) as batch_op:
        batch_op.create_index("ix_centers_orders_centre_id_id", ["centre_id", "id"], unique=False)

    op.create_table(
        "centers_shares",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("core_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("delivered", sa.Integer(), nullable=False),
        sa.Column("decline_reason", sa.String(length=500), nullable=False),
        sa.Column("assigned_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "delivered >= 0 AND delivered <= quantity",
            name=op.f("ck_centers_shares_delivered_within_quantity"),
        ),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_centers_shares_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["answered_by_id"], ["members.id"], name=op.f("fk_centers_shares_answered_by_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["assigned_by_id"], ["members.id"], name=op.f("fk_centers_shares_assigned_by_id_members")
        ),
        sa.ForeignKeyConstraint(["core_id"], ["cores.id"], name=op.f("fk_centers_shares_core_id_cores")),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["centers_orders.id"],
            name=op.f("fk_centers_shares_order_id_centers_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_centers_shares")),
    )
    with op.batch_alter_table("centers_shares", schema=None) as batch_op:
        batch_op.create_index("ix_centers_shares_core_id_id", ["core_id", "id"], unique=False)
        batch_op.create_index("ix_centers_shares_order_id_id", ["order_id", "id"], unique=False)

    op.create_table(
        "centers_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("share_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("reported_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_centers_deliveries_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["reported_by_id"], ["members.id"], name=op.f("fk_centers_deliveries_reported_by_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["share_id"],
            ["centers_shares.id"],
            name=op.f("fk_centers_deliveries_share_id_centers_shares"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_centers_deliveries")),
    )
    with op.batch_alter_table("centers_deliveries", schema=None) as batch_op:
        batch_op.create_index("ix_centers_deliveries_share_id_id", ["share_id", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("centers_deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_centers_deliveries_share_id_id")

    op.drop_table("centers_deliveries")
    with op.batch_alter_table("centers_shares", schema=None) as batch_op:
        batch_op.drop_index("ix_centers_shares_order_id_id")
        batch_op.drop_index("ix_centers_shares_core_id_id")

    op.drop_table("centers_shares")
    with op.batch_alter_table("centers_orders", schema=None) as batch_op:
        batch_op.drop_index("ix_centers_orders_centre_id_id")

    op.drop_table("centers_orders")
    with op.batch_alter_table("centers_members", schema=None) as batch_op:
        batch_op.drop_index("ix_centers_members_member_id")

    op.drop_table("centers_members")
    with op.batch_alter_table("centers_cores", schema=None) as batch_op:
        batch_op.drop_index("ix_centers_cores_centre_id_id")

    op.drop_table("centers_cores")
    with op.batch_alter_table("centers", schema=None) as batch_op:
        batch_op.drop_index("ix_centers_leader_id")

    op.drop_table("centers")

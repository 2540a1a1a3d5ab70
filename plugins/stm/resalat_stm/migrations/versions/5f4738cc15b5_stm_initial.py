"""M-ST's first migration: operators and their areas, parcel sizes, the tariff, consignments,
shipments and their history, exactly as models.py describes them."""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5f4738cc15b5"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("stm",)
# Members and regions (the host's first revision) and the wallet's accounts (its second) exist first.
depends_on: str | Sequence[str] | None = ("c0de00000001", "c0de00000002")


def upgrade() -> None:
    op.create_table(
        "stm_parcel_profiles",
        sa.Column("product_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("weight_grams", sa.Integer(), nullable=False),
        sa.Column("size", sa.String(length=16), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("weight_grams >= 0", name=op.f("ck_stm_parcel_profiles_weight_not_negative")),
        sa.PrimaryKeyConstraint("product_id", name=op.f("pk_stm_parcel_profiles")),
    )
    op.create_table(
        "stm_tariff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("origin_id", sa.Integer(), nullable=False),
        sa.Column("destination_id", sa.Integer(), nullable=False),
        sa.Column("max_grams", sa.Integer(), nullable=False),
        sa.Column("price", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("max_grams > 0", name=op.f("ck_stm_tariff_band_positive")),
        sa.CheckConstraint("price >= 0", name=op.f("ck_stm_tariff_price_not_negative")),
        sa.ForeignKeyConstraint(
            ["destination_id"], ["regions.id"], name=op.f("fk_stm_tariff_destination_id_regions")
        ),
        sa.ForeignKeyConstraint(["origin_id"], ["regions.id"], name=op.f("fk_stm_tariff_origin_id_regions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stm_tariff")),
        sa.UniqueConstraint(
            "origin_id",
            "destination_id",
            "max_grams",
            name=op.f("uq_stm_tariff_origin_id_destination_id_max_grams"),
        ),
    )
    op.create_table(
        "stm_operators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("vehicle", sa.String(length=16), nullable=False),
        sa.Column("capacity_kg", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("capacity_kg > 0", name=op.f("ck_stm_operators_capacity_positive")),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["members.id"], name=op.f("fk_stm_operators_decided_by_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_stm_operators_member_id_members"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["regions.id"], name=op.f("fk_stm_operators_region_id_regions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stm_operators")),
        sa.UniqueConstraint("member_id", name=op.f("uq_stm_operators_member_id")),
    )
    with op.batch_alter_table("stm_operators", schema=None) as batch_op:
        batch_op.create_index("ix_stm_operators_status_region_id", ["status", "region_id"], unique=False)

    op.create_table(
        "stm_consignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("opened_by_id", sa.Integer(), nullable=False),
        sa.Column("origin_id", sa.Integer(), nullable=False),
        sa.Column("destination_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("left_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["destination_id"], ["regions.id"], name=op.f("fk_stm_consignments_destination_id_regions")
        ),
        sa.ForeignKeyConstraint(
            ["opened_by_id"], ["members.id"], name=op.f("fk_stm_consignments_opened_by_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["operator_id"], ["stm_operators.id"], name=op.f("fk_stm_consignments_operator_id_stm_operators")
        ),
        sa.ForeignKeyConstraint(
            ["origin_id"], ["regions.id"], name=op.f("fk_stm_consignments_origin_id_regions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stm_consignments")),
    )
    with op.batch_alter_table("stm_consignments", schema=None) as batch_op:
        batch_op.create_index("ix_stm_consignments_status_origin_id", ["status", "origin_id"], unique=False)

    op.create_table(
        "stm_operator_areas",
        sa.Column("operator_id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["operator_id"],
            ["stm_operators.id"],
            name=op.f("fk_stm_operator_areas_operator_id_stm_operators"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["regions.id"], name=op.f("fk_stm_operator_areas_region_id_regions")
        ),
        sa.PrimaryKeyConstraint("operator_id", "region_id", name=op.f("pk_stm_operator_areas")),
    )
    op.create_table(
        "stm_shipments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("buyer_id", sa.Integer(), nullable=False),
        sa.Column("seller_id", sa.Integer(), nullable=False),
        sa.Column("booth_name", sa.String(length=160), nullable=False),
        sa.Column("pickup_region_id", sa.Integer(), nullable=False),
        sa.Column("dropoff_region_id", sa.Integer(), nullable=False),
        sa.Column("pickup_province_id", sa.Integer(), nullable=False),
        sa.Column("dropoff_province_id", sa.Integer(), nullable=False),
        sa.Column("dropoff_address", sa.String(length=600), nullable=False),
        sa.Column("weight_grams", sa.BigInteger(), nullable=False),
        sa.Column("size", sa.String(length=16), nullable=False),
        sa.Column("fee", sa.BigInteger(), nullable=False),
        sa.Column("fee_account_id", sa.Integer(), nullable=True),
        sa.Column("consignment_id", sa.Integer(), nullable=True),
        sa.Column("operator_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("code", sa.String(length=6), nullable=False),
        sa.Column("wrong_codes", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("paid", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("fee >= 0", name=op.f("ck_stm_shipments_fee_not_negative")),
        sa.ForeignKeyConstraint(["buyer_id"], ["members.id"], name=op.f("fk_stm_shipments_buyer_id_members")),
        sa.ForeignKeyConstraint(
            ["consignment_id"],
            ["stm_consignments.id"],
            name=op.f("fk_stm_shipments_consignment_id_stm_consignments"),
        ),
        sa.ForeignKeyConstraint(
            ["dropoff_province_id"], ["regions.id"], name=op.f("fk_stm_shipments_dropoff_province_id_regions")
        ),
        sa.ForeignKeyConstraint(
            ["dropoff_region_id"], ["regions.id"], name=op.f("fk_stm_shipments_dropoff_region_id_regions")
        ),
        sa.ForeignKeyConstraint(
            ["fee_account_id"],
            ["wallet_accounts.id"],
            name=op.f("fk_stm_shipments_fee_account_id_wallet_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["operator_id"], ["stm_operators.id"], name=op.f("fk_stm_shipments_operator_id_stm_operators")
        ),
        sa.ForeignKeyConstraint(
            ["pickup_province_id"], ["regions.id"], name=op.f("fk_stm_shipments_pickup_province_id_regions")
        ),
        sa.ForeignKeyConstraint(
            ["pickup_region_id"], ["regions.id"], name=op.f("fk_stm_shipments_pickup_region_id_regions")
        ),
        sa.ForeignKeyConstraint(
            ["seller_id"], ["members.id"], name=op.f("fk_stm_shipments_seller_id_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stm_shipments")),
        sa.UniqueConstraint("order_id", name=op.f("uq_stm_shipments_order_id")),
    )
    with op.batch_alter_table("stm_shipments", schema=None) as batch_op:
        batch_op.create_index("ix_stm_shipments_buyer_id_id", ["buyer_id", "id"], unique=False)
        batch_op.create_index("ix_stm_shipments_consignment_id", ["consignment_id"], unique=False)
        batch_op.create_index("ix_stm_shipments_operator_id_status", ["operator_id", "status"], unique=False)
        batch_op.create_index("ix_stm_shipments_seller_id_id", ["seller_id", "id"], unique=False)
        batch_op.create_index(
            "ix_stm_shipments_status_pickup_region_id", ["status", "pickup_region_id"], unique=False
        )

    op.create_table(
        "stm_shipment_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shipment_id", sa.Integer(), nullable=False),
        sa.Column("from_status", sa.String(length=16), nullable=True),
        sa.Column("to_status", sa.String(length=16), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["members.id"], name=op.f("fk_stm_shipment_events_actor_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["shipment_id"],
            ["stm_shipments.id"],
            name=op.f("fk_stm_shipment_events_shipment_id_stm_shipments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stm_shipment_events")),
    )
    with op.batch_alter_table("stm_shipment_events", schema=None) as batch_op:
        batch_op.create_index("ix_stm_shipment_events_shipment_id", ["shipment_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("stm_shipment_events", schema=None) as batch_op:
        batch_op.drop_index("ix_stm_shipment_events_shipment_id")

    op.drop_table("stm_shipment_events")
    with op.batch_alter_table("stm_shipments", schema=None) as batch_op:
        batch_op.drop_index("ix_stm_shipments_status_pickup_region_id")
        batch_op.drop_index("ix_stm_shipments_seller_id_id")
        batch_op.drop_index("ix_stm_shipments_operator_id_status")
        batch_op.drop_index("ix_stm_shipments_consignment_id")
        batch_op.drop_index("ix_stm_shipments_buyer_id_id")

    op.drop_table("stm_shipments")
    op.drop_table("stm_operator_areas")
    with op.batch_alter_table("stm_consignments", schema=None) as batch_op:
        batch_op.drop_index("ix_stm_consignments_status_origin_id")

    op.drop_table("stm_consignments")
    with op.batch_alter_table("stm_operators", schema=None) as batch_op:
        batch_op.drop_index("ix_stm_operators_status_region_id")

    op.drop_table("stm_operators")
    op.drop_table("stm_tariff")
    op.drop_table("stm_parcel_profiles")

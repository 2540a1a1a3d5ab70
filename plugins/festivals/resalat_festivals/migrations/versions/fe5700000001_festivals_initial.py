"""festivals: festivals, the cores' applications and the products they bring

Revision ID: fe5700000001
Revises:
Create Date: 2026-12-06 20:53:35.103739
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "fe5700000001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("festivals",)
# On the host's first revision (members, regions), the cores' (cores) and M-Bazar's (products).
depends_on: str | Sequence[str] | None = ("c0de00000001", "c0e500000001", "6a701412e59c")


def upgrade() -> None:
    op.create_table(
        "festivals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=160), nullable=False),
        sa.Column("theme", sa.String(length=200), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("apply_by", sa.Date(), nullable=False),
        sa.Column("booths", sa.Integer(), nullable=False),
        sa.Column("accepted", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("organiser_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "accepted >= 0 AND accepted <= booths", name=op.f("ck_festivals_accepted_within_booths")
        ),
        sa.CheckConstraint("apply_by <= ends_on", name=op.f("ck_festivals_apply_by_before_end")),
        sa.CheckConstraint("booths > 0", name=op.f("ck_festivals_booths_positive")),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_festivals_ends_after_start")),
        sa.ForeignKeyConstraint(
            ["organiser_id"], ["members.id"], name=op.f("fk_festivals_organiser_id_members")
        ),
        sa.ForeignKeyConstraint(["region_id"], ["regions.id"], name=op.f("fk_festivals_region_id_regions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_festivals")),
    )
    with op.batch_alter_table("festivals", schema=None) as batch_op:
        batch_op.create_index("ix_festivals_organiser_id_id", ["organiser_id", "id"], unique=False)
        batch_op.create_index("ix_festivals_region_id_starts_on", ["region_id", "starts_on"], unique=False)
        batch_op.create_index("ix_festivals_status_starts_on", ["status", "starts_on"], unique=False)

    op.create_table(
        "festivals_applications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("festival_id", sa.Integer(), nullable=False),
        sa.Column("core_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("applied_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("fair_sales", sa.BigInteger(), nullable=True),
        sa.Column("fair_items", sa.Integer(), nullable=True),
        sa.Column("fair_reported_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "fair_items IS NULL OR fair_items >= 0",
            name=op.f("ck_festivals_applications_fair_items_not_negative"),
        ),
        sa.CheckConstraint(
            "fair_sales IS NULL OR fair_sales >= 0",
            name=op.f("ck_festivals_applications_fair_sales_not_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["applied_by_id"], ["members.id"], name=op.f("fk_festivals_applications_applied_by_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["core_id"], ["cores.id"], name=op.f("fk_festivals_applications_core_id_cores")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["members.id"], name=op.f("fk_festivals_applications_decided_by_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["festival_id"],
            ["festivals.id"],
            name=op.f("fk_festivals_applications_festival_id_festivals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_festivals_applications")),
        sa.UniqueConstraint(
            "festival_id", "core_id", name=op.f("uq_festivals_applications_festival_id_core_id")
        ),
    )
    with op.batch_alter_table("festivals_applications", schema=None) as batch_op:
        batch_op.create_index("ix_festivals_applications_core_id_id", ["core_id", "id"], unique=False)
        batch_op.create_index(
            "ix_festivals_applications_festival_id_status", ["festival_id", "status"], unique=False
        )

    op.create_table(
        "festivals_application_products",
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["festivals_applications.id"],
            name=op.f("fk_festivals_application_products_application_id_festivals_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["bazaar_products.id"],
            name=op.f("fk_festivals_application_products_product_id_bazaar_products"),
        ),
        sa.PrimaryKeyConstraint(
            "application_id", "product_id", name=op.f("pk_festivals_application_products")
        ),
    )
    with op.batch_alter_table("festivals_application_products", schema=None) as batch_op:
        batch_op.create_index("ix_festivals_application_products_product_id", ["product_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("festivals_application_products", schema=None) as batch_op:
        batch_op.drop_index("ix_festivals_application_products_product_id")

    op.drop_table("festivals_application_products")
    with op.batch_alter_table("festivals_applications", schema=None) as batch_op:
        batch_op.drop_index("ix_festivals_applications_festival_id_status")
        batch_op.drop_index("ix_festivals_applications_core_id_id")

    op.drop_table("festivals_applications")
    with op.batch_alter_table("festivals", schema=None) as batch_op:
        batch_op.drop_index("ix_festivals_status_starts_on")
        batch_op.drop_index("ix_festivals_region_id_starts_on")
        batch_op.drop_index("ix_festivals_organiser_id_id")

    op.drop_table("festivals")

"""The campaigns plugin's first migration: campaigns, their donations and updates."""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d5e7682aa575"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("campaigns",)
# Members, regions, the ledger and stored files (the host's), and cores (a campaign may equip one).
depends_on: str | Sequence[str] | None = ("c0de0000a005", "c0e500000001")


def upgrade() -> None:
    op.create_table(
        "campaigns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("story", sa.Text(), nullable=False),
        sa.Column("goal", sa.BigInteger(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("cause", sa.String(length=8), nullable=False),
        sa.Column("core_id", sa.Integer(), nullable=True),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("beneficiary_id", sa.Integer(), nullable=False),
        sa.Column("organiser_id", sa.Integer(), nullable=False),
        sa.Column("photo_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("raised", sa.BigInteger(), nullable=False),
        sa.Column("donations", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_at", sa.DateTime(), nullable=True),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("delivered", sa.BigInteger(), nullable=False),
        sa.Column("refunded", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["wallet_accounts.id"], name=op.f("fk_campaigns_account_id_wallet_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["approved_by_id"], ["members.id"], name=op.f("fk_campaigns_approved_by_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["beneficiary_id"], ["members.id"], name=op.f("fk_campaigns_beneficiary_id_members")
        ),
        sa.ForeignKeyConstraint(["core_id"], ["cores.id"], name=op.f("fk_campaigns_core_id_cores")),
        sa.ForeignKeyConstraint(
            ["organiser_id"], ["members.id"], name=op.f("fk_campaigns_organiser_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["photo_id"], ["stored_files.id"], name=op.f("fk_campaigns_photo_id_stored_files")
        ),
        sa.ForeignKeyConstraint(["region_id"], ["regions.id"], name=op.f("fk_campaigns_region_id_regions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaigns")),
    )
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_campaigns_beneficiary_id"), ["beneficiary_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_campaigns_core_id"), ["core_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_campaigns_deadline"), ["deadline"], unique=False)
        batch_op.create_index(batch_op.f("ix_campaigns_organiser_id"), ["organiser_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_campaigns_region_id"), ["region_id"], unique=False)
        batch_op.create_index("ix_campaigns_status_region", ["status", "region_id"], unique=False)

    op.create_table(
        "campaigns_donations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("donor_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("message", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("refunded_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaigns.id"], name=op.f("fk_campaigns_donations_campaign_id_campaigns")
        ),
        sa.ForeignKeyConstraint(
            ["donor_id"], ["members.id"], name=op.f("fk_campaigns_donations_donor_id_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaigns_donations")),
        sa.UniqueConstraint("donor_id", "key", name=op.f("uq_campaigns_donations_donor_id_key")),
    )
    with op.batch_alter_table("campaigns_donations", schema=None) as batch_op:
        batch_op.create_index("ix_campaigns_donations_campaign_id_id", ["campaign_id", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_campaigns_donations_donor_id"), ["donor_id"], unique=False)

    op.create_table(
        "campaigns_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["members.id"], name=op.f("fk_campaigns_updates_author_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaigns.id"], name=op.f("fk_campaigns_updates_campaign_id_campaigns")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaigns_updates")),
    )
    with op.batch_alter_table("campaigns_updates", schema=None) as batch_op:
        batch_op.create_index("ix_campaigns_updates_campaign_id_id", ["campaign_id", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("campaigns_updates", schema=None) as batch_op:
        batch_op.drop_index("ix_campaigns_updates_campaign_id_id")

    op.drop_table("campaigns_updates")
    with op.batch_alter_table("campaigns_donations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaigns_donations_donor_id"))
        batch_op.drop_index("ix_campaigns_donations_campaign_id_id")

    op.drop_table("campaigns_donations")
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_index("ix_campaigns_status_region")
        batch_op.drop_index(batch_op.f("ix_campaigns_region_id"))
        batch_op.drop_index(batch_op.f("ix_campaigns_organiser_id"))
        batch_op.drop_index(batch_op.f("ix_campaigns_deadline"))
        batch_op.drop_index(batch_op.f("ix_campaigns_core_id"))
        batch_op.drop_index(batch_op.f("ix_campaigns_beneficiary_id"))

    op.drop_table("campaigns")

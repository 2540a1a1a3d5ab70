"""M-Bimeh's first migration: offers, policies with their people and instalments, claims and
their photos, exactly as models.py describes them."""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "38a082632065"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("bimeh",)
# The plugin's own branch, on the host's revision that adds stored files (claims' photos).
depends_on: str | Sequence[str] | None = "c0de0000a005"


def upgrade() -> None:
    op.create_table(
        "bimeh_offers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("product", sa.String(length=24), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("heads", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_bimeh_offers_member_id_members"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bimeh_offers")),
        sa.UniqueConstraint("member_id", "product", "source", "source_id", name="uq_bimeh_offers_source"),
    )
    with op.batch_alter_table("bimeh_offers", schema=None) as batch_op:
        batch_op.create_index("ix_bimeh_offers_member_id_status", ["member_id", "status"], unique=False)
        batch_op.create_index("ix_bimeh_offers_status_expires_on", ["status", "expires_on"], unique=False)

    op.create_table(
        "bimeh_policies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("product", sa.String(length=24), nullable=False),
        sa.Column("buy_key", sa.String(length=200), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=True),
        sa.Column("loan_id", sa.Integer(), nullable=True),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("core_id", sa.Integer(), nullable=True),
        sa.Column("heads", sa.Integer(), nullable=False),
        sa.Column("insured_sum", sa.BigInteger(), nullable=False),
        sa.Column("premium", sa.BigInteger(), nullable=False),
        sa.Column("instalments", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("renews_id", sa.Integer(), nullable=True),
        sa.Column("renewal_reminded_on", sa.Date(), nullable=True),
        sa.Column("lapsed_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("ends_on > starts_on", name=op.f("ck_bimeh_policies_term_positive")),
        sa.CheckConstraint("instalments > 0", name=op.f("ck_bimeh_policies_instalments_positive")),
        sa.CheckConstraint("premium > 0", name=op.f("ck_bimeh_policies_premium_positive")),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_bimeh_policies_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["offer_id"], ["bimeh_offers.id"], name=op.f("fk_bimeh_policies_offer_id_bimeh_offers")
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["regions.id"], name=op.f("fk_bimeh_policies_region_id_regions")
        ),
        sa.ForeignKeyConstraint(
            ["renews_id"], ["bimeh_policies.id"], name=op.f("fk_bimeh_policies_renews_id_bimeh_policies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bimeh_policies")),
        sa.UniqueConstraint("member_id", "buy_key", name="uq_bimeh_policies_member_id_buy_key"),
    )
    with op.batch_alter_table("bimeh_policies", schema=None) as batch_op:
        batch_op.create_index("ix_bimeh_policies_loan_id", ["loan_id"], unique=False)
        batch_op.create_index("ix_bimeh_policies_member_id_id", ["member_id", "id"], unique=False)
        batch_op.create_index("ix_bimeh_policies_region_id_status", ["region_id", "status"], unique=False)
        batch_op.create_index("ix_bimeh_policies_status_ends_on", ["status", "ends_on"], unique=False)

    op.create_table(
        "bimeh_claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("policy_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("file_key", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("loss_on", sa.Date(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("paid", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_bimeh_claims_amount_positive")),
        sa.CheckConstraint("paid >= 0", name=op.f("ck_bimeh_claims_paid_not_negative")),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["members.id"],
            name=op.f("fk_bimeh_claims_decided_by_id_members"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_bimeh_claims_member_id_members"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["policy_id"],
            ["bimeh_policies.id"],
            name=op.f("fk_bimeh_claims_policy_id_bimeh_policies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["regions.id"], name=op.f("fk_bimeh_claims_region_id_regions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bimeh_claims")),
        sa.UniqueConstraint("member_id", "file_key", name="uq_bimeh_claims_member_id_file_key"),
    )
    with op.batch_alter_table("bimeh_claims", schema=None) as batch_op:
        batch_op.create_index("ix_bimeh_claims_member_id_id", ["member_id", "id"], unique=False)
        batch_op.create_index("ix_bimeh_claims_policy_id", ["policy_id"], unique=False)
        batch_op.create_index(
            "ix_bimeh_claims_region_id_status_id", ["region_id", "status", "id"], unique=False
        )

    op.create_table(
        "bimeh_insured",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("policy_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("relation", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_bimeh_insured_member_id_members"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["policy_id"],
            ["bimeh_policies.id"],
            name=op.f("fk_bimeh_insured_policy_id_bimeh_policies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bimeh_insured")),
    )
    with op.batch_alter_table("bimeh_insured", schema=None) as batch_op:
        batch_op.create_index("ix_bimeh_insured_policy_id", ["policy_id"], unique=False)

    op.create_table(
        "bimeh_premiums",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("policy_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("paid_at", sa.DateTime(), nullable=True),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("reminded_on", sa.Date(), nullable=True),
        sa.CheckConstraint("amount > 0", name=op.f("ck_bimeh_premiums_amount_positive")),
        sa.ForeignKeyConstraint(
            ["policy_id"],
            ["bimeh_policies.id"],
            name=op.f("fk_bimeh_premiums_policy_id_bimeh_policies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bimeh_premiums")),
        sa.UniqueConstraint("policy_id", "seq", name="uq_bimeh_premiums_policy_id_seq"),
    )
    with op.batch_alter_table("bimeh_premiums", schema=None) as batch_op:
        batch_op.create_index("ix_bimeh_premiums_paid_at_due_on", ["paid_at", "due_on"], unique=False)

    op.create_table(
        "bimeh_claim_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["bimeh_claims.id"],
            name=op.f("fk_bimeh_claim_files_claim_id_bimeh_claims"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["file_id"],
            ["stored_files.id"],
            name=op.f("fk_bimeh_claim_files_file_id_stored_files"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bimeh_claim_files")),
        sa.UniqueConstraint("claim_id", "file_id", name="uq_bimeh_claim_files_claim_id_file_id"),
    )
    with op.batch_alter_table("bimeh_claim_files", schema=None) as batch_op:
        batch_op.create_index("ix_bimeh_claim_files_claim_id", ["claim_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("bimeh_claim_files", schema=None) as batch_op:
        batch_op.drop_index("ix_bimeh_claim_files_claim_id")

    op.drop_table("bimeh_claim_files")
    with op.batch_alter_table("bimeh_premiums", schema=None) as batch_op:
        batch_op.drop_index("ix_bimeh_premiums_paid_at_due_on")

    op.drop_table("bimeh_premiums")
    with op.batch_alter_table("bimeh_insured", schema=None) as batch_op:
        batch_op.drop_index("ix_bimeh_insured_policy_id")

    op.drop_table("bimeh_insured")
    with op.batch_alter_table("bimeh_claims", schema=None) as batch_op:
        batch_op.drop_index("ix_bimeh_claims_region_id_status_id")
        batch_op.drop_index("ix_bimeh_claims_policy_id")
        batch_op.drop_index("ix_bimeh_claims_member_id_id")

    op.drop_table("bimeh_claims")
    with op.batch_alter_table("bimeh_policies", schema=None) as batch_op:
        batch_op.drop_index("ix_bimeh_policies_status_ends_on")
        batch_op.drop_index("ix_bimeh_policies_region_id_status")
        batch_op.drop_index("ix_bimeh_policies_member_id_id")
        batch_op.drop_index("ix_bimeh_policies_loan_id")

    op.drop_table("bimeh_policies")
    with op.batch_alter_table("bimeh_offers", schema=None) as batch_op:
        batch_op.drop_index("ix_bimeh_offers_status_expires_on")
        batch_op.drop_index("ix_bimeh_offers_member_id_status")

    op.drop_table("bimeh_offers")

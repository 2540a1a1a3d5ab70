"""supervision: reviews, reports and the history of their handling

Revision ID: 5e9e00000001
Revises:
Create Date: 2026-12-01 09:00:00

Booths, products and orders of M-Bazar are referred to by plain indexed integer ids, not foreign
keys, so this branch depends on the host's first revision only and never on bazaar's.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5e9e00000001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("supervision",)
depends_on: str | Sequence[str] | None = "c0de00000001"

PENDING = "status IN ('open', 'under_review')"


def upgrade() -> None:
    op.create_table(
        "supervision_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("booth_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("stars", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("edited_at", sa.DateTime(), nullable=True),
        sa.Column("reply", sa.Text(), nullable=True),
        sa.Column("replied_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("kind IN ('booth', 'product')", name=op.f("ck_supervision_reviews_kind_known")),
        sa.CheckConstraint("stars BETWEEN 1 AND 5", name=op.f("ck_supervision_reviews_stars_range")),
        sa.ForeignKeyConstraint(
            ["author_id"], ["members.id"], name=op.f("fk_supervision_reviews_author_id_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervision_reviews")),
        sa.UniqueConstraint(
            "order_id", "kind", "subject_id", name=op.f("uq_supervision_reviews_order_id_kind_subject_id")
        ),
    )
    with op.batch_alter_table("supervision_reviews", schema=None) as batch_op:
        batch_op.create_index("ix_supervision_reviews_author_id", ["author_id"], unique=False)
        batch_op.create_index("ix_supervision_reviews_booth_id_id", ["booth_id", "id"], unique=False)
        batch_op.create_index(
            "ix_supervision_reviews_kind_subject_id_id", ["kind", "subject_id", "id"], unique=False
        )

    op.create_table(
        "supervision_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("booth_id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("reporter_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=10), nullable=False),
        sa.Column("seen_price", sa.BigInteger(), nullable=True),
        sa.Column("reference_price", sa.BigInteger(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("subject_hidden", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "category IN ('price', 'quality')", name=op.f("ck_supervision_reports_category_known")
        ),
        sa.CheckConstraint("kind IN ('booth', 'product')", name=op.f("ck_supervision_reports_kind_known")),
        sa.CheckConstraint(
            "outcome IS NULL OR outcome IN ('warned', 'hidden', 'dismissed')",
            name=op.f("ck_supervision_reports_outcome_known"),
        ),
        sa.CheckConstraint(
            "(seen_price IS NULL OR seen_price > 0) AND (reference_price IS NULL OR reference_price > 0)",
            name=op.f("ck_supervision_reports_prices_positive"),
        ),
        sa.CheckConstraint(
            "status IN ('open', 'under_review', 'resolved', 'closed')",
            name=op.f("ck_supervision_reports_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["regions.id"], name=op.f("fk_supervision_reports_region_id_regions")
        ),
        sa.ForeignKeyConstraint(
            ["reporter_id"], ["members.id"], name=op.f("fk_supervision_reports_reporter_id_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervision_reports")),
    )
    with op.batch_alter_table("supervision_reports", schema=None) as batch_op:
        batch_op.create_index("ix_supervision_reports_booth_id_id", ["booth_id", "id"], unique=False)
        batch_op.create_index(
            "ix_supervision_reports_kind_subject_id_id", ["kind", "subject_id", "id"], unique=False
        )
        batch_op.create_index("ix_supervision_reports_reporter_id_id", ["reporter_id", "id"], unique=False)
        batch_op.create_index(
            "ix_supervision_reports_status_region_id_id", ["status", "region_id", "id"], unique=False
        )
        batch_op.create_index(
            "uq_supervision_reports_pending_per_reporter",
            ["reporter_id", "kind", "subject_id"],
            unique=True,
            sqlite_where=sa.text(PENDING),
            postgresql_where=sa.text(PENDING),
        )

    op.create_table(
        "supervision_report_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("from_status", sa.String(length=16), nullable=True),
        sa.Column("to_status", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["members.id"], name=op.f("fk_supervision_report_actions_actor_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["supervision_reports.id"],
            name=op.f("fk_supervision_report_actions_report_id_supervision_reports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervision_report_actions")),
    )
    with op.batch_alter_table("supervision_report_actions", schema=None) as batch_op:
        batch_op.create_index("ix_supervision_report_actions_report_id_id", ["report_id", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("supervision_report_actions", schema=None) as batch_op:
        batch_op.drop_index("ix_supervision_report_actions_report_id_id")
    op.drop_table("supervision_report_actions")
    with op.batch_alter_table("supervision_reports", schema=None) as batch_op:
        batch_op.drop_index("uq_supervision_reports_pending_per_reporter")
        batch_op.drop_index("ix_supervision_reports_status_region_id_id")
        batch_op.drop_index("ix_supervision_reports_reporter_id_id")
        batch_op.drop_index("ix_supervision_reports_kind_subject_id_id")
        batch_op.drop_index("ix_supervision_reports_booth_id_id")
    op.drop_table("supervision_reports")
    with op.batch_alter_table("supervision_reviews", schema=None) as batch_op:
        batch_op.drop_index("ix_supervision_reviews_kind_subject_id_id")
        batch_op.drop_index("ix_supervision_reviews_booth_id_id")
        batch_op.drop_index("ix_supervision_reviews_author_id")
    op.drop_table("supervision_reviews")

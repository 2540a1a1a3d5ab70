"""merat: scores with their lines, scoring requests, financial profiles with their history

Revision ID: 3e7a00000001
Revises:
Create Date: 2026-11-29 17:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3e7a00000001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("merat",)
# On the host's first revision (members).
depends_on: str | Sequence[str] | None = ("c0de00000001",)


def _member_fk(table: str, column: str, ondelete: str = "CASCADE") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], ["members.id"], name=op.f(f"fk_{table}_{column}_members"), ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "merat_scores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("rating", sa.String(length=2), nullable=False),
        sa.Column("max_monthly_repayment", sa.BigInteger(), nullable=False),
        sa.Column("base", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.Column("valid_until", sa.DateTime(), nullable=False),
        sa.CheckConstraint("value >= 0 AND value <= 1000", name=op.f("ck_merat_scores_value_range")),
        sa.CheckConstraint("max_monthly_repayment >= 0", name=op.f("ck_merat_scores_capacity_not_negative")),
        sa.CheckConstraint("valid_until > computed_at", name=op.f("ck_merat_scores_valid_after_computed")),
        _member_fk("merat_scores", "member_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_merat_scores")),
    )
    with op.batch_alter_table("merat_scores", schema=None) as batch_op:
        batch_op.create_index("ix_merat_scores_member_id_id", ["member_id", "id"], unique=False)
        batch_op.create_index("ix_merat_scores_computed_at", ["computed_at"], unique=False)

    op.create_table(
        "merat_score_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("score_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.Column("weight_points", sa.Integer(), nullable=True),
        sa.Column("weight_per", sa.BigInteger(), nullable=True),
        sa.Column("weight_max", sa.Integer(), nullable=True),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("description_fa", sa.String(length=500), nullable=False),
        sa.Column("description_en", sa.String(length=500), nullable=False),
        sa.Column("reference", sa.String(length=120), nullable=True),
        sa.ForeignKeyConstraint(
            ["score_id"],
            ["merat_scores.id"],
            name=op.f("fk_merat_score_lines_score_id_merat_scores"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_merat_score_lines")),
    )
    with op.batch_alter_table("merat_score_lines", schema=None) as batch_op:
        batch_op.create_index("ix_merat_score_lines_score_id", ["score_id"], unique=False)

    op.create_table(
        "merat_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("reference", sa.String(length=120), nullable=True),
        sa.Column("score_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _member_fk("merat_requests", "member_id"),
        _member_fk("merat_requests", "requested_by_id", "SET NULL"),
        sa.ForeignKeyConstraint(
            ["score_id"],
            ["merat_scores.id"],
            name=op.f("fk_merat_requests_score_id_merat_scores"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_merat_requests")),
    )
    with op.batch_alter_table("merat_requests", schema=None) as batch_op:
        batch_op.create_index("ix_merat_requests_member_id_id", ["member_id", "id"], unique=False)
        batch_op.create_index("ix_merat_requests_requested_by_id", ["requested_by_id"], unique=False)
        batch_op.create_index("ix_merat_requests_reference", ["reference"], unique=False)

    op.create_table(
        "merat_profiles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("monthly_income", sa.BigInteger(), nullable=False),
        sa.Column("monthly_expenses", sa.BigInteger(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("monthly_income >= 0", name=op.f("ck_merat_profiles_income_not_negative")),
        sa.CheckConstraint("monthly_expenses >= 0", name=op.f("ck_merat_profiles_expenses_not_negative")),
        _member_fk("merat_profiles", "member_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_merat_profiles")),
        sa.UniqueConstraint("member_id", name=op.f("uq_merat_profiles_member_id")),
    )

    op.create_table(
        "merat_profile_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("monthly_income", sa.BigInteger(), nullable=False),
        sa.Column("monthly_expenses", sa.BigInteger(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _member_fk("merat_profile_changes", "member_id"),
        _member_fk("merat_profile_changes", "changed_by_id", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_merat_profile_changes")),
    )
    with op.batch_alter_table("merat_profile_changes", schema=None) as batch_op:
        batch_op.create_index("ix_merat_profile_changes_member_id_id", ["member_id", "id"], unique=False)


def downgrade() -> None:
    op.drop_table("merat_profile_changes")
    op.drop_table("merat_profiles")
    op.drop_table("merat_requests")
    op.drop_table("merat_score_lines")
    op.drop_table("merat_scores")

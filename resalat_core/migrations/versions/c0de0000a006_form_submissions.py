"""form submissions

The first outcome of each form sent with a one-time token (``form_submissions``), so that a form
a phone sends twice over a dropped connection does its work once and the resend gets the same
answer.

Revision ID: c0de0000a006
Revises: c0de0000a005
Create Date: 2026-12-07 00:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c0de0000a006"
down_revision: str | Sequence[str] | None = "c0de0000a005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "form_submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=80), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("location", sa.String(length=2000), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("flashes", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_form_submissions")),
        sa.UniqueConstraint(
            "scope", "token", "request_hash", name=op.f("uq_form_submissions_scope_token_request_hash")
        ),
    )
    op.create_index("ix_form_submissions_created_at", "form_submissions", ["created_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_form_submissions_created_at", table_name="form_submissions")
    op.drop_table("form_submissions")

"""stored files

Uploads kept by the host for every plugin (``stored_files``): who uploaded each, what it is, the
content address of its bytes in the file storage, and whether anyone may read it.

Revision ID: c0de0000a005
Revises: c0de0000a004
Create Date: 2026-12-06 17:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c0de0000a005"
down_revision: str | Sequence[str] | None = "c0de0000a004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "stored_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("purpose", sa.String(length=60), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("content_type", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("thumb_key", sa.String(length=64), nullable=True),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["members.id"], name=op.f("fk_stored_files_owner_id_members")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stored_files")),
        sa.UniqueConstraint("token", name=op.f("uq_stored_files_token")),
    )
    op.create_index("ix_stored_files_owner_created", "stored_files", ["owner_id", "created_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_stored_files_owner_created", table_name="stored_files")
    op.drop_table("stored_files")

"""members closed at

When a member closed their account: the row stays, anonymised, so that the ledger, loans and
promissory notes that name it keep their owner.

Revision ID: c0de0000a008
Revises: c0de0000a007
Create Date: 2026-12-07 03:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c0de0000a008"
down_revision: str | Sequence[str] | None = "c0de0000a007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("members") as batch:
        batch.add_column(sa.Column("closed_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("members") as batch:
        batch.drop_column("closed_at")

"""words as kinds and parameters: account and transfer params, no stored account names

Accounts and statement lines are named in the reader's language when read: a system account by
its declaration, earmarked money by its declared purpose and ``params``, a transfer's line by its
purpose and ``params``. The names the ledger stored in two languages go.

Revision ID: c0de00000003
Revises: c0de00000002
Create Date: 2026-12-06 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c0de00000003"
down_revision: str | Sequence[str] | None = "c0de00000002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("wallet_accounts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("params", sa.JSON(), nullable=True))
        batch_op.drop_column("name_fa")
        batch_op.drop_column("name_en")
    with op.batch_alter_table("wallet_transfers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("params", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("wallet_transfers", schema=None) as batch_op:
        batch_op.drop_column("params")
    with op.batch_alter_table("wallet_accounts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name_en", sa.String(length=160), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("name_fa", sa.String(length=160), nullable=False, server_default=""))
        batch_op.drop_column("params")

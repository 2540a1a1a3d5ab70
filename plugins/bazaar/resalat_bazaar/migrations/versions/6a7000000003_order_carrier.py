"""bazaar: the delivery plugin that carries an order

Revision ID: 6a7000000003
Revises: 6a7000000002
Create Date: 2026-12-06 17:10:00

``bazaar_orders.carrier`` names the plugin whose operator marks an order sent and delivered
(from its delivery quote); the seller's own buttons for those steps are then not offered.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "6a7000000003"
down_revision: str | Sequence[str] | None = "6a7000000002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("bazaar_orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("carrier", sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("bazaar_orders", schema=None) as batch_op:
        batch_op.drop_column("carrier")

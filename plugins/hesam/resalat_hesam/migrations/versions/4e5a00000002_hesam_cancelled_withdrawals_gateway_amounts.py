"""hesam: cancelled withdrawals; what the gateway verified for each card payment

A member may cancel a withdrawal still waiting for the bank's batch (state ``cancelled``). A card
payment keeps the amount the gateway's verify reported (``gateway_amount``), so mismatches can be
listed and the gateway clearing account reconciled; the list reads payments by state.

Revision ID: 4e5a00000002
Revises: 4e5a00000001
Create Date: 2026-12-06 14:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "4e5a00000002"
down_revision: str | Sequence[str] | None = "4e5a00000001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BEFORE = "state IN ('requested', 'exported', 'settled', 'refused')"
AFTER = "state IN ('requested', 'exported', 'settled', 'refused', 'cancelled')"


def upgrade() -> None:
    with op.batch_alter_table("hesam_card_payments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("gateway_amount", sa.BigInteger(), nullable=True))
        batch_op.create_index("ix_hesam_card_payments_state_id", ["state", "id"], unique=False)
    # Payments credited before: the gateway verified exactly their amount.
    op.execute(
        "UPDATE hesam_card_payments SET gateway_amount = amount "
        "WHERE state = 'verified' AND transfer_id IS NOT NULL"
    )
    with op.batch_alter_table("hesam_withdrawals", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_hesam_withdrawals_state_known"), type_="check")
        batch_op.create_check_constraint(op.f("ck_hesam_withdrawals_state_known"), AFTER)


def downgrade() -> None:
    # A cancelled withdrawal had its money freed: as a refusal it reads the same to the ledger.
    op.execute("UPDATE hesam_withdrawals SET state = 'refused' WHERE state = 'cancelled'")
    with op.batch_alter_table("hesam_withdrawals", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_hesam_withdrawals_state_known"), type_="check")
        batch_op.create_check_constraint(op.f("ck_hesam_withdrawals_state_known"), BEFORE)
    with op.batch_alter_table("hesam_card_payments", schema=None) as batch_op:
        batch_op.drop_index("ix_hesam_card_payments_state_id")
        batch_op.drop_column("gateway_amount")

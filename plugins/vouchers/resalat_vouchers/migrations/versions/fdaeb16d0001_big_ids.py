"""vouchers: 64-bit ids for the tables that grow with activity

Revision ID: fdaeb16d0001
Revises: fdae7914845c
Create Date: 2026-12-07 07:00:00

Rows here are written with members' activity, day after day, without bound.
On PostgreSQL each table's id, every column that refers to a widened id, and the ids' sequences
become BIGINT in place (rows kept); on SQLite, whose INTEGER is already 64 bits, nothing changes.
"""

from collections.abc import Sequence

from resalat_core.sdk import narrow_ids, widen_ids

revision: str = "fdaeb16d0001"
down_revision: str | Sequence[str] | None = "fdae7914845c"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = {
    "vouchers_vouchers": ["id"],
    "vouchers_uses": ["id", "voucher_id", "order_id"],
}


def upgrade() -> None:
    widen_ids(COLUMNS)


def downgrade() -> None:
    narrow_ids(COLUMNS)

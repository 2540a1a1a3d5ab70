"""supervision: 64-bit ids for the tables that grow with activity

Revision ID: 5e9e00000002
Revises: 5e9e00000001
Create Date: 2026-12-07 07:00:00

Rows here are written with members' activity, day after day, without bound.
On PostgreSQL each table's id, every column that refers to a widened id, and the ids' sequences
become BIGINT in place (rows kept); on SQLite, whose INTEGER is already 64 bits, nothing changes.
"""

from collections.abc import Sequence

from resalat_core.sdk import narrow_ids, widen_ids

revision: str = "5e9e00000002"
down_revision: str | Sequence[str] | None = "5e9e00000001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = {
    "supervision_reports": ["id"],
    "supervision_reviews": ["id", "order_id"],
    "supervision_report_actions": ["id", "report_id"],
}


def upgrade() -> None:
    widen_ids(COLUMNS)


def downgrade() -> None:
    narrow_ids(COLUMNS)

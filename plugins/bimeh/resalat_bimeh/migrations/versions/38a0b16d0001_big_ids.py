"""bimeh: 64-bit ids for the tables that grow with activity

Revision ID: 38a0b16d0001
Revises: 38a082632065
Create Date: 2026-12-07 07:00:00

Rows here are written with members' activity, day after day, without bound.
On PostgreSQL each table's id, every column that refers to a widened id, and the ids' sequences
become BIGINT in place (rows kept); on SQLite, whose INTEGER is already 64 bits, nothing changes.
"""

from collections.abc import Sequence

from resalat_core.sdk import narrow_ids, widen_ids

revision: str = "38a0b16d0001"
down_revision: str | Sequence[str] | None = "38a082632065"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = {
    "bimeh_policies": ["id", "renews_id", "loan_id", "order_id"],
    "bimeh_claims": ["id", "policy_id"],
    "bimeh_insured": ["id", "policy_id"],
    "bimeh_premiums": ["id", "policy_id"],
    "bimeh_claim_files": ["id", "file_id", "claim_id"],
}


def upgrade() -> None:
    widen_ids(COLUMNS)


def downgrade() -> None:
    narrow_ids(COLUMNS)

"""stm: 64-bit ids for the tables that grow with activity

Revision ID: 5f47b16d0001
Revises: 5f4738cc15b5
Create Date: 2026-12-07 07:00:00

Rows here are written with members' activity, day after day, without bound.
On PostgreSQL each table's id, every column that refers to a widened id, and the ids' sequences
become BIGINT in place (rows kept); on SQLite, whose INTEGER is already 64 bits, nothing changes.
"""

from collections.abc import Sequence

from resalat_core.sdk import narrow_ids, widen_ids

revision: str = "5f47b16d0001"
down_revision: str | Sequence[str] | None = "5f4738cc15b5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = {
    "stm_consignments": ["id"],
    "stm_shipments": ["id", "consignment_id", "order_id"],
    "stm_shipment_events": ["id", "shipment_id"],
}


def upgrade() -> None:
    widen_ids(COLUMNS)


def downgrade() -> None:
    narrow_ids(COLUMNS)

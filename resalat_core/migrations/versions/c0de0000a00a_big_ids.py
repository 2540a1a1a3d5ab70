"""ledger, messages, forms, sign-ins, files: 64-bit ids for the tables that grow with activity

Revision ID: c0de0000a00a
Revises: c0de0000a009
Create Date: 2026-12-07 07:00:00

At the real system's volume the ledger passes 2**31 transfers within a few years. (The audit
trail's ids were 64 bits from its first migration.)
On PostgreSQL each table's id, every column that refers to a widened id, and the ids' sequences
become BIGINT in place (rows kept); on SQLite, whose INTEGER is already 64 bits, nothing changes.
"""

from collections.abc import Sequence

from resalat_core.migration_ops import narrow_ids, widen_ids

revision: str = "c0de0000a00a"
down_revision: str | Sequence[str] | None = "c0de0000a009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = {
    "form_submissions": ["id"],
    "idempotency_records": ["id"],
    "login_attempts": ["id"],
    "sms_outbox": ["id"],
    "api_tokens": ["id"],
    "password_resets": ["id"],
    "stored_files": ["id"],
    "wallet_transfers": ["id"],
    "wallet_entries": ["id", "transfer_id"],
}


def upgrade() -> None:
    widen_ids(COLUMNS)


def downgrade() -> None:
    narrow_ids(COLUMNS)

"""rasan: 64-bit ids for the tables that grow with activity

Revision ID: 8dabb16d0001
Revises: 8dab2cfe17db
Create Date: 2026-12-07 07:00:00

Rows here are written with members' activity, day after day, without bound.
On PostgreSQL each table's id, every column that refers to a widened id, and the ids' sequences
become BIGINT in place (rows kept); on SQLite, whose INTEGER is already 64 bits, nothing changes.
"""

from collections.abc import Sequence

from resalat_core.sdk import narrow_ids, widen_ids

revision: str = "8dabb16d0001"
down_revision: str | Sequence[str] | None = "8dab2cfe17db"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = {
    "rasan_follows": ["id"],
    "rasan_posts": ["id"],
    "rasan_comments": ["id", "post_id"],
    "rasan_experts": ["post_id"],
    "rasan_hashtags": ["id", "post_id"],
    "rasan_likes": ["id", "post_id"],
    "rasan_post_photos": ["id", "post_id", "file_id"],
    "rasan_reports": ["id", "post_id"],
}


def upgrade() -> None:
    widen_ids(COLUMNS)


def downgrade() -> None:
    narrow_ids(COLUMNS)

"""bazaar: the newest matches of a province or a top category without walking the whole catalogue

Revision ID: 6a7000000006
Revises: 6a7000000005
Create Date: 2026-12-07 10:00:00

A common word narrowed to one province or one top category lists its newest matches first (past
the count's cap). Walking every product newest first, the database checked thousands of rows of
other provinces and categories for each match; with a btree index on (province, id) and one on
(top category, id), over visible products only like the GIN index, it walks that province's or
that category's products only. PostgreSQL only: SQLite's search has no such columns.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "6a7000000006"
down_revision: str | Sequence[str] | None = "6a7000000005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {
    "bazaar_products_fts_province_newest": "province_id, product_id",
    "bazaar_products_fts_top_newest": "category_top, product_id",
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, columns in INDEXES.items():
        op.execute(f"CREATE INDEX IF NOT EXISTS {name} ON bazaar_products_fts ({columns}) WHERE visible")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")

"""merat: score lines keep their kind's parameters instead of two stored sentences

A line is rendered in the reader's language from its kind's declared description. Lines stored
before keep their two sentences as parameters (``description_fa``, ``description_en``) and are
shown as written.

Revision ID: 3e7a00000002
Revises: 3e7a00000001
Create Date: 2026-12-06 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3e7a00000002"
down_revision: str | Sequence[str] | None = "3e7a00000001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

lines = sa.table(
    "merat_score_lines",
    sa.column("id", sa.Integer()),
    sa.column("description_fa", sa.String()),
    sa.column("description_en", sa.String()),
    sa.column("params", sa.JSON()),
)
BATCH = 1000


def upgrade() -> None:
    with op.batch_alter_table("merat_score_lines", schema=None) as batch_op:
        batch_op.add_column(sa.Column("params", sa.JSON(), nullable=True))
    conn = op.get_bind()
    last = 0
    while True:
        rows = conn.execute(
            sa.select(lines.c.id, lines.c.description_fa, lines.c.description_en)
            .where(lines.c.id > last)
            .order_by(lines.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        for row in rows:
            # Written before kinds were declared: the sentences of then are what the line says.
            params = {"description_fa": row.description_fa or "", "description_en": row.description_en or ""}
            conn.execute(lines.update().where(lines.c.id == row.id).values(params=params))
        last = rows[-1].id
    with op.batch_alter_table("merat_score_lines", schema=None) as batch_op:
        batch_op.alter_column("params", existing_type=sa.JSON(), nullable=False)
        batch_op.drop_column("description_fa")
        batch_op.drop_column("description_en")


def downgrade() -> None:
    with op.batch_alter_table("merat_score_lines", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("description_en", sa.String(length=500), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("description_fa", sa.String(length=500), nullable=False, server_default="")
        )
        batch_op.drop_column("params")

"""notifications: kinds and parameters instead of stored sentences

A notification keeps its declared kind and variables and is rendered in the reader's language.
Notifications stored before keep their two languages as an authored text's variables.

Revision ID: 4e0b7a9c2d16
Revises: 4e0b7a9c2d15
Create Date: 2026-12-06 09:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "4e0b7a9c2d16"
down_revision: str | Sequence[str] | None = "4e0b7a9c2d15"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

notifications = sa.table(
    "notifications",
    sa.column("id", sa.Integer()),
    sa.column("kind", sa.String()),
    sa.column("title_fa", sa.String()),
    sa.column("title_en", sa.String()),
    sa.column("body_fa", sa.Text()),
    sa.column("body_en", sa.Text()),
    sa.column("params", sa.JSON()),
)


def upgrade() -> None:
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("params", sa.JSON(), nullable=True))
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(
            notifications.c.id,
            notifications.c.kind,
            notifications.c.title_fa,
            notifications.c.title_en,
            notifications.c.body_fa,
            notifications.c.body_en,
        )
    ).all()
    for row in rows:
        # Written before kinds were declared: the two stored languages become an authored text.
        params = {
            "title_fa": row.title_fa,
            "title_en": row.title_en,
            "body_fa": row.body_fa,
            "body_en": row.body_en,
        }
        conn.execute(
            notifications.update()
            .where(notifications.c.id == row.id)
            .values(params=params, kind=f"stored.{row.kind}"[:60])
        )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.alter_column("params", existing_type=sa.JSON(), nullable=False)
        batch_op.drop_column("title_fa")
        batch_op.drop_column("title_en")
        batch_op.drop_column("body_fa")
        batch_op.drop_column("body_en")


def downgrade() -> None:
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("body_en", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("body_fa", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("title_en", sa.String(length=200), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("title_fa", sa.String(length=200), nullable=False, server_default=""))
        batch_op.drop_column("params")

"""supporters: what a loan's event told an introduction is kept as typed values, not as a sentence

An introduction's history kept the loan's number ("loan:12"), its Merat score ("Merat 512 (C)")
or "cancelled by the member" as its note, in one language. They become the event's parameters,
read in the reader's language; a note is again only what a person wrote.

Revision ID: 5e1f00000002
Revises: 5e1f00000001
Create Date: 2026-12-07 10:00:00
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5e1f00000002"
down_revision: str | Sequence[str] | None = "5e1f00000001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

events = sa.table(
    "supporters_introduction_events",
    sa.column("id", sa.Integer()),
    sa.column("note", sa.String()),
    sa.column("params", sa.JSON()),
)
introductions = sa.table(
    "supporters_introductions",
    sa.column("id", sa.Integer()),
    sa.column("status_note", sa.String()),
)

LOAN = re.compile(r"loan:(\d+)")
SCORE = re.compile(r"Merat (\d+) \(([A-E])\)")
CANCELLED = "cancelled by the member"


def params_of(note: str) -> dict | None:
    """The typed values a note written by the loans plugin stood for, or None for a person's note."""
    if match := LOAN.fullmatch(note):
        return {"loan": int(match.group(1))}
    if match := SCORE.fullmatch(note):
        return {"score": int(match.group(1)), "rating": match.group(2)}
    if note == CANCELLED:
        return {"cancelled": True}
    return None


def upgrade() -> None:
    with op.batch_alter_table("supporters_introduction_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("params", sa.JSON(), nullable=True))
    conn = op.get_bind()
    for row in conn.execute(sa.select(events.c.id, events.c.note)).all():
        params = params_of(row.note or "")
        if params is not None:
            conn.execute(events.update().where(events.c.id == row.id).values(params=params, note=""))
    for row in conn.execute(sa.select(introductions.c.id, introductions.c.status_note)).all():
        if params_of(row.status_note or "") is not None:
            conn.execute(introductions.update().where(introductions.c.id == row.id).values(status_note=""))


def downgrade() -> None:
    with op.batch_alter_table("supporters_introduction_events", schema=None) as batch_op:
        batch_op.drop_column("params")

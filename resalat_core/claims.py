"""One-time keys claimed in the request's own transaction: API Idempotency-Keys and form tokens.

The claim is an uncommitted row, committed only together with the work and its outcome (the
view's ``commit()`` is held back meanwhile). A repeat that inserts the same key waits on it
(PostgreSQL's unique index, SQLite's write lock) until the first commits (the repeat then reads
its outcome) or dies (the claim vanishes with its transaction, and the repeat does the work).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import OperationalError

from resalat_core.db import utcnow

# How long a repeat waits for the first request with its key before it is told to come back.
CLAIM_WAIT_MS = 2000


class StillRunning(Exception):
    """The first request with this key is still at work (the wait for its claim ran out)."""


def claim(session: Any, model: Any, match: dict[str, Any], values: dict[str, Any]) -> bool:
    """Claim the row of ``model`` that ``match`` names (its unique columns), in the session's
    transaction. True when this request now holds it, new or taken over from a claim that was
    committed without an outcome (by a release that committed claims on their own, whose request
    died); False when a committed outcome is there to be read. StillRunning, with the session
    rolled back, when the first request still holds it after ``CLAIM_WAIT_MS``."""
    dialect = session.get_bind().dialect.name
    insert_ = postgresql_insert if dialect == "postgresql" else sqlite_insert
    try:
        if dialect == "postgresql":
            session.execute(text(f"SET LOCAL lock_timeout = {CLAIM_WAIT_MS}"))
        claimed = session.scalar(
            insert_(model)
            .values(**match, **values, created_at=utcnow())
            .on_conflict_do_nothing(index_elements=list(match))
            .returning(model.id)
        )
        if claimed is None:
            taken = session.execute(
                update(model)
                .where(*(getattr(model, column) == value for column, value in match.items()))
                .where(model.status.is_(None))
                .values(**values, created_at=utcnow())
            ).rowcount
            if not taken:
                return False
        if dialect == "postgresql":
            session.execute(text("SET LOCAL lock_timeout TO DEFAULT"))
    except OperationalError as exc:
        session.rollback()
        code = getattr(exc.orig, "sqlstate", None)
        if code == "55P03" or "database is locked" in str(exc.orig):
            raise StillRunning from exc
        raise
    return True


def hold_commits(session: Any) -> None:
    """Until the outcome is written, ``session.commit()`` only flushes: a process killed between
    the work's commit and the outcome's could otherwise leave work done with no outcome kept."""
    session.commit = session.flush


def release_commits(session: Any) -> None:
    if "commit" in vars(session):
        del session.commit

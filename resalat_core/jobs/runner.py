"""Planning a periodic job and running its chunks in this process, a transaction per chunk."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import current_app

from resalat_core.db import get_db, utcnow
from resalat_core.errors import NotFound
from resalat_core.i18n import _
from resalat_core.plugins.base import PeriodicJob


def jobs() -> dict[str, PeriodicJob]:
    """Every periodic job the loaded plugins declare, by code, in load order."""
    found: dict[str, PeriodicJob] = current_app.extensions["resalat"].jobs
    return found


def get_job(code: str) -> PeriodicJob:
    """The job named ``code``, or a ``NotFound`` that says so in the reader's language."""
    job = jobs().get(code)
    if job is None:
        raise NotFound(_("No periodic job is named %(code)s.", code=code), fields={"code": code})
    return job


def split_ids(ids: Sequence[int], size: int) -> list[dict[str, int]]:
    """Chunks of at most ``size`` ids each, as inclusive ranges ``{"first": a, "last": b}`` of
    the sorted ``ids``: small to send, and a row added later inside a range is simply included."""
    ordered = sorted(ids)
    step = max(1, int(size))
    return [
        {"first": ordered[i], "last": ordered[min(i + step, len(ordered)) - 1]}
        for i in range(0, len(ordered), step)
    ]


def plan_job(code: str, now: datetime | None = None, **options: Any) -> list[dict[str, Any]]:
    """The chunks of job ``code`` as of ``now``; read only (the session is rolled back)."""
    job = get_job(code)
    session = get_db().session()
    try:
        return list(job.plan(session, now or utcnow(), **options))
    finally:
        session.rollback()


def run_chunk(code: str, chunk: dict[str, Any], now: datetime) -> dict[str, int]:
    """One chunk of job ``code`` in a transaction of its own: committed, or rolled back and raised."""
    job = get_job(code)
    session = get_db().session()
    try:
        counts = dict(job.run_chunk(session, chunk, now) or {})
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        # A long run must not keep every row it touched in the identity map.
        session.expunge_all()
    return counts


@dataclass
class JobResult:
    """What a run of a job did: its chunks and the sum of their counts."""

    code: str
    now: datetime
    chunks: int = 0
    counts: Counter[str] = field(default_factory=Counter)

    def add(self, counts: dict[str, int]) -> None:
        self.chunks += 1
        self.counts.update(counts)

    def as_dict(self) -> dict[str, Any]:
        return {"job": self.code, "now": self.now.isoformat(), "chunks": self.chunks, **dict(self.counts)}


def run_job(
    code: str,
    *,
    now: datetime | None = None,
    progress: Callable[[int], None] | None = None,
    chunks: Iterable[dict[str, Any]] | None = None,
    **options: Any,
) -> JobResult:
    """Plan job ``code`` and run every chunk here, one after the other (what the CLI does).

    ``progress`` hears 1 after each chunk; ``chunks`` skips the planning (already planned).
    """
    moment = now or utcnow()
    planned = list(chunks) if chunks is not None else plan_job(code, moment, **options)
    result = JobResult(code, moment)
    for chunk in planned:
        result.add(run_chunk(code, chunk, moment))
        if progress is not None:
            progress(1)
    return result

"""The Celery app bound to the Flask app: a task that runs a chunk of any job, one that plans a
job and fans out its chunks, and beat's schedule from the jobs the plugins declare.

The broker and the result store are ``celery_broker_url`` and ``celery_result_backend`` (the
local Redis by default; RabbitMQ is ``amqp://user:password@host:5672/vhost``). Workers run
``celery -A resalat_core.jobs.worker worker``, beat ``celery -A resalat_core.jobs.worker beat``.
Every task runs inside an app context with the app's database session; a chunk commits when it
is done, and is acknowledged only then, so a chunk of a worker that died is given to another.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from celery import Celery, Task, group
from celery.schedules import crontab
from flask import Flask
from sqlalchemy.exc import OperationalError

from resalat_core.db import utcnow
from resalat_core.jobs.runner import JobResult, jobs, plan_job, run_chunk

RUN_CHUNK = "resalat.run_chunk"
PLAN_JOB = "resalat.plan_job"


def crontab_of(line: str) -> crontab:
    """A cron line (minute hour day-of-month month day-of-week) as Celery's schedule."""
    parts = line.split()
    if len(parts) != 5:
        raise ValueError(f"a schedule is five fields (minute hour day month weekday), not {line!r}")
    minute, hour, day_of_month, month_of_year, day_of_week = parts
    return crontab(
        minute=minute,
        hour=hour,
        day_of_month=day_of_month,
        month_of_year=month_of_year,
        day_of_week=day_of_week,
    )


class AppTask(Task):
    """A task that runs inside its Flask app's context (configuration, plugins, database session)."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        with self.app.flask_app.app_context():
            return self.run(*args, **kwargs)


# A lost connection or a deadlock: the chunk was rolled back and is safe to run again.
RETRY: dict[str, Any] = {"autoretry_for": (OperationalError,), "retry_backoff": True, "max_retries": 5}


def _run_chunk_task(self: Task, code: str, chunk: dict[str, Any], now: str) -> dict[str, int]:
    return run_chunk(code, chunk, datetime.fromisoformat(now))


def _plan_job_task(
    self: Task, code: str, now: str | None = None, options: dict[str, Any] | None = None
) -> int:
    moment = datetime.fromisoformat(now) if now else utcnow()
    chunks = plan_job(code, moment, **(options or {}))
    if chunks:
        task = self.app.tasks[RUN_CHUNK]
        group(task.s(code, chunk, moment.isoformat()) for chunk in chunks).apply_async()
    return len(chunks)


def celery_for(app: Flask) -> Celery:
    """The Celery app of ``app`` (made on first use, so a web worker that never sends pays nothing)."""
    found: Celery | None = app.extensions.get("resalat_celery")
    if found is not None:
        return found
    config = app.extensions["resalat"].config
    celery = Celery(
        app.import_name,
        broker=config["celery_broker_url"],
        backend=config["celery_result_backend"] or None,
        set_as_current=False,
    )
    celery.conf.update(
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        task_default_queue=config["celery_queue"],
        # Chunks are idempotent: acknowledged after they ran, so one lost with its worker is redone.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        result_expires=24 * 3600,
        timezone=config["celery_timezone"],
        broker_connection_retry_on_startup=True,
    )

    celery.flask_app = app
    # The same module-level callables on every Celery app: each finds its Flask app on its own.
    celery.task(name=RUN_CHUNK, base=AppTask, bind=True, **RETRY)(_run_chunk_task)
    celery.task(name=PLAN_JOB, base=AppTask, bind=True)(_plan_job_task)
    with app.app_context():
        declared = dict(jobs())
    celery.conf.beat_schedule = {
        code: {
            "task": PLAN_JOB,
            "schedule": crontab_of(job.schedule),
            "args": (code,),
            "kwargs": {"options": job.options},
        }
        for code, job in declared.items()
    }
    app.extensions["resalat_celery"] = celery
    return celery


def send_job(
    app: Flask,
    code: str,
    *,
    now: datetime | None = None,
    progress: Callable[[int], None] | None = None,
    timeout: float | None = None,
    chunks: list[dict[str, Any]] | None = None,
    **options: Any,
) -> JobResult:
    """Plan job ``code`` here, send its chunks to the workers and wait for every one of them.

    ``progress`` hears 1 as each chunk is done. A chunk that failed raises here; the others went on.
    """
    celery = celery_for(app)
    moment = now or utcnow()
    if chunks is None:
        with app.app_context():
            chunks = plan_job(code, moment, **options)
    task = celery.tasks[RUN_CHUNK]
    result = JobResult(code, moment)
    if not chunks:
        return result
    sent = group(task.s(code, chunk, moment.isoformat()) for chunk in chunks).apply_async()
    try:
        for child in sent.results:
            result.add(child.get(timeout=timeout, disable_sync_subtasks=False))
            if progress is not None:
                progress(1)
    finally:
        sent.forget()
    return result

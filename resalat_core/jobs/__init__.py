"""Periodic jobs in chunks: plugins declare them, the CLI runs them in-process, Celery spreads them.

A plugin answers ``resalat_periodic_jobs`` with ``PeriodicJob`` values (code, title, cron
schedule, ``plan`` and ``run_chunk``). ``runner`` plans a job and runs its chunks in this
process, one committed transaction per chunk (the embedded SQLite set-up, and every plugin
command); ``celery`` binds a Celery app to the Flask app: one generic task runs a chunk of any
job, another plans a job and fans its chunks out, and beat follows the declared schedules.
"""

from resalat_core.jobs.runner import JobResult, get_job, jobs, plan_job, run_chunk, run_job, split_ids

__all__ = ["JobResult", "get_job", "jobs", "plan_job", "run_chunk", "run_job", "split_ids"]

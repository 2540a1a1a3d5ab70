"""The module Celery workers and beat load: ``celery -A resalat_core.jobs.worker worker``.

It builds the Flask app from the configuration (``RESALAT_*``, ``RESALAT_CONFIG``) with every
installed plugin, as the web app does, and exposes its Celery app as ``app``.
"""

from __future__ import annotations

from resalat_core.app import create_app
from resalat_core.jobs.celery import celery_for

flask_app = create_app()
app = celery_for(flask_app)

"""gunicorn settings for production: stateless sync workers, sized to the machine."""

import multiprocessing
import os

bind = os.environ.get("RESALAT_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("RESALAT_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "gthread"
threads = int(os.environ.get("RESALAT_THREADS", "4"))
timeout = 30
graceful_timeout = 30
# Load the app in each worker after fork: database connections must not be shared across forks.
preload_app = False
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("RESALAT_FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn would answer a long request line with its own HTML 400; the app answers 414 in JSON
# past `max_uri_length` instead, as its API document says.
limit_request_line = 0
wsgi_app = "resalat_core.wsgi:app"

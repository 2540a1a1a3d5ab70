"""The WSGI entry point for gunicorn: ``gunicorn -c config/gunicorn.conf.py``."""

from resalat_core.app import create_app

app = create_app()

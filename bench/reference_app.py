"""The pages bench's reference: a bare Flask app with the host's extensions, served like the app.

`bench/pages.py` serves it with the same gunicorn settings as the app and measures, in the same
run, what a machine gives a request that does nothing (`/bare`), a page that runs three queries and
renders sixty cards (`/page`, what the issue calls a bare page) and a small JSON read (`/json`).
The app's figures are printed as ratios of these, so they compare across machines.
"""

from __future__ import annotations

import os
from typing import Any

from flask import Flask, render_template
from flask_babel import Babel
from flask_compress import Compress
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from jinja2 import DictLoader
from sqlalchemy import create_engine, text

CARDS = """<!doctype html><html lang="fa" dir="rtl"><head><meta charset="utf-8">
<title>{{ title }}</title></head><body><main><h1>{{ title }}</h1>
{% for card in cards %}<article class="card"><h2>{{ card.title }}</h2>
<p>{{ card.text }}</p><a href="/items/{{ card.id }}">{{ card.price }}</a></article>{% endfor %}
</main></body></html>"""


def make_app(database_url: str) -> Flask:
    """The reference app: Flask with Babel, login, CSRF and compression, on ``database_url``."""
    app = Flask("reference")
    app.config.update(
        SECRET_KEY="bench-only-secret",  # noqa: S106 (a local bench)
        WTF_CSRF_ENABLED=True,
    )
    Babel(app)
    login = LoginManager(app)
    # Nobody signs in here: every request is anonymous, as a bare page's would be.
    login.user_loader(lambda _id: None)
    # A template from a loader, compiled once and cached, as the app's templates are.
    app.jinja_loader = DictLoader({"cards.html": CARDS})
    CSRFProtect(app)
    Compress(app)
    engine = create_engine(database_url, pool_size=8, pool_pre_ping=False)

    @app.get("/bare")
    def bare() -> Any:
        return "ok"

    @app.get("/json")
    def as_json() -> Any:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT 1 AS one, 2 AS two")).all()
        return {"rows": [list(r) for r in rows]}

    @app.get("/page")
    def page() -> Any:
        with engine.connect() as conn:
            first = conn.execute(text("SELECT 1")).scalar()
            second = conn.execute(text("SELECT 2")).scalar()
            third = conn.execute(text("SELECT 3")).scalar() + second
        cards = [
            {"id": i, "title": f"کالای {i}", "text": "توضیح کوتاه کالا" * 3, "price": i * (first + third)}
            for i in range(60)
        ]
        return render_template("cards.html", title="بازار", cards=cards)

    return app


app = make_app(os.environ.get("RESALAT_DATABASE_URL", "sqlite://"))

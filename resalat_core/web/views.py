"""The host's pages: the home screen of tiles, the language switch, health and error pages."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_login import current_user

from resalat_core.access import public
from resalat_core.db import db_session
from resalat_core.i18n import LANGUAGES
from resalat_core.plugins.activation import region_hook
from resalat_core.web.safety import safe_next

bp = Blueprint("web", __name__)


def home_tiles(member: Any) -> list[Any]:
    """The tiles of the modules active in ``member``'s region, in a stable order."""
    caller = region_hook("resalat_tiles", member)
    tiles = [tile for result in caller(member=member) for tile in (result or [])]
    return sorted(tiles, key=lambda t: (t.order, t.title_en))


@bp.get("/")
@public
def home() -> Any:
    if not current_user.is_authenticated:
        return render_template("core/welcome.html")
    return render_template("core/home.html", tiles=home_tiles(current_user))


@bp.get("/lang/<code>")
@public
def set_language(code: str) -> Any:
    """Switch the interface language (Persian or English) and go back where the member was."""
    if code in LANGUAGES:
        session["lang"] = code
        if current_user.is_authenticated and current_user.language != code:
            current_user.language = code
            db_session().commit()
    return redirect(safe_next(request.args.get("next")) or url_for("web.home"))


@bp.get("/healthz")
@public
def health() -> Any:
    from sqlalchemy import text

    db_session().execute(text("SELECT 1"))
    return {"status": "ok"}


def render_error(status: int, message: str) -> Any:
    return render_template("core/error.html", status=status, message=message), status

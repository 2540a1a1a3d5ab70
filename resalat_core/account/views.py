"""The member's own pages: a readable copy of their data, its download, and closing the account."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from flask import Blueprint, Response, flash, g, redirect, render_template, request, url_for
from flask_login import current_user, logout_user

from resalat_core.access import login_required
from resalat_core.account import services
from resalat_core.db import db_session
from resalat_core.errors import BadInput, Conflict, TooManyAttempts
from resalat_core.i18n import _, _l
from resalat_core.plugins.base import DataRow
from resalat_core.regions.models import Region
from resalat_core.web.templating import digits, jdate, money, number, place

bp = Blueprint("account", __name__, url_prefix="/account")

LANGUAGE_NAMES = {"fa": _l("Persian"), "en": _l("English")}


def shown(row: DataRow) -> str:
    """A row's value as the reader reads it: their digits, calendar and currency."""
    value = row.value
    if row.money and isinstance(value, int):
        return money(value)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, int):
        return number(value)
    if isinstance(value, datetime | date):
        return jdate(value)
    if isinstance(value, Region):
        return place(value)
    return digits(str(value))


def _me() -> Any:
    # The member itself, not the proxy: the services change and flush it.
    return current_user._get_current_object()


@bp.get("/data")
@login_required
def data() -> Any:
    member = _me()
    sections = services.member_data(db_session(), member)
    return render_template("core/account_data.html", sections=sections, shown=shown, languages=LANGUAGE_NAMES)


@bp.get("/data.json")
@login_required
def data_json() -> Any:
    body = services.member_data_json(db_session(), _me())
    response = Response(
        json.dumps(body, ensure_ascii=False, indent=2), mimetype="application/json; charset=utf-8"
    )
    response.headers["Content-Disposition"] = 'attachment; filename="my-resalat-data.json"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/close", methods=["GET", "POST"])
@login_required
def close() -> Any:
    session = db_session()
    member = _me()
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        try:
            services.close_account(
                session, member, request.form.get("password", ""), request.form.get("confirm", "")
            )
        except (BadInput, Conflict, TooManyAttempts) as exc:
            if exc.keep_changes:
                session.commit()
            else:
                session.rollback()
            errors = exc.form_errors()
            errors.pop("blockers", None)
            status = exc.status
            # Refused: the form's one-time token is let go so that it may be sent again.
            g.resalat_form_refused = True
        else:
            session.commit()
            logout_user()
            flash(_("Your account is closed. Thank you for being with us."), "success")
            return redirect(url_for("web.home"))
    blockers = services.closing_blockers(session, member)
    return (
        render_template(
            "core/account_close.html",
            blockers=blockers,
            errors=errors,
            phrase=str(services.CONFIRM_PHRASE),
        ),
        status,
    )

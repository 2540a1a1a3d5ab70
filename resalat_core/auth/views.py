"""Sign-in pages: register, sign in, sign out, change password, API tokens."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from resalat_core.access import login_required, public
from resalat_core.auth import services
from resalat_core.db import db_session
from resalat_core.errors import BadInput, TooManyAttempts
from resalat_core.i18n import _
from resalat_core.members.services import Registration, register_member
from resalat_core.regions.services import all_regions
from resalat_core.web.safety import safe_next

bp = Blueprint("auth", __name__, url_prefix="/auth")


def _cfg() -> dict[str, Any]:
    return current_app.config["RESALAT"]


@bp.route("/login", methods=["GET", "POST"])
@public
def login() -> Any:
    next_url = safe_next(request.values.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url or url_for("web.home"))
    errors: dict[str, str] = {}
    identifier = ""
    status = 200
    if request.method == "POST":
        identifier = request.form.get("identifier", "")
        session = db_session()
        try:
            member = services.authenticate(
                session,
                identifier,
                request.form.get("password", ""),
                address=request.remote_addr or "",
                max_failures=int(_cfg()["login_max_failures"]),
                window=int(_cfg()["login_window_seconds"]),
            )
        except TooManyAttempts as exc:
            session.rollback()
            errors["_form"] = str(exc.message)
            status = 429
        except BadInput as exc:
            # The failure is recorded for throttling, so it is committed.
            session.commit()
            errors["_form"] = str(exc.message)
            status = 400
        else:
            session.commit()
            login_user(member, remember=bool(request.form.get("remember")))
            return redirect(next_url or url_for("web.home"))
    return (
        render_template("core/login.html", errors=errors, identifier=identifier, next_url=next_url),
        status,
    )


@bp.post("/logout")
@login_required
def logout() -> Any:
    logout_user()
    flash(_("You have signed out."), "info")
    return redirect(url_for("web.home"))


@bp.route("/register", methods=["GET", "POST"])
@public
def register() -> Any:
    if current_user.is_authenticated:
        return redirect(url_for("web.home"))
    session = db_session()
    errors: dict[str, str] = {}
    form = request.form
    status = 200
    if request.method == "POST":
        data = Registration(
            national_code=form.get("national_code", ""),
            mobile=form.get("mobile", ""),
            name=form.get("name", ""),
            region=form.get("region", ""),
            password=form.get("password", ""),
            language=form.get("language") or "fa",
        )
        if form.get("password") != form.get("confirm"):
            errors["confirm"] = _("The two passwords differ.")
        try:
            if errors:
                raise BadInput(_("Please correct the marked fields."), fields={})
            member = register_member(session, data)
        except BadInput as exc:
            session.rollback()
            errors.update(exc.form_errors())
            status = 400
        else:
            session.commit()
            login_user(member)
            flash(_("Welcome to M-Resalat!"), "success")
            return redirect(url_for("web.home"))
    return (
        render_template("core/register.html", errors=errors, form=form, regions=all_regions(session)),
        status,
    )


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password() -> Any:
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        session = db_session()
        # The member itself, not the proxy: login_user() below stores what it is given, and a
        # stored proxy would resolve to itself forever.
        member = current_user._get_current_object()
        try:
            services.change_password(
                session,
                member,
                request.form.get("current", ""),
                request.form.get("new", ""),
                request.form.get("confirm", ""),
            )
        except BadInput as exc:
            session.rollback()
            errors = exc.form_errors()
            status = 400
        else:
            session.commit()
            # The session version changed: sign in again with the fresh id so this tab stays in.
            login_user(member)
            flash(_("Your password has been changed. Other devices have been signed out."), "success")
            return redirect(url_for("web.home"))
    return render_template("core/password.html", errors=errors), status

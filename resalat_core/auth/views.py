"""Sign-in pages: register, sign in, sign out, change or recover a password."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask import session as flask_session
from flask_login import current_user, logout_user

from resalat_core import ratelimit
from resalat_core.access import login_required, public
from resalat_core.auth import recovery, services, sessions
from resalat_core.auth.recovery import RecoveryRules
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
    warning = ""
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
        except services.WrongCredentials as exc:
            # The failure is recorded for throttling, so it is committed.
            session.commit()
            errors["_form"] = str(exc.fields["password"])
            warning = exc.warning
            status = 400
        else:
            session.commit()
            sessions.begin(member, remember=bool(request.form.get("remember")))
            return redirect(next_url or url_for("web.home"))
    return (
        render_template(
            "core/login.html", errors=errors, identifier=identifier, next_url=next_url, warning=warning
        ),
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
        ratelimit.hit("register", ratelimit.address_key())
        data = Registration(
            national_code=form.get("national_code", ""),
            mobile=form.get("mobile", ""),
            name=form.get("name", ""),
            region=form.get("region", ""),
            password=form.get("password", ""),
            language=form.get("language") or "fa",
            confirm=form.get("confirm", ""),
        )
        try:
            member = register_member(session, data)
        except BadInput as exc:
            session.rollback()
            errors.update(exc.form_errors())
            status = 400
        else:
            session.commit()
            sessions.begin(member)
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
        # The member itself, not the proxy: sessions.begin() below stores what it is given, and a
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
            sessions.begin(member)
            flash(_("Your password has been changed. Other devices have been signed out."), "success")
            return redirect(url_for("web.home"))
    return render_template("core/password.html", errors=errors), status


# --- a forgotten password ------------------------------------------------------------------------

# The identifier a code was asked for, carried to the next page in the signed session cookie.
RECOVERY_KEY = "recovery_for"


def _rules() -> RecoveryRules:
    return RecoveryRules.from_config(_cfg())


@bp.route("/forgot", methods=["GET", "POST"])
@public
def forgot_password() -> Any:
    """Ask for a code by SMS: answered the same whether or not the identifier is a member's."""
    errors: dict[str, str] = {}
    identifier = request.values.get("identifier", "")
    status = 200
    if request.method == "POST":
        session = db_session()
        try:
            typed = recovery.request_code(
                session,
                identifier,
                address=request.remote_addr or "",
                rules=_rules(),
                secret=current_app.config["SECRET_KEY"],
            )
        except TooManyAttempts as exc:
            session.rollback()
            errors["_form"] = str(exc.message)
            status = 429
        except BadInput as exc:
            session.rollback()
            errors = exc.form_errors()
            status = 400
        else:
            session.commit()
            flask_session[RECOVERY_KEY] = typed
            flash(
                _(
                    "If this mobile or national code is a member's, a %(n)d-digit code has been sent "
                    "to that member's mobile. It works for %(minutes)d minutes.",
                    n=recovery.CODE_LENGTH,
                    minutes=_rules().code_minutes,
                ),
                "info",
            )
            return redirect(url_for("auth.reset_password"))
    return render_template("core/forgot.html", errors=errors, identifier=identifier), status


@bp.route("/reset", methods=["GET", "POST"])
@public
def reset_password() -> Any:
    """Enter the code and a new password twice; every other device is signed out."""
    errors: dict[str, str] = {}
    form = request.form
    identifier = form.get("identifier") or flask_session.get(RECOVERY_KEY, "")
    status = 200
    if request.method == "POST":
        session = db_session()
        try:
            member = recovery.reset_password(
                session,
                identifier,
                form.get("code", ""),
                form.get("password", ""),
                form.get("confirm", ""),
                rules=_rules(),
                secret=current_app.config["SECRET_KEY"],
            )
        except BadInput as exc:
            # A wrong code is counted towards voiding it, so what the refusal wrote is kept.
            if exc.keep_changes:
                session.commit()
            else:
                session.rollback()
            errors = exc.form_errors()
            status = 400
        else:
            session.commit()
            flask_session.pop(RECOVERY_KEY, None)
            if current_user.is_authenticated:
                logout_user()
            sessions.begin(member)
            flash(
                _("Your password has been changed and every device has been signed out. You are signed in."),
                "success",
            )
            return redirect(url_for("web.home"))
    return (
        render_template(
            "core/reset.html",
            errors=errors,
            identifier=identifier,
            code=form.get("code", ""),
            rules=_rules(),
            code_length=recovery.CODE_LENGTH,
        ),
        status,
    )

"""Deposits' pages: my deposit and its statement, my points (give, history), the term table, totals."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.blueprints import BlueprintSetupState

from resalat_core.sdk import (
    BadInput,
    Member,
    ResalatError,
    _,
    area_of,
    current_member,
    db_session,
    login_required,
    page_args,
    paginate,
    permission_required,
)
from resalat_deposits import services
from resalat_deposits.models import RELATIONS

bp = Blueprint("deposits", __name__, url_prefix="/deposits")
TOTALS_ROLES = ("admin", "credit_officer")


@bp.record_once
def _check_settings(state: BlueprintSetupState) -> None:
    # The plugin refuses to load (with the reason) when its window or term table is wrong; the
    # host's scratch app that probes the views has no configuration and is left alone.
    if "RESALAT" in state.app.config:
        with state.app.app_context():
            services.check_settings()


def _me() -> Member:
    member = current_member()
    assert member is not None  # the access decorator let the request in
    return member


def _refused(session: Any, exc: ResalatError) -> dict[str, str]:
    """The form's errors; a wrong signature is kept (committed) so that it counts for throttling."""
    if exc.code == services.BAD_SIGNATURE:
        session.commit()
    else:
        session.rollback()
    return exc.form_errors()


def _new_key() -> str:
    # Each form carries a key of its own: sending it twice (a double tap, a reload) acts once.
    return uuid.uuid4().hex


# --- my deposit --------------------------------------------------------------------------------


def _mine(errors: dict[str, str] | None = None, form: str = "", status: int = 200) -> Any:
    session = db_session()
    me = _me()
    account = services.deposit_account(session, me)
    page, per_page = page_args()
    statement = paginate(session, services.statement_query(account), page, per_page) if account else None
    values = request.form if request.method == "POST" else {}
    return render_template(
        "deposits/mine.html",
        account=account,
        main_balance=services.main_balance(session, me),
        points=services.points_of(session, me),
        statement=statement,
        errors=errors or {},
        form=form,
        values=values,
        key=values.get("key") or _new_key(),
    ), status


@bp.get("/")
@login_required
def mine() -> Any:
    return _mine()


def _move(act: Any, done: str, form: str) -> Any:
    session = db_session()
    try:
        act(session, _me(), request.form.get("amount"), key=request.form.get("key"))
    except BadInput as exc:
        return _mine(_refused(session, exc), form, 400)
    session.commit()
    flash(done, "success")
    return redirect(url_for("deposits.mine"))


@bp.post("/deposit")
@login_required
def deposit() -> Any:
    return _move(services.deposit, _("The money is in your Qard al-Hasan deposit."), "deposit")


@bp.post("/withdraw")
@login_required
def withdraw() -> Any:
    return _move(services.withdraw, _("The money is back in your main account."), "withdraw")


# --- my points ---------------------------------------------------------------------------------


def _points_page(errors: dict[str, str] | None = None, status: int = 200) -> Any:
    session = db_session()
    me = _me()
    page, per_page = page_args()
    values = request.form if request.method == "POST" else {}
    return render_template(
        "deposits/points.html",
        points=services.points_of(session, me),
        history=paginate(session, services.history_query(me), page, per_page),
        relations=RELATIONS,
        relation_name=services.relation_name,
        errors=errors or {},
        values=values,
        key=values.get("key") or _new_key(),
    ), status


@bp.get("/points")
@login_required
def points() -> Any:
    return _points_page()


@bp.post("/points/give")
@login_required
def give() -> Any:
    session = db_session()
    form = request.form
    try:
        movement = services.give_points(
            session,
            _me(),
            mobile=form.get("mobile"),
            national_code=form.get("national_code"),
            relation=form.get("relation"),
            amount=form.get("amount"),
            password=form.get("password"),
            key=form.get("key"),
        )
    except BadInput as exc:
        return _points_page(_refused(session, exc), 400)
    session.commit()
    flash(_("The points are given to %(name)s.", name=movement.counterpart.name), "success")
    return redirect(url_for("deposits.points"))


# --- the term table ----------------------------------------------------------------------------


@bp.get("/terms")
@login_required
def terms() -> Any:
    session = db_session()
    me = _me()
    available = services.points_of(session, me).available
    raw = request.args.get("amount", "").strip()
    errors: dict[str, str] = {}
    answer = None
    rials = None
    if raw:
        rials = services.read_rials(raw, "amount", errors)
        if rials is not None:
            answer = services.term_for_points(available, rials)
    rows = [(row, row.max_ratio_percent * available // 100) for row in services.term_table()]
    return render_template(
        "deposits/terms.html",
        available=available,
        rows=rows,
        amount=raw,
        rials=rials,
        answer=answer,
        errors=errors,
    ), (400 if errors else 200)


# --- totals ------------------------------------------------------------------------------------


@bp.get("/admin")
@permission_required("deposits.view_totals")
def admin() -> Any:
    session = db_session()
    area = area_of(session, _me(), TOTALS_ROLES)
    if area == []:
        raise BadInput(_("You are not an admin of any region."))
    return render_template(
        "deposits/admin.html", totals=services.totals(session, area), nationwide=area is None
    )

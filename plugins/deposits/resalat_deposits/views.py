"""Deposits' pages: my deposit and its statement, my points (give, history), the term table, totals."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from flask import Blueprint, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from sqlalchemy.orm import Session

from resalat_core.sdk import (
    BadInput,
    FieldReader,
    NotAllowed,
    _,
    _l,
    area_of,
    can,
    db_session,
    handle_form,
    login_required,
    me,
    page_args,
    paginate,
    permission_required,
    read_money,
)
from resalat_deposits import services
from resalat_deposits.models import RELATIONS, PointsMovement

bp = Blueprint("deposits", __name__, url_prefix="/deposits")
VIEW_TOTALS = "deposits.view_totals"


@bp.record_once
def _check_settings(state: BlueprintSetupState) -> None:
    # The plugin refuses to load (with the reason) when its window or term table is wrong; the
    # host's scratch app that probes the views has no configuration and is left alone.
    if "RESALAT" in state.app.config:
        with state.app.app_context():
            services.check_settings()


def _new_key() -> str:
    # Each form carries a key of its own: sending it twice (a double tap, a reload) acts once.
    return uuid.uuid4().hex


# --- my deposit --------------------------------------------------------------------------------


def _mine(errors: dict[str, str] | None = None, form: str = "", status: int = 200) -> Any:
    session = db_session()
    member = me()
    account = services.deposit_account(session, member)
    page, per_page = page_args()
    statement = paginate(session, services.statement_query(account), page, per_page) if account else None
    values = request.form if request.method == "POST" else {}
    return render_template(
        "deposits/mine.html",
        can_totals=can(VIEW_TOTALS),
        account=account,
        main_balance=services.main_balance(session, member),
        points=services.points_of(session, member),
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


def _move(act: Callable[..., Any], done: Any, form: str) -> Any:
    """Deposit or withdraw the tomans typed on the form, once per the form's key."""

    def move(session: Session) -> Any:
        read = FieldReader()
        rials = read.money(request.form.get("amount"), "amount")
        return read.run(lambda: act(session, me(), rials, key=request.form.get("key")))

    return handle_form(
        move,
        again=lambda errors, status: _mine(errors, form, status),
        to=url_for("deposits.mine"),
        done=done,
    )


@bp.post("/deposit")
@login_required
def deposit() -> Any:
    return _move(services.deposit, _l("The money is in your Qard al-Hasan deposit."), "deposit")


@bp.post("/withdraw")
@login_required
def withdraw() -> Any:
    return _move(services.withdraw, _l("The money is back in your main account."), "withdraw")


# --- my points ---------------------------------------------------------------------------------


def _points_page(errors: dict[str, str] | None = None, status: int = 200) -> Any:
    session = db_session()
    member = me()
    page, per_page = page_args()
    values = request.form if request.method == "POST" else {}
    return render_template(
        "deposits/points.html",
        points=services.points_of(session, member),
        history=paginate(session, services.history_query(member), page, per_page),
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


def _give(session: Session) -> PointsMovement:
    """The gift as the form has it: the tomans typed, read here, and the rest checked by the service.

    An amount that cannot be read is reported together with every other field's mistake.
    """
    form = request.form
    read = FieldReader()
    rials = read.money(form.get("amount"), "amount")
    return read.run(
        lambda: services.give_points(
            session,
            me(),
            mobile=form.get("mobile"),
            national_code=form.get("national_code"),
            relation=form.get("relation"),
            amount=rials,
            password=form.get("password"),
            key=form.get("key"),
        )
    )


@bp.post("/points/give")
@login_required
def give() -> Any:
    """A wrong password is refused but kept (``keep_changes``): it counts towards the throttle."""
    return handle_form(
        _give,
        again=lambda errors, status: _points_page(errors, status),
        to=url_for("deposits.points"),
        done=lambda movement: _l("The points are given to %(name)s.", name=movement.counterpart.name),
    )


# --- the term table ----------------------------------------------------------------------------


@bp.get("/terms")
@login_required
def terms() -> Any:
    session = db_session()
    available = services.points_of(session, me()).available
    raw = request.args.get("amount", "").strip()
    errors: dict[str, str] = {}
    answer = None
    rials = None
    if raw:
        try:
            rials = read_money(raw, field="amount")
        except BadInput as exc:
            errors = exc.form_errors()
        else:
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
@permission_required(VIEW_TOTALS)
def admin() -> Any:
    session = db_session()
    area = area_of(session, me(), VIEW_TOTALS)
    if area == []:
        raise NotAllowed(_("You are not an admin of any region."))
    return render_template(
        "deposits/admin.html", totals=services.totals(session, area), nationwide=area is None
    )

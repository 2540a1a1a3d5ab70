"""Social leaders' pages (desk, introductions, guarantees, community cores) and a member's own guarantees."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request, url_for

from resalat_core.sdk import (
    BadInput,
    _,
    _l,
    can,
    db_session,
    handle_form,
    login_required,
    me,
    page_args,
    paginate,
    permission_required,
)
from resalat_leaders import services
from resalat_leaders.models import INTRODUCTION_STATUSES
from resalat_leaders.signing import sign_as_typed

bp = Blueprint("leaders", __name__, url_prefix="/leaders")

GUARANTEE_STATES = ("active", "expired", "revoked")


def _filter(name: str, allowed: tuple[str, ...]) -> str:
    """A list filter from the query string; an unknown value is a 400 naming it."""
    value = request.args.get(name, "").strip()
    if value and value not in allowed:
        message = _("Unknown filter value.")
        raise BadInput(message, fields={name: message})
    return value


# --- the leader's desk -------------------------------------------------------------------------


@bp.get("/")
@permission_required(services.INTRODUCE)
def desk() -> Any:
    session = db_session()
    leader = me()
    area = services.community_of(session, leader)
    regions = services.community_regions(session, leader)
    ids = {r.id for r in regions}
    return render_template(
        "leaders/desk.html",
        nationwide=area is None,
        # The places that head the community: a province stands for its towns and villages.
        tops=[r for r in regions if r.parent_id not in ids],
        allowance=services.allowance(session, leader) if can(services.GUARANTEE) else None,
    )


# --- introductions -----------------------------------------------------------------------------


@bp.get("/talents")
@permission_required(services.INTRODUCE)
def talents() -> Any:
    return _talents_page({})


def _talents_page(errors: dict[str, str], status: int = 200) -> Any:
    session = db_session()
    wanted = _filter("status", INTRODUCTION_STATUSES)
    page, per_page = page_args()
    area = services.community_of(session, me())
    result = paginate(session, services.talents_query(area, status=wanted or None), page, per_page)
    return render_template(
        "leaders/talents.html",
        page=result,
        status=wanted,
        next_status=services.NEXT_STATUS,
        may_vouch=can(services.GUARANTEE),
        errors=errors,
    ), status


@bp.get("/talents/new")
@permission_required(services.INTRODUCE)
def talent_form() -> Any:
    return _talent_page({}, {})


def _talent_page(values: Any, errors: dict[str, str], status: int = 200) -> Any:
    return render_template("leaders/talent_form.html", values=values, errors=errors), status


@bp.post("/talents/new")
@permission_required(services.INTRODUCE)
def new_talent() -> Any:
    form = request.form
    return handle_form(
        lambda session: services.introduce_talent(
            session, me(), member=form.get("member"), talent=form.get("talent"), note=form.get("note")
        ),
        again=lambda errors, status: _talent_page(form, errors, status),
        to=url_for("leaders.talents"),
        done=lambda intro: _l("The talent of %(name)s is introduced.", name=intro.member.name),
    )


@bp.post("/talents/<int:talent_id>/status")
@permission_required(services.INTRODUCE)
def talent_status(talent_id: int) -> Any:
    return handle_form(
        lambda session: services.set_talent_status(session, me(), talent_id, request.form.get("status")),
        again=_talents_page,
        to=url_for("leaders.talents"),
        done=_l("The introduction's status is changed."),
    )


@bp.get("/trades")
@permission_required(services.INTRODUCE)
def trades() -> Any:
    return _trades_page({})


def _trades_page(errors: dict[str, str], status: int = 200) -> Any:
    session = db_session()
    wanted = _filter("status", INTRODUCTION_STATUSES)
    q = request.args.get("q", "").strip()
    page, per_page = page_args()
    area = services.community_of(session, me())
    result = paginate(session, services.trades_query(area, status=wanted or None, q=q), page, per_page)
    return render_template(
        "leaders/trades.html",
        page=result,
        status=wanted,
        q=q,
        next_status=services.NEXT_STATUS,
        errors=errors,
    ), status


def _trade_page(values: Any, errors: dict[str, str], status: int = 200) -> Any:
    return render_template(
        "leaders/trade_form.html",
        values=values,
        errors=errors,
        regions=services.community_regions(db_session(), me()),
    ), status


@bp.get("/trades/new")
@permission_required(services.INTRODUCE)
def trade_form() -> Any:
    return _trade_page({}, {})


@bp.post("/trades/new")
@permission_required(services.INTRODUCE)
def new_trade() -> Any:
    form = request.form
    return handle_form(
        lambda session: services.introduce_trade(
            session,
            me(),
            name=form.get("name"),
            region=form.get("region"),
            households=form.get("households"),
            description=form.get("description"),
        ),
        again=lambda errors, status: _trade_page(form, errors, status),
        to=url_for("leaders.trades"),
        done=lambda trade: _l("The trade %(name)s is introduced.", name=trade.name),
    )


@bp.post("/trades/<int:trade_id>/status")
@permission_required(services.INTRODUCE)
def trade_status(trade_id: int) -> Any:
    return handle_form(
        lambda session: services.set_trade_status(session, me(), trade_id, request.form.get("status")),
        again=_trades_page,
        to=url_for("leaders.trades"),
        done=_l("The introduction's status is changed."),
    )


# --- social guarantees -------------------------------------------------------------------------


@bp.get("/guarantees")
@permission_required(services.GUARANTEE)
def guarantees() -> Any:
    session = db_session()
    leader = me()
    state = _filter("status", GUARANTEE_STATES)
    page, per_page = page_args()
    result = paginate(session, services.signed_query(session, leader, state=state or None), page, per_page)
    return render_template(
        "leaders/guarantees.html",
        page=result,
        status=state,
        states=services.states(result.items),
        allowance=services.allowance(session, leader),
    )


def _guarantee_form(values: Any, errors: dict[str, str], status: int = 200) -> Any:
    allowance = services.allowance(db_session(), me())
    return render_template(
        "leaders/guarantee_form.html", values=values, errors=errors, allowance=allowance
    ), status


@bp.get("/guarantees/new")
@permission_required(services.GUARANTEE)
def guarantee_form() -> Any:
    # ?member= comes from a talent's "vouch for" link: the form starts with that member filled in.
    return _guarantee_form({"member": request.args.get("member")}, {})


@bp.post("/guarantees/new")
@permission_required(services.GUARANTEE)
def new_guarantee() -> Any:
    """Signed with the leader's password; a wrong one is refused and still counts for throttling
    (the service says to keep it, and ``handle_form`` commits it); too many is a 429."""
    form = request.form
    return handle_form(
        lambda session: sign_as_typed(session, me(), form),
        again=lambda errors, status: _guarantee_form(form, errors, status),
        to=lambda guarantee: url_for("leaders.guarantee", guarantee_id=guarantee.id),
        done=_l("The guarantee is signed."),
    )


@bp.get("/guarantees/<int:guarantee_id>")
@login_required
def guarantee(guarantee_id: int) -> Any:
    """The leader who signed it, the member it is about and admins of the member's region see it."""
    return _guarantee_page(guarantee_id, {})


def _guarantee_page(guarantee_id: int, errors: dict[str, str], status: int = 200) -> Any:
    session = db_session()
    viewer = me()
    found = services.get_guarantee(session, viewer, guarantee_id)
    return render_template(
        "leaders/guarantee.html",
        g=found,
        state=found.state(services.today()),
        may_revoke=services.may_revoke(session, viewer, found),
        errors=errors,
        values=request.form,
    ), status


@bp.post("/guarantees/<int:guarantee_id>/revoke")
@permission_required(services.GUARANTEE)
def revoke(guarantee_id: int) -> Any:
    return handle_form(
        lambda session: services.revoke_guarantee(
            session, me(), guarantee_id, reason=request.form.get("reason")
        ),
        again=lambda errors, status: _guarantee_page(guarantee_id, errors, status),
        to=url_for("leaders.guarantee", guarantee_id=guarantee_id),
        done=_l("The guarantee is revoked."),
    )


@bp.get("/mine")
@login_required
def mine() -> Any:
    """What leaders have vouched for me: read only."""
    session = db_session()
    page, per_page = page_args()
    result = paginate(session, services.about_query(me()), page, per_page)
    return render_template("leaders/mine.html", page=result, states=services.states(result.items))


# --- the community's cores ---------------------------------------------------------------------


@bp.get("/community")
@permission_required(services.INTRODUCE)
def community() -> Any:
    session = db_session()
    leader = me()
    field = request.args.get("field", "").strip()
    status = request.args.get("status", "").strip()
    q = request.args.get("q", "").strip()
    page, per_page = page_args()
    stmt = services.community_cores(session, leader, field=field or None, status=status or None, q=q or None)
    result = paginate(session, stmt, page, per_page)
    return render_template(
        "leaders/community.html",
        page=result,
        field=field,
        status=status,
        q=q,
        fields=services.core_fields(session),
        core_statuses=services.CORE_STATUSES,
    )

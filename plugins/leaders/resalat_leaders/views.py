"""Social leaders' pages (desk, introductions, guarantees, community cores) and a member's own guarantees."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for

from resalat_core.sdk import (
    BadInput,
    Member,
    ResalatError,
    _,
    can,
    current_member,
    db_session,
    login_required,
    page_args,
    paginate,
    permission_required,
)
from resalat_leaders import services
from resalat_leaders.models import INTRODUCTION_STATUSES

bp = Blueprint("leaders", __name__, url_prefix="/leaders")

GUARANTEE_STATES = ("active", "expired", "revoked")


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


def _filter(name: str, allowed: tuple[str, ...]) -> str:
    """A list filter from the query string; an unknown value is a 400 naming it."""
    value = request.args.get(name, "").strip()
    if value and value not in allowed:
        message = _("Unknown filter value.")
        raise BadInput(message, fields={name: message})
    return value


# --- the leader's desk -------------------------------------------------------------------------


@bp.get("/")
@permission_required("leaders.introduce")
def desk() -> Any:
    session = db_session()
    me = _me()
    area = services.community_of(session, me)
    regions = services.community_regions(session, me)
    ids = {r.id for r in regions}
    return render_template(
        "leaders/desk.html",
        nationwide=area is None,
        # The places that head the community: a province stands for its towns and villages.
        tops=[r for r in regions if r.parent_id not in ids],
        allowance=services.allowance(session, me) if can("leaders.guarantee") else None,
    )


# --- introductions -----------------------------------------------------------------------------


@bp.get("/talents")
@permission_required("leaders.introduce")
def talents() -> Any:
    session = db_session()
    status = _filter("status", INTRODUCTION_STATUSES)
    page, per_page = page_args()
    area = services.community_of(session, _me())
    result = paginate(session, services.talents_query(area, status=status or None), page, per_page)
    return render_template(
        "leaders/talents.html",
        page=result,
        status=status,
        next_status=services.NEXT_STATUS,
        may_vouch=can("leaders.guarantee"),
    )


@bp.route("/talents/new", methods=["GET", "POST"])
@permission_required("leaders.introduce")
def new_talent() -> Any:
    session = db_session()
    values: dict[str, Any] = request.form if request.method == "POST" else {}
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            intro = services.introduce_talent(
                session,
                _me(),
                member=values.get("member"),
                talent=values.get("talent"),
                note=values.get("note"),
            )
        except BadInput as exc:
            errors = _refused(session, exc)
        else:
            session.commit()
            flash(_("The talent of %(name)s is introduced.", name=intro.member.name), "success")
            return redirect(url_for("leaders.talents"))
    return render_template("leaders/talent_form.html", values=values, errors=errors), (400 if errors else 200)


@bp.post("/talents/<int:talent_id>/status")
@permission_required("leaders.introduce")
def talent_status(talent_id: int) -> Any:
    session = db_session()
    services.set_talent_status(session, _me(), talent_id, request.form.get("status"))
    session.commit()
    flash(_("The introduction's status is changed."), "success")
    return redirect(url_for("leaders.talents"))


@bp.get("/trades")
@permission_required("leaders.introduce")
def trades() -> Any:
    session = db_session()
    status = _filter("status", INTRODUCTION_STATUSES)
    q = request.args.get("q", "").strip()
    page, per_page = page_args()
    area = services.community_of(session, _me())
    result = paginate(session, services.trades_query(area, status=status or None, q=q), page, per_page)
    return render_template(
        "leaders/trades.html", page=result, status=status, q=q, next_status=services.NEXT_STATUS
    )


@bp.route("/trades/new", methods=["GET", "POST"])
@permission_required("leaders.introduce")
def new_trade() -> Any:
    session = db_session()
    me = _me()
    values: dict[str, Any] = request.form if request.method == "POST" else {}
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            trade = services.introduce_trade(
                session,
                me,
                name=values.get("name"),
                region=values.get("region"),
                households=values.get("households"),
                description=values.get("description"),
            )
        except BadInput as exc:
            errors = _refused(session, exc)
        else:
            session.commit()
            flash(_("The trade %(name)s is introduced.", name=trade.name), "success")
            return redirect(url_for("leaders.trades"))
    return render_template(
        "leaders/trade_form.html",
        values=values,
        errors=errors,
        regions=services.community_regions(session, me),
    ), (400 if errors else 200)


@bp.post("/trades/<int:trade_id>/status")
@permission_required("leaders.introduce")
def trade_status(trade_id: int) -> Any:
    session = db_session()
    services.set_trade_status(session, _me(), trade_id, request.form.get("status"))
    session.commit()
    flash(_("The introduction's status is changed."), "success")
    return redirect(url_for("leaders.trades"))


# --- social guarantees -------------------------------------------------------------------------


@bp.get("/guarantees")
@permission_required("leaders.guarantee")
def guarantees() -> Any:
    session = db_session()
    me = _me()
    state = _filter("status", GUARANTEE_STATES)
    page, per_page = page_args()
    result = paginate(session, services.signed_query(session, me, state=state or None), page, per_page)
    return render_template(
        "leaders/guarantees.html",
        page=result,
        status=state,
        states=services.states(result.items),
        allowance=services.allowance(session, me),
    )


@bp.route("/guarantees/new", methods=["GET", "POST"])
@permission_required("leaders.guarantee")
def new_guarantee() -> Any:
    session = db_session()
    me = _me()
    # ?member= comes from a talent's "vouch for" link: the form starts with that member filled in.
    values: dict[str, Any] = (
        request.form if request.method == "POST" else {"member": request.args.get("member")}
    )
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        try:
            guarantee = services.sign_guarantee(
                session,
                me,
                member=values.get("member"),
                cap=values.get("cap"),
                statement=values.get("statement"),
                valid_until=values.get("valid_until"),
                password=values.get("password"),
            )
        except ResalatError as exc:  # bad input, or too many wrong signatures (429)
            errors = _refused(session, exc)
            status = exc.status
        else:
            session.commit()
            flash(_("The guarantee is signed."), "success")
            return redirect(url_for("leaders.guarantee", guarantee_id=guarantee.id))
    return render_template(
        "leaders/guarantee_form.html", values=values, errors=errors, allowance=services.allowance(session, me)
    ), status


@bp.get("/guarantees/<int:guarantee_id>")
@login_required
def guarantee(guarantee_id: int) -> Any:
    """The leader who signed it, the member it is about and admins of the member's region see it."""
    session = db_session()
    me = _me()
    found = services.get_guarantee(session, me, guarantee_id)
    return _guarantee_page(session, me, found, {})


def _guarantee_page(session: Any, me: Member, found: Any, errors: dict[str, str], status: int = 200) -> Any:
    return render_template(
        "leaders/guarantee.html",
        g=found,
        state=found.state(services.today()),
        may_revoke=services.may_revoke(session, me, found),
        errors=errors,
        values=request.form,
    ), status


@bp.post("/guarantees/<int:guarantee_id>/revoke")
@permission_required("leaders.guarantee")
def revoke(guarantee_id: int) -> Any:
    session = db_session()
    me = _me()
    try:
        services.revoke_guarantee(session, me, guarantee_id, reason=request.form.get("reason"))
    except BadInput as exc:
        errors = _refused(session, exc)
        return _guarantee_page(session, me, services.get_guarantee(session, me, guarantee_id), errors, 400)
    session.commit()
    flash(_("The guarantee is revoked."), "success")
    return redirect(url_for("leaders.guarantee", guarantee_id=guarantee_id))


@bp.get("/mine")
@login_required
def mine() -> Any:
    """What leaders have vouched for me: read only."""
    session = db_session()
    page, per_page = page_args()
    result = paginate(session, services.about_query(_me()), page, per_page)
    return render_template("leaders/mine.html", page=result, states=services.states(result.items))


# --- the community's cores ---------------------------------------------------------------------


@bp.get("/community")
@permission_required("leaders.introduce")
def community() -> Any:
    session = db_session()
    me = _me()
    field = request.args.get("field", "").strip()
    status = request.args.get("status", "").strip()
    q = request.args.get("q", "").strip()
    page, per_page = page_args()
    stmt = services.community_cores(session, me, field=field or None, status=status or None, q=q or None)
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

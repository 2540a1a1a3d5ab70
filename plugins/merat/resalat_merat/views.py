"""Merat's pages: my credit report, my financial profile, my history; staff look a member up."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from resalat_core.sdk import (
    BadInput,
    Member,
    NotAllowed,
    NotFound,
    _,
    _l,
    current_language,
    current_member,
    db_session,
    login_required,
    page_args,
    permission_required,
    to_latin_digits,
)
from resalat_merat import TOMAN, services

bp = Blueprint("merat", __name__, url_prefix="/merat")

CHANGES_SHOWN = 5
RATING_STYLE = {"A": "success", "B": "primary", "C": "info", "D": "warning", "E": "danger"}
RATING_LABELS = {
    "A": _l("Excellent"),
    "B": _l("Good"),
    "C": _l("Fair"),
    "D": _l("Weak"),
    "E": _l("Poor"),
}


def _me() -> Member:
    member = current_member()
    assert member is not None  # login_required / permission_required let the request in
    return member


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {
        "rating_style": lambda rating: RATING_STYLE.get(rating, "secondary"),
        "rating_label": lambda rating: str(RATING_LABELS.get(rating, rating)),
        "reason_label": lambda reason: str(services.REASON_LABELS.get(reason, reason)),
        "line_text": lambda line: line.description(current_language()),
        "is_valid": lambda score: score is not None and score.is_valid_at(services.utcnow()),
    }


def _tomans(rials: int | None) -> str:
    """A form value in tomans, Latin digits (the field is left-to-right)."""
    if rials is None:
        return ""
    whole, tenth = divmod(rials, TOMAN)
    return f"{whole}" if not tenth else f"{whole}.{tenth}"


def _report(member: Member, *, staff: bool = False) -> dict[str, Any]:
    session = db_session()
    return {
        "subject": member,
        "score": services.newest_score(session, member),
        "profile": services.profile_of(session, member),
        # The last few declarations, so a change of heart stays visible.
        "changes": services.profile_changes(session, member, 1, CHANGES_SHOWN).items,
        "staff": staff,
        "money_kinds": services.money_kinds(),
    }


# --- my report ---------------------------------------------------------------------------------


@bp.get("/")
@login_required
def report() -> Any:
    """My credit report: the newest score, each signal with its weight and effect, my profile."""
    me = _me()
    context = _report(me)
    profile = context["profile"]
    values = {
        "monthly_income": _tomans(profile.monthly_income) if profile else "",
        "monthly_expenses": _tomans(profile.monthly_expenses) if profile else "",
        "note": profile.note if profile else "",
    }
    return render_template("merat/report.html", values=values, errors={}, **context)


@bp.post("/recompute")
@login_required
def recompute() -> Any:
    session = db_session()
    services.score_member(session, _me(), requested_by=_me(), reason=services.ON_DEMAND)
    session.commit()
    flash(_("Your credit score was computed again."), "success")
    return redirect(url_for("merat.report"))


@bp.post("/profile")
@login_required
def save_profile() -> Any:
    """Income and expenses in tomans; a bad value shows the report again with the field marked."""
    session = db_session()
    form = request.form
    me = _me()
    try:
        services.save_profile(
            session,
            me,
            monthly_income=to_latin_digits(form.get("monthly_income", "")),
            monthly_expenses=to_latin_digits(form.get("monthly_expenses", "")),
            note=form.get("note", ""),
        )
    except BadInput as exc:
        session.rollback()
        return render_template("merat/report.html", values=form, errors=exc.form_errors(), **_report(me)), 400
    session.commit()
    flash(_("Your financial profile was saved. Compute your score again to use it."), "success")
    return redirect(url_for("merat.report") + "#profile")


@bp.get("/history")
@login_required
def history() -> Any:
    """My scores, newest first, each with its signals."""
    page, per_page = page_args()
    result = services.scores_of(db_session(), _me(), page, per_page)
    return render_template("merat/history.html", page=result, money_kinds=services.money_kinds())


@bp.get("/requests")
@login_required
def requests() -> Any:
    """Who asked for my score, and why."""
    page, per_page = page_args()
    result = services.requests_of(db_session(), _me(), page, per_page)
    return render_template("merat/requests.html", page=result, subject=_me(), staff=False)


# --- staff -------------------------------------------------------------------------------------


@bp.get("/staff")
@permission_required(services.VIEW_REPORTS)
def staff() -> Any:
    return render_template("merat/staff.html", values={}, errors={})


@bp.post("/staff")
@permission_required(services.VIEW_REPORTS)
def lookup() -> Any:
    """Look a member up by mobile or national code: recorded as a scoring request by this officer."""
    session = db_session()
    identifier = request.form.get("member", "")
    try:
        score = services.staff_lookup(session, _me(), identifier)
    except BadInput as exc:
        session.rollback()
        return render_template("merat/staff.html", values=request.form, errors=exc.form_errors()), 400
    except (NotFound, NotAllowed) as exc:
        session.rollback()
        return render_template(
            "merat/staff.html", values=request.form, errors={"member": str(exc.message)}
        ), exc.status
    session.commit()
    return redirect(url_for("merat.member_report", member_id=score.member_id))


def _staff_member(member_id: int) -> Member:
    try:
        return services.member_for_staff(db_session(), _me(), member_id)
    except NotFound:
        abort(404)


@bp.get("/staff/members/<int:member_id>")
@permission_required(services.VIEW_REPORTS)
def member_report(member_id: int) -> Any:
    member = _staff_member(member_id)
    page, per_page = page_args()
    asked = services.requests_of(db_session(), member, page, per_page)
    return render_template("merat/member.html", page=asked, **_report(member, staff=True))


@bp.post("/staff/members/<int:member_id>/recompute")
@permission_required(services.VIEW_REPORTS)
def member_recompute(member_id: int) -> Any:
    session = db_session()
    member = _staff_member(member_id)
    services.score_member(session, member, requested_by=_me(), reason=services.ON_DEMAND)
    session.commit()
    flash(_("The member's credit score was computed again."), "success")
    return redirect(url_for("merat.member_report", member_id=member.id))

"""Merat's pages: my credit report, my financial profile, my history; staff look a member up."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, url_for
from sqlalchemy.orm import Session

from resalat_core.sdk import (
    BadInput,
    FieldReader,
    Member,
    NotAllowed,
    NotFound,
    _l,
    db_session,
    handle_form,
    login_required,
    me,
    page_args,
    permission_required,
    utcnow,
)
from resalat_merat import TOMAN, services
from resalat_merat.models import FinancialProfile

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


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {
        "rating_style": lambda rating: RATING_STYLE.get(rating, "secondary"),
        "rating_label": lambda rating: str(RATING_LABELS.get(rating, rating)),
        "rating_name": services.rating_name,
        "reason_label": lambda reason: str(services.REASON_LABELS.get(reason, reason)),
        "is_valid": lambda score: score is not None and score.is_valid_at(utcnow()),
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


def _report_page(values: Any, errors: dict[str, str] | None = None, status: int = 200) -> Any:
    return render_template("merat/report.html", values=values, errors=errors or {}, **_report(me())), status


# --- my report ---------------------------------------------------------------------------------


@bp.get("/")
@login_required
def report() -> Any:
    """My credit report: the newest score, each signal with its weight and effect, my profile."""
    profile = services.profile_of(db_session(), me())
    values = {
        "monthly_income": _tomans(profile.monthly_income) if profile else "",
        "monthly_expenses": _tomans(profile.monthly_expenses) if profile else "",
        "note": profile.note if profile else "",
    }
    return _report_page(values)


@bp.post("/recompute")
@login_required
def recompute() -> Any:
    return handle_form(
        lambda session: services.score_member(session, me(), requested_by=me(), reason=services.ON_DEMAND),
        again=lambda errors, status: _report_page({}, errors, status),
        to=url_for("merat.report"),
        done=_l("Your credit score was computed again."),
    )


@bp.post("/profile")
@login_required
def save_profile() -> Any:
    """Income and expenses in tomans; a bad value shows the report again with the field marked."""
    form = request.form

    def act(session: Session) -> FinancialProfile:
        read = FieldReader()
        income = read.money(form.get("monthly_income"), "monthly_income", allow_zero=True)
        expenses = read.money(form.get("monthly_expenses"), "monthly_expenses", allow_zero=True)
        return read.run(
            lambda: services.save_profile(
                session, me(), monthly_income=income, monthly_expenses=expenses, note=form.get("note", "")
            )
        )

    return handle_form(
        act,
        again=lambda errors, status: _report_page(form, errors, status),
        to=url_for("merat.report") + "#profile",
        done=_l("Your financial profile was saved. Compute your score again to use it."),
    )


@bp.get("/history")
@login_required
def history() -> Any:
    """My scores, newest first, each with its signals."""
    page, per_page = page_args()
    result = services.scores_of(db_session(), me(), page, per_page)
    return render_template("merat/history.html", page=result, money_kinds=services.money_kinds())


@bp.get("/requests")
@login_required
def requests() -> Any:
    """Who asked for my score, and why."""
    page, per_page = page_args()
    result = services.requests_of(db_session(), me(), page, per_page)
    return render_template("merat/requests.html", page=result, subject=me(), staff=False)


# --- staff -------------------------------------------------------------------------------------


def _staff_page(values: Any, errors: dict[str, str] | None = None, status: int = 200) -> Any:
    return render_template("merat/staff.html", values=values, errors=errors or {}), status


@bp.get("/staff")
@permission_required(services.VIEW_REPORTS)
def staff() -> Any:
    return _staff_page({})


@bp.post("/staff")
@permission_required(services.VIEW_REPORTS)
def lookup() -> Any:
    """Look a member up by mobile or national code: recorded as a scoring request by this officer.

    A member outside the officer's region (403) or unknown (404) is said beside the field, with
    that status (``handle_form`` shows only bad input on the form, so this form handles its own).
    """
    form = request.form
    session = db_session()
    try:
        score = services.staff_lookup(session, me(), form.get("member", ""))
    except (BadInput, NotFound, NotAllowed) as exc:
        session.rollback()
        return _staff_page(form, exc.form_errors(), exc.status)
    session.commit()
    return redirect(url_for("merat.member_report", member_id=score.member_id))


def _staff_member(member_id: int) -> Member:
    try:
        return services.member_for_staff(db_session(), me(), member_id)
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
    member = _staff_member(member_id)
    return handle_form(
        lambda session: services.score_member(session, member, requested_by=me(), reason=services.ON_DEMAND),
        again=lambda errors, status: _staff_page({}, errors, status),
        to=url_for("merat.member_report", member_id=member.id),
        done=_l("The member's credit score was computed again."),
    )

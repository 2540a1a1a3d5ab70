"""The supporters' pages: support given and received, loan introductions, centre sponsorships."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.routing import BuildError

from resalat_core.sdk import (
    BadInput,
    Conflict,
    Member,
    _,
    current_language,
    current_member,
    db_session,
    format_date,
    login_required,
    page_args,
    permission_required,
    to_latin_digits,
    to_persian_digits,
)
from resalat_supporters import services
from resalat_supporters.models import STATUSES

bp = Blueprint("supporters", __name__, url_prefix="/supporters")

ACT = "supporters.act"
INTRODUCE = "supporters.introduce"
SPONSOR = "supporters.sponsor"
STATUS_STYLE = {
    "awaiting": "warning",
    "introduced": "primary",
    "scored": "info",
    "requested": "info",
    "approved": "success",
    "disbursed": "success",
    "rejected": "danger",
    "declined": "secondary",
    "withdrawn": "secondary",
}


def _me() -> Member:
    member = current_member()
    assert member is not None  # login_required / permission_required let the request in
    return member


def _jalali(day: Any) -> str:
    """A day as a Jalali form value ('1404/01/31'), Latin digits outside the Persian interface.

    Forms always take Jalali days, so the English interface must not get the ISO date here.
    """
    text = format_date(day, lang="fa")
    return text if current_language() == "fa" else to_latin_digits(text)


def _hours(minutes: int | None) -> str:
    if minutes is None:
        return ""
    hours = f"{minutes / 60:.1f}".removesuffix(".0")
    return to_persian_digits(hours.replace(".", "\u066b")) if current_language() == "fa" else hours


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {
        "kind_label": lambda kind: str(services.KIND_LABELS.get(kind, kind)),
        "status_label": lambda status: str(services.STATUS_LABELS.get(status, status)),
        "status_style": lambda status: STATUS_STYLE.get(status, "secondary"),
        "hours": _hours,
    }


def _centre_register_url() -> str | None:
    """The centers plugin's page where a cultural supporter registers a centre, if it has one."""
    for endpoint in ("centers.new_centre", "centers.index"):
        try:
            return url_for(endpoint)
        except BuildError:
            continue
    return None


# --- the hub -----------------------------------------------------------------------------------


@bp.get("/")
@login_required
def home() -> Any:
    """What this member can do here: as a supporter of their kinds, and as someone supported."""
    session = db_session()
    me = _me()
    kinds = services.kinds_of(me)
    return render_template(
        "supporters/home.html",
        kinds=kinds,
        awaiting=services.awaiting_count(session, me),
        centre_url=_centre_register_url() if services.CULTURAL in kinds else None,
    )


# --- support actions ---------------------------------------------------------------------------


def _action_form(values: Any, errors: dict[str, Any] | None = None, status: int = 200) -> Any:
    kinds = services.require_kind(_me(), None)
    values = dict(values or {})
    values.setdefault("happened_on", _jalali(services.today()))
    if len(kinds) == 1:
        values.setdefault("kind", kinds[0])
    return render_template(
        "supporters/action_form.html",
        kinds=kinds,
        kind_options=[(kind, str(services.KIND_LABELS[kind])) for kind in kinds],
        values=values,
        errors=errors or {},
    ), status


@bp.get("/actions/new")
@permission_required(ACT)
def new_action() -> Any:
    return _action_form(request.args)


@bp.post("/actions/new")
@permission_required(ACT)
def record_action() -> Any:
    session = db_session()
    form = request.form
    try:
        services.record_action(
            session,
            _me(),
            kind=form.get("kind", ""),
            member=form.get("member", ""),
            core=form.get("core", ""),
            happened_on=form.get("happened_on", ""),
            description=form.get("description", ""),
            hours=form.get("hours", ""),
            amount=form.get("amount", ""),
        )
    except BadInput as exc:
        session.rollback()
        return _action_form(form, exc.form_errors(), 400)
    session.commit()
    flash(_("Your support was recorded."), "success")
    return redirect(url_for("supporters.actions"))


@bp.get("/actions")
@permission_required(ACT)
def actions() -> Any:
    """The supporter's own history, newest first."""
    page, per_page = page_args()
    result = services.actions_by(db_session(), _me(), page, per_page)
    return render_template("supporters/actions.html", page=result)


@bp.get("/received")
@login_required
def received() -> Any:
    """The support this member received, directly or through a core they lead or work in."""
    page, per_page = page_args()
    result = services.actions_received(db_session(), _me(), page, per_page)
    return render_template("supporters/received.html", page=result)


# --- introductions -----------------------------------------------------------------------------


def _introduction_form(values: Any, errors: dict[str, Any] | None = None, status: int = 200) -> Any:
    services.require_kind(_me(), services.CREDIT)
    values = dict(values or {})
    lim = services.limits()
    ceiling = None
    if (values.get("estimate") or "").strip():
        ceiling, estimate_errors = services.ceiling_for(values["estimate"])
        if estimate_errors and values.get("check"):
            errors = {**(errors or {}), **estimate_errors}
    return render_template(
        "supporters/introduction_form.html",
        values=values,
        errors=errors or {},
        limits=lim,
        ceiling=ceiling,
    ), status


@bp.get("/introductions/new")
@permission_required(INTRODUCE)
def new_introduction() -> Any:
    return _introduction_form(request.args)


@bp.post("/introductions/new")
@permission_required(INTRODUCE)
def introduce() -> Any:
    """Introduce a core member; the "check" button only shows the ceiling for the typed estimate."""
    session = db_session()
    form = request.form
    if form.get("check"):
        return _introduction_form(form)
    try:
        introduction = services.introduce(
            session,
            _me(),
            core=form.get("core", ""),
            mobile=form.get("mobile", ""),
            national_code=form.get("national_code", ""),
            estimate=form.get("estimate", ""),
            purpose=form.get("purpose", ""),
            amount=form.get("amount", ""),
        )
    except BadInput as exc:
        session.rollback()
        return _introduction_form(form, exc.form_errors(), 400)
    except Conflict as exc:
        session.rollback()
        return _introduction_form(form, {"_form": str(exc.message)}, 409)
    session.commit()
    flash(_("The introduction was sent; it counts once the member accepts it."), "success")
    return redirect(url_for("supporters.introduction", introduction_id=introduction.id))


@bp.get("/introductions")
@permission_required(INTRODUCE)
def introductions() -> Any:
    """The supporter's introductions and their outcome, optionally of one status."""
    status = request.args.get("status") or None
    page, per_page = page_args()
    result = services.introductions_by(db_session(), _me(), status=status, page=page, per_page=per_page)
    return render_template("supporters/introductions.html", page=result, status=status, statuses=STATUSES)


@bp.get("/introductions/received")
@login_required
def my_introductions() -> Any:
    """The introductions of this member, awaiting ones first."""
    page, per_page = page_args()
    result = services.introductions_of(db_session(), _me(), page, per_page)
    return render_template("supporters/introductions_received.html", page=result)


def _show(introduction_id: int, errors: dict[str, Any] | None = None, status: int = 200) -> Any:
    session = db_session()
    me = _me()
    introduction = services.visible_introduction(session, me, introduction_id)
    return render_template(
        "supporters/introduction.html",
        introduction=introduction,
        events=introduction.events,
        is_supporter=introduction.supporter_id == me.id,
        is_member=introduction.member_id == me.id,
        withdrawable=introduction.status in services.WITHDRAWABLE,
        errors=errors or {},
        values=request.form,
    ), status


@bp.get("/introductions/<int:introduction_id>")
@login_required
def introduction(introduction_id: int) -> Any:
    """One introduction, to its supporter and to the introduced member only (404 for anyone else)."""
    return _show(introduction_id)


def _answer(introduction_id: int, act: Any, done: str) -> Any:
    session = db_session()
    try:
        act()
    except (BadInput, Conflict) as exc:
        session.rollback()
        return _show(introduction_id, exc.form_errors(), exc.status)
    session.commit()
    flash(done, "success")
    return redirect(url_for("supporters.introduction", introduction_id=introduction_id))


@bp.post("/introductions/<int:introduction_id>/accept")
@login_required
def accept(introduction_id: int) -> Any:
    return _answer(
        introduction_id,
        lambda: services.accept_introduction(db_session(), _me(), introduction_id),
        _("You accepted the introduction. You can now ask for the loan."),
    )


@bp.post("/introductions/<int:introduction_id>/decline")
@login_required
def decline(introduction_id: int) -> Any:
    return _answer(
        introduction_id,
        lambda: services.decline_introduction(
            db_session(), _me(), introduction_id, request.form.get("reason", "")
        ),
        _("You declined the introduction."),
    )


@bp.post("/introductions/<int:introduction_id>/withdraw")
@permission_required(INTRODUCE)
def withdraw(introduction_id: int) -> Any:
    return _answer(
        introduction_id,
        lambda: services.withdraw_introduction(
            db_session(), _me(), introduction_id, request.form.get("reason", "")
        ),
        _("You withdrew the introduction."),
    )


# --- sponsorships ------------------------------------------------------------------------------


def _sponsorship_form(values: Any, errors: dict[str, Any] | None = None, status: int = 200) -> Any:
    session = db_session()
    me = _me()
    services.require_kind(me, services.CREDIT_BEHAVIOUR)
    values = dict(values or {})
    start = services.today()
    values.setdefault("starts_on", _jalali(start))
    # A year is the usual period; the supporter changes it as they like.
    values.setdefault("ends_on", _jalali(start + timedelta(days=364)))
    centres = services.sponsorable_centres(session, me)
    lang = "fa" if current_language() == "fa" else "en"
    return render_template(
        "supporters/sponsorship_form.html",
        values=values,
        errors=errors or {},
        centres=centres,
        centre_options=[(c.id, f"{c.name} ({c.region.name(lang)})") for c in centres],
    ), status


@bp.get("/sponsorships/new")
@permission_required(SPONSOR)
def new_sponsorship() -> Any:
    return _sponsorship_form(request.args)


@bp.post("/sponsorships/new")
@permission_required(SPONSOR)
def sponsor() -> Any:
    session = db_session()
    form = request.form
    try:
        services.sponsor(
            session,
            _me(),
            centre=form.get("centre", ""),
            starts_on=form.get("starts_on", ""),
            ends_on=form.get("ends_on", ""),
            note=form.get("note", ""),
        )
    except BadInput as exc:
        session.rollback()
        return _sponsorship_form(form, exc.form_errors(), 400)
    except Conflict as exc:
        session.rollback()
        return _sponsorship_form(form, {"_form": str(exc.message)}, 409)
    session.commit()
    flash(
        _("The sponsorship was recorded. While it runs, it counts in the centre members' credit."), "success"
    )
    return redirect(url_for("supporters.sponsorships"))


@bp.get("/sponsorships")
@permission_required(SPONSOR)
def sponsorships() -> Any:
    page, per_page = page_args()
    result = services.sponsorships_by(db_session(), _me(), page, per_page)
    return render_template("supporters/sponsorships.html", page=result, today=services.today())


@bp.post("/sponsorships/<int:sponsorship_id>/end")
@permission_required(SPONSOR)
def end_sponsorship(sponsorship_id: int) -> Any:
    session = db_session()
    try:
        services.end_sponsorship(session, _me(), sponsorship_id)
    except Conflict as exc:
        session.rollback()
        flash(str(exc.message), "warning")
        return redirect(url_for("supporters.sponsorships"))
    session.commit()
    flash(_("The sponsorship has ended."), "success")
    return redirect(url_for("supporters.sponsorships"))

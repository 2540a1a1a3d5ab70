"""The supporters' pages: support given and received, loan introductions, centre sponsorships."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.routing import BuildError

from resalat_core.sdk import (
    BadInput,
    FieldReader,
    _l,
    chosen_id,
    current_language,
    db_session,
    format_date,
    format_decimal,
    handle_form,
    login_required,
    me,
    page_args,
    permission_required,
    read_money,
    to_latin_digits,
)
from resalat_supporters import services
from resalat_supporters.models import STATUSES
from resalat_supporters.reading import read_minutes

bp = Blueprint("supporters", __name__, url_prefix="/supporters", static_folder="static")

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


def _jalali(day: Any) -> str:
    """A day as a Jalali form value ('1404/01/31'), Latin digits outside the Persian interface.

    Forms always take Jalali days, so the English interface must not get the ISO date here.
    """
    text = format_date(day, lang="fa")
    return text if current_language() == "fa" else to_latin_digits(text)


def _hours(minutes: int | None) -> str:
    if minutes is None:
        return ""
    return format_decimal(minutes / 60, 1, lang=current_language(), trim=True)


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {
        "kind_label": lambda kind: str(services.KIND_LABELS.get(kind, kind)),
        "status_label": lambda status: str(services.STATUS_LABELS.get(status, status)),
        "status_style": lambda status: STATUS_STYLE.get(status, "secondary"),
        "hours": _hours,
        "step_detail": services.step_detail,
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
    member = me()
    kinds = services.kinds_of(member)
    return render_template(
        "supporters/home.html",
        kinds=kinds,
        awaiting=services.awaiting_count(db_session(), member),
        centre_url=_centre_register_url() if services.CULTURAL in kinds else None,
    )


# --- support actions ---------------------------------------------------------------------------


def _action_form(values: Any, errors: dict[str, Any] | None = None, status: int = 200) -> Any:
    kinds = services.require_kind(me(), None)
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
    form = request.form

    def act(session: Any) -> Any:
        read = FieldReader()
        happened_on = read.day(form.get("happened_on", ""), "happened_on")
        minutes = read_minutes(read, form.get("hours", ""))
        amount = read.money(form.get("amount", ""), "amount", required=False)
        return read.run(
            lambda: services.record_action(
                session,
                me(),
                kind=form.get("kind", ""),
                member=form.get("member", ""),
                core=form.get("core", ""),
                happened_on=happened_on,
                description=form.get("description", ""),
                minutes=minutes,
                amount=amount,
            )
        )

    return handle_form(
        act,
        again=lambda errors, status: _action_form(form, errors, status),
        to=url_for("supporters.actions"),
        done=_l("Your support was recorded."),
    )


@bp.get("/actions")
@permission_required(ACT)
def actions() -> Any:
    """The supporter's own history, newest first."""
    page, per_page = page_args()
    result = services.actions_by(db_session(), me(), page, per_page)
    return render_template("supporters/actions.html", page=result)


@bp.get("/received")
@login_required
def received() -> Any:
    """The support this member received, directly or through a core they lead or work in."""
    page, per_page = page_args()
    result = services.actions_received(db_session(), me(), page, per_page)
    return render_template("supporters/received.html", page=result)


# --- introductions -----------------------------------------------------------------------------


def _ceiling_hint(values: dict[str, Any], errors: dict[str, Any]) -> int | None:
    """The ceiling for the estimate typed so far (an error under it only when asked to check)."""
    typed = values.get("estimate") or ""
    if not typed.strip():
        return None
    try:
        return services.ceiling_for(read_money(typed, field="estimate"))
    except BadInput as exc:
        if values.get("check"):
            errors.update(exc.fields)
        return None


def _introduction_form(values: Any, errors: dict[str, Any] | None = None, status: int = 200) -> Any:
    services.require_kind(me(), services.CREDIT)
    values = dict(values or {})
    errors = dict(errors or {})
    ceiling = _ceiling_hint(values, errors)
    return render_template(
        "supporters/introduction_form.html",
        values=values,
        errors=errors,
        limits=services.limits(),
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
    form = request.form
    if form.get("check"):
        return _introduction_form(form)

    def act(session: Any) -> Any:
        read = FieldReader()
        estimate = read.money(form.get("estimate", ""), "estimate")
        amount = read.money(form.get("amount", ""), "amount")
        return read.run(
            lambda: services.introduce(
                session,
                me(),
                core=form.get("core", ""),
                mobile=form.get("mobile", ""),
                national_code=form.get("national_code", ""),
                estimate=estimate,
                purpose=form.get("purpose", ""),
                amount=amount,
            )
        )

    return handle_form(
        act,
        again=lambda errors, status: _introduction_form(form, errors, status),
        to=lambda introduction: url_for("supporters.introduction", introduction_id=introduction.id),
        done=_l("The introduction was sent; it counts once the member accepts it."),
    )


@bp.get("/introductions")
@permission_required(INTRODUCE)
def introductions() -> Any:
    """The supporter's introductions and their outcome, optionally of one status."""
    status = request.args.get("status") or None
    page, per_page = page_args()
    result = services.introductions_by(db_session(), me(), status=status, page=page, per_page=per_page)
    return render_template("supporters/introductions.html", page=result, status=status, statuses=STATUSES)


@bp.get("/introductions/received")
@login_required
def my_introductions() -> Any:
    """The introductions of this member, awaiting ones first."""
    page, per_page = page_args()
    result = services.introductions_of(db_session(), me(), page, per_page)
    return render_template("supporters/introductions_received.html", page=result)


def _show(introduction_id: int, errors: dict[str, Any] | None = None, status: int = 200) -> Any:
    viewer = me()
    introduction = services.visible_introduction(db_session(), viewer, introduction_id)
    return render_template(
        "supporters/introduction.html",
        introduction=introduction,
        events=introduction.events,
        is_supporter=introduction.supporter_id == viewer.id,
        is_member=introduction.member_id == viewer.id,
        withdrawable=introduction.status in services.WITHDRAWABLE,
        # What other plugins offer next (the loans plugin: ask for this loan), as buttons.
        next_steps=services.next_steps(introduction, viewer),
        errors=errors or {},
        values=request.form,
    ), status


@bp.get("/introductions/<int:introduction_id>")
@login_required
def introduction(introduction_id: int) -> Any:
    """One introduction, to its supporter and to the introduced member only (404 for anyone else)."""
    return _show(introduction_id)


def _answer(introduction_id: int, act: Any, done: Any) -> Any:
    return handle_form(
        act,
        again=lambda errors, status: _show(introduction_id, errors, status),
        to=url_for("supporters.introduction", introduction_id=introduction_id),
        done=done,
    )


@bp.post("/introductions/<int:introduction_id>/accept")
@login_required
def accept(introduction_id: int) -> Any:
    return _answer(
        introduction_id,
        lambda session: services.accept_introduction(session, me(), introduction_id),
        _l("You accepted the introduction. You can now ask for the loan."),
    )


@bp.post("/introductions/<int:introduction_id>/decline")
@login_required
def decline(introduction_id: int) -> Any:
    return _answer(
        introduction_id,
        lambda session: services.decline_introduction(
            session, me(), introduction_id, request.form.get("reason", "")
        ),
        _l("You declined the introduction."),
    )


@bp.post("/introductions/<int:introduction_id>/withdraw")
@permission_required(INTRODUCE)
def withdraw(introduction_id: int) -> Any:
    return _answer(
        introduction_id,
        lambda session: services.withdraw_introduction(
            session, me(), introduction_id, request.form.get("reason", "")
        ),
        _l("You withdrew the introduction."),
    )


# --- sponsorships ------------------------------------------------------------------------------


def _sponsorship_form(values: Any, errors: dict[str, Any] | None = None, status: int = 200) -> Any:
    supporter = me()
    services.require_kind(supporter, services.CREDIT_BEHAVIOUR)
    values = dict(values or {})
    start = services.today()
    values.setdefault("starts_on", _jalali(start))
    # A year is the usual period; the supporter changes it as they like.
    values.setdefault("ends_on", _jalali(start + timedelta(days=364)))
    centres = services.sponsorable_centres(db_session(), supporter)
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
    form = request.form

    def act(session: Any) -> Any:
        read = FieldReader()
        starts_on = read.day(form.get("starts_on", ""), "starts_on")
        ends_on = read.day(form.get("ends_on", ""), "ends_on")
        return read.run(
            lambda: services.sponsor(
                session,
                me(),
                centre=chosen_id(form.get("centre", "")),
                starts_on=starts_on,
                ends_on=ends_on,
                note=form.get("note", ""),
            )
        )

    return handle_form(
        act,
        again=lambda errors, status: _sponsorship_form(form, errors, status),
        to=url_for("supporters.sponsorships"),
        done=_l("The sponsorship was recorded. While it runs, it counts in the centre members' credit."),
    )


@bp.get("/sponsorships")
@permission_required(SPONSOR)
def sponsorships() -> Any:
    page, per_page = page_args()
    result = services.sponsorships_by(db_session(), me(), page, per_page)
    return render_template("supporters/sponsorships.html", page=result, today=services.today())


def _ended_already(errors: dict[str, str], _status: int) -> Any:
    flash(errors["_form"], "warning")
    return redirect(url_for("supporters.sponsorships"))


@bp.post("/sponsorships/<int:sponsorship_id>/end")
@permission_required(SPONSOR)
def end_sponsorship(sponsorship_id: int) -> Any:
    return handle_form(
        lambda session: services.end_sponsorship(session, me(), sponsorship_id),
        again=_ended_already,
        to=url_for("supporters.sponsorships"),
        done=_l("The sponsorship has ended."),
    )

"""The guides' pages: the area's dashboard, candidates and their advice, cores and links between them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, render_template, request, url_for
from resalat_cores import services as cores
from sqlalchemy.orm import Session

from resalat_core.sdk import (
    Text,
    _l,
    chosen_id,
    db_session,
    handle_form,
    login_required,
    me,
    page_args,
    permission_required,
)
from resalat_guides import services
from resalat_guides.models import DROPPED, INTENTS, PENDING, Candidate
from resalat_guides.services import MANAGE

bp = Blueprint("guides", __name__, url_prefix="/guides")


def _scope() -> services.GuideScope:
    return services.scope_of(db_session(), me())


def _common() -> dict[str, Any]:
    return {
        "status_labels": services.STATUS_LABELS,
        "intent_labels": services.INTENT_LABELS,
        "link_status_labels": services.LINK_STATUS_LABELS,
        "core_status_labels": cores.STATUS_LABELS,
    }


# --- dashboard ---------------------------------------------------------------------------------


@bp.get("/")
@permission_required(MANAGE)
def dashboard() -> Any:
    session = db_session()
    scope = _scope()
    board = services.dashboard(session, scope)
    return render_template("guides/dashboard.html", board=board, scope=scope, **_common())


# --- candidates --------------------------------------------------------------------------------


@bp.get("/candidates")
@permission_required(MANAGE)
def candidates() -> Any:
    session = db_session()
    page, per_page = page_args()
    status = request.args.get("status", "")
    q = request.args.get("q", "")
    result = services.list_candidates(session, _scope(), status=status, q=q, page=page, per_page=per_page)
    return render_template("guides/candidates.html", page=result, status=status, q=q, **_common())


def _candidate_form(values: Any = None, errors: dict[str, Any] | None = None, status: int = 200) -> Any:
    session = db_session()
    return render_template(
        "guides/candidate_form.html",
        values=values or {},
        errors=errors or {},
        regions=services.area_regions(session, _scope()),
        fields=services.field_choices(session),
        intents=INTENTS,
        **_common(),
    ), status


@bp.get("/candidates/new")
@permission_required(MANAGE)
def new_candidate() -> Any:
    return _candidate_form()


@bp.post("/candidates/new")
@permission_required(MANAGE)
def create_candidate() -> Any:
    form = request.form
    return handle_form(
        lambda session: services.record_candidate(
            session,
            _scope(),
            name=form.get("name", ""),
            national_code=form.get("national_code", ""),
            mobile=form.get("mobile", ""),
            region=form.get("region", ""),
            intent=form.get("intent", ""),
            field=form.get("field", ""),
            experience_years=form.get("experience_years", ""),
        ),
        again=lambda errors, status: _candidate_form(form, errors, status),
        to=lambda candidate: url_for("guides.candidate", candidate_id=candidate.id),
        done=_l("The candidate was recorded."),
    )


def _candidate_page(
    candidate_id: int, *, errors: dict[str, Any] | None = None, values: Any = None, status: int = 200
) -> Any:
    session = db_session()
    scope = _scope()
    candidate = services.get_candidate(session, scope, candidate_id)
    page, per_page = page_args()
    return render_template(
        "guides/candidate.html",
        candidate=candidate,
        history=services.history_of(session, candidate),
        advice=services.advice_of(session, candidate, page=page, per_page=per_page),
        core=services.core_of(session, candidate),
        next_statuses=services.allowed_statuses(candidate),
        can_register_core=candidate.status in services.CAN_REGISTER_CORE,
        can_advise=candidate.status != DROPPED,
        today=services.today(),
        errors=errors or {},
        values=values or {},
        **_common(),
    ), status


@bp.get("/candidates/<int:candidate_id>")
@permission_required(MANAGE)
def candidate(candidate_id: int) -> Any:
    return _candidate_page(candidate_id)


def _act_on_candidate(
    candidate_id: int,
    form_name: str,
    act: Callable[[Session, services.GuideScope, Candidate], Any],
    done: Text,
) -> Any:
    """``act(session, scope, candidate)`` through ``handle_form``; on bad input the candidate's page
    shows again with that form's errors (the page holds several forms)."""
    scope = _scope()
    candidate = services.get_candidate(db_session(), scope, candidate_id)
    return handle_form(
        lambda session: act(session, scope, candidate),
        again=lambda errors, status: _candidate_page(
            candidate_id, errors={form_name: errors}, values={form_name: request.form}, status=status
        ),
        to=url_for("guides.candidate", candidate_id=candidate_id),
        done=done,
    )


@bp.post("/candidates/<int:candidate_id>/advice")
@permission_required(MANAGE)
def advise(candidate_id: int) -> Any:
    form = request.form
    return _act_on_candidate(
        candidate_id,
        "advice",
        lambda session, scope, candidate: services.advise(
            session,
            scope,
            candidate,
            text=form.get("text", ""),
            next_step=form.get("next_step", ""),
            advised_on=form.get("advised_on", ""),
            follow_up_on=form.get("follow_up_on", ""),
        ),
        _l("The advice was recorded."),
    )


@bp.post("/candidates/<int:candidate_id>/status")
@permission_required(MANAGE)
def change_status(candidate_id: int) -> Any:
    form = request.form
    return _act_on_candidate(
        candidate_id,
        "status",
        lambda session, scope, candidate: services.set_status(
            session, scope, candidate, form.get("status", ""), reason=form.get("reason", "")
        ),
        _l("The candidate's status was changed."),
    )


@bp.post("/candidates/<int:candidate_id>/core")
@permission_required(MANAGE)
def register_core(candidate_id: int) -> Any:
    form = request.form
    return _act_on_candidate(
        candidate_id,
        "core",
        lambda session, scope, candidate: services.register_candidate_core(
            session,
            scope,
            candidate,
            core_name=form.get("core_name", ""),
            description=form.get("description", ""),
            approve=form.get("approve") == "1",
            core_code=form.get("core_code", ""),
        ),
        _l("The core was registered."),
    )


# --- links between cores -----------------------------------------------------------------------


@bp.get("/links")
@permission_required(MANAGE)
def links() -> Any:
    page, per_page = page_args()
    status = request.args.get("status", "")
    result = services.area_links(db_session(), _scope(), status=status, page=page, per_page=per_page)
    return render_template("guides/links.html", page=result, status=status, **_common())


def _link_form(values: Any = None, errors: dict[str, Any] | None = None, status: int = 200) -> Any:
    session = db_session()
    values = values or {}
    q = request.args.get("q", "")
    return render_template(
        "guides/link_form.html",
        values=values,
        errors=errors or {},
        sources=services.area_cores(session, _scope()),
        q=q,
        found=services.find_cores(session, q),
        **_common(),
    ), status


@bp.get("/links/new")
@permission_required(MANAGE)
def new_link() -> Any:
    # A core chosen from the search results arrives as ?target=<core ID>.
    return _link_form({"target": request.args.get("target", ""), "source": request.args.get("source", "")})


@bp.post("/links/new")
@permission_required(MANAGE)
def suggest_link() -> Any:
    form = request.form
    source = form.get("source", "")
    return handle_form(
        lambda session: services.suggest_link(
            session,
            _scope(),
            source=chosen_id(source),
            target=form.get("target", ""),
            product=form.get("product", ""),
            note=form.get("note", ""),
        ),
        again=lambda errors, status: _link_form(form, errors, status),
        to=url_for("guides.links"),
        done=_l("The link was suggested; the other core's leader will answer it."),
    )


# --- a core leader's answers -------------------------------------------------------------------


def _my_links_page(errors: dict[str, Any] | None = None, status: int = 200) -> Any:
    page, per_page = page_args()
    member = me()
    result = services.leader_links(db_session(), member, page=page, per_page=per_page)
    return render_template(
        "guides/my_links.html", page=result, me=member, pending=PENDING, errors=errors or {}, **_common()
    ), status


@bp.get("/my-links")
@login_required
def my_links() -> Any:
    return _my_links_page()


def _decide(link_id: int, accept: bool) -> Any:
    return handle_form(
        lambda session: services.decide_link(
            session, me(), link_id, accept=accept, reason=request.form.get("reason", "")
        ),
        again=lambda errors, status: _my_links_page(errors, status),
        to=url_for("guides.my_links"),
        done=_l("You accepted the link.") if accept else _l("You declined the link."),
    )


@bp.post("/my-links/<int:link_id>/accept")
@login_required
def accept_link(link_id: int) -> Any:
    return _decide(link_id, True)


@bp.post("/my-links/<int:link_id>/decline")
@login_required
def decline_link(link_id: int) -> Any:
    return _decide(link_id, False)

"""The campaigns' pages: open campaigns by region, a campaign with its progress, donors and updates,
the donation's confirmation, opening a campaign, and the organiser's and approver's buttons."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, render_template, request, url_for

from resalat_core.sdk import (
    IMAGE,
    BadInput,
    _l,
    can,
    chosen_id,
    current_language,
    db_session,
    file_url,
    flash_back,
    handle_form,
    ids_under,
    login_required,
    main_account,
    me,
    paginate,
    parse_jalali_date,
    permission_required,
    read_money,
    region_choices,
    store_upload,
)

from . import OPEN, plugin, services
from .models import CORE, PLACE

bp = Blueprint(plugin.name, __name__, url_prefix=f"/{plugin.name}")


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {
        "status_labels": services.STATUS_LABELS,
        "cause_labels": services.CAUSE_LABELS,
        "percent": services.percent,
        "days_left": services.days_left,
        "shown_name": services.shown_name,
        "photo_url": lambda c: file_url(c.photo, thumb=True) if c.photo is not None else None,
    }


def _region_filter() -> tuple[str, list[int] | None]:
    region = services.find_region(db_session(), request.args.get("region", ""))
    if region is None:
        return "", None
    return region.code, ids_under(db_session(), [region])


@bp.get("/")
@login_required
def index() -> Any:
    """Open campaigns, the nearest last day first, within a chosen province or place."""
    session = db_session()
    code, ids = _region_filter()
    page = paginate(session, services.open_query(ids))
    return render_template(
        "campaigns/index.html",
        page=page,
        region=code,
        regions=region_choices(session, current_language()),
        may_open=can(OPEN),
    )


@bp.get("/ended")
@login_required
def ended() -> Any:
    """Campaigns that have ended: delivered to their cause or refunded."""
    page = paginate(db_session(), services.ended_query())
    return render_template("campaigns/ended.html", page=page)


@bp.get("/<int:campaign_id>")
@login_required
def show(campaign_id: int) -> Any:
    """A campaign: its story, progress, recent donors (a page at a time), updates and buttons."""
    return _campaign_page(campaign_id)


def _campaign_page(campaign_id: int, errors: dict[str, str] | None = None, status: int = 200) -> Any:
    session = db_session()
    member = me()
    campaign = services.visible_campaign(session, member, campaign_id)
    donors = paginate(session, services.donations_query(campaign))
    updates = paginate(session, services.updates_query(campaign), page=1, per_page=10)
    return (
        render_template(
            "campaigns/show.html",
            campaign=campaign,
            donors=donors,
            updates=updates,
            donor_count=services.donor_count(session, campaign),
            why_not=services.why_not_open(campaign),
            manage=services.may_manage(session, member, campaign),
            approve=services.may_approve(session, member, campaign) and campaign.status == "draft",
            errors=errors or {},
            minimum=services.min_donation(),
            left=services.left_to_goal(campaign),
        ),
        status,
    )


def _donation_values(source: Any) -> dict[str, Any]:
    return {
        "amount": source.get("amount", ""),
        "anonymous": source.get("anonymous") in ("1", "on", "true"),
        "message": source.get("message", ""),
    }


def _confirm_page(
    campaign_id: int, source: Any, errors: dict[str, str] | None = None, status: int = 200
) -> Any:
    session = db_session()
    member = me()
    campaign = services.visible_campaign(session, member, campaign_id)
    values = _donation_values(source)
    errors = dict(errors or {})
    amount = None
    # Reached with nothing typed yet (a link, the walk of every page): ask for the amount here.
    blank = not str(values["amount"]).strip() and request.method == "GET"
    if not errors and not blank:
        try:
            amount = read_money(values["amount"], field="amount")
        except BadInput as exc:
            errors = exc.form_errors()
            status = 400
    return (
        render_template(
            "campaigns/confirm.html",
            campaign=campaign,
            amount=amount,
            values=values,
            errors=errors,
            why_not=services.why_not_open(campaign),
            balance=main_account(session, member).available,
            left=services.left_to_goal(campaign),
            minimum=services.min_donation(),
            key=source.get("key") or uuid.uuid4().hex,
        ),
        status,
    )


@bp.get("/<int:campaign_id>/give")
@login_required
def confirm(campaign_id: int) -> Any:
    """The donation's confirmation: the amount, the cause, the account it leaves; nothing moves yet."""
    return _confirm_page(campaign_id, request.args)


@bp.post("/<int:campaign_id>/give")
@login_required
def donate(campaign_id: int) -> Any:
    form = request.form

    def act(session: Any) -> Any:
        values = _donation_values(form)
        amount = read_money(values["amount"], field="amount")
        return services.donate(
            session,
            me(),
            campaign_id,
            amount=amount,
            key=form.get("key"),
            anonymous=values["anonymous"],
            message=values["message"],
        )

    return handle_form(
        act,
        again=lambda errors, status: _confirm_page(campaign_id, form, errors, status),
        to=url_for(".show", campaign_id=campaign_id),
        done=_l("Thank you: your donation is in the campaign's pool."),
    )


@bp.get("/new")
@permission_required(OPEN)
def new() -> Any:
    """The form that opens a campaign in the organiser's area."""
    return _new_page({}, 200)


def _new_page(errors: dict[str, str], status: int) -> Any:
    session = db_session()
    member = me()
    area = services.opening_area(session, member)
    cores_here = services.cores_in_area(session, area)
    return (
        render_template(
            "campaigns/new.html",
            errors=errors,
            values=request.form if request.method == "POST" else {},
            cores=cores_here,
            regions=region_choices(session, current_language(), within=area),
            CORE=CORE,
            PLACE=PLACE,
        ),
        status,
    )


@bp.post("/new")
@permission_required(OPEN)
def create() -> Any:
    form = request.form

    def act(session: Any) -> Any:
        errors: dict[str, str] = {}
        goal = deadline = None
        try:
            goal = read_money(form.get("goal", ""), field="goal")
        except BadInput as exc:
            errors.update({k: v for k, v in exc.form_errors().items() if k != "_form"})
        try:
            deadline = parse_jalali_date(form.get("deadline", ""), field="deadline")
        except BadInput as exc:
            errors.update({k: v for k, v in exc.form_errors().items() if k != "_form"})
        photo = None
        upload = request.files.get("photo")
        if upload is not None and upload.filename:
            photo = store_upload(
                session,
                upload,
                owner=me(),
                purpose="campaigns.photo",
                kinds=(IMAGE,),
                public=True,
                field="photo",
            )
        data = services.NewCampaign(
            title=form.get("title", ""),
            story=form.get("story", ""),
            goal=goal,
            deadline=deadline,
            cause=form.get("cause", ""),
            core_id=chosen_id(form.get("core")),
            region=form.get("region") or None,
            responsible=form.get("responsible") or None,
            photo=photo,
            errors=errors,
        )
        return services.open_campaign(session, me(), data)

    return handle_form(
        act,
        again=lambda errors, status: _new_page(errors, status),
        to=lambda c: url_for(".show", campaign_id=c.id),
        done=lambda c: (
            _l("The campaign is open.")
            if c.status == "open"
            else _l("The campaign waits for an administrator's approval.")
        ),
    )


@bp.get("/manage")
@permission_required(OPEN)
def manage() -> Any:
    """The campaigns I organise, and the drafts of my region waiting for my approval."""
    session = db_session()
    page = paginate(session, services.managed_query(session, me()))
    return render_template("campaigns/manage.html", page=page)


@bp.get("/donations")
@login_required
def mine() -> Any:
    """My donations, newest first, and what became of each."""
    page = paginate(db_session(), services.my_donations_query(me()))
    return render_template("campaigns/mine.html", page=page)


def _button(campaign_id: int, act: Any, done: Any) -> Any:
    back = url_for(".show", campaign_id=campaign_id)
    return handle_form(act, again=flash_back(back), to=back, done=done)


@bp.post("/<int:campaign_id>/approve")
@login_required
def approve(campaign_id: int) -> Any:
    return _button(
        campaign_id,
        lambda s: services.approve(s, me(), campaign_id),
        _l("The campaign is open to donations."),
    )


@bp.post("/<int:campaign_id>/close")
@login_required
def close(campaign_id: int) -> Any:
    return _button(
        campaign_id,
        lambda s: services.close(s, me(), campaign_id),
        _l("The campaign has ended and its money went to its cause."),
    )


@bp.post("/<int:campaign_id>/cancel")
@login_required
def cancel(campaign_id: int) -> Any:
    return _button(
        campaign_id,
        lambda s: services.cancel(s, me(), campaign_id),
        _l("The campaign is cancelled and every donation went back."),
    )


@bp.post("/<int:campaign_id>/updates")
@login_required
def post_update(campaign_id: int) -> Any:
    return _button(
        campaign_id,
        lambda s: services.post_update(s, me(), campaign_id, request.form.get("text", "")),
        _l("The update is posted."),
    )

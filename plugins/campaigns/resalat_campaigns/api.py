"""The campaigns' JSON API: open campaigns, a campaign, donating, updates; opening, approving,
closing and cancelling for organisers and administrators."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request

from resalat_core.sdk import (
    BadInput,
    _,
    api_doc,
    db_session,
    dump,
    file_url,
    idempotent,
    ids_under,
    load,
    login_required,
    me,
    owned_files,
    paginate,
    permission_required,
)

from . import OPEN, plugin, services
from .models import Campaign, CampaignUpdate, Donation
from .schemas import (
    CampaignSchema,
    DonationRequestSchema,
    DonationSchema,
    NewCampaignSchema,
    UpdateRequestSchema,
    UpdateSchema,
)

bp = Blueprint(f"{plugin.name}_api", __name__, url_prefix=f"/api/v1/{plugin.name}")


def _campaign(c: Campaign) -> dict[str, Any]:
    return {
        "id": c.id,
        "title": c.title,
        "story": c.story,
        "status": c.status,
        "cause": c.cause,
        "core_id": c.core_id,
        "region": c.region.code,
        "beneficiary_id": c.beneficiary_id,
        "beneficiary": c.beneficiary.name,
        "organiser_id": c.organiser_id,
        "goal_rials": c.goal,
        "raised_rials": c.raised,
        "left_rials": services.left_to_goal(c),
        "donations": c.donations,
        "deadline": c.deadline,
        "days_left": services.days_left(c),
        "photo": file_url(c.photo) if c.photo is not None else None,
        "delivered_rials": c.delivered,
        "refunded_rials": c.refunded,
        "account_id": c.account_id,
        "created_at": c.created_at,
        "ended_at": c.ended_at,
    }


def _donation(d: Donation, *, own: bool = False) -> dict[str, Any]:
    hidden = d.anonymous and not own
    return {
        "id": d.id,
        "campaign_id": d.campaign_id,
        "donor_id": None if hidden else d.donor_id,
        "donor": None if hidden else d.donor.name,
        "amount_rials": d.amount,
        "anonymous": d.anonymous,
        "message": d.message,
        "created_at": d.created_at,
        "refunded_at": d.refunded_at,
    }


def _update(u: CampaignUpdate) -> dict[str, Any]:
    return {
        "id": u.id,
        "campaign_id": u.campaign_id,
        "author": u.author.name,
        "text": u.text,
        "created_at": u.created_at,
    }


@bp.get("/campaigns")
@api_doc(
    summary="Open campaigns, the nearest last day first",
    response=CampaignSchema,
    paginated=True,
    query={"region": "a province's or place's code: only campaigns there"},
)
@login_required
def campaigns() -> Any:
    session = db_session()
    code = request.args.get("region", "").strip()
    ids = None
    if code:
        region = services.find_region(session, code)
        if region is None:
            message = _("No region has this code.")
            raise BadInput(message, fields={"region": message})
        ids = ids_under(session, [region])
    page = paginate(session, services.open_query(ids))
    return {"items": dump(CampaignSchema, [_campaign(c) for c in page.items], many=True), "meta": page.meta()}


@bp.post("/campaigns")
@api_doc(
    summary="Open a campaign in my area (a draft unless I administer its region)",
    body=NewCampaignSchema,
    response=CampaignSchema,
    status=201,
)
@permission_required(OPEN)
def create() -> Any:
    data = load(NewCampaignSchema)
    session = db_session()
    member = me()
    photo = None
    if data.get("photo"):
        photo = owned_files(session, member, [data["photo"]], public=True, field="photo")[0]
    campaign = services.open_campaign(
        session,
        member,
        services.NewCampaign(
            title=data["title"],
            story=data["story"],
            goal=data["goal_rials"],
            deadline=data["deadline"],
            cause=data["cause"],
            core_id=data.get("core_id"),
            region=data.get("region"),
            responsible=data.get("responsible"),
            photo=photo,
        ),
    )
    session.commit()
    return dump(CampaignSchema, _campaign(campaign)), 201


@bp.get("/campaigns/<int:campaign_id>")
@api_doc(
    summary="A campaign and its progress (a draft only for its organiser and approvers)",
    response=CampaignSchema,
)
@login_required
def campaign(campaign_id: int) -> Any:
    return dump(CampaignSchema, _campaign(services.visible_campaign(db_session(), me(), campaign_id)))


@bp.get("/campaigns/<int:campaign_id>/donations")
@api_doc(
    summary="A campaign's donations, newest first (an anonymous donor without a name)",
    response=DonationSchema,
    paginated=True,
)
@login_required
def donations(campaign_id: int) -> Any:
    session = db_session()
    found = services.visible_campaign(session, me(), campaign_id)
    page = paginate(session, services.donations_query(found))
    return {"items": dump(DonationSchema, [_donation(d) for d in page.items], many=True), "meta": page.meta()}


@bp.post("/campaigns/<int:campaign_id>/donations")
@api_doc(
    summary="Donate from my main account to the campaign's pool",
    body=DonationRequestSchema,
    response=DonationSchema,
    status=201,
    idempotent=True,
)
@login_required
@idempotent
def donate(campaign_id: int) -> Any:
    """Once per Idempotency-Key. A campaign that is not open is a 409 (not_open); below the least
    donation, above what is left to the goal (above_goal) or above my balance (insufficient_funds)
    a 400; nothing moves."""
    data = load(DonationRequestSchema)
    session = db_session()
    donation = services.donate(
        session,
        me(),
        campaign_id,
        amount=data["amount_rials"],
        key=request.headers["Idempotency-Key"].strip(),
        anonymous=data["anonymous"],
        message=data["message"],
    )
    session.commit()
    return dump(DonationSchema, _donation(donation, own=True)), 201


@bp.get("/donations")
@api_doc(summary="My donations, newest first", response=DonationSchema, paginated=True)
@login_required
def mine() -> Any:
    page = paginate(db_session(), services.my_donations_query(me()))
    return {
        "items": dump(DonationSchema, [_donation(d, own=True) for d in page.items], many=True),
        "meta": page.meta(),
    }


@bp.get("/campaigns/<int:campaign_id>/updates")
@api_doc(summary="What the organiser posted, newest first", response=UpdateSchema, paginated=True)
@login_required
def updates(campaign_id: int) -> Any:
    session = db_session()
    found = services.visible_campaign(session, me(), campaign_id)
    page = paginate(session, services.updates_query(found))
    return {"items": dump(UpdateSchema, [_update(u) for u in page.items], many=True), "meta": page.meta()}


@bp.post("/campaigns/<int:campaign_id>/updates")
@api_doc(
    summary="Post an update (the organiser or an administrator of the region)",
    body=UpdateRequestSchema,
    response=UpdateSchema,
    status=201,
)
@login_required
def post_update(campaign_id: int) -> Any:
    data = load(UpdateRequestSchema)
    session = db_session()
    item = services.post_update(session, me(), campaign_id, data["text"])
    session.commit()
    return dump(UpdateSchema, _update(item)), 201


@bp.post("/campaigns/<int:campaign_id>/approve")
@api_doc(
    summary="Approve a draft: it opens to donations (an administrator of its region)", response=CampaignSchema
)
@login_required
def approve(campaign_id: int) -> Any:
    session = db_session()
    found = services.approve(session, me(), campaign_id)
    session.commit()
    return dump(CampaignSchema, _campaign(found))


@bp.post("/campaigns/<int:campaign_id>/close")
@api_doc(
    summary="End an open campaign: its money goes to the cause's earmarked account",
    response=CampaignSchema,
    idempotent=True,
)
@login_required
@idempotent
def close(campaign_id: int) -> Any:
    """A closed campaign is answered as it is (nothing moves twice); a cancelled one is a 409."""
    session = db_session()
    found = services.close(session, me(), campaign_id)
    session.commit()
    return dump(CampaignSchema, _campaign(found))


@bp.post("/campaigns/<int:campaign_id>/cancel")
@api_doc(
    summary="Cancel a campaign: every donation goes back to its donor",
    response=CampaignSchema,
    idempotent=True,
)
@login_required
@idempotent
def cancel(campaign_id: int) -> Any:
    """A cancelled campaign is answered as it is (nothing moves twice); a closed one is a 409."""
    session = db_session()
    found = services.cancel(session, me(), campaign_id)
    session.commit()
    return dump(CampaignSchema, _campaign(found))

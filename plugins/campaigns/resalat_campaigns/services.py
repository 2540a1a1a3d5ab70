"""The campaigns' rules: opening, approving, donating, updates, closing and cancelling; no Flask.

Money moves only through the ledger: a donation from the donor's main account into the plugin's
pool; at the end the campaign's share of the pool goes to the beneficiary's earmarked account
(it buys only what the cause needs, through M-Bazar) or back to each donor, one idempotent
transfer per donation. Nothing here commits: the caller's transaction decides.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from resalat_cores import services as cores
from sqlalchemy import ColumnElement, Select, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, defaultload, joinedload, lazyload

from resalat_core.sdk import (
    MAX_AMOUNT,
    Account,
    BadInput,
    Conflict,
    Day,
    Member,
    Money,
    NotAllowed,
    NotFound,
    Number,
    Region,
    StoredFile,
    Words,
    _,
    _l,
    area_of,
    find_member,
    get_region,
    main_account,
    normalize_text,
    notify,
    open_earmarked,
    system_account,
    today_in_iran,
    transfer,
    utcnow,
)

from . import APPROVE, DELIVERY, DONATION, MONEY, OPEN, POOL, REFUND, setting
from . import messages as msg
from .models import (
    CANCELLED,
    CLOSED,
    CORE,
    DRAFT,
    KEY_MAX,
    MESSAGE_MAX,
    PLACE,
    STORY_MAX,
    TITLE_MAX,
    UPDATE_MAX,
    Campaign,
    CampaignUpdate,
    Donation,
)
from .models import (
    OPEN as OPEN_STATUS,
)

STATUS_LABELS = {
    DRAFT: _l("Waiting for approval"),
    OPEN_STATUS: _l("Open"),
    CLOSED: _l("Ended, money delivered"),
    CANCELLED: _l("Cancelled, money refunded"),
}
CAUSE_LABELS = {CORE: _l("A core's equipment"), PLACE: _l("A village's need")}
LONGEST_DAYS = 365


_REGION_CODE = re.compile(r"[a-z][a-z0-9-]{0,60}(/[a-z][a-z0-9-]{0,60})?")


def find_region(session: Session, code: Any) -> Region | None:
    """The region with this code ("zanjan", "zanjan/gorg-tappeh"), or None: a code that cannot be
    one is never sent to the database (a NUL byte or a number past an id's range would fail there)."""
    text = code.strip().lower() if isinstance(code, str) else ""
    if not _REGION_CODE.fullmatch(text):
        return None
    try:
        return get_region(session, text)
    except NotFound:
        return None


def today() -> date:
    """Tehran's date: a campaign's last day ends at Tehran's midnight."""
    return today_in_iran()


def min_donation() -> int:
    return int(setting("min_donation_rials"))


# --- who may do what ---------------------------------------------------------------------------


def _in_area(session: Session, member: Member, permission: str, region_id: int) -> bool:
    area = area_of(session, member, permission)
    return area is None or region_id in area


def may_manage(session: Session, member: Member | None, campaign: Campaign) -> bool:
    """The organiser, or an admin of the campaign's region: post updates, close, cancel."""
    if member is None or not getattr(member, "id", None):
        return False
    return campaign.organiser_id == member.id or _in_area(session, member, APPROVE, campaign.region_id)


def may_approve(session: Session, member: Member | None, campaign: Campaign) -> bool:
    if member is None or not getattr(member, "id", None):
        return False
    return _in_area(session, member, APPROVE, campaign.region_id)


def opening_area(session: Session, member: Member) -> list[int] | None:
    """Where ``member`` may open campaigns (None: nationwide, []: nowhere)."""
    return area_of(session, member, OPEN)


def get_campaign(session: Session, campaign_id: int) -> Campaign:
    found = session.get(Campaign, campaign_id) if 0 < campaign_id < 2**31 else None
    if found is None:
        raise NotFound(_("No such campaign."), code="unknown_campaign")
    return found


def visible_campaign(session: Session, member: Member | None, campaign_id: int) -> Campaign:
    """A campaign anyone may read once approved; a draft only its organiser and approvers."""
    found = get_campaign(session, campaign_id)
    if found.status == DRAFT and not may_manage(session, member, found):
        raise NotFound(_("No such campaign."), code="unknown_campaign")
    return found


# --- opening and approving ---------------------------------------------------------------------


@dataclass
class NewCampaign:
    """What an organiser asks for, read at the edge: amounts in rials, the deadline a date."""

    title: str
    story: str
    goal: int | None
    deadline: date | None
    cause: str
    core_id: int | None = None
    region: str | None = None
    responsible: str | None = None
    photo: StoredFile | None = None
    errors: dict[str, Any] = field(default_factory=dict)


def _clean(value: Any, limit: int, name: str, errors: dict[str, Any], *, required: bool = True) -> str:
    text = normalize_text(value) if isinstance(value, str) else ""
    if required and not text:
        errors[name] = _("Fill this in.")
    elif len(text) > limit:
        errors[name] = _("At most %(count)s characters.", count=Number(limit))
    return text


def open_campaign(session: Session, organiser: Member, data: NewCampaign) -> Campaign:
    """Open a campaign in the organiser's area: a draft for an admin to approve, or open at once
    when the organiser is an admin of its region. Refused with every field's reason, nothing kept."""
    errors: dict[str, Any] = dict(data.errors)
    title = _clean(data.title, TITLE_MAX, "title", errors)
    story = _clean(data.story, STORY_MAX, "story", errors)
    goal = data.goal
    if goal is not None and "goal" not in errors and not min_donation() <= goal <= MAX_AMOUNT:
        errors["goal"] = _(
            "The goal must be between %(low)s and %(high)s.",
            low=Money(min_donation()),
            high=Money(MAX_AMOUNT),
        )
    elif goal is None and "goal" not in errors:
        errors["goal"] = _("Fill this in.")
    deadline = data.deadline
    now = today()
    if (
        deadline is not None
        and "deadline" not in errors
        and not now < deadline <= now + timedelta(days=LONGEST_DAYS)
    ):
        errors["deadline"] = _(
            "The last day must be after today and at most %(days)s days away.", days=Number(LONGEST_DAYS)
        )
    elif deadline is None and "deadline" not in errors:
        errors["deadline"] = _("Enter a date.")
    beneficiary: Member | None = None
    region_id: int | None = None
    core_id: int | None = None
    if data.cause == CORE:
        try:
            core = cores.get_core(session, data.core_id) if data.core_id else None
        except NotFound:
            core = None
        if core is None or core.status != cores.ACTIVE:
            errors["core"] = _("Choose an active core.")
        else:
            beneficiary, region_id, core_id = core.leader, core.region_id, core.id
    elif data.cause == PLACE:
        region = find_region(session, data.region)
        if region is None:
            errors["region"] = _("Choose a place.")
        else:
            region_id = region.id
        person = find_member(session, data.responsible) if data.responsible else None
        if person is None or not person.is_active:
            errors["responsible"] = _("No member has this mobile number or national code.")
        else:
            beneficiary = person
    else:
        errors["cause"] = _("Choose a cause.")
    if region_id is not None and not _in_area(session, organiser, OPEN, region_id):
        message = _("You may open campaigns only in your own area.")
        raise NotAllowed(message, code="outside_area")
    if errors:
        raise BadInput(_("Please correct the marked fields."), fields=errors)
    assert beneficiary is not None and region_id is not None and goal is not None and deadline is not None
    campaign = Campaign(
        title=title,
        story=story,
        goal=goal,
        deadline=deadline,
        cause=data.cause,
        core_id=core_id,
        region_id=region_id,
        beneficiary_id=beneficiary.id,
        organiser_id=organiser.id,
        photo_id=data.photo.id if data.photo is not None else None,
        status=DRAFT,
    )
    session.add(campaign)
    session.flush()
    if _in_area(session, organiser, APPROVE, region_id):
        # An admin of the region vouches for it by opening it: no one else to wait for.
        campaign.status = OPEN_STATUS
        campaign.approved_by_id = organiser.id
        campaign.approved_at = utcnow()
        session.flush()
    return campaign


def approve(session: Session, admin: Member, campaign_id: int) -> Campaign:
    """An admin of the region opens a draft to donations (once: a second approval is a 409)."""
    campaign = get_campaign(session, campaign_id)
    if not may_approve(session, admin, campaign):
        raise NotAllowed(_("Only an administrator of the campaign's region may approve it."))
    if campaign.deadline < today():
        raise Conflict(_("This campaign's last day has passed; it cannot open."), code="past_deadline")
    claimed = session.execute(
        update(Campaign)
        .where(Campaign.id == campaign.id, Campaign.status == DRAFT)
        .values(status=OPEN_STATUS, approved_by_id=admin.id, approved_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    session.refresh(campaign)
    if not claimed:
        raise Conflict(
            _("This campaign is already %(status)s.", status=Words(STATUS_LABELS[campaign.status])),
            code="not_draft",
        )
    notify(campaign.organiser, msg.APPROVED(url=f"/campaigns/{campaign.id}", title=campaign.title))
    return campaign


# --- giving ------------------------------------------------------------------------------------


def why_not_open(campaign: Campaign, on: date | None = None) -> str | None:
    """Why this campaign takes no donation now, in the reader's words; None when it does."""
    if campaign.status == DRAFT:
        return _("This campaign waits for approval and takes no donations yet.")
    if campaign.status == CLOSED:
        return _("This campaign has ended.")
    if campaign.status == CANCELLED:
        return _("This campaign was cancelled.")
    if campaign.deadline < (on or today()):
        return _("This campaign's last day has passed.")
    if campaign.raised >= campaign.goal:
        return _("This campaign has reached its goal.")
    return None


def left_to_goal(campaign: Campaign) -> int:
    return max(0, campaign.goal - campaign.raised)


def donate(
    session: Session,
    donor: Member,
    campaign_id: int,
    *,
    amount: int | None,
    key: Any,
    anonymous: bool = False,
    message: Any = "",
) -> Donation:
    """Give ``amount`` rials from the donor's main account to the campaign's pool, once per key.

    The same key again returns the first donation (with the same amount; another amount is a
    409). A campaign caps at its goal: a donation above what is left is refused, naming it.
    """
    clean_key = key.strip() if isinstance(key, str) else ""
    # A control character (a NUL byte above all) cannot be stored: such a key is no key.
    if not clean_key or len(clean_key) > KEY_MAX or any(ord(ch) < 32 or ord(ch) == 127 for ch in clean_key):
        raise BadInput(_("The form has expired; please try again."), code="bad_key")
    campaign = get_campaign(session, campaign_id)
    existing = session.scalar(
        select(Donation).where(Donation.donor_id == donor.id, Donation.key == clean_key)
    )
    if existing is not None:
        return _same(existing, campaign_id, amount)
    errors: dict[str, Any] = {}
    note = _clean(message, MESSAGE_MAX, "message", errors, required=False)
    if amount is None:
        errors["amount"] = _("Fill this in.")
    elif amount < min_donation():
        errors["amount"] = _("The smallest donation is %(amount)s.", amount=Money(min_donation()))
    if errors:
        raise BadInput(_("Please correct the marked fields."), fields=errors)
    assert amount is not None
    reason = why_not_open(campaign)
    if reason:
        raise Conflict(reason, code="not_open")
    if amount > left_to_goal(campaign):
        text = _("Only %(left)s is left to this campaign's goal.", left=Money(left_to_goal(campaign)))
        raise BadInput(text, fields={"amount": text}, code="above_goal")
    donor_account = main_account(session, donor)
    if donor_account.available < amount:
        text = _("Your main account holds only %(balance)s.", balance=Money(donor_account.available))
        raise BadInput(text, fields={"amount": text}, code="insufficient_funds")
    try:
        with session.begin_nested():
            donation = Donation(
                campaign_id=campaign.id,
                donor_id=donor.id,
                key=clean_key,
                amount=amount,
                anonymous=bool(anonymous),
                message=note,
            )
            session.add(donation)
            # A concurrent request with this key waits here and then fails: it answers below.
            session.flush()
            # The conditional UPDATE is the last word when donors race for the last of the goal.
            taken = session.execute(
                update(Campaign)
                .where(
                    Campaign.id == campaign.id,
                    Campaign.status == OPEN_STATUS,
                    Campaign.deadline >= today(),
                    Campaign.raised + amount <= Campaign.goal,
                )
                .values(raised=Campaign.raised + amount, donations=Campaign.donations + 1)
                .execution_options(synchronize_session=False)
            ).rowcount  # type: ignore[attr-defined]
            if not taken:
                raise _late(session, campaign)
            transfer(
                session,
                f"campaigns:donate:{donor.id}:{clean_key}",
                donor_account,
                system_account(session, POOL),
                amount,
                DONATION,
                f"campaign:{campaign.id}",
                params={"campaign": campaign.title},
                actor=donor,
            )
    except IntegrityError:
        found = session.scalar(
            select(Donation).where(Donation.donor_id == donor.id, Donation.key == clean_key)
        )
        if found is None:
            raise
        return _same(found, campaign_id, amount)
    session.refresh(campaign)
    return donation


def _late(session: Session, campaign: Campaign) -> Conflict:
    """What to say when another donation or the end came first (read afresh)."""
    session.refresh(campaign)
    reason = why_not_open(campaign)
    if reason is None:
        return Conflict(
            _("Only %(left)s is left to this campaign's goal.", left=Money(left_to_goal(campaign))),
            code="above_goal",
        )
    return Conflict(reason, code="not_open")


def _same(existing: Donation, campaign_id: int, amount: int | None) -> Donation:
    if existing.campaign_id != campaign_id or (amount is not None and existing.amount != amount):
        raise Conflict(_("This key was already used for another donation."), code="key_reused")
    return existing


# --- updates -----------------------------------------------------------------------------------


def post_update(session: Session, author: Member, campaign_id: int, text: Any) -> CampaignUpdate:
    campaign = get_campaign(session, campaign_id)
    if not may_manage(session, author, campaign):
        raise NotAllowed(_("Only the organiser or an administrator of the region may post updates."))
    errors: dict[str, Any] = {}
    body = _clean(text, UPDATE_MAX, "text", errors)
    if errors:
        raise BadInput(_("Please correct the marked fields."), fields=errors)
    if campaign.status == CANCELLED:
        raise Conflict(_("This campaign was cancelled."), code="cancelled")
    item = CampaignUpdate(campaign_id=campaign.id, author_id=author.id, text=body)
    session.add(item)
    session.flush()
    return item


# --- the end -----------------------------------------------------------------------------------


def spend_rules(session: Session, campaign: Campaign) -> dict[str, Any]:
    """What the delivered money may buy in M-Bazar: categories by the core's field, or a place's."""
    table = setting("categories")
    kind = PLACE
    if campaign.core_id is not None:
        core = cores.get_core(session, campaign.core_id)
        kind = core.field.code if core is not None else PLACE
    return {"categories": list(table.get(kind) or table.get(PLACE) or ["equipment"])}


def _claim(session: Session, campaign: Campaign, to: str, allowed: tuple[str, ...]) -> bool:
    claimed = session.execute(
        update(Campaign)
        .where(Campaign.id == campaign.id, Campaign.status.in_(allowed))
        .values(status=to, ended_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    session.refresh(campaign)
    return bool(claimed)


def close(session: Session, actor: Member | None, campaign_id: int) -> Campaign:
    """End an open campaign: its money goes from the pool to the beneficiary's earmarked account.

    ``actor`` None is the periodic run. A campaign already closed is returned as it is (twice does
    nothing twice); a cancelled or draft one is a 409.
    """
    campaign = get_campaign(session, campaign_id)
    if actor is not None and not may_manage(session, actor, campaign):
        raise NotAllowed(_("Only the organiser or an administrator of the region may close it."))
    if campaign.status == CLOSED:
        return campaign
    if not _claim(session, campaign, CLOSED, (OPEN_STATUS,)):
        if campaign.status == CLOSED:
            return campaign
        raise Conflict(
            _("This campaign is %(status)s.", status=Words(STATUS_LABELS[campaign.status])), code="not_open"
        )
    if campaign.raised > 0:
        account = open_earmarked(
            session,
            campaign.beneficiary,
            code=f"campaign:{campaign.id}",
            purpose=MONEY,
            purposes=[str(setting("purchase_purpose"))],
            params={"title": campaign.title},
            rules=spend_rules(session, campaign),
        )
        transfer(
            session,
            f"campaigns:deliver:{campaign.id}",
            system_account(session, POOL),
            account,
            campaign.raised,
            DELIVERY,
            f"campaign:{campaign.id}",
            params={"campaign": campaign.title},
            actor=actor,
        )
        campaign.account_id = account.id
        campaign.delivered = campaign.raised
        session.flush()
        url = f"/campaigns/{campaign.id}"
        notify(
            campaign.beneficiary, msg.RECEIVED(url=url, title=campaign.title, raised=Money(campaign.raised))
        )
        for donor in _donors(session, campaign):
            notify(donor, msg.DELIVERED(url=url, title=campaign.title, raised=Money(campaign.raised)))
    return campaign


def _donors(session: Session, campaign: Campaign) -> list[Member]:
    ids = select(Donation.donor_id).where(Donation.campaign_id == campaign.id).distinct()
    return list(session.scalars(select(Member).where(Member.id.in_(ids)).order_by(Member.id)))


def cancel(session: Session, actor: Member, campaign_id: int) -> Campaign:
    """Cancel a draft or open campaign: every donation goes back to its donor, each its own transfer.

    Cancelling a cancelled campaign changes nothing; a closed one is a 409.
    """
    campaign = get_campaign(session, campaign_id)
    if not may_manage(session, actor, campaign):
        raise NotAllowed(_("Only the organiser or an administrator of the region may cancel it."))
    if campaign.status == CANCELLED:
        return campaign
    if not _claim(session, campaign, CANCELLED, (DRAFT, OPEN_STATUS)):
        if campaign.status == CANCELLED:
            return campaign
        raise Conflict(
            _("This campaign is %(status)s.", status=Words(STATUS_LABELS[campaign.status])), code="ended"
        )
    refund_all(session, campaign, actor)
    return campaign


def refund_all(session: Session, campaign: Campaign, actor: Member | None) -> int:
    """Each donation not yet refunded back to its donor's main account; how many were refunded."""
    pool = system_account(session, POOL)
    done = 0
    url = f"/campaigns/{campaign.id}"
    rows = session.scalars(
        select(Donation)
        .where(Donation.campaign_id == campaign.id, Donation.refunded_at.is_(None))
        .order_by(Donation.id)
    )
    for donation in list(rows):
        transfer(
            session,
            f"campaigns:refund:{donation.id}",
            pool,
            main_account(session, donation.donor),
            donation.amount,
            REFUND,
            f"campaign:{campaign.id}",
            params={"campaign": campaign.title},
            actor=actor,
        )
        donation.refunded_at = utcnow()
        campaign.refunded += donation.amount
        notify(donation.donor, msg.REFUNDED(url=url, title=campaign.title, amount=Money(donation.amount)))
        done += 1
    session.flush()
    return done


@dataclass
class DueRun:
    """What ``close_due`` did."""

    closed: int = 0
    delivered: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"closed": self.closed, "delivered": self.delivered}


def due_ids(session: Session, on: date | None = None) -> list[int]:
    """Open campaigns past their last day, or at their goal."""
    day = on or today()
    return list(
        session.scalars(
            select(Campaign.id)
            .where(
                Campaign.status == OPEN_STATUS, (Campaign.deadline < day) | (Campaign.raised >= Campaign.goal)
            )
            .order_by(Campaign.id)
        )
    )


def close_due(
    session: Session, on: date | None = None, progress: Callable[[int], None] | None = None
) -> DueRun:
    """Close every due campaign, each in a savepoint (one that fails stays open for the next run)."""
    run = DueRun()
    for campaign_id in due_ids(session, on):
        try:
            with session.begin_nested():
                campaign = close(session, None, campaign_id)
            run.closed += 1
            run.delivered += campaign.delivered
        except Conflict:
            pass  # ended meanwhile by its organiser
        if progress:
            progress(1)
    return run


# --- reading -----------------------------------------------------------------------------------


def _listed() -> Select[Any]:
    """Campaigns for a list: each names its place with its province, loaded here, not one by one."""
    return select(Campaign).options(joinedload(Campaign.region).joinedload(Region.parent))


def open_query(region_ids: list[int] | None = None) -> Select[Any]:
    """Open campaigns, the nearest last day first; within ``region_ids`` when given."""
    stmt = _listed().where(Campaign.status == OPEN_STATUS)
    if region_ids is not None:
        stmt = stmt.where(Campaign.region_id.in_(region_ids))
    return stmt.order_by(Campaign.deadline, Campaign.id)


def ended_query(region_ids: list[int] | None = None) -> Select[Any]:
    stmt = _listed().where(Campaign.status.in_((CLOSED, CANCELLED)))
    if region_ids is not None:
        stmt = stmt.where(Campaign.region_id.in_(region_ids))
    return stmt.order_by(Campaign.ended_at.desc(), Campaign.id.desc())


def managed_query(session: Session, member: Member) -> Select[Any]:
    """The campaigns ``member`` organises, and the drafts of the regions they approve in."""
    area = area_of(session, member, APPROVE)
    mine: ColumnElement[bool] = Campaign.organiser_id == member.id
    where: ColumnElement[bool]
    if area is None:
        where = mine | (Campaign.status == DRAFT)
    elif area:
        where = mine | ((Campaign.status == DRAFT) & Campaign.region_id.in_(area))
    else:
        where = mine
    return _listed().where(where).order_by(Campaign.id.desc())


def donations_query(campaign: Campaign) -> Select[Any]:
    return select(Donation).where(Donation.campaign_id == campaign.id).order_by(Donation.id.desc())


def my_donations_query(member: Member) -> Select[Any]:
    # The donor is the reader, and a donation names its campaign only: the campaigns' people
    # (each member loading their roles) are not read.
    return (
        select(Donation)
        .where(Donation.donor_id == member.id)
        .options(
            lazyload(Donation.donor),
            defaultload(Donation.campaign).lazyload(Campaign.beneficiary),
            defaultload(Donation.campaign).lazyload(Campaign.organiser),
        )
        .order_by(Donation.id.desc())
    )


def updates_query(campaign: Campaign) -> Select[Any]:
    return (
        select(CampaignUpdate)
        .where(CampaignUpdate.campaign_id == campaign.id)
        .order_by(CampaignUpdate.id.desc())
    )


def donor_count(session: Session, campaign: Campaign) -> int:
    return (
        session.scalar(
            select(func.count(func.distinct(Donation.donor_id))).where(Donation.campaign_id == campaign.id)
        )
        or 0
    )


def days_left(campaign: Campaign, on: date | None = None) -> int:
    """Days a donation may still come, today included (0 once ended or past)."""
    if campaign.status != OPEN_STATUS:
        return 0
    return max(0, (campaign.deadline - (on or today())).days + 1)


def percent(campaign: Campaign) -> int:
    return min(100, campaign.raised * 100 // campaign.goal) if campaign.goal else 0


def shown_name(donation: Donation) -> Any:
    """The donor's name as the page shows it: hidden when they asked (the ledger still knows)."""
    return _("Anonymous donor") if donation.anonymous else donation.donor.name


def pool_balance(session: Session) -> int:
    return system_account(session, POOL).posted


@dataclass
class Totals:
    open: int
    raised: int
    delivered: int
    refunded: int
    donations: int


def totals(session: Session, area: list[int] | None) -> Totals:
    """The dashboard's figures within ``area`` (None: nationwide), in one query."""
    stmt = select(
        func.count(Campaign.id).filter(Campaign.status == OPEN_STATUS),
        func.coalesce(func.sum(Campaign.raised).filter(Campaign.status == OPEN_STATUS), 0),
        func.coalesce(func.sum(Campaign.delivered), 0),
        func.coalesce(func.sum(Campaign.refunded), 0),
        func.coalesce(func.sum(Campaign.donations), 0),
    )
    if area is not None:
        stmt = stmt.where(Campaign.region_id.in_(area))
    row = session.execute(stmt).one()
    return Totals(*(int(v or 0) for v in row))


def deadline_words(campaign: Campaign) -> Day:
    return Day(campaign.deadline)


def account_of(session: Session, campaign: Campaign) -> Account | None:
    return session.get(Account, campaign.account_id) if campaign.account_id else None


def cores_in_area(session: Session, area: list[int] | None, limit: int = 200) -> list[Any]:
    """Active cores an organiser may open a campaign for (their area's), by name."""
    stmt = cores.cores_query(region_ids=area, status=cores.ACTIVE).limit(limit)
    return list(session.scalars(stmt))

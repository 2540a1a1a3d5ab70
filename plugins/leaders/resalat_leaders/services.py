"""Social leaders' rules: their community, introductions, social guarantees and credit signals. No Flask.

Pages, the API, the CLI and the hooks call these, so each rule lives once:

- A leader's **community** is every place where they hold ``leaders.introduce`` (through the
  ``social_leader`` role, or as an admin there); a leader acts only there.
- **Introductions** (a talented member, a rooted trade) belong to the community: every leader of
  the place sees and follows them up; their status only moves forward.
- A **social guarantee** is personal: the leader who signed it, the member it vouches for (read
  only) and admins of the member's region (``leaders.oversee``) see it, nobody else. It is signed
  by re-entering the leader's own password, counts while active and not past its last day, and the
  sum a leader vouches for at once is capped. Amounts are integer rials: pages and the API read
  what people typed with the host's ``read_money``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from resalat_cores import services as cores
from sqlalchemy import Select, and_, false, func, or_, select, true
from sqlalchemy.orm import Session, joinedload

from resalat_core.sdk import (
    MAX_AMOUNT,
    BadInput,
    CreditSignal,
    Member,
    Money,
    NotAllowed,
    NotFound,
    Region,
    _,
    _l,
    area_of,
    confirm_password,
    current_language,
    find_member,
    get_region,
    join_words,
    normalize_text,
    notify,
    parse_jalali_date,
    search_key,
    to_latin_digits,
    today_in_iran,
    utcnow,
)
from resalat_leaders import plugin, setting
from resalat_leaders.messages import GUARANTEE_REVOKED, GUARANTEE_SIGNED
from resalat_leaders.models import (
    ACTIVE,
    CLOSED,
    DESCRIPTION_MAX,
    EXPIRED,
    FOLLOWED_UP,
    HOUSEHOLDS_MAX,
    INTRODUCTION_STATUSES,
    NEW,
    NOTE_MAX,
    REASON_MAX,
    REVOKED,
    STATEMENT_MAX,
    TALENT_MAX,
    TRADE_NAME_MAX,
    SocialGuarantee,
    TalentIntroduction,
    TradeIntroduction,
)

# The permissions of a leader's work: introducing (which also draws the community) and vouching;
# the social_leader role holds both, administrators too. Overseeing is administrators' alone.
INTRODUCE = "leaders.introduce"
GUARANTEE = "leaders.guarantee"
OVERSEE = "leaders.oversee"
# Where an introduction may go next; a closed one stays closed.
NEXT_STATUS = {NEW: (FOLLOWED_UP, CLOSED), FOLLOWED_UP: (CLOSED,), CLOSED: ()}
BAD_SIGNATURE = "bad_signature"
# How statuses read in a sentence (an error that lists the choices).
INTRODUCTION_LABELS = {NEW: _l("New"), FOLLOWED_UP: _l("Followed up"), CLOSED: _l("Closed")}
GUARANTEE_LABELS = {ACTIVE: _l("Active"), EXPIRED: _l("Expired"), REVOKED: _l("Revoked")}
# What Merat hears from this plugin (see hooks.resalat_credit_signal_kinds).
SOCIAL_GUARANTEE = "social_guarantee"

Area = list[int] | None  # region ids; None means nationwide


# Iranian calendar days (due dates, validity, advice days) end at Tehran's midnight.
today = today_in_iran


def _paragraphs(text: str | None) -> str:
    # normalize_text folds every space, newlines too; a statement keeps its line breaks.
    lines = [normalize_text(line) for line in (text or "").replace("\r\n", "\n").split("\n")]
    return "\n".join(lines).strip("\n")


def _unknown_status(labels: Iterable[Any]) -> str:
    return _("Unknown status; choose one of: %(statuses)s.", statuses=join_words(labels))


def _in(area: Area, column: Any) -> Any:
    """``column`` within ``area``: everything for nationwide, nothing for an empty area."""
    if area is None:
        return true()
    if not area:
        return false()
    return column.in_(area)


def _covers(area: Area, region_id: int) -> bool:
    return area is None or region_id in area


# --- the community -----------------------------------------------------------------------------


def community_of(session: Session, leader: Member, permission: str = INTRODUCE) -> Area:
    """Every region id where ``leader`` acts as a social leader (or admin); None is nationwide."""
    return area_of(session, leader, permission)


def admin_area(session: Session, member: Member) -> Area:
    """Where ``member`` oversees guarantees ([] if nowhere): the admins of the member's region."""
    return area_of(session, member, OVERSEE)


def community_regions(session: Session, leader: Member) -> list[Region]:
    """The regions of the leader's community, provinces first, for select boxes: one query."""
    area = community_of(session, leader)
    stmt = select(Region).where(_in(area, Region.id)).order_by(Region.parent_id.is_not(None), Region.code)
    return list(session.scalars(stmt))


def _region_name(region: Region) -> str:
    return region.name(current_language("en"))


def member_in_community(
    session: Session, leader: Member, area: Area, identifier: str | None, *, field: str = "member"
) -> Member:
    """The member named by mobile or national code, if they live in the leader's community.

    BadInput on ``field`` otherwise, saying why: nobody has that number, or they live elsewhere.
    """
    identifier = to_latin_digits(normalize_text(identifier or ""))
    if not identifier:
        message = _("Enter the member's mobile or national code.")
        raise BadInput(message, fields={field: message})
    member = find_member(session, identifier)
    if member is None:
        message = _("No member has that mobile or national code.")
        raise BadInput(message, fields={field: message})
    if not _covers(area, member.region_id):
        message = _(
            "%(name)s lives in %(region)s, outside your community: a social leader acts only in their "
            "own community.",
            name=member.name,
            region=_region_name(member.region),
        )
        raise BadInput(message, fields={field: message}, code="outside_community")
    return member


def region_in_community(
    session: Session, area: Area, ref: str | int | None, *, field: str = "region"
) -> Region:
    """The region ``ref`` (code or id) if it is in the community; BadInput on ``field`` otherwise."""
    raw = normalize_text(str(ref or ""))
    if not raw:
        message = _("Choose the place from the list.")
        raise BadInput(message, fields={field: message})
    try:
        region = get_region(session, to_latin_digits(raw))
    except NotFound:
        message = _("Choose the place from the list.")
        raise BadInput(message, fields={field: message}) from None
    if not _covers(area, region.id):
        message = _(
            "%(region)s is outside your community: a social leader acts only in their own community.",
            region=_region_name(region),
        )
        raise BadInput(message, fields={field: message}, code="outside_community")
    return region


# --- introductions -----------------------------------------------------------------------------


def _text(value: str | None, field: str, limit: int, errors: dict[str, str], *, required: bool) -> str:
    text = _paragraphs(value)
    if required and not text:
        errors[field] = _("Required.")
    elif len(text) > limit:
        errors[field] = _("At most %(max)d characters.", max=limit)
    return text


def introduce_talent(
    session: Session, leader: Member, *, member: str | None, talent: str | None, note: str | None = ""
) -> TalentIntroduction:
    """``leader`` introduces a talented member of their community; every bad field is reported at once."""
    errors: dict[str, str] = {}
    area = community_of(session, leader)
    found = None
    try:
        found = member_in_community(session, leader, area, member)
    except BadInput as exc:
        errors.update(exc.fields)
    if found is not None and found.id == leader.id:
        errors["member"] = _("Introduce someone else: a leader does not introduce themselves.")
    talent_text = normalize_text(talent)
    if not talent_text:
        errors["talent"] = _("Required.")
    elif len(talent_text) > TALENT_MAX:
        errors["talent"] = _("At most %(max)d characters.", max=TALENT_MAX)
    note_text = _text(note, "note", NOTE_MAX, errors, required=False)
    if errors:
        raise BadInput(_("Please correct the marked fields."), fields=errors)
    assert found is not None
    now = utcnow()
    intro = TalentIntroduction(
        leader=leader,
        member=found,
        region=found.region,
        talent=talent_text,
        note=note_text,
        status=NEW,
        created_at=now,
        updated_at=now,
    )
    session.add(intro)
    session.flush()
    return intro


def _households(raw: Any, errors: dict[str, str]) -> int:
    text = to_latin_digits(normalize_text(str(raw if raw is not None else ""))).replace(",", "")
    if isinstance(raw, bool) or not text.isdecimal():
        errors["households"] = _("Enter the number of households in digits (0 or more).")
        return 0
    value = int(text)
    if value > HOUSEHOLDS_MAX:
        errors["households"] = _("At most %(max)d households.", max=HOUSEHOLDS_MAX)
    return value


def introduce_trade(
    session: Session,
    leader: Member,
    *,
    name: str | None,
    region: str | int | None,
    households: Any,
    description: str | None = "",
) -> TradeIntroduction:
    """``leader`` introduces a rooted local trade of a place in their community."""
    errors: dict[str, str] = {}
    area = community_of(session, leader)
    place = None
    try:
        place = region_in_community(session, area, region)
    except BadInput as exc:
        errors.update(exc.fields)
    trade_name = normalize_text(name)
    if not trade_name:
        errors["name"] = _("Required.")
    elif len(trade_name) > TRADE_NAME_MAX:
        errors["name"] = _("At most %(max)d characters.", max=TRADE_NAME_MAX)
    count = _households(households, errors)
    text = _text(description, "description", DESCRIPTION_MAX, errors, required=False)
    if errors:
        raise BadInput(_("Please correct the marked fields."), fields=errors)
    assert place is not None
    now = utcnow()
    trade = TradeIntroduction(
        leader=leader,
        region=place,
        name=trade_name,
        name_key=search_key(trade_name)[:TRADE_NAME_MAX],
        description=text,
        households=count,
        status=NEW,
        created_at=now,
        updated_at=now,
    )
    session.add(trade)
    session.flush()
    return trade


def _status_filter(status: str | None) -> str | None:
    if not status:
        return None
    if status not in INTRODUCTION_STATUSES:
        message = _unknown_status(INTRODUCTION_LABELS.values())
        raise BadInput(message, fields={"status": message})
    return status


def talents_query(area: Area, *, status: str | None = None) -> Select[Any]:
    """Talents introduced in ``area``, newest first, with the member, leader and place loaded."""
    stmt = (
        select(TalentIntroduction)
        .where(_in(area, TalentIntroduction.region_id))
        .options(
            joinedload(TalentIntroduction.member),
            joinedload(TalentIntroduction.leader),
            joinedload(TalentIntroduction.region),
        )
        .order_by(TalentIntroduction.id.desc())
    )
    status = _status_filter(status)
    if status:
        stmt = stmt.where(TalentIntroduction.status == status)
    return stmt


def trades_query(area: Area, *, status: str | None = None, q: str | None = None) -> Select[Any]:
    """Rooted trades introduced in ``area``, newest first; ``q`` matches the name in any spelling."""
    stmt = (
        select(TradeIntroduction)
        .where(_in(area, TradeIntroduction.region_id))
        .options(joinedload(TradeIntroduction.leader), joinedload(TradeIntroduction.region))
        .order_by(TradeIntroduction.id.desc())
    )
    status = _status_filter(status)
    if status:
        stmt = stmt.where(TradeIntroduction.status == status)
    key = search_key(q)
    if key:
        # autoescape: a % or _ typed in the query is taken literally.
        stmt = stmt.where(TradeIntroduction.name_key.contains(key[:TRADE_NAME_MAX], autoescape=True))
    return stmt


def _move(intro: TalentIntroduction | TradeIntroduction, status: str | None) -> None:
    if status not in INTRODUCTION_STATUSES:
        message = _unknown_status(INTRODUCTION_LABELS.values())
        raise BadInput(message, fields={"status": message})
    if status not in NEXT_STATUS[intro.status]:
        message = _("An introduction moves forward only: new, then followed up, then closed.")
        raise BadInput(message, fields={"status": message}, code="status_backwards")
    intro.status = status
    intro.updated_at = utcnow()


def get_talent(session: Session, viewer: Member, talent_id: int) -> TalentIntroduction:
    """A talent introduced in the viewer's community; NotFound elsewhere, so ids reveal nothing."""
    intro = session.scalar(talents_query(None).where(TalentIntroduction.id == talent_id))
    if intro is None or not _covers(community_of(session, viewer), intro.region_id):
        raise NotFound(_("No such introduction in your community."), code="unknown_introduction")
    return intro


def get_trade(session: Session, viewer: Member, trade_id: int) -> TradeIntroduction:
    intro = session.scalar(trades_query(None).where(TradeIntroduction.id == trade_id))
    if intro is None or not _covers(community_of(session, viewer), intro.region_id):
        raise NotFound(_("No such introduction in your community."), code="unknown_introduction")
    return intro


def set_talent_status(
    session: Session, viewer: Member, talent_id: int, status: str | None
) -> TalentIntroduction:
    """Follow up or close a talent introduced in the viewer's community."""
    intro = get_talent(session, viewer, talent_id)
    _move(intro, status)
    session.flush()
    return intro


def set_trade_status(
    session: Session, viewer: Member, trade_id: int, status: str | None
) -> TradeIntroduction:
    intro = get_trade(session, viewer, trade_id)
    _move(intro, status)
    session.flush()
    return intro


# --- social guarantees -------------------------------------------------------------------------


def leader_cap() -> int:
    """The most one leader may vouch for at once (sum of active guarantees), in rials."""
    return int(setting("guarantee_cap_rials"))


def _active(on: date) -> Any:
    """Active and not past its last day on ``on``."""
    return and_(
        SocialGuarantee.status == ACTIVE,
        or_(SocialGuarantee.valid_until.is_(None), SocialGuarantee.valid_until >= on),
    )


def active_total(session: Session, leader: Member, on: date | None = None) -> int:
    """The sum of the caps of ``leader``'s guarantees that count on ``on`` (default today), in rials."""
    on = on or today()
    total = session.scalar(
        select(func.coalesce(func.sum(SocialGuarantee.cap_rials), 0)).where(
            SocialGuarantee.leader_id == leader.id, _active(on)
        )
    )
    return int(total or 0)


@dataclass(frozen=True)
class Allowance:
    """How much a leader vouches for now, their limit, and what is left."""

    used: int
    limit: int

    @property
    def left(self) -> int:
        return max(0, self.limit - self.used)


def allowance(session: Session, leader: Member) -> Allowance:
    return Allowance(used=active_total(session, leader), limit=leader_cap())


def _cap(rials: int | None, errors: dict[str, str]) -> int:
    """The cap in integer rials (as ``read_money`` reads what a person typed)."""
    if rials is None:
        errors["cap"] = _("Enter an amount.")
        return 0
    if isinstance(rials, bool) or not isinstance(rials, int) or rials <= 0:
        errors["cap"] = _("The cap must be more than zero.")
        return 0
    if rials > MAX_AMOUNT:
        errors["cap"] = _("The amount is too large.")
        return 0
    return rials


def _valid_until(raw: Any, on: date, errors: dict[str, str]) -> date | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, date):
        last = raw
    else:
        try:
            last = parse_jalali_date(str(raw), field="valid_until")
        except BadInput as exc:
            errors["valid_until"] = str(exc.fields.get("valid_until") or exc.message)
            return None
    if last < on:
        errors["valid_until"] = _("This day has passed: choose today or a later day, or leave it empty.")
    return last


@dataclass(frozen=True)
class _Signature:
    """A guarantee once every value is checked, before the signature itself."""

    member: Member
    cap_rials: int
    statement: str
    valid_until: date | None
    password: str


def _checked_guarantee(
    session: Session,
    leader: Member,
    *,
    member: str | None,
    cap_rials: int | None,
    statement: str | None,
    password: str | None,
    valid_until: Any,
    on: date,
) -> _Signature:
    """Every value of a guarantee checked at once: BadInput names each bad one."""
    errors: dict[str, str] = {}
    area = community_of(session, leader, GUARANTEE)
    target = None
    try:
        target = member_in_community(session, leader, area, member)
    except BadInput as exc:
        errors.update(exc.fields)
    if target is not None and target.id == leader.id:
        errors["member"] = _("You cannot vouch for yourself.")
    rials = _cap(cap_rials, errors)
    text = _text(statement, "statement", STATEMENT_MAX, errors, required=True)
    last_day = _valid_until(valid_until, on, errors)
    if not password:
        errors["password"] = _("Enter your password: it is your signature.")
    if errors:
        raise BadInput(_("Please correct the marked fields."), fields=errors)
    assert target is not None and password is not None
    return _Signature(target, rials, text, last_day, password)


def _within_limit(session: Session, leader: Member, rials: int, on: date) -> None:
    """Refuse (``over_leader_cap``) a guarantee that would take the leader past their limit."""
    # One leader's signatures are serialised so two at once cannot both squeeze under the limit
    # (PostgreSQL row lock; SQLite already takes the write lock when the transaction begins).
    session.execute(select(Member.id).where(Member.id == leader.id).with_for_update())
    used = active_total(session, leader, on)
    limit = leader_cap()
    if used + rials > limit:
        message = _(
            "Over your limit: you vouch for %(used)s now and may vouch for at most %(limit)s at once, "
            "so at most %(left)s more.",
            used=Money(used),
            limit=Money(limit),
            left=Money(max(0, limit - used)),
        )
        raise BadInput(message, fields={"cap": message}, code="over_leader_cap")


def sign_guarantee(
    session: Session,
    leader: Member,
    *,
    member: str | None,
    cap_rials: int | None,
    statement: str | None,
    password: str | None,
    valid_until: Any = None,
    on: date | None = None,
) -> SocialGuarantee:
    """``leader`` vouches for a member of their community, signing with their own password.

    ``cap_rials`` is the most it covers, in integer rials (None when nothing readable was typed);
    ``valid_until`` a Jalali date (text) or a date, optional. Every bad field is reported at once
    and nothing is stored. Going over the leader's limit is refused (code ``over_leader_cap``).
    A wrong password is refused with code ``bad_signature`` and ``keep_changes``: the failure is
    recorded for throttling and the caller commits it (``handle_form`` does), while the guarantee
    is still not stored.
    """
    on = on or today()
    checked = _checked_guarantee(
        session,
        leader,
        member=member,
        cap_rials=cap_rials,
        statement=statement,
        password=password,
        valid_until=valid_until,
        on=on,
    )
    _within_limit(session, leader, checked.cap_rials, on)
    # The signature comes last, once everything else is right, so a refusal records nothing else.
    if not confirm_password(session, leader, checked.password):
        message = _("The password is wrong: sign with your own password.")
        raise BadInput(message, fields={"password": message}, code=BAD_SIGNATURE, keep_changes=True)
    guarantee = SocialGuarantee(
        leader=leader,
        member=checked.member,
        region_id=checked.member.region_id,
        cap_rials=checked.cap_rials,
        statement=checked.statement,
        valid_until=checked.valid_until,
        status=ACTIVE,
        signed_at=utcnow(),
    )
    session.add(guarantee)
    session.flush()
    notify(
        checked.member,
        GUARANTEE_SIGNED(
            url=f"/{plugin.name}/guarantees/{guarantee.id}", leader=leader.name, cap=Money(checked.cap_rials)
        ),
    )
    return guarantee


def _guarantees() -> Select[Any]:
    return select(SocialGuarantee).options(
        joinedload(SocialGuarantee.leader), joinedload(SocialGuarantee.member)
    )


def _state_filter(stmt: Select[Any], state: str | None, on: date) -> Select[Any]:
    if not state:
        return stmt
    if state == ACTIVE:
        return stmt.where(_active(on))
    if state == EXPIRED:
        return stmt.where(SocialGuarantee.status == ACTIVE, SocialGuarantee.valid_until < on)
    if state == REVOKED:
        return stmt.where(SocialGuarantee.status == REVOKED)
    message = _unknown_status(GUARANTEE_LABELS.values())
    raise BadInput(message, fields={"status": message})


def signed_query(
    session: Session, viewer: Member, *, state: str | None = None, on: date | None = None
) -> Select[Any]:
    """Guarantees ``viewer`` signed, and, for an admin, those of members of their region; newest first."""
    oversight = admin_area(session, viewer)
    seen = SocialGuarantee.leader_id == viewer.id
    if oversight is None or oversight:
        seen = or_(seen, _in(oversight, SocialGuarantee.region_id))
    stmt = _guarantees().where(seen).order_by(SocialGuarantee.id.desc())
    return _state_filter(stmt, state, on or today())


def about_query(member: Member, *, state: str | None = None, on: date | None = None) -> Select[Any]:
    """The guarantees leaders signed for ``member``, newest first."""
    stmt = _guarantees().where(SocialGuarantee.member_id == member.id).order_by(SocialGuarantee.id.desc())
    return _state_filter(stmt, state, on or today())


def get_guarantee(session: Session, viewer: Member, guarantee_id: int) -> SocialGuarantee:
    """A guarantee the viewer may see: they signed it, it is about them, or they are admin there.

    NotFound for anyone else, so an id tells nothing about guarantees that are not theirs.
    """
    guarantee = session.scalar(_guarantees().where(SocialGuarantee.id == guarantee_id))
    if guarantee is None or not may_see(session, viewer, guarantee):
        raise NotFound(_("No such guarantee among yours."), code="unknown_guarantee")
    return guarantee


def may_see(session: Session, viewer: Member, guarantee: SocialGuarantee) -> bool:
    if viewer.id in (guarantee.leader_id, guarantee.member_id):
        return True
    return _oversees(session, viewer, guarantee)


def _oversees(session: Session, viewer: Member, guarantee: SocialGuarantee) -> bool:
    oversight = admin_area(session, viewer)
    return oversight is None or guarantee.region_id in oversight


def may_revoke(session: Session, viewer: Member, guarantee: SocialGuarantee) -> bool:
    """The leader who signed it may revoke it, and an admin of the member's region."""
    return viewer.id == guarantee.leader_id or _oversees(session, viewer, guarantee)


def revoke_guarantee(
    session: Session, viewer: Member, guarantee_id: int, *, reason: str | None, on: date | None = None
) -> SocialGuarantee:
    """Withdraw a guarantee, with the reason the member will read. It stops counting at once."""
    guarantee = get_guarantee(session, viewer, guarantee_id)
    if not may_revoke(session, viewer, guarantee):
        raise NotAllowed(_("Only the leader who signed this guarantee can revoke it."))
    state = guarantee.state(on or today())
    if state == REVOKED:
        raise BadInput(_("This guarantee is already revoked."), code="already_revoked")
    if state == EXPIRED:
        raise BadInput(_("This guarantee has already expired; there is nothing to revoke."), code="expired")
    errors: dict[str, str] = {}
    text = _text(reason, "reason", REASON_MAX, errors, required=True)
    if errors:
        raise BadInput(_("Say why the guarantee is revoked."), fields=errors)
    guarantee.status = REVOKED
    guarantee.revoked_reason = text
    guarantee.revoked_at = utcnow()
    session.flush()
    notify(guarantee.member, GUARANTEE_REVOKED(url=f"/{plugin.name}/guarantees/{guarantee.id}", reason=text))
    return guarantee


# --- the community's cores ---------------------------------------------------------------------

CORE_STATUSES = (cores.CANDIDATE, cores.ACTIVE, cores.SUSPENDED)


def community_cores(
    session: Session,
    leader: Member,
    *,
    field: str | None = None,
    status: str | None = None,
    q: str | None = None,
) -> Select[Any]:
    """The cores of the leader's community (with their core IDs, leaders, fields), for ``paginate``."""
    if status and status not in CORE_STATUSES:
        message = _unknown_status(cores.STATUS_LABELS[s] for s in CORE_STATUSES)
        raise BadInput(message, fields={"status": message})
    area = community_of(session, leader)
    stmt = cores.cores_query(region_ids=area, field=field or None, status=status or None, q=q or None)
    # An empty community has no cores; an empty id list must not read as "no filter".
    return stmt.where(false()) if area == [] else stmt


def core_fields(session: Session) -> list[Any]:
    """The fields of work cores are registered in, for the community page's filter."""
    return list(cores.fields(session))


# --- what other parts of the ecosystem read ---------------------------------------------------


def credit_signals(session: Session, member: Member, on: date | None = None) -> list[CreditSignal]:
    """Merat's view of the guarantees about ``member``: one signal with the sum of the active caps.

    One query. No signal at all when no guarantee counts (revoked and expired ones never do).
    """
    return credit_signals_many(session, [member.id], on).get(member.id, [])


def credit_signals_many(
    session: Session, member_ids: Iterable[int], on: date | None = None
) -> dict[int, list[CreditSignal]]:
    """``credit_signals`` of many members by id, in one query (members with none left out)."""
    by_member: dict[int, list[Any]] = {}
    for row in session.execute(
        select(
            SocialGuarantee.id,
            SocialGuarantee.member_id,
            SocialGuarantee.leader_id,
            SocialGuarantee.cap_rials,
        )
        .where(SocialGuarantee.member_id.in_(list(member_ids)), _active(on or today()))
        .order_by(SocialGuarantee.id)
    ):
        by_member.setdefault(row.member_id, []).append(row)
    return {
        member_id: [
            CreditSignal(
                SOCIAL_GUARANTEE,
                sum(int(r.cap_rials) for r in rows),
                params={"count": len(rows), "leaders": len({r.leader_id for r in rows})},
                # Which guarantees make up the value, so Merat can say what it scored on.
                reference="guarantees:" + ",".join(str(r.id) for r in rows),
            )
        ]
        for member_id, rows in by_member.items()
    }


@dataclass(frozen=True)
class GuaranteeFigures:
    count: int
    total: int


def guarantee_figures(session: Session, area: Area = None, on: date | None = None) -> GuaranteeFigures:
    """How many guarantees count today for members of ``area`` (None: nationwide), and the sum of
    their caps in rials: one query."""
    count, total = session.execute(
        select(func.count(SocialGuarantee.id), func.coalesce(func.sum(SocialGuarantee.cap_rials), 0)).where(
            _active(on or today()), _in(area, SocialGuarantee.region_id)
        )
    ).one()
    return GuaranteeFigures(count=int(count or 0), total=int(total or 0))


def counting_for(session: Session, member: Member) -> int:
    """How many guarantees count for ``member`` today (the tile's badge): one query on an index."""
    return int(
        session.scalar(
            select(func.count(SocialGuarantee.id)).where(
                SocialGuarantee.member_id == member.id, _active(today())
            )
        )
        or 0
    )


def states(guarantees: Iterable[SocialGuarantee], on: date | None = None) -> dict[int, str]:
    """Each guarantee's state on ``on`` (default today), by id: for lists."""
    on = on or today()
    return {g.id: g.state(on) for g in guarantees}

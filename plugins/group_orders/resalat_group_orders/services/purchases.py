"""A collective purchase's life: opened by an organiser, accepted by the supplier, joined by cores,
closed at its deadline (one M-Bazar order, or every core paid back), handed over core by core.

Money. A core's leader pays its share (quantity × group price) from their main account or loan
money into the plugin's escrow; a change of quantity tops up or pays back the difference, each
change once per the leader's key. At the deadline the whole sum moves from escrow into M-Bazar's
escrow through ``place_order`` (the M-Bazar order is the organiser's, paid from our escrow), or
each share goes back to the account it came from. Every transfer key is derived from a row (a
change, a share, a purchase), so running anything twice moves nothing twice.

Races. Every change of a purchase's places takes the purchase's row lock first (``FOR UPDATE`` on
PostgreSQL; SQLite writes one at a time anyway) and checks the places left under it, so cores
joining the last places at once never exceed the maximum.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from resalat_bazaar import services as bazaar
from resalat_cores import services as cores
from sqlalchemy import Select, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, object_session

from resalat_core.sdk import (
    EARMARKED,
    MAX_AMOUNT,
    MAX_BIG_ID,
    Account,
    BadInput,
    Conflict,
    Member,
    Money,
    NotAllowed,
    NotFound,
    Number,
    Region,
    Spend,
    SpendDecision,
    Words,
    _,
    area_of,
    can,
    check_spend,
    main_account,
    notify,
    system_account,
    transfer,
    utcnow,
)
from resalat_group_orders import ESCROW, JOIN, ORGANISE, REFUND, messages
from resalat_group_orders.models import (
    CANCELLED,
    CLOSED,
    DECLINED,
    DELIVERED,
    FAILED,
    HANDED,
    JOINED,
    KEY_MAX,
    LEFT,
    OPEN,
    PLACED,
    PROPOSED,
    RECEIVED,
    REFUNDED,
    Purchase,
    Share,
    ShareChange,
)
from resalat_group_orders.services.labels import STATUS_LABELS
from resalat_group_orders.services.when_where import check_when_and_where

# Big enough for any real group purchase, far from a 32-bit column's limit.
QUANTITY_MAX = 1_000_000
# The plugin's code on the M-Bazar order's payment: M-Bazar tells us when it pays it back.
METHOD = "group_orders.purchase"
# A ledger line's reference ("group_orders_purchase:12"), named by ``resalat_reference``.
REFERENCE_KIND = "group_orders_purchase"
# Iran keeps Tehran time (UTC+3:30) all year: a deadline day ends at Tehran's midnight.
TEHRAN_OFFSET = timedelta(hours=3, minutes=30)


def _reference(purchase: Purchase) -> str:
    return f"{REFERENCE_KIND}:{purchase.id}"


def _line(purchase: Purchase) -> dict[str, Any]:
    """What a statement line says: the purchase's number and what it buys."""
    return {"purchase": purchase.id, "title": purchase.title}


def escrow(session: Session) -> Account:
    return system_account(session, ESCROW)


def bad(message: Any, field: str, code: str | None = None) -> BadInput:
    return BadInput(message, fields={field: message}, code=code)


def _whole(value: Any, field: str, *, low: int = 1, high: int = QUANTITY_MAX) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise bad(_("Enter a whole number."), field)
    if not low <= value <= high:
        raise bad(
            _("Enter a whole number between %(low)s and %(high)s.", low=Number(low), high=Number(high)), field
        )
    return value


def _key(value: Any) -> str:
    key = str(value or "").strip()
    if not key or len(key) > KEY_MAX:
        raise BadInput(
            _("The form is missing its one-time key; reload the page and try again."), code="bad_key"
        )
    return key


# --- finding and seeing --------------------------------------------------------------------------


def _purchase(session: Session, purchase_id: Any, *, lock: bool = False) -> Purchase:
    found = None
    if isinstance(purchase_id, int) and not isinstance(purchase_id, bool) and 0 < purchase_id <= MAX_BIG_ID:
        stmt = select(Purchase).where(Purchase.id == purchase_id)
        if lock:
            # The row lock every change of places takes first; populate_existing reads the
            # counts as they are now, not as an earlier query of this session left them.
            stmt = stmt.with_for_update(of=Purchase).execution_options(populate_existing=True)
        found = session.scalars(stmt).unique().first()
    if found is None:
        raise NotFound(_("No such group purchase."), code="unknown_purchase")
    return found


def manages(member: Any, purchase: Purchase) -> bool:
    """The organiser, or one who may organise where it is collected (the area's guide, an admin)."""
    if member is None or getattr(member, "is_anonymous", True):
        return False
    return purchase.organiser_id == member.id or can(ORGANISE, purchase.region, member)


def visible_purchase(session: Session, viewer: Any, purchase_id: Any) -> Purchase:
    """A purchase this member may see: any member once the supplier accepted it; before that (or
    when declined) only its organiser, the supplier and the area's organisers. 404 otherwise."""
    purchase = _purchase(session, purchase_id)
    hidden = purchase.status in (PROPOSED, DECLINED)
    if hidden and not (manages(viewer, purchase) or purchase.booth.owner_id == getattr(viewer, "id", None)):
        raise NotFound(_("No such group purchase."), code="unknown_purchase")
    return purchase


def _listed() -> Select[Any]:
    """Purchases for a list: each names its place with its province, loaded here, not one by one."""
    return select(Purchase).options(joinedload(Purchase.region).joinedload(Region.parent))


def open_query() -> Select[Any]:
    """Purchases open to cores, the nearest deadline first."""
    return _listed().where(Purchase.status == OPEN).order_by(Purchase.deadline, Purchase.id)


def organised_query(member: Member) -> Select[Any]:
    """The purchases ``member`` organised, newest first."""
    return _listed().where(Purchase.organiser_id == member.id).order_by(Purchase.id.desc())


def supplier_query(member: Member) -> Select[Any]:
    """Purchases from ``member``'s booths waiting for their answer, oldest first."""
    return (
        _listed()
        .join(bazaar.Booth, bazaar.Booth.id == Purchase.booth_id)
        .where(bazaar.Booth.owner_id == member.id, Purchase.status == PROPOSED)
        .order_by(Purchase.id)
    )


def mine_query(member: Member) -> Select[Any]:
    """The shares ``member`` paid as a core's leader, newest first, with their purchase."""
    return (
        select(Share)
        .where(Share.leader_id == member.id)
        .options(joinedload(Share.purchase))
        .order_by(Share.id.desc())
    )


def due_query(now: datetime | None = None) -> Select[Any]:
    """Open purchases whose deadline has passed, oldest deadline first."""
    return (
        select(Purchase)
        .where(Purchase.status == OPEN, Purchase.deadline <= (now or utcnow()))
        .order_by(Purchase.deadline, Purchase.id)
    )


def leader_cores(session: Session, member: Member) -> list[Any]:
    """The active cores ``member`` leads: the ones they may join a purchase for."""
    return [c for c in cores.cores_led_by(session, member) if c.status == cores.ACTIVE]


def accounts_to_pay_from(session: Session, member: Member) -> list[Account]:
    """The main account, then the loan money that may pay in M-Bazar."""
    return [main_account(session, member), *bazaar.earmarked_accounts(session, member)]


def share_of(session: Session, purchase: Purchase, core_id: int) -> Share | None:
    return session.scalar(select(Share).where(Share.purchase_id == purchase.id, Share.core_id == core_id))


def products_to_choose(session: Session, member: Member, limit: int = 200) -> list[Any]:
    """Listed products of open booths in the organiser's area (everywhere for a nationwide one)."""
    area = area_of(session, member, ORGANISE)
    stmt = (
        select(bazaar.Product)
        .join(bazaar.Booth, bazaar.Booth.id == bazaar.Product.booth_id)
        .where(
            bazaar.Product.listed.is_(True),
            bazaar.Product.hidden.is_(False),
            bazaar.Product.stock > 1,
            bazaar.Booth.status == bazaar.BOOTH_OPEN,
            bazaar.Booth.hidden.is_(False),
            bazaar.Booth.owner_id != member.id,
        )
        .options(joinedload(bazaar.Product.booth))
        .order_by(bazaar.Product.title, bazaar.Product.id)
        .limit(limit)
    )
    if area is not None:
        stmt = stmt.where(bazaar.Booth.region_id.in_(area))
    return list(session.scalars(stmt).unique())


# --- opening and the supplier's answer -----------------------------------------------------------


@dataclass(frozen=True)
class Draft:
    """What an organiser chose, read at the edge: ids, integer rials, whole numbers, a date."""

    product_id: int | None
    unit_price: int | None
    min_quantity: int | None
    max_quantity: int | None
    deadline: date | None
    collection_point: str
    region: str


def deadline_of(day: date) -> datetime:
    """The end of ``day`` in Tehran, as naive UTC."""
    return datetime.combine(day + timedelta(days=1), time()) - TEHRAN_OFFSET


def open_purchase(session: Session, organiser: Member, draft: Draft) -> Purchase:
    """Open a collective purchase (PROPOSED: the supplier accepts the group price first).

    Every wrong field is reported at once; a member who may not organise in the collection
    point's region is refused (403).
    """
    errors: dict[str, Any] = {}
    product = None
    if isinstance(draft.product_id, int) and 0 < draft.product_id < 2**31:
        product = session.get(bazaar.Product, draft.product_id)
    if product is None or not product.is_public or not product.booth.is_public:
        errors["product"] = _("Choose a product that is for sale.")
        product = None
    elif product.booth.owner_id == organiser.id:
        errors["product"] = _("You cannot buy from your own booth.")
    price = draft.unit_price
    if isinstance(price, bool) or not isinstance(price, int) or price <= 0 or price > MAX_AMOUNT:
        errors["unit_price"] = _("Enter the group price in digits.")
    elif product is not None and price >= product.price:
        errors["unit_price"] = _(
            "The group price must be below the listed price, %(price)s.", price=Money(product.price)
        )
    low = _collect(errors, lambda: _whole(draft.min_quantity, "min_quantity"))
    high = _collect(errors, lambda: _whole(draft.max_quantity, "max_quantity"))
    if low is not None and high is not None and high < low:
        errors["max_quantity"] = _("The maximum cannot be below the minimum.")
    elif high is not None and product is not None and high > product.stock:
        errors["max_quantity"] = _("The booth has only %(n)s in stock.", n=Number(product.stock))
    place, region = check_when_and_where(
        session,
        errors,
        deadline=draft.deadline,
        place=draft.collection_point,
        place_field="collection_point",
        place_hint=_("Write where the cores collect their parts."),
        region=draft.region,
    )
    if errors:
        raise BadInput(_("Please correct the marked fields."), fields=errors)
    assert product is not None and region is not None and price is not None
    assert low is not None and high is not None and isinstance(draft.deadline, date)
    if not can(ORGANISE, region, organiser):
        raise NotAllowed(_("You may open group purchases only in your own area."), code="outside_area")
    purchase = Purchase(
        organiser_id=organiser.id,
        booth_id=product.booth_id,
        product_id=product.id,
        region_id=region.id,
        collection_point=place,
        title=product.title,
        unit=product.unit,
        listed_price=product.price,
        unit_price=price,
        min_quantity=low,
        max_quantity=high,
        joined_quantity=0,
        deadline=deadline_of(draft.deadline),
        status=PROPOSED,
    )
    session.add(purchase)
    session.flush()
    notify(
        product.booth.owner,
        messages.PROPOSED(
            url=f"/group_orders/{purchase.id}",
            organiser=organiser.name,
            title=purchase.title,
            price=Money(price),
        ),
    )
    return purchase


def _collect(errors: dict[str, Any], check: Callable[[], int]) -> int | None:
    try:
        return check()
    except BadInput as exc:
        errors.update(exc.fields or {})
        return None


def decide(session: Session, member: Member, purchase_id: Any, accept: bool) -> Purchase:
    """The supplier booth's owner accepts the group price (OPEN) or declines it (DECLINED)."""
    purchase = _purchase(session, purchase_id, lock=True)
    if purchase.booth.owner_id != member.id:
        raise NotAllowed(_("Only the supplier booth's owner answers this."), code="not_supplier")
    if purchase.status != PROPOSED:
        raise Conflict(_("This group purchase was already answered."), code="already_decided")
    if accept and purchase.deadline <= utcnow():
        raise Conflict(_("Its deadline has passed."), code="deadline_passed")
    purchase.status = OPEN if accept else DECLINED
    purchase.reason = "" if accept else "declined"
    purchase.decided_at = utcnow()
    notify(
        purchase.organiser,
        messages.DECIDED(
            url=f"/group_orders/{purchase.id}",
            purchase=purchase.id,
            title=purchase.title,
            status=Words(STATUS_LABELS[purchase.status]),
        ),
    )
    return purchase


# --- joining -------------------------------------------------------------------------------------


def join(
    session: Session,
    leader: Member,
    purchase_id: Any,
    core_id: Any,
    quantity: Any,
    *,
    key: Any,
    account_id: Any = None,
    now: datetime | None = None,
) -> Share:
    """Set the quantity ``core_id`` takes (0 leaves), paying or paying back the difference.

    The core's leader pays quantity × group price into escrow from their main account (or
    ``account_id``, loan money that M-Bazar's policy lets buy this product); a share keeps the
    account it was first paid from, and every refund goes back there. Once per ``key`` for this
    leader: the same key again returns the share and moves nothing. Refused with 409 when the
    purchase is not open, its deadline passed, or the places left are fewer than asked; with 400
    for a wrong quantity, core or account, and when the money is not there. Nothing changes then.
    """
    clean_key = _key(key)
    replay = _replayed(session, leader, clean_key)
    if replay is not None:
        return replay
    wanted = _whole(quantity, "quantity", low=0)
    core = _leader_core(session, leader, core_id)
    try:
        with session.begin_nested():
            purchase = _purchase(session, purchase_id, lock=True)
            # The same key sent twice at once: the second waited for the lock, and sees the first.
            replay = _replayed(session, leader, clean_key)
            if replay is not None:
                return replay
            plan = _plan(session, leader, purchase, core, wanted, account_id, now)
            share, before, account = plan.share, plan.before, plan.account
            delta = wanted - before
            if share is None:
                share = Share(
                    purchase_id=purchase.id,
                    core_id=core.id,
                    leader_id=leader.id,
                    account_id=account.id,
                    quantity=0,
                    paid=0,
                )
                session.add(share)
            elif share.quantity == 0:
                share.account_id = account.id  # a core that left may come back with other money
            share.status = JOINED if wanted else LEFT
            share.quantity = wanted
            share.updated_at = utcnow()
            amount = delta * purchase.unit_price
            share.paid += amount
            purchase.joined_quantity += delta
            session.flush()
            change = ShareChange(
                share_id=share.id,
                actor_id=leader.id,
                key=clean_key,
                quantity_before=before,
                quantity_after=wanted,
                amount=amount,
            )
            session.add(change)
            session.flush()  # a concurrent call with this key fails here
            _move_change(session, purchase, share, account, change, leader)
    except IntegrityError:
        replay = _replayed(session, leader, clean_key)
        if replay is None:
            raise
        return replay
    _tell_joined(purchase, share, before)
    return share


@dataclass(frozen=True)
class JoinPlan:
    """What a join would do, shown before the leader confirms: the difference paid in (positive)
    or paid back (negative), and the account it comes from or goes back to."""

    core: Any
    share: Share | None
    before: int
    after: int
    amount: int
    account: Account


def preview_join(
    session: Session,
    leader: Member,
    purchase: Purchase,
    core_id: Any,
    quantity: Any,
    account_id: Any = None,
    *,
    now: datetime | None = None,
) -> JoinPlan:
    """Check a join as ``join`` will, moving nothing: the confirmation page shows the result, or
    the refusal (the money missing, loan money that may not buy this product) before any press."""
    wanted = _whole(quantity, "quantity", low=0)
    core = _leader_core(session, leader, core_id)
    plan = _plan(session, leader, purchase, core, wanted, account_id, now)
    if plan.amount > 0:
        if plan.account.available < plan.amount:
            raise bad(
                _(
                    "The account holds %(have)s; this needs %(need)s.",
                    have=Money(plan.account.available),
                    need=Money(plan.amount),
                ),
                "account",
                "insufficient_funds",
            )
        if plan.account.kind == EARMARKED:
            spend = Spend(
                plan.amount,
                bazaar.PURCHASE,
                _reference(purchase),
                escrow(session),
                _spend_details(session, purchase),
            )
            try:
                check_spend(plan.account, spend)
            except NotAllowed as refused:
                raise bad(refused.message, "account", "spend_refused") from None
    return plan


def _leader_core(session: Session, leader: Member, core_id: Any) -> Any:
    core = session.get(cores.Core, core_id) if isinstance(core_id, int) and 0 < core_id < 2**31 else None
    if core is None or core.leader_id != leader.id:
        raise bad(_("Choose a core you lead."), "core")
    if core.status != cores.ACTIVE:
        raise bad(_("Only an active core (with its core ID) may join."), "core")
    return core


def _plan(
    session: Session,
    leader: Member,
    purchase: Purchase,
    core: Any,
    wanted: int,
    account_id: Any,
    now: datetime | None,
) -> JoinPlan:
    if purchase.status != OPEN:
        raise Conflict(_("This group purchase is not open to cores."), code="not_open")
    if purchase.deadline <= (now or utcnow()):
        raise Conflict(_("Its deadline has passed."), code="deadline_passed")
    share = share_of(session, purchase, core.id)
    before = share.quantity if share is not None else 0
    account = _paying_account(session, leader, share, account_id)
    if wanted == before:
        raise bad(_("This is already the quantity of your core."), "quantity", "no_change")
    if wanted - before > purchase.places_left:
        raise Conflict(_("Only %(n)s places are left.", n=Number(purchase.places_left)), code="full")
    return JoinPlan(core, share, before, wanted, (wanted - before) * purchase.unit_price, account)


def _replayed(session: Session, leader: Member, key: str) -> Share | None:
    change = session.scalar(
        select(ShareChange).where(ShareChange.actor_id == leader.id, ShareChange.key == key)
    )
    return change.share if change is not None else None


def _paying_account(session: Session, leader: Member, share: Share | None, account_id: Any) -> Account:
    """The share's own account while it holds money; else the one chosen (the main by default)."""
    if share is not None and share.quantity > 0:
        if account_id not in (None, share.account_id):
            raise bad(_("A share is topped up from the account that paid it first."), "account")
        return share.account
    if account_id is None:
        return main_account(session, leader)
    for account in accounts_to_pay_from(session, leader):
        if account.id == account_id:
            return account
    raise bad(_("Choose one of your accounts."), "account")


def _move_change(
    session: Session, purchase: Purchase, share: Share, account: Account, change: ShareChange, actor: Member
) -> None:
    """Pay the difference in, or back to the share's account, under the change's own key."""
    key = f"{_reference(purchase)}:change:{change.id}"
    if change.amount > 0:
        earmarked = account.kind == EARMARKED
        transfer(
            session,
            key,
            account,
            escrow(session),
            change.amount,
            # Loan money may only buy in M-Bazar (its account's purposes): a share of a group
            # purchase is such a purchase, and the policy sees the product (``spend_allowed``).
            bazaar.PURCHASE if earmarked else JOIN,
            _reference(purchase),
            spend_details=_spend_details(session, purchase) if earmarked else None,
            params={"order": purchase.id, "booth": purchase.booth.name} if earmarked else _line(purchase),
            actor=actor,
        )
    else:
        transfer(
            session,
            key,
            escrow(session),
            share.account_id,
            -change.amount,
            REFUND,
            _reference(purchase),
            params=_line(purchase),
            actor=actor,
        )


def _spend_details(session: Session, purchase: Purchase) -> dict[str, Any]:
    details = bazaar.spend_details(bazaar.category_tree(session), purchase.booth_id, [purchase.product])
    details["group_purchase"] = purchase.id
    return details


def spend_allowed(account: Account, spend: Spend) -> SpendDecision | None:
    """The ``resalat_spend_allowed`` answer for loan money paid into this plugin's escrow: M-Bazar's
    policy for the purchase's product (its category, booth and programmes). Abstains otherwise."""
    session = object_session(account)
    if session is None or spend.credit_account is None or spend.credit_account.code != ESCROW:
        return None
    purchase_id = (spend.details or {}).get("group_purchase")
    purchase = session.get(Purchase, purchase_id) if isinstance(purchase_id, int) else None
    if purchase is None:
        return SpendDecision(False, _("Loan money pays only for a group purchase's product."))
    details = bazaar.spend_details(bazaar.category_tree(session), purchase.booth_id, [purchase.product])
    return bazaar.spend_allowed(
        account, Spend(spend.amount, bazaar.PURCHASE, spend.reference, spend.credit_account, details)
    )


def _tell_joined(purchase: Purchase, share: Share, before: int) -> None:
    url = f"/group_orders/{purchase.id}"
    notify(
        purchase.organiser,
        messages.JOINED(
            url=url,
            core=share.core.name,
            quantity=Number(share.quantity),
            title=purchase.title,
            joined=Number(purchase.joined_quantity),
            minimum=Number(purchase.min_quantity),
        ),
    )
    crossed = (
        purchase.joined_quantity - (share.quantity - before)
        < purchase.min_quantity
        <= purchase.joined_quantity
    )
    if crossed:
        told = {purchase.organiser_id}
        message = messages.MINIMUM_REACHED(url=url, purchase=purchase.id, title=purchase.title)
        notify(purchase.organiser, message)
        for other in _joined_shares(purchase):
            if other.leader_id not in told:
                told.add(other.leader_id)
                notify(other.leader, message)


def _joined_shares(purchase: Purchase) -> list[Share]:
    return [s for s in purchase.shares if s.status == JOINED and s.quantity > 0]


# --- the deadline --------------------------------------------------------------------------------


def close(
    session: Session, purchase_id: Any, actor: Member | None = None, *, now: datetime | None = None
) -> Purchase:
    """Close an open purchase whose deadline passed: place the order if the minimum was reached
    (buyer: the organiser; paid from escrow; delivered to the collection point), else pay every
    core back. ``actor`` (the organiser's button) must manage it; the periodic run has none. A
    purchase already closed is returned as it is: nothing moves twice."""
    purchase = _purchase(session, purchase_id, lock=True)
    if actor is not None and not manages(actor, purchase):
        raise NotAllowed(_("Only its organiser closes a group purchase."), code="not_organiser")
    if purchase.status != OPEN:
        if actor is not None:
            raise Conflict(_("This group purchase is already closed."), code="not_open")
        return purchase
    if purchase.deadline > (now or utcnow()):
        raise Conflict(_("Its deadline has not come yet."), code="before_deadline")
    if purchase.reached_minimum:
        try:
            with session.begin_nested():
                _place(session, purchase)
            return purchase
        except BadInput:
            # Stock, price or the booth changed since the supplier accepted: nothing was placed.
            _refund_all(session, purchase, FAILED, "order_refused", actor)
            return purchase
    _refund_all(session, purchase, FAILED, "minimum", actor)
    return purchase


def _place(session: Session, purchase: Purchase) -> None:
    booth = purchase.booth
    options = booth.delivery_options or []
    delivery = "pickup" if "pickup" in options or not options else options[0]
    order = bazaar.place_order(
        session,
        purchase.organiser,
        booth,
        [(purchase.product, purchase.joined_quantity, purchase.unit_price)],
        key=_reference(purchase),
        pay_from=escrow(session),
        delivery=delivery,
        address=purchase.collection_point,
        note=purchase.collection_point,
        method=METHOD,
    )
    purchase.order_id = order.id
    purchase.status = PLACED
    purchase.placed_at = utcnow()
    for share in _joined_shares(purchase):
        notify(
            share.leader,
            messages.PLACED(
                url=f"/group_orders/{purchase.id}",
                purchase=purchase.id,
                title=purchase.title,
                booth=booth.name,
                place=purchase.collection_point,
            ),
        )


def _refund_all(session: Session, purchase: Purchase, status: str, reason: str, actor: Member | None) -> None:
    """Pay every share back to the account it came from, each with its own transfer."""
    for share in purchase.shares:
        if share.paid > 0:
            amount = share.paid
            transfer(
                session,
                f"{_reference(purchase)}:refund:{share.id}",
                escrow(session),
                share.account_id,
                amount,
                REFUND,
                _reference(purchase),
                params=_line(purchase),
                actor=actor,
            )
            share.paid = 0
            share.status = REFUNDED
            share.updated_at = utcnow()
            notify(
                share.leader,
                messages.REFUNDED(
                    url=f"/group_orders/{purchase.id}",
                    purchase=purchase.id,
                    title=purchase.title,
                    amount=Money(amount),
                ),
            )
    purchase.status = status
    purchase.reason = reason
    purchase.closed_at = utcnow()


@dataclass
class Closed:
    purchase_id: int
    status: str


def close_due(
    session: Session,
    *,
    now: datetime | None = None,
    each: Callable[[Closed], None] | None = None,
    commit: bool = False,
) -> list[Closed]:
    """Close every open purchase whose deadline passed, each in its own transaction when
    ``commit`` (one failing does not hold back the others). Running it again finds none."""
    ids = list(session.scalars(due_query(now).with_only_columns(Purchase.id)))
    done = []
    for purchase_id in ids:
        purchase = close(session, purchase_id, now=now)
        result = Closed(purchase.id, purchase.status)
        if commit:
            session.commit()
        done.append(result)
        if each is not None:
            each(result)
    return done


def cancel(session: Session, member: Member, purchase_id: Any) -> Purchase:
    """Call off a purchase not yet ordered: every core is paid back."""
    purchase = _purchase(session, purchase_id, lock=True)
    if not manages(member, purchase):
        raise NotAllowed(_("Only its organiser calls a group purchase off."), code="not_organiser")
    if purchase.status not in (PROPOSED, OPEN):
        raise Conflict(_("Only a purchase not yet ordered can be called off."), code="not_open")
    _refund_all(session, purchase, CANCELLED, "called_off", member)
    return purchase


# --- M-Bazar's answers ---------------------------------------------------------------------------


def _of_order(session: Session, order_id: int) -> Purchase | None:
    return session.scalar(select(Purchase).where(Purchase.order_id == order_id).with_for_update(of=Purchase))


def order_completed(session: Session, order: Any) -> None:
    """The M-Bazar order arrived (its buyer, the organiser, confirmed it): hand-over starts."""
    purchase = _of_order(session, order.id)
    if purchase is None or purchase.status != PLACED:
        return
    purchase.status = DELIVERED
    notify(
        purchase.organiser,
        messages.DELIVERED(url=f"/group_orders/{purchase.id}", purchase=purchase.id),
    )


def order_refunded(session: Session, order: Any, payments: Iterable[Any]) -> None:
    """The M-Bazar order was cancelled and its money came back to our escrow: pay every core back."""
    if not any(str(p.method).startswith("group_orders.") for p in payments):
        return
    purchase = _of_order(session, order.id)
    if purchase is None or purchase.status not in (PLACED, DELIVERED):
        return
    _refund_all(session, purchase, CANCELLED, "order_cancelled", None)


# --- hand-over -----------------------------------------------------------------------------------


def _share(session: Session, share_id: Any) -> Share:
    share = session.get(Share, share_id) if isinstance(share_id, int) and 0 < share_id < 2**31 else None
    if share is None:
        raise NotFound(_("No such share."), code="unknown_share")
    return share


def hand_over(session: Session, member: Member, share_id: Any) -> Share:
    """The organiser records that a core's part was handed over; its leader is asked to confirm."""
    share = _share(session, share_id)
    purchase = _purchase(session, share.purchase_id, lock=True)
    if not manages(member, purchase):
        raise NotFound(_("No such share."), code="unknown_share")
    if purchase.status != DELIVERED:
        raise Conflict(_("The order has not arrived yet."), code="not_delivered")
    if share.status != JOINED or share.quantity == 0:
        raise Conflict(_("This core's part was already handed over."), code="already_handed")
    share.status = HANDED
    share.handed_at = utcnow()
    notify(
        share.leader,
        messages.HANDED(
            url=f"/group_orders/{purchase.id}",
            quantity=Number(share.quantity),
            title=purchase.title,
            core=share.core.name,
        ),
    )
    return share


def confirm_receipt(session: Session, member: Member, share_id: Any) -> Share:
    """The core's leader confirms receipt; the purchase closes when every core confirmed."""
    share = _share(session, share_id)
    if share.leader_id != member.id:
        raise NotFound(_("No such share."), code="unknown_share")
    purchase = _purchase(session, share.purchase_id, lock=True)
    if share.status != HANDED:
        raise Conflict(_("Nothing was handed over to confirm."), code="not_handed")
    share.status = RECEIVED
    share.received_at = utcnow()
    session.flush()
    waiting = session.scalar(
        select(func.count(Share.id)).where(
            Share.purchase_id == purchase.id,
            Share.quantity > 0,
            or_(Share.status == JOINED, Share.status == HANDED),
        )
    )
    if not waiting:
        purchase.status = CLOSED
        purchase.closed_at = utcnow()
    return share


# --- figures -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    open: int
    placed: int
    cores: int
    held: int  # rials in escrow


def figures(session: Session, area: list[int] | None) -> Figures:
    """The dashboard's figures within ``area`` (None: nationwide), in three queries."""
    stmt = select(Purchase.status, func.count(Purchase.id)).group_by(Purchase.status)
    joined = select(func.count(func.distinct(Share.core_id))).join(Purchase, Purchase.id == Share.purchase_id)
    # What open purchases of the area hold in escrow: the cores' money not yet ordered.
    held = (
        select(func.coalesce(func.sum(Share.paid), 0))
        .join(Purchase, Purchase.id == Share.purchase_id)
        .where(Purchase.status == OPEN)
    )
    if area is not None:
        stmt = stmt.where(Purchase.region_id.in_(area))
        joined = joined.where(Purchase.region_id.in_(area))
        held = held.where(Purchase.region_id.in_(area))
    counts: dict[str, int] = {status: n for status, n in session.execute(stmt).all()}
    placed = sum(counts.get(s, 0) for s in (PLACED, DELIVERED, CLOSED))
    return Figures(
        counts.get(OPEN, 0),
        placed,
        session.scalar(joined.where(Share.quantity > 0)) or 0,
        int(session.scalar(held) or 0),
    )

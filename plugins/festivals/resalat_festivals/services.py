"""The festivals' rules, one face for pages, the API, the CLI and the hooks. No Flask here.

- announcing and editing a festival, and moving it on (applications closed, running, finished,
  cancelled) by its organiser or whoever organises festivals where it is held;
- a core leader's application (one per core per festival), withdrawn until it is answered;
- the organiser's answer, under a lock on the festival's row: never more accepted than booths;
- the festival's page (accepted cores and their products in a fixed number of queries), the
  upcoming list, a leader's applications;
- the sales: M-Bazar orders of the accepted cores' booths during the fair (one query) and what each
  core reports it sold in person; the organiser's summary and the dashboard's figures.

Nothing here commits: the caller's transaction decides.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from resalat_bazaar import services as bazaar
from resalat_cores.services import ACTIVE as CORE_ACTIVE
from resalat_cores.services import Core
from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.orm import Session, joinedload, lazyload, load_only, selectinload

from resalat_core.sdk import (
    MAX_AMOUNT,
    BadInput,
    Conflict,
    Day,
    Member,
    Named,
    NotAllowed,
    NotFound,
    Number,
    Region,
    _,
    area_of,
    can,
    chosen_id,
    get_region,
    normalize_text,
    notify,
    today_in_iran,
    utcnow,
)
from resalat_festivals import messages
from resalat_festivals.models import (
    ACCEPTED,
    ADDRESS_MAX,
    ANNOUNCED,
    APPLIED,
    BOOTHS_MAX,
    CANCELLED,
    CLOSED,
    DECLINED,
    DESCRIPTION_MAX,
    FINISHED,
    NOTE_MAX,
    RUNNING,
    STATUSES,
    THEME_MAX,
    TITLE_MAX,
    UPCOMING,
    WITHDRAWN,
    Application,
    ApplicationProduct,
    Festival,
)

# Who may announce festivals and manage them where they are held: admins, and the guides' and
# social leaders' roles (declared by their plugins; a role nobody declares is left alone).
ORGANISE = "festivals.organise"
# At most this many products in one application: a fair's table, not a catalogue. The fair's page
# shows as many of a core's newest when it chose none.
PRODUCTS_MAX = 20
# The apply form lists each core's newest this many products to choose from: a leader chooses at
# most PRODUCTS_MAX, and a booth of thousands would make a form nobody reads and a query that grows
# with the catalogue; the form says when there are more.
FORM_PRODUCTS = 100
# Days after the fair's last day during which a core's leader may report what it sold there.
REPORT_DAYS = 7
# The M-Bazar orders that count as sold: paid and not cancelled or refunded.
SOLD = (bazaar.PLACED, bazaar.ACCEPTED, bazaar.SHIPPED, bazaar.DELIVERED, bazaar.COMPLETED)
TEHRAN = ZoneInfo("Asia/Tehran")
# What a fair shows of M-Bazar, and what a core may bring: listed, visible products of a visible booth.
ON_SALE = (bazaar.Booth.hidden.is_(False), bazaar.Product.listed.is_(True), bazaar.Product.hidden.is_(False))

# Which step may follow which, and the words for each (kept as codes; shown by the pages).
NEXT = {ANNOUNCED: (CLOSED, RUNNING), CLOSED: (ANNOUNCED, RUNNING), RUNNING: (FINISHED,)}


def bad(message: Any, field_name: str) -> BadInput:
    """A refusal naming one field, with the message under it."""
    return BadInput(message, fields={field_name: message})


# --- access --------------------------------------------------------------------------------------


def may_organise(member: Member, region: Region | None = None) -> bool:
    """May ``member`` announce festivals (in ``region``, or anywhere when None)?"""
    return can(ORGANISE, region, member)


def may_manage(member: Member | None, festival: Festival) -> bool:
    """The organiser, or whoever organises festivals where this one is held."""
    if member is None or getattr(member, "is_anonymous", True):
        return False
    return festival.organiser_id == member.id or may_organise(member, festival.region)


def require_manager(member: Member, festival: Festival) -> None:
    if not may_manage(member, festival):
        raise NotAllowed(_("Only the festival's organiser may do this."))


# --- checks --------------------------------------------------------------------------------------


def _text(value: Any, name: str, *, limit: int, required: bool = True) -> str:
    text = normalize_text(value) if isinstance(value, str) else ""
    if required and not text:
        raise bad(_("Required."), name)
    if len(text) > limit:
        raise bad(_("At most %(max)d characters.", max=limit), name)
    return text


def _paragraphs(value: Any, name: str, *, limit: int) -> str:
    raw = value if isinstance(value, str) else ""
    text = "\n".join(normalize_text(line) for line in raw.replace("\r\n", "\n").split("\n")).strip("\n")
    if len(text) > limit:
        raise bad(_("At most %(max)d characters.", max=limit), name)
    return text


def _collect(errors: dict[str, Any], check: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return check(*args, **kwargs)
    except BadInput as exc:
        errors.update(exc.fields or {"_form": exc.message})
        return None


def _booths(value: Any, name: str = "booths") -> int:
    if value is None:
        raise bad(_("Enter the number of booths."), name)
    if isinstance(value, bool) or not isinstance(value, int):
        raise bad(_("Enter a whole number."), name)
    if value < 1:
        raise bad(_("At least one booth."), name)
    if value > BOOTHS_MAX:
        raise bad(_("At most %(max)d.", max=Number(BOOTHS_MAX)), name)
    return value


def _region(session: Session, value: Any) -> Region:
    if isinstance(value, Region):
        return value
    code = value.strip() if isinstance(value, str) else ""
    if not code:
        raise bad(_("Choose a place from the list."), "region")
    try:
        return get_region(session, code)
    except NotFound:
        raise bad(_("Choose a place from the list."), "region") from None


@dataclass(frozen=True)
class Details:
    """What an organiser writes about a festival; dates already read from the Jalali input (None
    when they could not be read or were left empty), the booth count a whole number."""

    title: Any = ""
    theme: Any = ""
    region: Any = ""
    address: Any = ""
    starts_on: date | None = None
    ends_on: date | None = None
    apply_by: date | None = None
    booths: int | None = None
    description: Any = ""


def _check_details(
    session: Session, actor: Member, details: Details, *, accepted: int = 0, was: Festival | None = None
) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    today = today_in_iran()
    values: dict[str, Any] = {
        "title": _collect(errors, _text, details.title, "title", limit=TITLE_MAX),
        "theme": _collect(errors, _text, details.theme, "theme", limit=THEME_MAX, required=False),
        "address": _collect(errors, _text, details.address, "address", limit=ADDRESS_MAX),
        "description": _collect(
            errors, _paragraphs, details.description, "description", limit=DESCRIPTION_MAX
        ),
        "booths": _collect(errors, _booths, details.booths),
    }
    region = _collect(errors, _region, session, details.region)
    if region is not None and not may_organise(actor, region):
        errors["region"] = _("You may announce festivals only in your own area.")
        region = None
    values["region_id"] = region.id if region is not None else None
    starts, ends, apply_by = details.starts_on, details.ends_on, details.apply_by
    for name, value in (("starts_on", starts), ("ends_on", ends), ("apply_by", apply_by)):
        if not isinstance(value, date):
            errors.setdefault(name, _("Enter a date."))
    # A festival already announced keeps the dates it had even if they have now passed.
    if isinstance(starts, date) and starts < today and (was is None or starts != was.starts_on):
        errors.setdefault("starts_on", _("This date has already passed."))
    if isinstance(starts, date) and isinstance(ends, date) and ends < starts:
        errors.setdefault("ends_on", _("The last day cannot be before the first."))
    if isinstance(apply_by, date):
        if apply_by < today and (was is None or apply_by != was.apply_by):
            errors.setdefault("apply_by", _("This date has already passed."))
        elif isinstance(starts, date) and apply_by > starts:
            errors.setdefault("apply_by", _("Applications must close by the first day of the festival."))
    if values["booths"] is not None and values["booths"] < accepted:
        errors["booths"] = _(
            "%(count)s cores have been accepted already: at least that many booths.", count=Number(accepted)
        )
    if errors:
        raise BadInput(_("Please correct the marked fields."), fields=errors)
    return values | {"starts_on": starts, "ends_on": ends, "apply_by": apply_by}


# --- announcing and moving a festival on ---------------------------------------------------------


def announce(session: Session, actor: Member, details: Details) -> Festival:
    """A festival announced by a guide, a social leader or an admin in their own area."""
    if not may_organise(actor):
        raise NotAllowed(_("Only guides, social leaders and administrators announce festivals."))
    values = _check_details(session, actor, details)
    now = utcnow()
    festival = Festival(
        status=ANNOUNCED, accepted=0, organiser_id=actor.id, created_at=now, updated_at=now, **values
    )
    session.add(festival)
    session.flush()
    return festival


def lock_festival(session: Session, festival_id: int) -> Festival:
    """The festival's row, locked until the transaction ends, with fresh values.

    PostgreSQL: SELECT ... FOR UPDATE makes two organisers' answers for the last booth wait for
    each other. SQLite ignores it; its BEGIN IMMEDIATE already lets one writer in at a time.
    """
    festival = session.scalar(
        select(Festival)
        .where(Festival.id == festival_id)
        .with_for_update(of=Festival)
        .execution_options(populate_existing=True)
    )
    if festival is None:
        raise NotFound(_("No such festival."), code="unknown_festival")
    return festival


def update(session: Session, actor: Member, festival_id: int, details: Details) -> Festival:
    """The organiser corrects what they wrote, until the festival runs."""
    festival = lock_festival(session, festival_id)
    require_manager(actor, festival)
    if festival.status not in (ANNOUNCED, CLOSED):
        raise Conflict(_("A festival can be edited only until it runs."), code="festival_not_editable")
    values = _check_details(session, actor, details, accepted=festival.accepted, was=festival)
    for name, value in values.items():
        setattr(festival, name, value)
    festival.updated_at = utcnow()
    session.flush()
    return festival


def move(session: Session, actor: Member, festival_id: int, to: str) -> Festival:
    """Close or reopen applications, start or finish the festival; the organiser's steps."""
    festival = lock_festival(session, festival_id)
    require_manager(actor, festival)
    if to == CANCELLED:
        return _cancel(session, festival)
    if to not in STATUSES or to not in NEXT.get(festival.status, ()):
        raise Conflict(_("This festival cannot take this step now."), code="festival_step_refused")
    if to == ANNOUNCED and festival.apply_by < today_in_iran():
        raise Conflict(
            _("The application deadline has passed: change it before opening applications again."),
            code="deadline_passed",
        )
    festival.status = to
    festival.updated_at = utcnow()
    session.flush()
    return festival


def _cancel(session: Session, festival: Festival) -> Festival:
    if festival.status in (FINISHED, CANCELLED):
        raise Conflict(_("A finished or cancelled festival cannot be cancelled."), code="festival_over")
    festival.status = CANCELLED
    festival.cancelled_at = festival.updated_at = utcnow()
    waiting = session.scalars(
        select(Application).where(
            Application.festival_id == festival.id, Application.status.in_((APPLIED, ACCEPTED))
        )
    ).all()
    for application in waiting:
        notify(
            application.core.leader,
            messages.FESTIVAL_CANCELLED(festival=festival.title, starts=Day(festival.starts_on)),
        )
    session.flush()
    return festival


# --- finding -------------------------------------------------------------------------------------


def get_festival(session: Session, festival_id: Any) -> Festival:
    fid = chosen_id(festival_id)
    festival = session.get(Festival, fid) if fid is not None else None
    if festival is None:
        raise NotFound(_("No such festival."), code="unknown_festival")
    return festival


def _listed() -> Select[Any]:
    """Festivals for a list: each names its place with its province, loaded here, not one by one."""
    return select(Festival).options(joinedload(Festival.region).joinedload(Region.parent))


def upcoming_query(
    *, region_ids: Sequence[int] | None = None, near: Sequence[int] | None = None, today: date | None = None
) -> Select[Any]:
    """Festivals not over yet (within ``region_ids`` when given): those held in ``near`` (the
    reader's province) first, then soonest first."""
    today = today or today_in_iran()
    stmt = _listed().where(Festival.status.in_(UPCOMING), Festival.ends_on >= today)
    if region_ids is not None:
        stmt = stmt.where(Festival.region_id.in_(region_ids))
    order: list[Any] = []
    if near:
        order.append(case((Festival.region_id.in_(near), 0), else_=1))
    return stmt.order_by(*order, Festival.starts_on, Festival.id)


def organised_query(member: Member) -> Select[Any]:
    """The festivals ``member`` announced, newest first."""
    return _listed().where(Festival.organiser_id == member.id).order_by(Festival.id.desc())


def my_applications_query(member: Member) -> Select[Any]:
    """The applications of the cores ``member`` leads, newest first."""
    return (
        select(Application)
        .join(Core, Core.id == Application.core_id)
        .where(Core.leader_id == member.id)
        .options(selectinload(Application.products))
        .order_by(Application.id.desc())
    )


def applications_query(festival: Festival, status: str | None = None) -> Select[Any]:
    """A festival's applications for its organiser: waiting first, then by when they came."""
    # Each names its core's place with its province: loaded here, not one by one.
    stmt = (
        select(Application)
        .where(Application.festival_id == festival.id)
        .options(
            joinedload(Application.core).joinedload(Core.region).joinedload(Region.parent),
            # The API names each application's products: in one more query, not one per row.
            selectinload(Application.products),
        )
    )
    if status:
        stmt = stmt.where(Application.status == status)
    waiting_first = case((Application.status == APPLIED, 0), (Application.status == ACCEPTED, 1), else_=2)
    return stmt.order_by(waiting_first, Application.id)


def cores_to_apply(session: Session, member: Member) -> list[Core]:
    """The active cores ``member`` leads: those they may apply for."""
    return list(
        session.scalars(
            select(Core).where(Core.leader_id == member.id, Core.status == CORE_ACTIVE).order_by(Core.id)
        ).unique()
    )


@dataclass(frozen=True)
class Offered:
    """A core's newest listed products in M-Bazar, at most as many as asked, and whether it has more."""

    products: list[Any]
    more: bool = False

    @property
    def booth_id(self) -> int | None:
        """The core's M-Bazar booth (where all of them are), when it shows any."""
        return self.products[0].booth_id if self.products else None


def newest_products(
    session: Session, core_ids: Iterable[int], limit: int = FORM_PRODUCTS, *, photos: bool = False
) -> dict[int, Offered]:
    """The newest ``limit`` listed, visible products of each core's visible M-Bazar booth, and
    whether it has more, by core id: one query for all cores whatever their catalogues' size (a
    window numbers each booth's products, newest first), plus one for their photos when asked.

    Without ``photos`` only the id, title, price and booth are read: a list of names loads no
    photos, programmes or category."""
    ids = sorted(set(core_ids))
    if not ids:
        return {}
    Product = bazaar.Product
    ranked = (
        select(
            bazaar.Booth.core_id.label("core_id"),
            Product.id.label("product_id"),
            func.row_number()
            .over(partition_by=bazaar.Booth.core_id, order_by=Product.id.desc())
            .label("rank"),
        )
        .join(Product, Product.booth_id == bazaar.Booth.id)
        .where(bazaar.Booth.core_id.in_(ids), *ON_SALE)
        .subquery()
    )
    lean = [load_only(Product.id, Product.booth_id, Product.title, Product.price), lazyload(Product.category)]
    options = [lazyload(Product.programme_rows), *([] if photos else [*lean, lazyload(Product.photos)])]
    rows = session.execute(
        select(ranked.c.core_id, Product)
        .join(ranked, ranked.c.product_id == Product.id)
        # One past the limit says whether there are more, without counting them all.
        .where(ranked.c.rank <= limit + 1)
        .order_by(ranked.c.core_id, ranked.c.rank)
        .options(*options)
    ).all()
    found: dict[int, list[Any]] = {i: [] for i in ids}
    for core_id, product in rows:
        found[core_id].append(product)
    return {i: Offered(products[:limit], len(products) > limit) for i, products in found.items()}


# --- applying ------------------------------------------------------------------------------------


def _led_core(session: Session, actor: Member, core_ref: Any) -> Core:
    cid = chosen_id(core_ref) if not isinstance(core_ref, Core) else core_ref.id
    core = session.get(Core, cid) if cid is not None else None
    if core is None or core.leader_id != actor.id:
        raise bad(_("Choose one of the cores you lead."), "core")
    if core.status != CORE_ACTIVE:
        raise bad(_("Only an approved core may apply."), "core")
    return core


def _products(session: Session, core: Core, refs: Sequence[Any]) -> list[int]:
    if len(refs) > PRODUCTS_MAX:
        raise bad(_("At most %(max)s products.", max=Number(PRODUCTS_MAX)), "products")
    ids = []
    for ref in refs:
        pid = chosen_id(ref)
        if pid is None:
            raise bad(_("Choose products of your core's booth."), "products")
        ids.append(pid)
    if not ids:
        return []
    # Only the chosen ids are read (at most PRODUCTS_MAX), never the booth's whole catalogue.
    Booth, Product = bazaar.Booth, bazaar.Product
    offered = set(
        session.scalars(
            select(Product.id)
            .join(Booth, Booth.id == Product.booth_id)
            .where(Product.id.in_(set(ids)), Booth.core_id == core.id, *ON_SALE)
        )
    )
    if not set(ids) <= offered:
        raise bad(_("Choose products of your core's booth."), "products")
    return sorted(set(ids))


def _require_open_for_applications(festival: Festival) -> None:
    if festival.status == CANCELLED:
        raise Conflict(_("This festival was cancelled."), code="festival_cancelled")
    if festival.status != ANNOUNCED or festival.apply_by < today_in_iran():
        raise Conflict(_("Applications to this festival are closed."), code="applications_closed")


def apply(
    session: Session,
    actor: Member,
    festival_id: Any,
    *,
    core: Any,
    note: Any = "",
    products: Sequence[Any] = (),
) -> Application:
    """A core's leader applies for a booth; a withdrawn application may be made again."""
    festival = get_festival(session, festival_id)
    _require_open_for_applications(festival)
    errors: dict[str, Any] = {}
    the_core = _collect(errors, _led_core, session, actor, core)
    text = _collect(errors, _paragraphs, note, "note", limit=NOTE_MAX)
    chosen = _collect(errors, _products, session, the_core, list(products)) if the_core is not None else None
    if errors:
        raise BadInput(_("Please correct the marked fields."), fields=errors)
    application = session.scalar(
        select(Application).where(Application.festival_id == festival.id, Application.core_id == the_core.id)
    )
    if application is not None and application.status != WITHDRAWN:
        raise Conflict(_("Your core has applied to this festival already."), code="already_applied")
    if application is None:
        application = Application(festival_id=festival.id, core_id=the_core.id)
        session.add(application)
    application.status = APPLIED
    application.note = text
    application.applied_by_id = actor.id
    application.created_at = utcnow()
    application.decided_by_id = application.decided_at = None
    application.products = [ApplicationProduct(product_id=pid) for pid in chosen or ()]
    session.flush()
    return application


def get_application(session: Session, application_id: Any) -> Application:
    aid = chosen_id(application_id)
    application = session.get(Application, aid) if aid is not None else None
    if application is None:
        raise NotFound(_("No such application."), code="unknown_application")
    return application


def visible_application(session: Session, actor: Member, application_id: Any) -> Application:
    """An application its core's leader or the festival's organiser may see; 404 for others."""
    application = get_application(session, application_id)
    if application.core.leader_id != actor.id and not may_manage(actor, application.festival):
        raise NotFound(_("No such application."), code="unknown_application")
    return application


def withdraw(session: Session, actor: Member, application_id: Any) -> Application:
    """The core's leader takes the application back, until the organiser answers it."""
    application = get_application(session, application_id)
    if application.core.leader_id != actor.id:
        raise NotFound(_("No such application."), code="unknown_application")
    lock_festival(session, application.festival_id)
    session.refresh(application)
    if application.status != APPLIED:
        raise Conflict(_("Only an application still waiting can be withdrawn."), code="not_waiting")
    application.status = WITHDRAWN
    session.flush()
    return application


def decide(session: Session, actor: Member, application_id: Any, *, accept: bool) -> Application:
    """The organiser accepts or declines an application: never more accepted than booths.

    The festival's row is locked first, then the application read again, so two organisers (or two
    API calls) racing for the last booth are served one after the other and the second is refused.
    """
    application = get_application(session, application_id)
    if not may_manage(actor, application.festival):
        raise NotFound(_("No such application."), code="unknown_application")
    festival = lock_festival(session, application.festival_id)
    session.refresh(application)
    if festival.status == CANCELLED:
        raise Conflict(_("This festival was cancelled."), code="festival_cancelled")
    if festival.status == FINISHED:
        raise Conflict(_("This festival is over."), code="festival_over")
    if application.status != APPLIED:
        raise Conflict(_("This application has been answered or withdrawn already."), code="not_waiting")
    core = application.core
    if accept:
        if festival.accepted >= festival.booths:
            raise Conflict(
                _(
                    "Every booth of this festival is taken: %(count)s of %(count)s.",
                    count=Number(festival.booths),
                ),
                code="no_booth_left",
            )
        festival.accepted += 1
        application.status = ACCEPTED
        message = messages.APPLICATION_ACCEPTED(
            core=core.name,
            festival=festival.title,
            starts=Day(festival.starts_on),
            place=Named(festival.region.name_fa, festival.region.name_en),
        )
    else:
        application.status = DECLINED
        message = messages.APPLICATION_DECLINED(core=core.name, festival=festival.title)
    application.decided_by_id = actor.id
    application.decided_at = utcnow()
    notify(core.leader, message)
    session.flush()
    return application


# --- the festival's page -------------------------------------------------------------------------


@dataclass
class Booth:
    """An accepted core at the fair, with the products it brings: those it chose, or when it chose
    none its booth's newest ``PRODUCTS_MAX`` (``more`` when the booth has more than those)."""

    application: Application
    core: Core
    products: list[Any] = field(default_factory=list)
    more: bool = False

    @property
    def booth_id(self) -> int | None:
        """The core's M-Bazar booth, where all its products are (known when it shows any)."""
        return self.products[0].booth_id if self.products else None


def _chosen_products(session: Session, application_ids: list[int]) -> dict[int, list[Any]]:
    """The products each application chose that its core's booth still lists, by application id,
    with their photos (two queries). An application that chose some has its entry even when none
    is listed any more: it shows none rather than the booth's others."""
    Booth, Product = bazaar.Booth, bazaar.Product
    rows = session.execute(
        select(ApplicationProduct.application_id, Product)
        .join(Application, Application.id == ApplicationProduct.application_id)
        .outerjoin(Booth, Booth.core_id == Application.core_id)
        .outerjoin(
            Product, and_(Product.id == ApplicationProduct.product_id, Product.booth_id == Booth.id, *ON_SALE)
        )
        .where(ApplicationProduct.application_id.in_(application_ids))
        .order_by(ApplicationProduct.application_id, ApplicationProduct.product_id)
        .options(lazyload(Product.programme_rows))
    ).all()
    chosen: dict[int, list[Any]] = {}
    for application_id, product in rows:
        listed = chosen.setdefault(application_id, [])
        if product is not None:
            listed.append(product)
    return chosen


def booths_of(session: Session, festival: Festival) -> list[Booth]:
    """The accepted cores and their products (at most ``PRODUCTS_MAX`` each), in at most five
    queries whatever the number of cores and the size of their catalogues: the applications, the
    products they chose, and the newest of the booths of those that chose none (each with photos)."""
    accepted = (
        session.scalars(
            select(Application)
            .where(Application.festival_id == festival.id, Application.status == ACCEPTED)
            .options(joinedload(Application.core).joinedload(Core.region).joinedload(Region.parent))
            .order_by(Application.id)
        )
        .unique()
        .all()
    )
    if not accepted:
        return []
    chosen = _chosen_products(session, [a.id for a in accepted])
    newest = newest_products(
        session, [a.core_id for a in accepted if a.id not in chosen], PRODUCTS_MAX, photos=True
    )
    booths = []
    for application in accepted:
        if application.id in chosen:
            booths.append(Booth(application, application.core, chosen[application.id]))
        else:
            offered = newest.get(application.core_id, Offered([]))
            booths.append(Booth(application, application.core, offered.products, offered.more))
    return booths


# --- sales ---------------------------------------------------------------------------------------


def fair_window(festival: Festival) -> tuple[datetime, datetime]:
    """The festival's days in Iran as UTC times (stored times are UTC): [first day, day after last)."""

    def utc(day: date) -> datetime:
        local = datetime.combine(day, time(0), tzinfo=TEHRAN)
        return local.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)

    return utc(festival.starts_on), utc(festival.ends_on + timedelta(days=1))


def online_sales(session: Session, festival: Festival) -> dict[int, tuple[int, int]]:
    """M-Bazar orders of the accepted cores' booths placed during the fair: (orders, rials) by core
    id, counted in one query."""
    Booth, Order = bazaar.Booth, bazaar.Order
    start, end = fair_window(festival)
    accepted_cores = select(Application.core_id).where(
        Application.festival_id == festival.id, Application.status == ACCEPTED
    )
    rows = session.execute(
        select(Booth.core_id, func.count(Order.id), func.coalesce(func.sum(Order.total), 0))
        .join(Booth, Booth.id == Order.booth_id)
        .where(
            Booth.core_id.in_(accepted_cores),
            Order.status.in_(SOLD),
            Order.created_at >= start,
            Order.created_at < end,
        )
        .group_by(Booth.core_id)
    ).all()
    return {core_id: (int(n), int(total)) for core_id, n, total in rows}


def report_days() -> int:
    """The plugin's ``report_days`` setting (days after the fair to report in-person sales)."""
    from resalat_festivals import plugin

    value = plugin.setting("report_days")
    return int(value) if isinstance(value, int) and value >= 0 else REPORT_DAYS


def may_report(application: Application, today: date | None = None) -> bool:
    """Is it the time for this core to report what it sold at the fair?"""
    festival = application.festival
    today = today or today_in_iran()
    return (
        application.status == ACCEPTED
        and festival.status in (RUNNING, FINISHED)
        and festival.starts_on <= today <= festival.ends_on + timedelta(days=report_days())
    )


def report_sales(
    session: Session, actor: Member, application_id: Any, *, amount: int | None, items: int | None
) -> Application:
    """What the core sold at the fair in person (rials, items), by its leader; correctable for a
    week after the fair's last day."""
    application = get_application(session, application_id)
    if application.core.leader_id != actor.id:
        raise NotFound(_("No such application."), code="unknown_application")
    if application.status != ACCEPTED:
        raise Conflict(_("Only a core with a booth at the fair reports its sales."), code="not_accepted")
    if not may_report(application):
        raise Conflict(
            _("Sales are reported from the fair's first day until a week after its last."),
            code="not_reporting_time",
        )
    errors: dict[str, Any] = {}
    if amount is None:
        errors["amount"] = _("Enter the amount.")
    elif isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
        errors["amount"] = _("The amount cannot be negative.")
    elif amount > MAX_AMOUNT:
        errors["amount"] = _("The amount is too large.")
    if items is None:
        errors["items"] = _("Enter the number of items.")
    elif isinstance(items, bool) or not isinstance(items, int) or items < 0 or items >= 2**31:
        errors["items"] = _("Enter a whole number.")
    if errors:
        raise BadInput(_("Please correct the marked fields."), fields=errors)
    application.fair_sales = amount
    application.fair_items = items
    application.fair_reported_at = utcnow()
    session.flush()
    return application


@dataclass(frozen=True)
class CoreSales:
    """One accepted core's sales: M-Bazar orders during the fair, and what it sold in person."""

    application: Application
    orders: int
    online: int
    fair: int | None
    items: int | None

    @property
    def total(self) -> int:
        return self.online + (self.fair or 0)


@dataclass(frozen=True)
class Report:
    """The organiser's summary: totals, and each accepted core's figures."""

    festival: Festival
    cores: list[CoreSales]
    applied: int
    accepted: int
    declined: int

    @property
    def orders(self) -> int:
        return sum(c.orders for c in self.cores)

    @property
    def online(self) -> int:
        return sum(c.online for c in self.cores)

    @property
    def fair(self) -> int:
        return sum(c.fair or 0 for c in self.cores)

    @property
    def items(self) -> int:
        return sum(c.items or 0 for c in self.cores)

    @property
    def total(self) -> int:
        return self.online + self.fair

    @property
    def reported(self) -> int:
        return sum(1 for c in self.cores if c.fair is not None)


def report(session: Session, festival: Festival) -> Report:
    """The festival's figures, in four queries whatever the number of cores."""
    counts = dict(
        session.execute(
            select(Application.status, func.count(Application.id))
            .where(Application.festival_id == festival.id)
            .group_by(Application.status)
        ).all()
    )
    accepted = (
        session.scalars(
            select(Application)
            .where(Application.festival_id == festival.id, Application.status == ACCEPTED)
            .order_by(Application.id)
        )
        .unique()
        .all()
    )
    online = online_sales(session, festival)
    cores = [CoreSales(a, *online.get(a.core_id, (0, 0)), a.fair_sales, a.fair_items) for a in accepted]
    return Report(
        festival,
        cores,
        applied=int(counts.get(APPLIED, 0)),
        accepted=int(counts.get(ACCEPTED, 0)),
        declined=int(counts.get(DECLINED, 0)),
    )


def applications_waiting(session: Session, member: Member) -> int:
    """Applications waiting for this member's answer, on the festivals they organise (one query)."""
    return int(
        session.scalar(
            select(func.count(Application.id))
            .join(Festival, Festival.id == Application.festival_id)
            .where(
                Festival.organiser_id == member.id,
                Festival.status.in_((ANNOUNCED, CLOSED)),
                Application.status == APPLIED,
            )
        )
        or 0
    )


@dataclass(frozen=True)
class Figures:
    upcoming: int
    applications: int
    accepted: int
    finished: int
    fair_sales: int


def figures(session: Session, area: list[int] | None) -> Figures:
    """The dashboard's figures within ``area`` (None: nationwide), in two queries."""
    where: list[Any] = [] if area is None else [Festival.region_id.in_(area)]
    today = today_in_iran()
    upcoming, finished = session.execute(
        select(
            func.count(Festival.id).filter(and_(Festival.status.in_(UPCOMING), Festival.ends_on >= today)),
            func.count(Festival.id).filter(Festival.status == FINISHED),
        ).where(*where)
    ).one()
    applications, accepted, fair = session.execute(
        select(
            func.count(Application.id),
            func.count(Application.id).filter(Application.status == ACCEPTED),
            func.coalesce(func.sum(Application.fair_sales), 0),
        )
        .join(Festival, Festival.id == Application.festival_id)
        .where(*where, Application.status != WITHDRAWN)
    ).one()
    return Figures(
        int(upcoming or 0), int(applications or 0), int(accepted or 0), int(finished or 0), int(fair or 0)
    )


def area_for(session: Session, member: Member) -> list[int] | None:
    """Where ``member`` organises festivals (None: nationwide)."""
    return area_of(session, member, ORGANISE)

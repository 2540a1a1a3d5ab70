"""Social supervision rules: reviewing, reporting, handling reports and summing up a reputation.

No Flask here: pages, the API, the CLI and the hooks all call these, so every rule lives once.
M-Bazar is reached only through ``resalat_bazaar.services`` (declared in ``requires``).

Who may do what:
- a buyer reviews a product of one of their completed orders, or the order's booth, once per
  order; may change the review for ``review_edit_days`` days; the booth's owner replies once;
- any member reports a price or quality problem about a product or booth (not their own), with at
  most one undecided report per thing;
- social leaders and admins handle the reports of their area (the booth's region when the report
  was filed); a report outside it does not exist for them (404), and every act needs a note.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from resalat_bazaar import services as bazaar
from sqlalchemy import Select, and_, case, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, selectinload

from resalat_core.sdk import (
    BadInput,
    Conflict,
    Member,
    Message,
    NotAllowed,
    NotFound,
    Page,
    _,
    area_of,
    normalize_text,
    notify,
    paginate,
    parse_money,
    to_latin_digits,
    utcnow,
)
from resalat_supervision import plugin, setting
from resalat_supervision.models import (
    ACTIONS,
    BOOTH,
    CATEGORIES,
    CLOSE,
    CLOSED,
    DESCRIPTION_MAX,
    DISMISS,
    DISMISSED,
    HIDDEN,
    HIDE,
    KINDS,
    NOTE_MAX,
    OPEN,
    OPENED,
    PENDING,
    PRICE,
    PRODUCT,
    QUALITY,
    REPLY_MAX,
    RESOLVED,
    REVIEW_TEXT_MAX,
    STARS_MAX,
    STARS_MIN,
    STATUSES,
    TAKE,
    UNDER_REVIEW,
    UNHIDE,
    WARN,
    WARNED,
    Report,
    ReportAction,
    Review,
)

# Who handles reports: these roles, in their regions and the places under them.
HANDLER_ROLES = ("social_leader", "admin")
# Pages of the plugin, as paths (notifications and Reputation carry them; no request needed).
PREFIX = "/supervision"
TITLE_IN_MESSAGE = 80


# --- subjects: what a review or report is about ------------------------------------------------


@dataclass(frozen=True)
class Subject:
    """A booth, or a product with its booth, as M-Bazar knows them."""

    kind: str
    id: int
    booth: Any
    product: Any = None

    @property
    def title(self) -> str:
        return self.product.title if self.product is not None else self.booth.name

    @property
    def hidden(self) -> bool:
        thing = self.product if self.product is not None else self.booth
        return bool(getattr(thing, "hidden", False))


def check_kind(kind: Any) -> str:
    if kind not in KINDS:
        message = _("Choose a booth or a product.")
        raise BadInput(message, fields={"kind": message})
    return kind


def get_subject(session: Session, kind: str, subject_id: int) -> Subject:
    """The booth or product ``subject_id``; NotFound if M-Bazar has no such thing."""
    check_kind(kind)
    if kind == PRODUCT:
        product = bazaar.get_product(session, subject_id)
        return Subject(PRODUCT, product.id, bazaar.get_booth(session, product.booth_id), product)
    booth = bazaar.get_booth(session, subject_id)
    return Subject(BOOTH, booth.id, booth)


def history_path(kind: str, subject_id: int) -> str:
    """The public page of a booth's or product's rating, reviews and reports."""
    return f"{PREFIX}/{kind}s/{subject_id}"


def product_titles(session: Session, product_ids: Iterable[int]) -> dict[int, str]:
    """Titles of these products, in one query (for lists that mix booths' and products' rows)."""
    ids = sorted(set(product_ids))
    if not ids:
        return {}
    rows = session.execute(select(bazaar.Product.id, bazaar.Product.title).where(bazaar.Product.id.in_(ids)))
    return {pid: title for pid, title in rows}


def booth_names(session: Session, booth_ids: Iterable[int]) -> dict[int, str]:
    """Names of these booths, in one query."""
    ids = sorted(set(booth_ids))
    if not ids:
        return {}
    rows = session.execute(select(bazaar.Booth.id, bazaar.Booth.name).where(bazaar.Booth.id.in_(ids)))
    return {bid: name for bid, name in rows}


def subject_titles(session: Session, rows: Iterable[Review | Report]) -> dict[tuple[str, int], str]:
    """``{(kind, subject_id): title}`` for a list of reviews or reports: two queries at most."""
    rows = list(rows)
    products = product_titles(session, (r.subject_id for r in rows if r.kind == PRODUCT))
    booths = booth_names(session, (r.subject_id for r in rows if r.kind == BOOTH))
    titles = {(PRODUCT, k): v for k, v in products.items()}
    titles.update({(BOOTH, k): v for k, v in booths.items()})
    return titles


def _about(model: type[Review] | type[Report], kind: str, subject_id: int) -> Any:
    """Rows about a subject: a booth takes in its products' rows too, a product only its own."""
    if kind == BOOTH:
        return model.booth_id == subject_id
    return and_(model.kind == PRODUCT, model.subject_id == subject_id)


# --- text --------------------------------------------------------------------------------------


def clean_paragraphs(raw: Any, *, field: str, limit: int, required: bool = False) -> str:
    """User text normalised line by line (line breaks kept); BadInput naming ``field`` if bad."""
    text = raw if isinstance(raw, str) else ("" if raw is None else str(raw))
    lines = [normalize_text(line) for line in text.replace("\r\n", "\n").split("\n")]
    # Runs of blank lines collapse to one paragraph break.
    kept: list[str] = []
    for line in lines:
        if line or (kept and kept[-1]):
            kept.append(line)
    cleaned = "\n".join(kept).strip("\n")
    if required and not cleaned:
        message = _("Required.")
        raise BadInput(message, fields={field: message})
    if len(cleaned) > limit:
        message = _("At most %(max)d characters.", max=limit)
        raise BadInput(message, fields={field: message})
    return cleaned


def check_stars(raw: Any) -> int:
    """Stars as a whole number from 1 to 5 (Persian digits welcome); BadInput otherwise."""
    message = _("Give from %(min)d to %(max)d stars.", min=STARS_MIN, max=STARS_MAX)
    if isinstance(raw, bool):
        raise BadInput(message, fields={"stars": message})
    try:
        stars = int(to_latin_digits(str(raw)).strip()) if not isinstance(raw, int) else raw
    except ValueError:
        raise BadInput(message, fields={"stars": message}) from None
    if not STARS_MIN <= stars <= STARS_MAX:
        raise BadInput(message, fields={"stars": message})
    return stars


def _merge_errors(*checks: Any) -> list[Any]:
    """Run every check and report every bad field together (so a form shows them all at once)."""
    errors: dict[str, Any] = {}
    values = []
    for check in checks:
        try:
            values.append(check())
        except BadInput as exc:
            errors.update(exc.fields)
            values.append(None)
    if errors:
        raise BadInput(_("Please correct the marked fields."), fields=errors)
    return values


# --- reviews -----------------------------------------------------------------------------------


def edit_window() -> timedelta:
    return timedelta(days=int(setting("review_edit_days")))


def can_edit(review: Review, member: Member | None) -> bool:
    return (
        member is not None and review.author_id == member.id and utcnow() <= review.created_at + edit_window()
    )


def _completed_orders_with(member: Member, subject: Subject) -> Select[Any]:
    order, item = bazaar.Order, bazaar.OrderItem
    stmt = select(order.id).where(order.buyer_id == member.id, order.status == bazaar.COMPLETED)
    if subject.kind == PRODUCT:
        return stmt.where(order.id.in_(select(item.order_id).where(item.product_id == subject.id)))
    return stmt.where(order.booth_id == subject.id)


def _order_has(session: Session, order: Any, subject: Subject) -> bool:
    if subject.kind == BOOTH:
        return order.booth_id == subject.id
    item = bazaar.OrderItem
    found = session.scalar(
        select(item.order_id).where(item.order_id == order.id, item.product_id == subject.id).limit(1)
    )
    return found is not None


def _reviewed(session: Session, order_id: int, subject: Subject) -> bool:
    return (
        session.scalar(
            select(Review.id).where(
                Review.order_id == order_id, Review.kind == subject.kind, Review.subject_id == subject.id
            )
        )
        is not None
    )


def _order_to_review(session: Session, member: Member, subject: Subject, order_id: int | None) -> int:
    """The completed order of ``member`` this review is for; NotAllowed / Conflict otherwise."""
    not_bought = NotAllowed(
        _("Only a buyer whose order with it was completed can review it."), code="no_completed_order"
    )
    if order_id is not None:
        try:
            order = bazaar.get_order(session, order_id)
        except NotFound:
            raise not_bought from None
        if (
            order.buyer_id != member.id
            or order.status != bazaar.COMPLETED
            or not _order_has(session, order, subject)
        ):
            raise not_bought
        if _reviewed(session, order.id, subject):
            raise _already_reviewed()
        return order.id
    if subject.kind == PRODUCT:
        order = bazaar.buyer_completed_order_with(session, member, product_id=subject.id)
    else:
        order = bazaar.buyer_completed_order_with(session, member, booth_id=subject.id)
    if order is None:
        raise not_bought
    if not _reviewed(session, order.id, subject):
        return order.id
    # That purchase is reviewed already; another completed one may not be.
    unreviewed = session.scalar(
        _completed_orders_with(member, subject)
        .where(
            ~select(Review.id)
            .where(
                Review.order_id == bazaar.Order.id,
                Review.kind == subject.kind,
                Review.subject_id == subject.id,
            )
            .exists()
        )
        .order_by(bazaar.Order.id.desc())
        .limit(1)
    )
    if unreviewed is None:
        raise _already_reviewed()
    return unreviewed


def _already_reviewed() -> Conflict:
    return Conflict(
        _("You have already reviewed this purchase; you can change your review instead."),
        code="already_reviewed",
    )


def may_review(session: Session, member: Member | None, subject: Subject) -> bool:
    """Has ``member`` a completed purchase of this subject (reviewed or not)? For showing the button."""
    if member is None or subject.booth.owner_id == member.id:
        return False
    if subject.kind == PRODUCT:
        return bazaar.buyer_completed_order_with(session, member, product_id=subject.id) is not None
    return bazaar.buyer_completed_order_with(session, member, booth_id=subject.id) is not None


def create_review(
    session: Session,
    member: Member,
    *,
    kind: str,
    subject_id: int,
    stars: Any,
    text: Any = "",
    order_id: int | None = None,
) -> Review:
    """``member`` reviews a product or booth they bought from (a completed order); returns the review.

    Bad stars or text: BadInput. No completed order with it: NotAllowed. That purchase already
    reviewed: Conflict. Nothing is stored on any refusal.
    """
    stars, text = _merge_errors(
        lambda: check_stars(stars),
        lambda: clean_paragraphs(text, field="text", limit=REVIEW_TEXT_MAX),
    )
    subject = get_subject(session, kind, subject_id)
    if subject.booth.owner_id == member.id:
        raise NotAllowed(_("You cannot review your own booth or its products."), code="own_booth")
    chosen = _order_to_review(session, member, subject, order_id)
    review = Review(
        kind=subject.kind,
        subject_id=subject.id,
        booth_id=subject.booth.id,
        order_id=chosen,
        author=member,
        stars=stars,
        text=text,
        created_at=utcnow(),
    )
    try:
        with session.begin_nested():
            session.add(review)
    except IntegrityError:
        # The same purchase reviewed by a request that got in first.
        raise _already_reviewed() from None
    return review


def get_review(session: Session, review_id: int) -> Review:
    review = session.scalar(select(Review).where(Review.id == review_id).options(joinedload(Review.author)))
    if review is None:
        raise NotFound(_("No such review."), code="unknown_review")
    return review


def edit_review(session: Session, member: Member, review_id: int, *, stars: Any, text: Any = "") -> Review:
    """The author changes their review's stars and text, within the edit window."""
    review = get_review(session, review_id)
    if review.author_id != member.id:
        raise NotAllowed(_("Only its author can change a review."), code="not_author")
    if not can_edit(review, member):
        raise NotAllowed(
            _("A review can be changed for %(days)d days after it was written.", days=edit_window().days),
            code="edit_window_closed",
        )
    review.stars, review.text = _merge_errors(
        lambda: check_stars(stars),
        lambda: clean_paragraphs(text, field="text", limit=REVIEW_TEXT_MAX),
    )
    review.edited_at = utcnow()
    session.flush()
    return review


def reply_to_review(session: Session, member: Member, review_id: int, text: Any) -> Review:
    """The booth's owner answers a review, once."""
    review = get_review(session, review_id)
    booth = bazaar.get_booth(session, review.booth_id)
    if booth.owner_id != member.id:
        raise NotAllowed(_("Only the booth's owner can reply to its reviews."), code="not_seller")
    if review.reply is not None:
        raise Conflict(_("This review already has your reply."), code="already_replied")
    review.reply = clean_paragraphs(text, field="reply", limit=REPLY_MAX, required=True)
    review.replied_at = utcnow()
    session.flush()
    return review


def reviews_of(
    session: Session, kind: str, subject_id: int, *, page: int = 1, per_page: int = 20
) -> Page[Review]:
    """One page of a booth's (its own and its products') or a product's reviews, newest first."""
    check_kind(kind)
    stmt = (
        select(Review)
        .where(_about(Review, kind, subject_id))
        .options(joinedload(Review.author))
        .order_by(Review.id.desc())
    )
    return paginate(session, stmt, page, per_page)


def reviews_by(session: Session, member: Member, *, page: int = 1, per_page: int = 20) -> Page[Review]:
    """``member``'s own reviews, newest first."""
    stmt = (
        select(Review)
        .where(Review.author_id == member.id)
        .options(joinedload(Review.author))
        .order_by(Review.id.desc())
    )
    return paginate(session, stmt, page, per_page)


@dataclass
class OrderToReview:
    """A completed order as its buyer sees it on the review page: what they can still review."""

    order: Any
    booth: Any
    products: list[Any]
    reviews: dict[tuple[str, int], Review] = field(default_factory=dict)

    def review_of(self, kind: str, subject_id: int) -> Review | None:
        return self.reviews.get((kind, subject_id))


def order_to_review(session: Session, member: Member, order_id: int) -> OrderToReview:
    """The buyer's completed order ``order_id`` with its booth, products and existing reviews.

    Someone else's order is NotFound (ids reveal nothing); an order not yet completed is NotAllowed.
    """
    try:
        order = bazaar.get_order(session, order_id)
    except NotFound:
        raise NotFound(_("No such order among yours."), code="unknown_order") from None
    if order.buyer_id != member.id:
        raise NotFound(_("No such order among yours."), code="unknown_order")
    if order.status != bazaar.COMPLETED:
        raise NotAllowed(
            _("You can review an order once you have confirmed receiving it."), code="order_not_completed"
        )
    item = bazaar.OrderItem
    product_ids = select(item.product_id).where(item.order_id == order.id)
    products = list(
        session.scalars(
            select(bazaar.Product).where(bazaar.Product.id.in_(product_ids)).order_by(bazaar.Product.id)
        )
    )
    reviews = {
        (r.kind, r.subject_id): r for r in session.scalars(select(Review).where(Review.order_id == order.id))
    }
    return OrderToReview(order, bazaar.get_booth(session, order.booth_id), products, reviews)


def invite_review(session: Session, order: Any) -> Any:
    """Tell the buyer of a completed order that they can review it (through the notifications)."""
    buyer = session.get(Member, order.buyer_id)
    if buyer is None:
        return None
    number = order.id
    return notify(
        buyer,
        Message(
            title_fa="سفارش شما تحویل شد؛ نظرتان را بنویسید",
            title_en="Your order arrived: how was it?",
            body_fa=(
                f"به کالاهای سفارش {number} و غرفه‌ی فروشنده ستاره بدهید و تجربه‌تان را بنویسید؛ "
                "نظر شما به اعضای دیگر در خرید کمک می‌کند."
            ),
            body_en=(
                f"Give stars to the products of order {number} and its booth, and tell how it went: "
                "your review helps other members buy well."
            ),
            url=f"{PREFIX}/orders/{order.id}/review",
            source=plugin.name,
            kind="review.invite",
        ),
    )


# --- reports -----------------------------------------------------------------------------------


def _price(raw: Any, name: str) -> int:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        message = _("Required for a price report.")
        raise BadInput(message, fields={name: message})
    rials = parse_money(raw, unit="toman", field=name)
    if rials <= 0:
        message = _("Must be more than zero.")
        raise BadInput(message, fields={name: message})
    return rials


def _category(raw: Any) -> str:
    if raw not in CATEGORIES:
        message = _("Choose price or quality.")
        raise BadInput(message, fields={"category": message})
    return raw


def file_report(
    session: Session,
    member: Member,
    *,
    kind: str,
    subject_id: int,
    category: str,
    description: Any,
    seen_price: Any = None,
    reference_price: Any = None,
) -> Report:
    """``member`` reports a price or quality problem about a product or booth; returns the report.

    A price report needs the price seen and a reference price, in tomans as typed (stored in
    rials). Your own booth: NotAllowed. An undecided report of yours about the same thing:
    Conflict. Nothing is stored on any refusal.
    """
    checks = [
        lambda: check_kind(kind),
        lambda: _category(category),
        lambda: clean_paragraphs(description, field="description", limit=DESCRIPTION_MAX, required=True),
    ]
    if category == PRICE:
        checks += [
            lambda: _price(seen_price, "seen_price"),
            lambda: _price(reference_price, "reference_price"),
        ]
    values = _merge_errors(*checks)
    category_value, description_text = values[1], values[2]
    seen, reference = (values[3], values[4]) if category == PRICE else (None, None)
    subject = get_subject(session, kind, subject_id)
    if subject.booth.owner_id == member.id:
        raise NotAllowed(_("You cannot report your own booth or its products."), code="own_booth")
    if _pending_report_of(session, member, subject) is not None:
        raise _duplicate_report()
    now = utcnow()
    report = Report(
        kind=subject.kind,
        subject_id=subject.id,
        booth_id=subject.booth.id,
        region_id=bazaar.booth_region_id(session, subject.booth),
        reporter_id=member.id,
        category=category_value,
        seen_price=seen,
        reference_price=reference,
        description=description_text,
        status=OPEN,
        created_at=now,
        updated_at=now,
    )
    try:
        with session.begin_nested():
            session.add(report)
            session.flush()
            session.add(
                ReportAction(
                    report_id=report.id,
                    actor_id=member.id,
                    action=OPENED,
                    from_status=None,
                    to_status=OPEN,
                    created_at=now,
                )
            )
    except IntegrityError:
        raise _duplicate_report() from None
    return report


def _pending_report_of(session: Session, member: Member, subject: Subject) -> int | None:
    return session.scalar(
        select(Report.id).where(
            Report.reporter_id == member.id,
            Report.kind == subject.kind,
            Report.subject_id == subject.id,
            Report.status.in_(PENDING),
        )
    )


def _duplicate_report() -> Conflict:
    return Conflict(
        _("You already have an open report about this; it is being looked into."), code="duplicate_report"
    )


def reports_by(session: Session, member: Member, *, page: int = 1, per_page: int = 20) -> Page[Report]:
    """``member``'s own reports, newest first."""
    stmt = (
        select(Report)
        .where(Report.reporter_id == member.id)
        .options(joinedload(Report.reporter), joinedload(Report.region))
        .order_by(Report.id.desc())
    )
    return paginate(session, stmt, page, per_page)


def reports_about(
    session: Session, kind: str, subject_id: int, *, page: int = 1, per_page: int = 20
) -> Page[Report]:
    """A booth's (with its products') or a product's report history, newest first.

    For public pages: the rows carry category, status and outcome; the reporter is never loaded.
    """
    check_kind(kind)
    stmt = select(Report).where(_about(Report, kind, subject_id)).order_by(Report.id.desc())
    return paginate(session, stmt, page, per_page)


# --- handling ----------------------------------------------------------------------------------


def handler_area(session: Session, member: Member) -> list[int] | None:
    """Region ids whose reports ``member`` handles (None: everywhere; empty: nowhere)."""
    return area_of(session, member, HANDLER_ROLES)


def is_handler(member: Member | None) -> bool:
    return member is not None and any(g.role in HANDLER_ROLES for g in member.roles)


def _in_area(stmt: Select[Any], area: list[int] | None) -> Select[Any]:
    return stmt if area is None else stmt.where(Report.region_id.in_(area))


def queue(
    session: Session,
    member: Member,
    *,
    statuses: Iterable[str] = PENDING,
    page: int = 1,
    per_page: int = 20,
) -> Page[Report]:
    """The reports of ``member``'s area in these statuses (default: undecided), oldest first."""
    wanted = list(statuses)
    unknown = [s for s in wanted if s not in STATUSES]
    if unknown or not wanted:
        message = _("Unknown status; choose from: %(statuses)s.", statuses=", ".join(STATUSES))
        raise BadInput(message, fields={"status": message})
    area = handler_area(session, member)
    stmt = (
        _in_area(select(Report).where(Report.status.in_(wanted)), area)
        .options(joinedload(Report.reporter), joinedload(Report.region))
        .order_by(Report.id.asc())
    )
    return paginate(session, stmt, page, per_page)


def pending_in_area(session: Session, member: Member) -> int:
    """How many undecided reports wait in ``member``'s area (the handler's tile badge)."""
    area = handler_area(session, member)
    if area == []:
        return 0
    stmt = _in_area(select(func.count(Report.id)).where(Report.status.in_(PENDING)), area)
    return session.scalar(stmt) or 0


def _with_history(stmt: Select[Any]) -> Select[Any]:
    return stmt.options(
        joinedload(Report.reporter),
        joinedload(Report.region),
        selectinload(Report.actions).joinedload(ReportAction.actor),
    )


def get_report(session: Session, member: Member, report_id: int) -> Report:
    """A report with its history, for its reporter or a handler of its area; NotFound for others."""
    report = session.scalar(_with_history(select(Report).where(Report.id == report_id)))
    if report is None or not (report.reporter_id == member.id or handles(session, member, report)):
        raise NotFound(_("No such report."), code="unknown_report")
    return report


def handles(session: Session, member: Member, report: Report) -> bool:
    """Is ``report`` in the area ``member`` handles?"""
    if not is_handler(member):
        return False
    area = handler_area(session, member)
    return area is None or report.region_id in area


def handled_report(session: Session, member: Member, report_id: int) -> Report:
    """A report of ``member``'s area, locked for a decision; NotFound outside the area."""
    stmt = select(Report).where(Report.id == report_id).with_for_update()
    report = session.scalar(stmt)
    if report is None or not handles(session, member, report):
        raise NotFound(_("No such report in your area."), code="unknown_report")
    return report


# action -> (statuses it may start from, status it leads to, outcome it records)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str | None, str | None]] = {
    TAKE: ((OPEN,), UNDER_REVIEW, None),
    WARN: (PENDING, RESOLVED, WARNED),
    HIDE: (PENDING, RESOLVED, HIDDEN),
    DISMISS: (PENDING, RESOLVED, DISMISSED),
    CLOSE: ((OPEN, UNDER_REVIEW, RESOLVED), CLOSED, None),
    UNHIDE: (STATUSES, None, None),  # keeps the status; needs the hiding still in force
}


def allowed_actions(report: Report) -> list[str]:
    """What a handler may do to ``report`` now (for the buttons on its page)."""
    found = [a for a, (sources, _to, _o) in TRANSITIONS.items() if a != UNHIDE and report.status in sources]
    if report.subject_hidden:
        found.append(UNHIDE)
    return [a for a in ACTIONS if a in found]


def act(session: Session, member: Member, report_id: int, *, action: Any, note: Any) -> Report:
    """A handler decides on a report: review, warn, hide, unhide, dismiss or close, with a note.

    Outside the handler's area: NotFound. No note or an unknown action: BadInput. An act the
    report's status does not allow: Conflict. Warning or hiding tells the seller; a decision
    tells the reporter.
    """
    report = handled_report(session, member, report_id)
    if action not in ACTIONS:
        message = _("Choose what to do: %(actions)s.", actions=", ".join(ACTIONS))
        raise BadInput(message, fields={"action": message})
    note_text = clean_paragraphs(note, field="note", limit=NOTE_MAX, required=True)
    sources, to_status, outcome = TRANSITIONS[action]
    if action == UNHIDE and not report.subject_hidden:
        raise Conflict(_("Nothing is hidden by this report."), code="not_hidden")
    if report.status not in sources:
        raise Conflict(
            _("This report is %(status)s; that cannot be done now.", status=status_label(report.status)),
            code="bad_transition",
        )
    subject = get_subject(session, report.kind, report.subject_id)
    before = report.status
    now = utcnow()
    if action == HIDE:
        _set_hidden(session, subject, True, note_text)
        report.subject_hidden = True
    elif action == UNHIDE:
        _set_hidden(session, subject, False, note_text)
        # Every report that hid it is undone together: the thing is visible again.
        session.execute(
            update(Report)
            .where(Report.kind == report.kind, Report.subject_id == report.subject_id)
            .values(subject_hidden=False)
            .execution_options(synchronize_session="fetch")
        )
    if to_status is not None:
        report.status = to_status
    if outcome is not None:
        report.outcome = outcome
    report.updated_at = now
    session.add(
        ReportAction(
            report_id=report.id,
            actor_id=member.id,
            action=action,
            from_status=before,
            to_status=report.status,
            note=note_text,
            created_at=now,
        )
    )
    session.flush()
    if action == WARN:
        # (Hiding is told to the seller by M-Bazar itself, with the note as the reason.)
        _tell_seller(session, report, subject, note_text)
    if action in (WARN, HIDE, DISMISS, CLOSE) and before in PENDING:
        _tell_reporter(session, report, subject, action)
    return report


def _set_hidden(session: Session, subject: Subject, hidden: bool, reason: str) -> None:
    if subject.kind == PRODUCT:
        bazaar.set_product_hidden(session, subject.product, hidden, reason=reason)
    else:
        bazaar.set_booth_hidden(session, subject.booth, hidden, reason=reason)


def _short(title: str) -> str:
    return title if len(title) <= TITLE_IN_MESSAGE else title[: TITLE_IN_MESSAGE - 1] + "…"


CATEGORY_WORDS = {PRICE: ("قیمت", "price"), QUALITY: ("کیفیت", "quality")}


def _tell_seller(session: Session, report: Report, subject: Subject, note: str) -> None:
    seller = session.get(Member, subject.booth.owner_id)
    if seller is None:
        return
    title = _short(subject.title)
    word_fa, word_en = CATEGORY_WORDS[report.category]
    notify(
        seller,
        Message(
            title_fa=f"هشدار نظارت اجتماعی درباره‌ی «{title}»",
            title_en=f"A social supervision warning about “{title}”",
            body_fa=f"پس از بررسی گزارش یک عضو درباره‌ی {word_fa}، ناظر منطقه هشدار داد: {note}",
            body_en=(
                f"After looking into a member's report about {word_en}, your area's supervisor warns: {note}"
            ),
            url=history_path(subject.kind, subject.id),
            source=plugin.name,
            kind="report.warned",
        ),
    )


OUTCOME_WORDS = {
    WARN: ("به فروشنده هشدار داده شد", "the seller was warned"),
    HIDE: ("از ام‌بازار پنهان شد", "it was hidden from M-Bazar"),
    DISMISS: ("پس از بررسی رد شد", "it was dismissed after review"),
    CLOSE: ("بسته شد", "it was closed"),
}


def _tell_reporter(session: Session, report: Report, subject: Subject, action: str) -> None:
    reporter = session.get(Member, report.reporter_id)
    if reporter is None:
        return
    title = _short(subject.title)
    what_fa, what_en = OUTCOME_WORDS[action]
    notify(
        reporter,
        Message(
            title_fa=f"به گزارش شما درباره‌ی «{title}» رسیدگی شد",
            title_en=f"Your report about “{title}” was handled",
            body_fa=f"نتیجه: {what_fa}. از اینکه در نظارت اجتماعی سهم دارید سپاسگزاریم.",
            body_en=f"Outcome: {what_en}. Thank you for taking part in social supervision.",
            url=f"{PREFIX}/reports/{report.id}",
            source=plugin.name,
            kind="report.handled",
        ),
    )


# --- reputation and figures --------------------------------------------------------------------


def reputation(session: Session, kind: str, subject_id: int) -> bazaar.Reputation | None:
    """What the community says about a booth (with its products) or a product: two queries.

    None for a kind this plugin does not know. ``hidden`` is True while a handler's decision to
    hide this very booth or product is in force.
    """
    if kind not in KINDS:
        return None
    rating, count = session.execute(
        select(func.avg(Review.stars), func.count(Review.id)).where(_about(Review, kind, subject_id))
    ).one()
    is_this = and_(Report.kind == kind, Report.subject_id == subject_id, Report.subject_hidden.is_(True))
    open_reports, hidden = session.execute(
        select(
            func.coalesce(func.sum(case((Report.status.in_(PENDING), 1), else_=0)), 0),
            func.coalesce(func.max(case((is_this, 1), else_=0)), 0),
        ).where(_about(Report, kind, subject_id))
    ).one()
    return bazaar.Reputation(
        rating=round(float(rating), 2) if rating is not None else None,
        reviews=int(count or 0),
        open_reports=int(open_reports or 0),
        url=history_path(kind, subject_id),
        hidden=bool(hidden),
    )


@dataclass(frozen=True)
class Stats:
    reviews: int
    average_stars: float | None
    reports_by_status: dict[str, int]
    reports_by_outcome: dict[str, int]

    @property
    def pending(self) -> int:
        return sum(self.reports_by_status.get(s, 0) for s in PENDING)

    def as_dict(self) -> dict[str, Any]:
        return {
            "reviews": self.reviews,
            "average_stars": self.average_stars,
            "reports_by_status": self.reports_by_status,
            "reports_by_outcome": self.reports_by_outcome,
            "pending": self.pending,
        }


def stats(session: Session) -> Stats:
    """Counts across the ecosystem: reviews and their average, reports by status and outcome."""
    count, avg = session.execute(select(func.count(Review.id), func.avg(Review.stars))).one()
    by_status = {s: 0 for s in STATUSES}
    by_outcome = {o: 0 for o in (WARNED, HIDDEN, DISMISSED)}
    for status, outcome, n in session.execute(
        select(Report.status, Report.outcome, func.count(Report.id)).group_by(Report.status, Report.outcome)
    ):
        by_status[status] = by_status.get(status, 0) + n
        if outcome is not None:
            by_outcome[outcome] = by_outcome.get(outcome, 0) + n
    return Stats(
        reviews=int(count or 0),
        average_stars=round(float(avg), 2) if avg is not None else None,
        reports_by_status=by_status,
        reports_by_outcome=by_outcome,
    )


# --- labels (pages, API and CLI share them) ----------------------------------------------------


def status_label(status: str) -> str:
    labels = {
        OPEN: _("open"),
        UNDER_REVIEW: _("under review"),
        RESOLVED: _("resolved"),
        CLOSED: _("closed"),
    }
    return str(labels.get(status, status))


def outcome_label(outcome: str | None) -> str:
    labels = {WARNED: _("seller warned"), HIDDEN: _("hidden"), DISMISSED: _("dismissed")}
    return str(labels.get(outcome, outcome or ""))


def category_label(category: str) -> str:
    labels = {PRICE: _("price"), QUALITY: _("quality")}
    return str(labels.get(category, category))


def action_label(action: str) -> str:
    labels = {
        OPENED: _("reported"),
        TAKE: _("taken up for review"),
        WARN: _("seller warned"),
        HIDE: _("hidden"),
        UNHIDE: _("shown again"),
        DISMISS: _("dismissed"),
        CLOSE: _("closed"),
    }
    return str(labels.get(action, action))

"""Buyers' reviews: written once per completed purchase, changed for a while, answered once by the seller.

A buyer reviews a product of one of their completed orders, or the order's booth, once per order;
may change the review for ``review_edit_days`` days; the booth's owner replies once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from resalat_bazaar import services as bazaar
from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from resalat_core.sdk import (
    BadInput,
    Conflict,
    Member,
    NotAllowed,
    NotFound,
    Page,
    _,
    notify,
    paginate,
    to_latin_digits,
    utcnow,
)
from resalat_supervision import plugin
from resalat_supervision.messages import REVIEW_INVITE
from resalat_supervision.models import (
    BOOTH,
    PRODUCT,
    REPLY_MAX,
    REVIEW_TEXT_MAX,
    STARS_MAX,
    STARS_MIN,
    Review,
)
from resalat_supervision.services.subjects import PREFIX, Subject, about, check_kind, get_subject
from resalat_supervision.services.text import clean_paragraphs, merge_errors

# Held by every member; the views ask for it with ``require`` (see views.py).
REVIEW = "supervision.review"


def check_stars(raw: Any) -> int:
    """Stars as a whole number from 1 to 5 (a form's radio button, Persian digits welcome)."""
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


def edit_window() -> timedelta:
    return timedelta(days=int(plugin.setting("review_edit_days")))


def can_edit(review: Review, member: Member | None) -> bool:
    return (
        member is not None and review.author_id == member.id and utcnow() <= review.created_at + edit_window()
    )


# --- which purchase a review is for ------------------------------------------------------------


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


def _not_bought() -> NotAllowed:
    return NotAllowed(
        _("Only a buyer whose order with it was completed can review it."), code="no_completed_order"
    )


def _already_reviewed() -> Conflict:
    return Conflict(
        _("You have already reviewed this purchase; you can change your review instead."),
        code="already_reviewed",
    )


def _named_order(session: Session, member: Member, subject: Subject, order_id: int) -> int:
    """The order the buyer named, if it is theirs, completed, with the subject, and unreviewed."""
    try:
        order = bazaar.get_order(session, order_id)
    except NotFound:
        raise _not_bought() from None
    if (
        order.buyer_id != member.id
        or order.status != bazaar.COMPLETED
        or not _order_has(session, order, subject)
    ):
        raise _not_bought()
    if _reviewed(session, order.id, subject):
        raise _already_reviewed()
    return int(order.id)


def _order_to_review(session: Session, member: Member, subject: Subject, order_id: int | None) -> int:
    """The completed order of ``member`` this review is for; NotAllowed / Conflict otherwise."""
    if order_id is not None:
        return _named_order(session, member, subject, order_id)
    if subject.kind == PRODUCT:
        order = bazaar.buyer_completed_order_with(session, member, product_id=subject.id)
    else:
        order = bazaar.buyer_completed_order_with(session, member, booth_id=subject.id)
    if order is None:
        raise _not_bought()
    if not _reviewed(session, order.id, subject):
        return int(order.id)
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
    return int(unreviewed)


def may_review(session: Session, member: Member | None, subject: Subject) -> bool:
    """Has ``member`` a completed purchase of this subject (reviewed or not)? For showing the button."""
    if member is None or subject.booth.owner_id == member.id:
        return False
    if subject.kind == PRODUCT:
        return bazaar.buyer_completed_order_with(session, member, product_id=subject.id) is not None
    return bazaar.buyer_completed_order_with(session, member, booth_id=subject.id) is not None


# --- writing, changing, answering --------------------------------------------------------------


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
    stars, text = merge_errors(
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
    """The review with this id, its author loaded; NotFound otherwise."""
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
    review.stars, review.text = merge_errors(
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


# --- reading -----------------------------------------------------------------------------------


def reviews_of(
    session: Session, kind: str, subject_id: int, *, page: int = 1, per_page: int = 20
) -> Page[Review]:
    """One page of a booth's (its own and its products') or a product's reviews, newest first."""
    check_kind(kind)
    stmt = (
        select(Review)
        .where(about(Review, kind, subject_id))
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
    return notify(buyer, REVIEW_INVITE(url=f"{PREFIX}/orders/{order.id}/review", order=int(order.id)))

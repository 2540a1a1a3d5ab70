"""The demo's social supervision: buyers' reviews of M-Bazar's completed orders, and a few reports."""

from __future__ import annotations

from itertools import count
from typing import Any

from resalat_bazaar import services as bazaar
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from resalat_core.sdk import (
    Member,
    Region,
    ResalatError,
    add_demo_members,
    utcnow,
)
from resalat_supervision import services
from resalat_supervision.models import (
    BOOTH,
    CLOSE,
    CLOSED,
    DISMISS,
    DISMISSED,
    OPEN,
    OPENED,
    PRICE,
    PRODUCT,
    QUALITY,
    RESOLVED,
    TAKE,
    UNDER_REVIEW,
    WARN,
    Report,
    ReportAction,
    Review,
)

# (stars, text): what buyers in a village market might say.
REVIEWS = (
    (5, "جنس عالی و تازه بود و به‌موقع رسید. دست‌شان درد نکند."),
    (4, "کیفیت خوب بود؛ بسته‌بندی می‌توانست محکم‌تر باشد."),
    (5, "همان چیزی بود که در عکس دیده بودم. باز هم از این غرفه می‌خرم."),
    (3, "بد نبود، ولی کمی دیرتر از قول فروشنده رسید."),
)
BOOTH_REVIEW = (5, "فروشنده‌ی خوش‌قول و مهربان؛ به سؤال‌هایم زود جواب داد.")
REPLY = "از لطف شما ممنونیم؛ خوشحالیم که راضی بودید."
# Who files the demo reports, in order of preference (never the booth's own owner). Only the
# personas of roles declared by the plugins installed exist: the host's member always does.
REPORTERS = ("member", "guide", "supporter")


def load(session: Session, world: Any) -> None:
    """Add the reviews and reports to the demo world (M-Bazar's part is already there)."""
    reviews = _reviews(session)
    reports = _reports(session, world)
    world.extras["supervision"] = {"reviews": reviews, "reports": reports}


def _reviews(session: Session) -> list[Review]:
    """Buyers review the products and booth of every completed demo order (if bazaar made any)."""
    orders = list(
        session.scalars(
            select(bazaar.Order).where(bazaar.Order.status == bazaar.COMPLETED).order_by(bazaar.Order.id)
        )
    )
    made: list[Review] = []
    for n, order in enumerate(orders):
        buyer = session.get(Member, order.buyer_id)
        item = bazaar.OrderItem
        product_ids = sorted(set(session.scalars(select(item.product_id).where(item.order_id == order.id))))
        wanted = [(PRODUCT, pid, REVIEWS[(n + j) % len(REVIEWS)]) for j, pid in enumerate(product_ids)]
        wanted.append((BOOTH, order.booth_id, BOOTH_REVIEW))
        for kind, subject_id, (stars, text) in wanted:
            try:
                made.append(
                    services.create_review(
                        session,
                        buyer,
                        kind=kind,
                        subject_id=subject_id,
                        stars=stars,
                        text=text,
                        order_id=order.id,
                    )
                )
            except ResalatError:
                continue  # a demo order bazaar shaped differently: skip it, keep the rest
    if made:
        answered = made[0]
        owner = session.get(Member, bazaar.get_booth(session, answered.booth_id).owner_id)
        if owner is not None:
            services.reply_to_review(session, owner, answered.id, REPLY)
    session.flush()
    return made


def _zanjan_area(session: Session, world: Any) -> set[int]:
    zanjan = world.region("zanjan")
    places = select(Region.id).where((Region.id == zanjan.id) | (Region.parent_id == zanjan.id))
    return set(session.scalars(places))


def _plans(booths: list[Any], products: list[Any]) -> list[dict[str, Any]]:
    """Two open reports and one the administrator takes up and warns about."""
    plans: list[dict[str, Any]] = []
    if products:
        plans.append(
            {
                "kind": PRODUCT,
                "subject": products[0],
                "category": PRICE,
                "description": "قیمت این کالا از بازار محلی زنجان خیلی بالاتر است.",
                # Rials: the listed price, and a fifth less in town.
                "seen_price": products[0].price,
                "reference_price": products[0].price * 8 // 10,
            }
        )
    plans.append(
        {
            "kind": PRODUCT if len(products) > 1 else BOOTH,
            "subject": products[1] if len(products) > 1 else booths[0],
            "category": QUALITY,
            "description": "کالای رسیده با عکس غرفه فرق داشت و کیفیتش پایین‌تر بود.",
        }
    )
    plans.append(
        {
            "kind": BOOTH,
            "subject": booths[-1],
            "category": QUALITY,
            "description": "بسته‌ها بدون برچسب تاریخ تولید فرستاده می‌شوند.",
            "handled": True,
        }
    )
    return plans


def _reports(session: Session, world: Any) -> list[Report]:
    """A few reports about Zanjan's booths, by the first persona that does not own the booth."""
    area = _zanjan_area(session, world)
    booths = [
        b
        for b in session.scalars(select(bazaar.Booth).order_by(bazaar.Booth.id))
        if bazaar.booth_region_id(session, b) in area
    ]
    if not booths:
        return []
    products = list(
        session.scalars(
            select(bazaar.Product)
            .where(bazaar.Product.booth_id.in_([b.id for b in booths]))
            .order_by(bazaar.Product.id)
        )
    )
    owners = {b.id: b.owner_id for b in booths}
    admin = world.members.get("admin")
    made = []
    for plan in _plans(booths, products):
        subject = plan["subject"]
        booth_id = subject.id if plan["kind"] == BOOTH else subject.booth_id
        candidates = (world.members.get(key) for key in REPORTERS)
        reporter = next((m for m in candidates if m is not None and m.id != owners.get(booth_id)), None)
        if reporter is None:
            continue
        try:
            report = services.file_report(
                session,
                reporter,
                kind=plan["kind"],
                subject_id=subject.id,
                category=plan["category"],
                description=plan["description"],
                seen_price=plan.get("seen_price"),
                reference_price=plan.get("reference_price"),
            )
        except ResalatError:
            continue
        made.append(report)
        if plan.get("handled") and admin is not None:
            services.act(session, admin, report.id, action=TAKE, note="با فروشنده تماس گرفته شد.")
            services.act(
                session,
                admin,
                report.id,
                action=WARN,
                note="لطفاً تاریخ تولید و انقضا را روی همه‌ی بسته‌ها بنویسید.",
            )
    session.flush()
    return made


# --- more rows, to count pages at size -----------------------------------------------------------

# The buyers of the rows at size: national codes 0985NNNNN and mobiles 09985NNNNNN.
ROW_CODES = "0985"
ROW_MOBILES = "09985"
# Their orders' ids start this far past any order a review names: bazaar's own rows at size are its
# orders, and no page of a review shows the order it came from.
ORDER_GAP = 1_000_000_000


def add_rows(session: Session, world: Any, rows: int) -> None:
    """``rows`` more of every list the supervision pages show (``resalat_demo_rows``).

    ``rows`` new buyers of Zanjan each review every booth and product the demo's buyers reviewed,
    and each files a report about the subject of the demo's first report, waiting in the handlers'
    queue (a subject's reviews and reports, its history, the queue). The host's member writes
    ``rows`` more reviews and has ``rows`` more reports, dismissed and closed (their own lists).
    """
    member = world.members.get("member")
    first = session.scalar(select(Report).order_by(Report.id).limit(1))
    subjects = list(session.execute(select(Review.kind, Review.subject_id, Review.booth_id).distinct()))
    if member is None or first is None or not subjects:
        return
    now = utcnow()
    buyers = add_demo_members(session, member, rows, mobiles=ROW_MOBILES, codes=ROW_CODES, name="خریدار")
    order = count((session.scalar(select(func.max(Review.order_id))) or 0) + ORDER_GAP)
    reviews = []
    for kind, subject_id, booth_id in subjects:
        for n, author in enumerate(buyers):
            stars, text = REVIEWS[n % len(REVIEWS)]
            reviews.append(_review(kind, subject_id, booth_id, next(order), author, stars, text, now))
    kind, subject_id, booth_id = subjects[0]
    for n in range(rows):
        stars, text = REVIEWS[n % len(REVIEWS)]
        reviews.append(_review(kind, subject_id, booth_id, next(order), member.id, stars, text, now))
    session.execute(insert(Review), reviews)
    # The buyers' reports wait (one pending each, as the rule allows); the member's were handled.
    about = {
        "kind": first.kind,
        "subject_id": first.subject_id,
        "booth_id": first.booth_id,
        "region_id": first.region_id,
    }
    reports: list[dict[str, Any]] = [
        {
            **about,
            "reporter_id": who,
            "category": QUALITY,
            "description": "کالای رسیده با عکس غرفه فرق داشت و کیفیتش پایین‌تر بود.",
            "status": OPEN if n % 2 else UNDER_REVIEW,
            "created_at": now,
            "updated_at": now,
        }
        for n, who in enumerate(buyers)
    ]
    reports += [
        {
            **about,
            "reporter_id": member.id,
            "category": QUALITY,
            "description": "بسته‌ها بدون برچسب تاریخ تولید فرستاده می‌شوند.",
            "status": CLOSED,
            "outcome": DISMISSED,
            "created_at": now,
            "updated_at": now,
        }
        for _ in range(rows)
    ]
    ids = list(session.scalars(insert(Report).returning(Report.id, sort_by_parameter_order=True), reports))
    handler = world.members.get("admin") or member
    actions = []
    for report_id, report in zip(ids, reports, strict=True):
        actions.append(_action(report_id, report["reporter_id"], OPENED, None, OPEN, now))
        if report["status"] in (UNDER_REVIEW, CLOSED):
            actions.append(_action(report_id, handler.id, TAKE, OPEN, UNDER_REVIEW, now))
        if report["status"] == CLOSED:
            actions.append(_action(report_id, handler.id, DISMISS, UNDER_REVIEW, RESOLVED, now))
            actions.append(_action(report_id, handler.id, CLOSE, RESOLVED, CLOSED, now))
    session.execute(insert(ReportAction), actions)


def _review(
    kind: str, subject_id: int, booth_id: int, order_id: int, author_id: int, stars: int, text: str, now: Any
) -> dict[str, Any]:
    return {
        "kind": kind,
        "subject_id": subject_id,
        "booth_id": booth_id,
        "order_id": order_id,
        "author_id": author_id,
        "stars": stars,
        "text": text,
        "created_at": now,
    }


def _action(
    report_id: int, actor_id: int, action: str, went: str | None, to: str, now: Any
) -> dict[str, Any]:
    return {
        "report_id": report_id,
        "actor_id": actor_id,
        "action": action,
        "from_status": went,
        "to_status": to,
        "note": "" if action in (OPENED, TAKE) else "گزارش بررسی شد؛ مشکلی دیده نشد.",
        "created_at": now,
    }

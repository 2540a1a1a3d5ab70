"""The demo's social supervision: buyers' reviews of M-Bazar's completed orders, and a few reports."""

from __future__ import annotations

from typing import Any

from resalat_bazaar import services as bazaar
from sqlalchemy import select
from sqlalchemy.orm import Session

from resalat_core.sdk import Member, Region, ResalatError
from resalat_supervision import services
from resalat_supervision.models import BOOTH, PRICE, PRODUCT, QUALITY, TAKE, WARN, Report, Review

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

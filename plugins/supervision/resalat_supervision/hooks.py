"""How social supervision plugs into the host: wiring, the reputation answer, order events, demo."""

from __future__ import annotations

from typing import Any

from flask import url_for
from resalat_bazaar import services as bazaar
from sqlalchemy import func, select
from sqlalchemy.orm import Session, object_session

from resalat_core.sdk import (
    CreditSignal,
    Figure,
    Member,
    Permission,
    Region,
    ResalatError,
    Tile,
    _l,
    db_session,
    hookimpl,
    to_persian_digits,
)
from resalat_supervision import plugin, services
from resalat_supervision.api import bp as api_bp
from resalat_supervision.cli import supervision as supervision_cli
from resalat_supervision.models import BOOTH, PRICE, PRODUCT, QUALITY, TAKE, WARN, Review
from resalat_supervision.views import HANDLE, REPORT, REVIEW
from resalat_supervision.views import bp as pages_bp


def _session_of(thing: Any) -> Session:
    # The caller's own session, so what is written here shares its transaction.
    return object_session(thing) or db_session()


# --- wiring ------------------------------------------------------------------------------------


@hookimpl
def resalat_blueprints() -> list[Any]:
    return [pages_bp, api_bp]


@hookimpl
def resalat_cli() -> Any:
    return supervision_cli


@hookimpl
def resalat_permissions() -> list[Permission]:
    return [
        Permission(REVIEW, _l("Review what one bought"), ("member",)),
        Permission(REPORT, _l("Report a price or quality problem"), ("member",)),
        Permission(
            HANDLE,
            _l("Handle the price and quality reports of one's area"),
            ("social_leader", "admin"),
        ),
    ]


@hookimpl
def resalat_tiles(member: Member) -> list[Tile]:
    if not services.is_handler(member):
        return [
            Tile(
                title=plugin.title,
                url=url_for("supervision.home"),
                icon=plugin.icon,
                description=_l("Your reports and reviews about price and quality in M-Bazar"),
                order=60,
            )
        ]
    # Handlers: one query (and one for their area) for the count of reports waiting for them.
    waiting = services.pending_in_area(_session_of(member), member)
    return [
        Tile(
            title=plugin.title,
            url=url_for("supervision.queue"),
            icon=plugin.icon,
            description=_l("Reports waiting in your area: %(count)s", count=waiting),
            badge=waiting or None,
            order=60,
        )
    ]


@hookimpl
def resalat_stats() -> list[Figure]:
    found = services.stats(db_session())
    return [
        Figure(_l("Buyers' reviews"), found.reviews, _l("reviews")),
        Figure(_l("Reports waiting"), found.pending, _l("reports")),
        Figure(
            _l("Reports decided"),
            found.reports_by_status.get("resolved", 0) + found.reports_by_status.get("closed", 0),
            _l("reports"),
        ),
    ]


# --- questions and events ----------------------------------------------------------------------


@hookimpl
def resalat_reputation(kind: str, subject_id: int) -> bazaar.Reputation | None:
    return services.reputation(db_session(), kind, subject_id)


@hookimpl(optionalhook=True)
def resalat_credit_signals(member: Member) -> list[CreditSignal]:
    """What buyers think of the products of the member's booths: the average stars × 10, for
    Merat; nothing before the first review (one query)."""
    count, average = (
        _session_of(member)
        .execute(
            select(func.count(Review.id), func.avg(Review.stars))
            .join(bazaar.Booth, bazaar.Booth.id == Review.booth_id)
            .where(bazaar.Booth.owner_id == member.id, Review.kind == PRODUCT)
        )
        .one()
    )
    if not count:
        return []
    value = round(float(average) * 10)
    stars = f"{value / 10:.1f}"
    return [
        CreditSignal(
            source=plugin.name,
            kind="bazaar_review_stars",
            value=value,
            description_fa=(
                f"میانگین {to_persian_digits(stars.replace('.', '٫'))} ستاره در "
                f"{to_persian_digits(str(count))} نظر خریداران درباره‌ی کالاهای غرفه‌های این عضو"
            ),
            description_en=f"Average {stars} stars in {count} buyers' reviews of the member's booth products",
        )
    ]


@hookimpl
def resalat_order_completed(order: Any) -> None:
    services.invite_review(_session_of(order), order)


# --- demo --------------------------------------------------------------------------------------

# (stars, text): what buyers in a village market might say.
DEMO_REVIEWS = (
    (5, "جنس عالی و تازه بود و به‌موقع رسید. دست‌شان درد نکند."),
    (4, "کیفیت خوب بود؛ بسته‌بندی می‌توانست محکم‌تر باشد."),
    (5, "همان چیزی بود که در عکس دیده بودم. باز هم از این غرفه می‌خرم."),
    (3, "بد نبود، ولی کمی دیرتر از قول فروشنده رسید."),
)
DEMO_BOOTH_REVIEW = (5, "فروشنده‌ی خوش‌قول و مهربان؛ به سؤال‌هایم زود جواب داد.")
DEMO_REPLY = "از لطف شما ممنونیم؛ خوشحالیم که راضی بودید."
# Who files the demo reports, in order of preference (never the booth's own owner).
DEMO_REPORTERS = ("member", "guide", "operator", "supporter", "counsellor")


@hookimpl
def resalat_demo(session: Any, world: Any) -> None:
    reviews = _demo_reviews(session)
    reports = _demo_reports(session, world)
    world.extras["supervision"] = {"reviews": reviews, "reports": reports}


def _demo_reviews(session: Session) -> list[Any]:
    """Buyers review the products and booth of every completed demo order (if bazaar made any)."""
    orders = list(
        session.scalars(
            select(bazaar.Order).where(bazaar.Order.status == bazaar.COMPLETED).order_by(bazaar.Order.id)
        )
    )
    made: list[Any] = []
    for n, order in enumerate(orders):
        buyer = session.get(Member, order.buyer_id)
        item = bazaar.OrderItem
        product_ids = sorted(set(session.scalars(select(item.product_id).where(item.order_id == order.id))))
        wanted = [
            (PRODUCT, pid, DEMO_REVIEWS[(n + j) % len(DEMO_REVIEWS)]) for j, pid in enumerate(product_ids)
        ]
        wanted.append((BOOTH, order.booth_id, DEMO_BOOTH_REVIEW))
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
        seller_review = made[0]
        booth = bazaar.get_booth(session, seller_review.booth_id)
        owner = session.get(Member, booth.owner_id)
        if owner is not None:
            services.reply_to_review(session, owner, seller_review.id, DEMO_REPLY)
    session.flush()
    return made


def _zanjan_area(session: Session, world: Any) -> set[int]:
    zanjan = world.region("zanjan")
    places = select(Region.id).where((Region.id == zanjan.id) | (Region.parent_id == zanjan.id))
    return set(session.scalars(places))


def _demo_reports(session: Session, world: Any) -> list[Any]:
    """A few reports about Zanjan's booths: two open, one the admin took up and warned about."""
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
    plans: list[dict[str, Any]] = []
    if products:
        plans.append(
            {
                "kind": PRODUCT,
                "subject": products[0],
                "category": PRICE,
                "description": "قیمت این کالا از بازار محلی زنجان خیلی بالاتر است.",
                # Tomans, as a member types them: the listed price, and a fifth less in town.
                "seen_price": str(products[0].price // 10),
                "reference_price": str(products[0].price * 8 // 100),
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
    made = []
    for plan in plans:
        subject = plan["subject"]
        booth_id = subject.id if plan["kind"] == BOOTH else subject.booth_id
        reporter = next(
            (
                world.members[key]
                for key in DEMO_REPORTERS
                if key in world.members and world.members[key].id != owners.get(booth_id)
            ),
            None,
        )
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
        admin = world.members.get("admin")
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

"""How social supervision plugs in: wiring, M-Bazar's questions and events, Merat's signals, the demo."""

from __future__ import annotations

from typing import Any

from flask import url_for
from sqlalchemy.orm import Session, object_session

from resalat_core.sdk import (
    CreditSignal,
    Figure,
    Member,
    Permission,
    SignalKind,
    Tile,
    _l,
    db_session,
    hookimpl,
)
from resalat_supervision import demo, plugin, services
from resalat_supervision.api import bp as api_bp
from resalat_supervision.cli import supervision as supervision_cli
from resalat_supervision.views import bp as pages_bp

# The credit signal this plugin gives Merat: the average stars of a seller's products, in tenths.
REVIEW_STARS = "bazaar_review_stars"


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
        Permission(services.REVIEW, _l("Review what one bought"), ("member",)),
        Permission(services.REPORT, _l("Report a price or quality problem"), ("member",)),
        Permission(
            services.HANDLE,
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
def resalat_stats(session: Session, area: list[int] | None) -> list[Figure]:
    found = services.stats(session, area)
    return [
        Figure(_l("Buyers' reviews"), found.reviews, unit=_l("reviews")),
        Figure(_l("Reports waiting"), found.pending, unit=_l("reports")),
        Figure(_l("Reports decided"), found.decided, unit=_l("reports")),
    ]


# --- M-Bazar's question and event ----------------------------------------------------------------


@hookimpl
def resalat_reputation(kind: str, subject_id: int) -> services.Reputation | None:
    return services.reputation(db_session(), kind, subject_id)


@hookimpl
def resalat_order_completed(order: Any) -> None:
    services.invite_review(_session_of(order), order)


# --- Merat's credit signals (Merat may be absent: nobody asks then) ------------------------------


@hookimpl(optionalhook=True)
def resalat_credit_signal_kinds() -> list[SignalKind]:
    # Two points for every tenth of a star of the average (3.7 stars: 74 points), at most 100.
    # The average is written as whole stars and a tenth, so each catalogue puts its own decimal
    # separator between them (3.7, ۳٫۷).
    return [
        SignalKind(
            REVIEW_STARS,
            _l(
                "Average stars from buyers for the products of the member's booths: "
                "%(whole)s.%(tenth)s (reviews: %(reviews)s)"
            ),
            points=2,
            per=1,
            cap=100,
        )
    ]


@hookimpl(optionalhook=True)
def resalat_credit_signals(member: Member) -> list[CreditSignal]:
    """What buyers think of the products of the member's booths: the average stars in tenths;
    nothing before the first review (one query)."""
    return resalat_credit_signals_many(_session_of(member), [member]).get(member.id, [])


def _stars_signal(found: Any) -> CreditSignal:
    whole, tenth = divmod(found.tenths, 10)
    params = {"whole": whole, "tenth": tenth, "reviews": found.reviews}
    return CreditSignal(REVIEW_STARS, found.tenths, params=params)


@hookimpl(optionalhook=True)
def resalat_credit_signals_many(session: Session, members: list[Member]) -> dict[int, list[CreditSignal]]:
    """Sellers' stars for a whole chunk of members, in one query (Merat's refresh)."""
    return {
        member_id: [_stars_signal(found)]
        for member_id, found in services.seller_stars_many(session, [m.id for m in members]).items()
    }


# --- demo --------------------------------------------------------------------------------------


@hookimpl
def resalat_demo(session: Session, world: Any) -> None:
    demo.load(session, world)


@hookimpl
def resalat_demo_rows(session: Any, world: Any, rows: int) -> None:
    demo.add_rows(session, world, rows)

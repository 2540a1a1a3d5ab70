"""How the leaders plugin plugs into the host: wiring, credit signals for Merat, figures and the demo."""

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
    can,
    db_session,
    hookimpl,
)
from resalat_leaders import demo, plugin, services
from resalat_leaders.api import bp as api_bp
from resalat_leaders.cli import leaders as leaders_cli
from resalat_leaders.views import bp as pages_bp


def _session_of(member: Member) -> Session:
    # The caller's own session, so what is read belongs to the caller's transaction.
    return object_session(member) or db_session()


# --- wiring ------------------------------------------------------------------------------------


@hookimpl
def resalat_blueprints() -> list[Any]:
    return [pages_bp, api_bp]


@hookimpl
def resalat_cli() -> Any:
    return leaders_cli


@hookimpl
def resalat_permissions() -> list[Permission]:
    return [
        Permission(
            services.GUARANTEE,
            _l("Sign social guarantees for members of one's community"),
            ("social_leader", "admin"),
        ),
        Permission(
            services.INTRODUCE,
            _l("Introduce talented members and rooted local trades"),
            ("social_leader", "admin"),
        ),
        Permission(
            services.OVERSEE,
            _l("See and revoke the social guarantees signed for members of one's region"),
            ("admin",),
        ),
    ]


@hookimpl
def resalat_tiles(member: Member) -> list[Tile]:
    tiles = []
    if can(services.INTRODUCE, member=member):
        tiles.append(
            Tile(
                title=plugin.title,
                url=url_for("leaders.desk"),
                icon="people",
                description=_l("Talents, rooted trades, social guarantees and your community's cores"),
                order=40,
            )
        )
    # Every member may have leaders vouching for them; the badge is one count on an index.
    counting = services.counting_for(_session_of(member), member)
    tiles.append(
        Tile(
            title=_l("My social guarantees"),
            url=url_for("leaders.mine"),
            icon="shield-check",
            description=_l("Leaders who vouch for you"),
            badge=counting or None,
            order=60,
        )
    )
    return tiles


# --- questions ---------------------------------------------------------------------------------


@hookimpl(optionalhook=True)
def resalat_credit_signal_kinds() -> list[SignalKind]:
    """Merat's default weight for social guarantees: 15 points for every 10,000,000 tomans the
    active guarantees cover together, at most 150 (a deployment may override it)."""
    return [
        SignalKind(
            services.SOCIAL_GUARANTEE,
            _l(
                "Active social guarantees: %(count)s, from %(leaders)s social leaders, "
                "together up to %(value)s"
            ),
            points=15,
            per=100_000_000,
            cap=150,
            money=True,
        )
    ]


@hookimpl(optionalhook=True)
def resalat_credit_signals(member: Member) -> list[CreditSignal]:
    """Active, unexpired social guarantees: one signal, their caps summed in rials (one query)."""
    return services.credit_signals(_session_of(member), member)


@hookimpl(optionalhook=True)
def resalat_credit_signals_many(session: Session, members: list[Member]) -> dict[int, list[CreditSignal]]:
    """Social guarantees for a whole chunk of members in one query (Merat's refresh)."""
    return services.credit_signals_many(session, [m.id for m in members])


@hookimpl
def resalat_stats(session: Session, area: list[int] | None) -> list[Figure]:
    figures = services.guarantee_figures(session, area)
    return [
        Figure(_l("Active social guarantees"), figures.count),
        Figure(_l("Sum of active social guarantees"), figures.total, money=True),
    ]


@hookimpl
def resalat_demo(session: Session, world: Any) -> None:
    demo.build(session, world)


@hookimpl
def resalat_demo_rows(session: Any, world: Any, rows: int) -> None:
    demo.add_rows(session, world, rows)

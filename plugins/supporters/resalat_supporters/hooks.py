"""How the supporters plugin plugs into the host: wiring, Merat's signal, the loan events, figures, demo."""

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
from resalat_supporters import plugin, services
from resalat_supporters.api import bp as api_bp
from resalat_supporters.cli import supporters as supporters_cli
from resalat_supporters.demo import add_rows, load_demo
from resalat_supporters.mydata import resalat_member_closed as resalat_member_closed
from resalat_supporters.mydata import resalat_member_data as resalat_member_data
from resalat_supporters.views import bp as pages_bp

SIGNAL_KIND = "credit_behaviour_sponsorship"


def _session_of(thing: Any) -> Session:
    # The caller's own session, so what we read and write shares its transaction.
    return object_session(thing) or db_session()


# --- wiring ------------------------------------------------------------------------------------


@hookimpl
def resalat_blueprints() -> list[Any]:
    return [pages_bp, api_bp]


@hookimpl
def resalat_cli() -> Any:
    return supporters_cli


@hookimpl
def resalat_permissions() -> list[Permission]:
    # Supporters hold these whatever their kind; the services check the kind each act needs.
    return [
        Permission("supporters.act", _l("Record support given"), ("supporter", "admin")),
        Permission(
            "supporters.introduce",
            _l("Introduce a core member for a Qard al-Hasan loan"),
            ("supporter", "admin"),
        ),
        Permission(
            "supporters.sponsor",
            _l("Sponsor a cooperation centre's credit behaviour"),
            ("supporter", "admin"),
        ),
    ]


@hookimpl
def resalat_tiles(member: Member) -> list[Tile]:
    # One query: the introductions waiting for this member's answer make the badge.
    awaiting = services.awaiting_count(_session_of(member), member)
    if services.kinds_of(member):
        description = _l("Record support, introduce for loans, sponsor centres")
    else:
        description = _l("Support you received and your loan introductions")
    return [
        Tile(
            title=plugin.title,
            url=url_for("supporters.home"),
            icon="person-heart",
            description=description,
            badge=awaiting or None,
            order=40,
        )
    ]


# --- Merat's questions (supporters does not require Merat: with Merat absent, nobody asks) -------


@hookimpl(optionalhook=True)
def resalat_credit_signal_kinds() -> list[SignalKind]:
    """The sponsorship signal and its default weight: 40 points a sponsorship, at most 80."""
    return [
        SignalKind(
            SIGNAL_KIND,
            _l("Credit-behaviour supporters sponsoring the member's cooperation centres: %(value)s"),
            points=40,
            per=1,
            cap=80,
        )
    ]


@hookimpl(optionalhook=True)
def resalat_credit_signals(member: Member) -> list[CreditSignal]:
    """While a credit-behaviour supporter sponsors one of the member's centres, Merat hears of it."""
    return resalat_credit_signals_many(_session_of(member), [member]).get(member.id, [])


@hookimpl(optionalhook=True)
def resalat_credit_signals_many(session: Session, members: list[Member]) -> dict[int, list[CreditSignal]]:
    """Sponsorships covering each of a whole chunk of members, in one query (Merat's refresh)."""
    counts = services.sponsorships_covering_many(session, [m.id for m in members])
    return {member_id: [CreditSignal(SIGNAL_KIND, n)] for member_id, n in counts.items() if n}


# --- the loans plugin's events (supporters does not require loans) ------------------------------


@hookimpl(optionalhook=True)
def resalat_loan_requested(loan: Any) -> None:
    """The member asked for a loan from an introduction: the introduction is scored and requested."""
    services.loan_requested(_session_of(loan), loan)


@hookimpl(optionalhook=True)
def resalat_loan_decided(loan: Any) -> None:
    """The credit officer approved (and paid out) or rejected the loan: the introduction follows."""
    services.loan_decided(_session_of(loan), loan)


@hookimpl(optionalhook=True)
def resalat_loan_cancelled(loan: Any) -> None:
    """The member cancelled the request: the introduction's loan is not granted."""
    services.loan_cancelled(_session_of(loan), loan)


# --- figures and demo --------------------------------------------------------------------------


@hookimpl
def resalat_stats(session: Session, area: list[int] | None) -> list[Figure]:
    count, total = services.introduction_totals(session, area)
    return [
        Figure(_l("Loan introductions"), count, unit=_l("introductions")),
        Figure(_l("Amount asked by introductions"), total, money=True),
    ]


@hookimpl
def resalat_demo(session: Session, world: Any) -> None:
    load_demo(session, world)


@hookimpl
def resalat_demo_rows(session: Session, world: Any, rows: int) -> None:
    add_rows(session, world, rows)

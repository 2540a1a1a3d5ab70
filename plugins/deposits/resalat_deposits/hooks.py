"""How the deposits plugin plugs into the host: wiring, a tile, credit signals, figures and the demo."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import url_for
from sqlalchemy import update
from sqlalchemy.orm import Session, object_session

from resalat_core.sdk import (
    CreditSignal,
    Entry,
    Figure,
    Member,
    Money,
    Permission,
    Registration,
    Tile,
    Transfer,
    _l,
    db_session,
    find_member,
    hookimpl,
    ledger,
    national_code_with_check_digit,
    register_member,
    utcnow,
)
from resalat_deposits import plugin, services
from resalat_deposits.api import bp as api_bp
from resalat_deposits.cli import deposits as deposits_cli
from resalat_deposits.models import SPOUSE
from resalat_deposits.views import bp as pages_bp

M = 10_000_000  # a million tomans, in rials


def _session_of(member: Member) -> Session:
    # The caller's own session, so what is read belongs to the caller's transaction.
    return object_session(member) or db_session()


# --- wiring ------------------------------------------------------------------------------------


@hookimpl
def resalat_blueprints() -> list[Any]:
    return [pages_bp, api_bp]


@hookimpl
def resalat_cli() -> Any:
    return deposits_cli


@hookimpl
def resalat_permissions() -> list[Permission]:
    return [
        Permission(
            "deposits.view_totals",
            _l("See the totals of Qard al-Hasan deposits and points"),
            ("admin", "credit_officer"),
        )
    ]


@hookimpl
def resalat_tiles(member: Member) -> list[Tile]:
    # Every member may deposit; the description carries the balance (one query on a unique code).
    balance = services.balance_of(_session_of(member), member)
    return [
        Tile(
            title=_l("Qard al-Hasan deposit and points"),
            url=url_for("deposits.mine"),
            icon="piggy-bank",
            description=_l("Deposit balance: %(balance)s", balance=Money(balance)),
            order=30,
        )
    ]


# --- questions ---------------------------------------------------------------------------------


@hookimpl(optionalhook=True)
def resalat_credit_signals(member: Member) -> list[CreditSignal]:
    """The deposit's average over the window, in rials, when above zero (two queries)."""
    return services.credit_signals(_session_of(member), member)


@hookimpl
def resalat_stats() -> list[Figure]:
    totals = services.totals(db_session())
    return [
        Figure(
            _l("Qard al-Hasan deposits"),
            totals.total // 10,
            unit_fa="تومان",
            unit_en="tomans",
        ),
        Figure(_l("Qard al-Hasan depositors"), totals.depositors),
    ]


# --- demo --------------------------------------------------------------------------------------

DEMO_PASSWORD = "resalat-1404"  # noqa: S105 (the demo world's documented password)
# The core leader's wife (keeping her own family name, as Iranian women do), a member of her own,
# who gives him part of her points as his spouse.
SPOUSE_PERSONA = ("زینب صالحی", "09150000601", "006000601", "zanjan/gorg-tappeh")


def _backdate(session: Session, transfer: Transfer, at: datetime) -> None:
    """Place a demo transfer and both its entries at ``at``, as if made then.

    The demo is loaded in one moment, but an average needs months of history. Every demo move of a
    member (the top-up, then each deposit or withdrawal) is made in time order and moved back to
    its day, so entries' ids and times agree and both accounts' statements read as they happened.
    """
    session.execute(update(Transfer).where(Transfer.id == transfer.id).values(created_at=at))
    session.execute(update(Entry).where(Entry.transfer_id == transfer.id).values(created_at=at))


def _history(session: Session, member: Member, moves: list[tuple[int, int]], now: datetime) -> None:
    """``moves``: (days ago, rials; negative withdraws), made oldest first after a top-up before them."""
    moves = sorted(moves, key=lambda m: -m[0])
    first = now - timedelta(days=moves[0][0] + 1)
    top_up = ledger.transfer(
        session,
        f"demo:deposits:topup:{member.id}",
        ledger.system_account(session, "cash_in"),
        ledger.main_account(session, member),
        sum(r for _days, r in moves if r > 0),
        "top_up",
    )
    _backdate(session, top_up, first)
    for n, (days_ago, rials) in enumerate(moves):
        key = f"demo-{n}"
        act = services.deposit if rials > 0 else services.withdraw
        _backdate(session, act(session, member, abs(rials), key=key), now - timedelta(days=days_ago))


@hookimpl
def resalat_demo(session: Any, world: Any) -> None:
    leader = world.members.get("core_leader")
    if leader is None:
        return
    now = utcnow()
    # Jafar Gharajehlou keeps his herd's savings here: 350M tomans for seven months, 100M more
    # since 100 days ago: an average of about 405M tomans, so a 300M-toman livestock loan (74%)
    # may run 24 months and a 350M-toman one 12.
    _history(session, leader, [(210, 350 * M), (100, 100 * M)], now)
    spouse = find_member(session, SPOUSE_PERSONA[1])
    if spouse is None:
        name, mobile, body, region = SPOUSE_PERSONA
        spouse = register_member(
            session,
            Registration(
                national_code=national_code_with_check_digit(body),
                mobile=mobile,
                name=name,
                region=region,
                password=DEMO_PASSWORD,
            ),
        )
    _history(session, spouse, [(200, 80 * M), (30, -20 * M)], now)
    gift = services.give_points(
        session,
        spouse,
        mobile=leader.mobile,
        national_code=leader.national_code,
        relation=SPOUSE,
        amount=50 * M,
        password=DEMO_PASSWORD,
        key="demo-gift",
    )
    member = world.members.get("member")
    if member is not None:
        _history(session, member, [(120, 15 * M), (60, 10 * M)], now)
    world.extras[plugin.name] = {"spouse": spouse, "gift": gift}

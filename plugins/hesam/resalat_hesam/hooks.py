"""How M-Hesam plugs into the host: pages, API, CLI, the top-up permission, its tile and demo money."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import url_for
from sqlalchemy.orm import Session, object_session

from resalat_core.sdk import (
    Figure,
    Member,
    Money,
    Permission,
    Tile,
    _l,
    db_session,
    hookimpl,
    is_active,
    ledger,
    utcnow,
)
from resalat_hesam import plugin, services
from resalat_hesam.api import bp as api_bp
from resalat_hesam.cli import hesam as hesam_cli
from resalat_hesam.views import bp as pages_bp

TOPUP = "hesam.topup"


def _session_of(member: Member) -> Session:
    return object_session(member) or db_session()


# --- wiring ------------------------------------------------------------------------------------


@hookimpl
def resalat_blueprints() -> list[Any]:
    return [pages_bp, api_bp]


@hookimpl
def resalat_cli() -> Any:
    return hesam_cli


@hookimpl
def resalat_permissions() -> list[Permission]:
    return [
        Permission(
            TOPUP,
            _l("Record a cash top-up to a member's account"),
            ("admin",),
        )
    ]


@hookimpl
def resalat_tiles(member: Member) -> list[Tile]:
    # One query, and it never opens an account: the home screen only reads.
    balance = services.main_balance(_session_of(member), member)
    return [
        Tile(
            title=plugin.title,
            url=url_for("hesam.accounts"),
            icon="wallet",
            description=_l("Balance: %(balance)s", balance=Money(balance)),
            order=20,
        )
    ]


@hookimpl
def resalat_stats() -> list[Figure]:
    return [
        Figure(
            _l("Transfers between members"),
            services.transfers_between_members(db_session()),
            _l("transfers"),
        )
    ]


# --- demo --------------------------------------------------------------------------------------

TOMAN = 10
DEMO_TOPUP = 5_000_000 * TOMAN
DEMO_LOAN = 40_000_000 * TOMAN
# (from, to, tomans, note): what two neighbours in Gorg Tappeh might send each other.
DEMO_TRANSFERS = (
    ("member", "core_leader", 350_000, "سهم خرید علوفه‌ی مشترک"),
    ("core_leader", "member", 1_200_000, "بابت پشم و شیر"),
    ("member", "core_leader", 80_000, "کرایه‌ی ام‌اس‌تی"),
)


@hookimpl
def resalat_demo(session: Any, world: Any) -> None:
    members = world.members
    admin = members.get("admin")
    for persona in ("member", "core_leader"):
        if persona in members:
            services.top_up(
                session,
                members[persona],
                DEMO_TOPUP,
                key=f"demo:{persona}",
                note="واریز نقدی در کانون همیاری",
                actor=admin,
            )
    for n, (sender, recipient, tomans, note) in enumerate(DEMO_TRANSFERS):
        if sender in members and recipient in members:
            draft = services.prepare_transfer(
                session,
                members[sender],
                recipient=members[recipient].mobile,
                amount=tomans * TOMAN,
                note=note,
            )
            services.send_money(session, members[sender], draft, f"demo:{n}")
    leader = members.get("core_leader")
    # With the loans plugin on, the core leader's livestock loan is a real one (its demo makes it).
    if leader is not None and not is_active("loans", leader):
        world.extras["hesam_livestock_loan"] = _demo_livestock_loan(session, leader)


def _demo_livestock_loan(session: Session, leader: Member) -> Any:
    """A stand-in for a light-livestock loan until the loans plugin exists: earmarked money that
    may only buy in M-Bazar, funded from the loan fund (itself funded from cash-in first, because
    the loan fund may never go negative)."""
    account = ledger.open_earmarked(
        session,
        leader,
        code=f"hesam:demo:livestock:{leader.id}",
        purpose="livestock_loan",
        name_fa="وام قرض‌الحسنه‌ی دام سبک",
        name_en="Light livestock Qard al-Hasan loan",
        purposes=["bazaar_purchase"],
        rules={
            "description_fa": "فقط برای خرید دام سبک، علوفه و تجهیزات دامداری از ام‌بازار.",
            "description_en": "Only for light livestock, fodder and husbandry equipment bought in M-Bazar.",
        },
        expires_at=utcnow() + timedelta(days=365),
    )
    fund = ledger.system_account(session, "loan_fund")
    ledger.transfer(
        session,
        "demo:hesam:loan_fund",
        ledger.system_account(session, "cash_in"),
        fund,
        DEMO_LOAN,
        "loan_funding",
    )
    ledger.transfer(session, "demo:hesam:livestock", fund, account, DEMO_LOAN, "loan_disbursal")
    return account

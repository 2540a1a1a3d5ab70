"""How the iCAP plugin plugs into the host: wiring, a home tile, figures and the demo."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import url_for
from sqlalchemy.orm import Session, object_session

from resalat_core.sdk import Figure, Member, Permission, Tile, _l, db_session, hookimpl, ledger
from resalat_icap import plugin, services
from resalat_icap.api import bp as api_bp
from resalat_icap.cli import icap as icap_cli
from resalat_icap.views import bp as pages_bp


def _session_of(member: Member) -> Session:
    # The caller's own session, so what is read belongs to the caller's transaction.
    return object_session(member) or db_session()


@hookimpl
def resalat_blueprints() -> list[Any]:
    return [pages_bp, api_bp]


@hookimpl
def resalat_cli() -> Any:
    return icap_cli


@hookimpl
def resalat_permissions() -> list[Permission]:
    return [
        Permission(
            "icap.view_all",
            _l("See any member's electronic promissory notes"),
            ("admin", "credit_officer"),
        )
    ]


@hookimpl
def resalat_tiles(member: Member) -> list[Tile]:
    # The badge: notes waiting for this member's signature as guarantor (one count on an index).
    waiting = services.awaiting_signature(_session_of(member), member)
    return [
        Tile(
            title=_l("My promissory notes"),
            url=url_for("icap.mine"),
            icon=plugin.icon,
            description=_l("Issue a note paying its stamp duty from the wallet; guarantors; loan pledges"),
            badge=waiting or None,
            order=55,
        )
    ]


@hookimpl
def resalat_stats() -> list[Figure]:
    figures = services.totals(db_session())
    return [
        Figure(_l("Promissory notes issued"), figures["issued"]),
        Figure(
            _l("Face value outstanding (issued or pledged)"),
            figures["outstanding"],
            unit_fa="ریال",
            unit_en="rials",
        ),
        Figure(
            _l("Stamp duty collected"),
            figures["duty"],
            unit_fa="ریال",
            unit_en="rials",
        ),
    ]


# --- demo ----------------------------------------------------------------------------------------

DEMO_PASSWORD = "resalat-1404"  # noqa: S105 (the demo world's documented password)
DEMO_TOP_UP = 1_000_000  # rials for the stamp duties below, credited as cash an office received


def _top_up(session: Any, member: Member) -> None:
    ledger.transfer(
        session,
        f"demo:icap:topup:{member.id}",
        ledger.system_account(session, "cash_in"),
        ledger.main_account(session, member),
        DEMO_TOP_UP,
        "top_up",
        memo="Demo cash for promissory-note stamp duty",
    )


@hookimpl
def resalat_demo(session: Any, world: Any) -> None:
    leader = world.members.get("core_leader")
    member = world.members.get("member")
    if leader is None or member is None:
        return
    _top_up(session, leader)
    _top_up(session, member)
    # Jafar's note for his livestock core's loan: payable on demand to the Qard al-Hasan bank,
    # guaranteed by Maryam Ahmadi, who signs it; it waits for the loan request to pledge it.
    pledgeable = services.issue_note(
        session,
        leader,
        amount=150_000_000,
        due_date=None,
        purpose="تضمین بازپرداخت وام قرض‌الحسنه‌ی خرید دام سبک برای هسته‌ی دامداری گرگ‌تپه",
        place_of_payment="زنجان",
        guarantors=[{"name": member.name, "national_code": member.national_code, "mobile": member.mobile}],
        key="demo:icap:core_leader",
    )
    services.sign_as_guarantor(session, pledgeable.id, member, DEMO_PASSWORD)
    # Maryam's own note, not pledged: a due date a year on, made out to the bank.
    own = services.issue_note(
        session,
        member,
        amount=30_000_000,
        due_date=services.today() + timedelta(days=365),
        purpose="تضمین خرید اقساطی چرخ خیاطی از ام‌بازار",
        place_of_payment="زنجان",
        key="demo:icap:member",
    )
    world.extras["icap"] = {"pledgeable": pledgeable, "member_note": own}

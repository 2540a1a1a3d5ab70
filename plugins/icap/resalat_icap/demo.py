"""iCAP's part of the demo world: a signed note waiting for a loan, and a member's own note."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from resalat_core.sdk import Member, main_account, system_account, transfer
from resalat_icap import services

DEMO_PASSWORD = "resalat-1404"  # noqa: S105 (the demo world's documented password)
DEMO_TOP_UP = 1_000_000  # rials for the stamp duties below
# Cash an office received for the duties: an administrator's adjustment (the host's purpose), so
# the demo needs no other plugin.
TOP_UP_PURPOSE = "admin_adjustment"


def _top_up(session: Session, member: Member) -> None:
    transfer(
        session,
        f"demo:icap:topup:{member.id}",
        system_account(session, "cash_in"),
        main_account(session, member),
        DEMO_TOP_UP,
        TOP_UP_PURPOSE,
    )


def build(session: Session, world: Any) -> None:
    """Maryam's own note; and, where the cores plugin gives a core leader, Jafar's note for his
    core's loan, guaranteed and signed by Maryam. Running it twice adds nothing."""
    member = world.members.get("member")
    if member is None:
        return
    _top_up(session, member)
    made: dict[str, Any] = {}
    leader = world.members.get("core_leader")
    if leader is not None:
        _top_up(session, leader)
        # Payable on demand to the Qard al-Hasan bank; it waits for the loan request to pledge it.
        pledgeable = services.issue_note(
            session,
            leader,
            amount=150_000_000,
            due_date=None,
            purpose="تضمین بازپرداخت وام قرض‌الحسنه‌ی خرید دام سبک برای هسته‌ی دامداری گرگ‌تپه",
            place_of_payment="زنجان",
            guarantors=[
                {"name": member.name, "national_code": member.national_code, "mobile": member.mobile}
            ],
            key="demo:icap:core_leader",
        )
        services.sign_as_guarantor(session, pledgeable.id, member, DEMO_PASSWORD)
        made["pledgeable"] = pledgeable
    # Maryam's own note, not pledged: a due date a year on, made out to the bank.
    made["member_note"] = services.issue_note(
        session,
        member,
        amount=30_000_000,
        due_date=services.today() + timedelta(days=365),
        purpose="تضمین خرید اقساطی چرخ خیاطی از ام‌بازار",
        place_of_payment="زنجان",
        key="demo:icap:member",
    )
    world.extras["icap"] = made

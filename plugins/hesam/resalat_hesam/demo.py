"""M-Hesam's part of the demo world: cash for two neighbours in Gorg-Tappeh, and money between them."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from resalat_hesam import services

TOMAN = 10
TOP_UP = 5_000_000 * TOMAN
# (from, to, tomans, note): what two neighbours in Gorg Tappeh might send each other.
TRANSFERS = (
    ("member", "core_leader", 350_000, "سهم خرید علوفه‌ی مشترک"),
    ("core_leader", "member", 1_200_000, "بابت پشم و شیر"),
    ("member", "core_leader", 80_000, "کرایه‌ی ام‌اس‌تی"),
)


def build(session: Session, world: Any) -> None:
    """Top-ups recorded by the administrator, then the transfers, for the personas there are.

    Only M-Hesam's own purposes and the host's accounts are used: a loan's earmarked money is the
    loans plugin's to give.
    """
    members = world.members
    admin = members.get("admin")
    for persona in ("member", "core_leader"):
        if persona in members:
            services.top_up(
                session,
                members[persona],
                TOP_UP,
                key=f"demo:{persona}",
                note="واریز نقدی در کانون همیاری",
                actor=admin,
            )
    for n, (sender, recipient, tomans, note) in enumerate(TRANSFERS):
        if sender in members and recipient in members:
            draft = services.prepare_transfer(
                session,
                members[sender],
                recipient=members[recipient].mobile,
                amount=tomans * TOMAN,
                note=note,
            )
            services.send_money(session, members[sender], draft, f"demo:{n}")

"""M-Hesam's part of the demo world: cash for two neighbours in Gorg-Tappeh, money between them, card
top-ups through the sandbox gateway, and withdrawals to Maryam's bank account (one paid, one waiting)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import current_app, url_for
from sqlalchemy.orm import Session

from resalat_core.sdk import Member, utcnow
from resalat_hesam import gateways, payments, plugin, services, withdrawals

TOMAN = 10
TOP_UP = 5_000_000 * TOMAN
# (from, to, tomans, note): what two neighbours in Gorg Tappeh might send each other.
TRANSFERS = (
    ("member", "core_leader", 350_000, "سهم خرید علوفه‌ی مشترک"),
    ("core_leader", "member", 1_200_000, "بابت پشم و شیر"),
    ("member", "core_leader", 80_000, "کرایه‌ی ام‌اس‌تی"),
)
# Maryam's card top-ups in tomans and what she did at the gateway; the last she left half-way.
CARD_TOP_UPS = ((200_000, "pay"), (500_000, "pay"), (150_000, "cancel"), (300_000, None))
# Her Sheba (a valid IR number, ISO 13616) and two withdrawals: the first paid in a bank batch.
SHEBA_BBAN = "0170000000110000000003"
WITHDRAWALS = (300_000, 150_000)


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

    if "member" in members:
        maryam = members["member"]
        if str(plugin.setting("gateway")) == "sandbox":
            _card_top_ups(session, maryam)
        _withdrawals(session, maryam)


def _card_top_ups(session: Session, member: Member) -> None:
    """Top-ups through the sandbox gateway's real path: asked, decided on its page, verified."""
    gateway = gateways.SandboxGateway()
    # The gateway's pages are addressed by URL; the demo runs from the command line.
    with current_app.test_request_context("/"):
        callback = url_for("hesam.card_return")
        for n, (tomans, outcome) in enumerate(CARD_TOP_UPS):
            started = payments.start_payment(
                session, member, tomans * TOMAN, key=f"demo:card:{n}", gateway=gateway, callback_url=callback
            )
            token = started.payment.token or ""
            if outcome is None:
                # Left at the gateway's page two hours ago: an administrator sees it as stuck.
                started.payment.created_at = utcnow() - timedelta(hours=2)
                continue
            found = gateways.sandbox_payment(session, token)
            assert found is not None
            gateways.sandbox_decide(session, found, outcome, gateways.SANDBOX_CARD)
            payments.complete_payment(session, token, gateway=gateway, amount=found.amount)
    session.flush()


def _withdrawals(session: Session, member: Member) -> None:
    """Maryam's Sheba, a withdrawal paid in a bank batch, and one waiting for the next batch."""
    check = 98 - int(SHEBA_BBAN + "182700") % 97
    withdrawals.save_sheba(session, member, f"IR{check:02d}{SHEBA_BBAN}", member.name)
    first, second = WITHDRAWALS
    paid = withdrawals.request_withdrawal(session, member, first * TOMAN, key="demo:withdrawal:1").withdrawal
    withdrawals.export_batch(session, area=[member.region_id])
    withdrawals.settle(session, paid.id, "140309150001")
    withdrawals.request_withdrawal(session, member, second * TOMAN, key="demo:withdrawal:2")
    session.flush()

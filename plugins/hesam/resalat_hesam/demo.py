"""M-Hesam's part of the demo world: cash for two neighbours in Gorg-Tappeh, money between them, card
top-ups through the sandbox gateway, and withdrawals to Maryam's bank account (one paid, one waiting)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from flask import current_app, url_for
from sqlalchemy import insert, update
from sqlalchemy.orm import Session

from resalat_core.sdk import (
    Digits,
    Member,
    TransferSpec,
    main_account,
    system_account,
    transfer_linked,
    utcnow,
)
from resalat_hesam import gateways, payments, plugin, services, withdrawals
from resalat_hesam.models import EXPORTED, REDIRECTED, REQUESTED, VERIFIED, CardPayment, Withdrawal

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


# --- many more rows: every list the demo's people see, grown by ``rows`` -------------------------

# Transfers made together in one call of the ledger while adding demo rows.
CHUNK = 250
ROW_TOP_UP = 2_000_000  # rials of each card top-up added
ROW_SENT = 50_000  # rials of each transfer to a neighbour
ROW_WITHDRAWN = 1_000_000  # rials of each withdrawal


def _move(session: Session, specs: list[TransferSpec], actor: Member | None = None) -> list[int]:
    made: list[int] = []
    for start in range(0, len(specs), CHUNK):
        made += [t.id for t in transfer_linked(session, specs[start : start + CHUNK], actor=actor)]
    return made


def add_rows(session: Session, world: Any, rows: int) -> None:
    """For each persona: ``rows`` more card top-ups paid at the gateway (credited through the
    clearing account) and ``rows`` more left there (an administrator's list of payments to look
    at), ``rows`` more transfers to the next persona (their statements, both sides) and ``rows``
    more withdrawals to their Sheba, half waiting, half sent to the bank in a batch (the money
    held by pending transfers, as ``request_withdrawal`` holds it)."""
    run = uuid.uuid4().hex[:12]
    people = [world.members[key] for key in sorted(world.members)]
    clearing = system_account(session, payments.CLEARING)
    payouts = system_account(session, withdrawals.PAYOUTS)
    for n, member in enumerate(people):
        main = main_account(session, member)
        _card_rows(session, member, main, clearing, rows, run)
        neighbour = people[(n + 1) % len(people)]
        if neighbour.id != member.id:
            theirs = main_account(session, neighbour)
            _move(
                session,
                [
                    TransferSpec(
                        services.transfer_key(member, f"demo-rows:{run}:{k}"),
                        main,
                        theirs,
                        ROW_SENT,
                        services.PURPOSE_TRANSFER,
                        memo=f"سهم خرید مشترک، قسط {k + 1}",
                    )
                    for k in range(rows)
                ],
                actor=member,
            )
        _withdrawal_rows(session, member, main, payouts, rows, run)


def _card_rows(session: Session, member: Member, main: Any, clearing: Any, rows: int, run: str) -> None:
    now = utcnow()
    ids = list(
        session.scalars(
            insert(CardPayment).returning(CardPayment.id, sort_by_parameter_order=True),
            [
                {
                    "member_id": member.id,
                    "amount": ROW_TOP_UP,
                    "state": REDIRECTED if k % 2 else VERIFIED,
                    "gateway": "sandbox",
                    "key": f"demo-rows:{run}:{k}",
                    "token": f"demo-rows-{run}-{member.id}-{k}",
                    "reference": None if k % 2 else f"{member.id % 1000:03d}{k:09d}",
                    "gateway_amount": None if k % 2 else ROW_TOP_UP,
                    # Those left at the gateway's page were left two hours ago: stuck.
                    "created_at": now - timedelta(hours=2) if k % 2 else now,
                    "updated_at": now,
                }
                for k in range(2 * rows)
            ],
            # Every row with the same columns (a None written as NULL): one batch, not a
            # statement for each change between a paid row and a stuck one.
            execution_options={"render_nulls": True},
        )
    )
    paid = [(i, f"{member.id % 1000:03d}{k:09d}") for k, i in enumerate(ids) if k % 2 == 0]
    made = _move(
        session,
        [
            TransferSpec(
                f"hesam:card:{i}",
                clearing,
                main,
                ROW_TOP_UP,
                payments.PURPOSE_CARD,
                reference,
                params={"reference": Digits(reference)},
            )
            for i, reference in paid
        ],
    )
    session.execute(
        update(CardPayment),
        [{"id": i, "transfer_id": t} for (i, _r), t in zip(paid, made, strict=True)],
    )


def _withdrawal_rows(session: Session, member: Member, main: Any, payouts: Any, rows: int, run: str) -> None:
    sheba = withdrawals.sheba_of(session, member)
    if sheba is None:
        check = 98 - int(SHEBA_BBAN + "182700") % 97
        sheba = withdrawals.save_sheba(session, member, f"IR{check:02d}{SHEBA_BBAN}", member.name)
    number, holder = sheba.sheba, sheba.holder_name
    keys = [f"demo-rows:{run}:{k}" for k in range(rows)]
    held = _move(
        session,
        [
            TransferSpec(
                f"hesam:withdrawal:{member.id}:{key}",
                main,
                payouts,
                ROW_WITHDRAWN,
                withdrawals.PURPOSE_WITHDRAWAL,
                pending=True,
                params={"sheba": withdrawals.sheba_ending(number)},
            )
            for key in keys
        ],
        actor=member,
    )
    now = utcnow()
    batch = withdrawals.new_batch_name()
    session.execute(
        insert(Withdrawal),
        [
            {
                "member_id": member.id,
                "amount": ROW_WITHDRAWN,
                "state": EXPORTED if k % 2 else REQUESTED,
                "key": key,
                "sheba": number,
                "holder_name": holder,
                "transfer_id": transfer_id,
                "batch": batch if k % 2 else None,
                "created_at": now,
                "exported_at": now if k % 2 else None,
            }
            for k, (key, transfer_id) in enumerate(zip(keys, held, strict=True))
        ],
        execution_options={"render_nulls": True},  # one batch, as for the card payments
    )

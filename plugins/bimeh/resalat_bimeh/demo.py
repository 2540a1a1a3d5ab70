"""M-Bimeh's part of the demo world: a funded pool; Jafar's livestock loan insured (remaining-debt
life) and his ten lambs insured (livestock, in three instalments); two claims on the lambs, one
part-approved by the Zanjan insurer and one waiting for her.

Everything goes through the real services, so the demo obeys the member's rules; the calendar is
moved (never the money) so the lambs' policy began five weeks ago.
"""

from __future__ import annotations

import io
import sys
from datetime import timedelta
from typing import Any

from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session

from resalat_core.sdk import IMAGE, Member, ResalatError, main_account, store_upload, system_account, transfer

from . import TOMAN, services
from .models import ON_LOAN, ON_ORDER, Offer, Policy

POOL_TOMANS = 5_000_000_000


def _say(text: str) -> None:
    print(f"bimeh demo: {text}", file=sys.stderr)


def _offer(session: Session, member: Member, product: str, loan_id: int) -> Offer | None:
    return session.scalar(
        select(Offer).where(
            Offer.member_id == member.id,
            Offer.product == product,
            Offer.source == ON_LOAN,
            Offer.source_id == loan_id,
        )
    )


def _backdate(session: Session, policy: Policy, days: int) -> None:
    """The policy began ``days`` ago: its term and its instalments' days move with it."""
    start = services.today() - timedelta(days=days)
    policy.starts_on = start
    policy.ends_on = services.add_months(start, 12)
    for item in policy.premiums:
        item.due_on = services.add_months(start, item.seq - 1)
        if item.paid_on is not None:
            item.paid_on = item.due_on
    session.flush()


def _photo(session: Session, member: Member, name: str, colour: tuple[int, int, int]) -> Any:
    """A plain picture standing for the photo Jafar took, stored as any upload is."""
    out = io.BytesIO()
    Image.new("RGB", (800, 600), colour).save(out, "PNG")
    upload = (name, out.getvalue())
    return store_upload(session, upload, owner=member, purpose=services.FILE_PURPOSE, kinds=(IMAGE,))


def load(session: Session, world: Any) -> None:
    services.fund(session, POOL_TOMANS * TOMAN, key="demo:bimeh:fund")
    loan = (world.extras.get("loans") or {}).get("jafar_loan")
    jafar = world.members.get("core_leader")
    insurer = world.members.get("insurer")
    if loan is None or jafar is None:
        _say("no livestock loan of the core leader, so nothing is insured")
        return
    # The loans plugin told us of the loan as it was paid out (if M-Bimeh was on then); the
    # offers are made once either way.
    services.make_offer(session, jafar, "loan_life", ON_LOAN, loan.id, amount=loan.amount + loan.fee)
    services.make_offer(session, jafar, "livestock", ON_LOAN, loan.id, amount=loan.amount)
    transfer(
        session,
        "demo:bimeh:jafar:topup",
        system_account(session, "cash_in"),
        main_account(session, jafar),
        20_000_000 * TOMAN,
        "admin_adjustment",
    )
    made: dict[str, Any] = {}
    try:
        with session.begin_nested():
            life = _offer(session, jafar, "loan_life", loan.id)
            made["life"] = services.buy(
                session,
                jafar,
                key="demo:bimeh:jafar:life",
                product="loan_life",
                offer=life.id if life else None,
                loan=loan.id,
            )
            # The lambs are insured on the offer their M-Bazar purchase brought (ten heads), else
            # on the loan's; the other offer is declined, as Jafar would.
            on_order = session.scalar(
                select(Offer).where(
                    Offer.member_id == jafar.id,
                    Offer.product == "livestock",
                    Offer.source == ON_ORDER,
                    Offer.status == "open",
                )
            )
            on_loan = _offer(session, jafar, "livestock", loan.id)
            lambs_offer = on_order or on_loan
            if on_order is not None and on_loan is not None:
                services.decline_offer(session, jafar, on_loan.id)
            lambs = services.buy(
                session,
                jafar,
                key="demo:bimeh:jafar:lambs",
                product="livestock",
                offer=lambs_offer.id if lambs_offer else None,
                heads=10,
                instalments=3,
            )
            # The second instalment was paid on its day; the third is still to come.
            services.pay_premium(session, jafar, lambs.id, 2)
            session.expire(lambs, ["premiums"])
            _backdate(session, lambs, 35)
            made["lambs"] = lambs
    except ResalatError as exc:
        _say(f"the policies were refused: {exc.message}")
        return
    head = int(services.product("livestock").rule["head_value"])
    today = services.today()
    try:
        with session.begin_nested():
            decided = services.file_claim(
                session,
                jafar,
                lambs.id,
                key="demo:bimeh:claim:1",
                description=(
                    "دو رأس بره بر اثر بیماری آنتروتوکسمی تلف شدند؛ دامپزشک شبکه‌ی گرگ‌تپه یکی را معاینه کرد."
                ),
                loss_on=today - timedelta(days=20),
                amount=2 * head,
                files=lambda: [_photo(session, jafar, "bare-1.png", (96, 120, 60))],
            )
            waiting = services.file_claim(
                session,
                jafar,
                lambs.id,
                key="demo:bimeh:claim:2",
                description=(
                    "سیلاب بهاری دیوار آغل را خراب کرد و یک رأس بره زیر آوار ماند. گزارش دهیاری پیوست است."
                ),
                loss_on=today - timedelta(days=3),
                amount=head,
                files=lambda: [_photo(session, jafar, "aghol.png", (150, 110, 80))],
            )
            if insurer is not None:
                services.decide(
                    session,
                    insurer,
                    decided.id,
                    decision="part",
                    amount=head,
                    reason="تلف شدن یک رأس با گزارش دامپزشک تأیید شد؛ برای رأس دوم گزارشی نرسید.",
                )
            made["claims"] = [decided, waiting]
    except ResalatError as exc:
        _say(f"the claims were refused: {exc.message}")
    world.extras["bimeh"] = made

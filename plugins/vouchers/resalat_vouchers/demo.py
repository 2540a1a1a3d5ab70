"""The vouchers' part of the demo world: a funded budget, vouchers for the demo member from an
administrator and from an organisation, and one voucher spent in part at a booth."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from resalat_core.sdk import main_account, system_account, today_in_iran, transfer

from . import services
from .models import BY_ADMIN, BY_ORGANISATION, Voucher


def load(session: Session, world: Any) -> None:
    admin, member = world.members.get("admin"), world.members.get("member")
    if admin is None or member is None:
        return
    made: dict[str, Any] = {}
    services.fund_budget(session, 500_000_000, key="demo", actor=admin)
    today = today_in_iran()
    made["general"] = services.issue_batch(
        session,
        admin,
        kind=BY_ADMIN,
        title="بن خرید یلدا",
        amount=20_000_000,
        expires_on=today + timedelta(days=90),
        mobiles=[member.mobile],
        key="demo:yalda",
    )
    made["honey"] = services.issue_batch(
        session,
        admin,
        kind=BY_ADMIN,
        title="بن عسل و فرآورده‌های زنبور",
        amount=5_000_000,
        expires_on=today + timedelta(days=30),
        mobiles=[member.mobile],
        key="demo:honey",
        categories=["honey"],
    )
    organisation = world.members.get("organisation")
    if organisation is not None:
        transfer(
            session,
            "demo:vouchers:organisation",
            system_account(session, "cash_in"),
            main_account(session, organisation),
            100_000_000,
            "admin_adjustment",
        )
        services.add_person(session, organisation, member.mobile)
        made["organisation"] = services.issue_batch(
            session,
            organisation,
            kind=BY_ORGANISATION,
            title="بن رفاهی کارکنان",
            amount=10_000_000,
            expires_on=today + timedelta(days=60),
            mobiles=[member.mobile],
            key="demo:staff",
        )
    booths = (world.extras.get("bazaar") or {}).get("booths") or {}
    booth = next(
        (b for b in (booths.values() if isinstance(booths, dict) else booths) if b.owner_id != member.id),
        None,
    )
    if booth is not None:
        voucher = session.query(Voucher).filter_by(batch_id=made["general"].id).one()
        services.charge(session, booth.owner, booth.id, voucher.code, 3_500_000, key="demo")
    world.extras["vouchers"] = made

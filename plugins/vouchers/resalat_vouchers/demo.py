"""The vouchers' part of the demo world: a funded budget, vouchers for the demo member from an
administrator and from an organisation, and one voucher spent in part at a booth."""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta
from typing import Any

from resalat_bazaar.services import Booth
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from resalat_core.sdk import (
    TransferSpec,
    main_account,
    system_account,
    today_in_iran,
    transfer,
    transfer_linked,
    utcnow,
)

from . import CHARGED, ISSUED, services
from .models import (
    BY_ADMIN,
    BY_ORGANISATION,
    CODE_LENGTH,
    USE_BOOTH,
    Voucher,
    VoucherBatch,
    VoucherUse,
)
from .services.issuing import CODE_ALPHABET

# Transfers made together in one call of the ledger while adding demo rows.
CHUNK = 250


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


def _move(session: Session, specs: list[TransferSpec]) -> None:
    for start in range(0, len(specs), CHUNK):
        transfer_linked(session, specs[start : start + CHUNK])


def add_rows(session: Session, world: Any, rows: int) -> None:
    """``rows`` more batches from the administrator, each a voucher for every persona, and ``rows``
    more from the organisation, each a voucher for the demo member (every holder's list and each
    issuer's grow by ``rows``), paid into the float batch by batch as ``issue_batch`` pays; and
    ``rows`` more booth charges on each voucher there was, paid out of the float to the booth's
    owner as ``charge`` pays."""
    admin, member = world.members.get("admin"), world.members.get("member")
    if admin is None or member is None:
        return
    run = uuid.uuid4().hex[:12]
    there = list(session.scalars(select(Voucher).where(Voucher.balance > 0).order_by(Voucher.id)))
    people = sorted(world.members.values(), key=lambda m: m.id)
    issuers = [(admin, BY_ADMIN, services.budget_account(session), people)]
    organisation = world.members.get("organisation")
    if organisation is not None:
        issuers.append((organisation, BY_ORGANISATION, main_account(session, organisation), [member]))
    amount = 2_000_000
    expires = today_in_iran() + timedelta(days=60)
    float_ = services.float_account(session)
    for issuer, kind, source, holders in issuers:
        total = amount * len(holders)
        # The money the batches take, brought in first (the budget, the organisation's account).
        if kind == BY_ADMIN:
            services.fund_budget(session, total * rows, key=f"demo-rows:{run}", actor=issuer)
        else:
            transfer(
                session,
                f"vouchers:demo-rows:{run}:{kind}",
                system_account(session, "cash_in"),
                source,
                total * rows,
                "admin_adjustment",
            )
        batch_ids = list(
            session.scalars(
                insert(VoucherBatch).returning(VoucherBatch.id, sort_by_parameter_order=True),
                [
                    {
                        "issuer_id": issuer.id,
                        "issuer_kind": kind,
                        "key": f"demo-rows:{run}:{n}",
                        "title": f"بن خرید ماهانه‌ی شماره‌ی {n + 1}",
                        "amount": amount,
                        "count": len(holders),
                        "total": total,
                        "expires_on": expires,
                        "categories": [],
                        "booths": [],
                        "regions": [],
                        "programmes": [],
                        "source_account_id": source.id,
                        "created_at": utcnow(),
                    }
                    for n in range(rows)
                ],
            )
        )
        session.execute(
            insert(Voucher),
            [
                {
                    "batch_id": batch_id,
                    "code": "".join(secrets.choice(CODE_ALPHABET) for _n in range(CODE_LENGTH)),
                    "holder_id": holder.id,
                    "amount": amount,
                    "balance": amount,
                    "expires_on": expires,
                    "created_at": utcnow(),
                }
                for batch_id in batch_ids
                for holder in holders
            ],
        )
        _move(
            session,
            [
                TransferSpec(
                    f"vouchers:batch:{batch_id}",
                    source,
                    float_,
                    total,
                    ISSUED,
                    f"vouchers:batch:{batch_id}",
                    params={"batch": batch_id},
                )
                for batch_id in batch_ids
            ],
        )
    _charges(session, there, rows, run)


def _charges(session: Session, vouchers: list[Voucher], rows: int, run: str) -> None:
    float_ = services.float_account(session)
    for voucher in vouchers:
        booth = session.scalar(select(Booth).where(Booth.owner_id != voucher.holder_id).order_by(Booth.id))
        if booth is None:
            continue
        seller = main_account(session, booth.owner)
        each = voucher.balance // (rows + 1)
        if each <= 0:
            continue
        uses: list[dict[str, Any]] = [
            {
                "voucher_id": voucher.id,
                "key": f"vouchers:charge:{booth.owner_id}:demo-rows:{run}:{voucher.id}:{n}",
                "kind": USE_BOOTH,
                "amount": each,
                "booth_id": booth.id,
                "actor_id": booth.owner_id,
                "params": {"booth": booth.name},
                "at": utcnow(),
            }
            for n in range(rows)
        ]
        session.execute(insert(VoucherUse), uses)
        voucher.balance -= each * rows
        _move(
            session,
            [
                TransferSpec(
                    use["key"],
                    float_,
                    seller,
                    each,
                    CHARGED,
                    f"vouchers:voucher:{voucher.id}",
                    params={"voucher": voucher.id, "booth": booth.name},
                )
                for use in uses
            ],
        )

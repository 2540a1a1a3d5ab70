"""M-Bimeh's part of the demo world: a funded pool; Jafar's livestock loan insured (remaining-debt
life) and his ten lambs insured (livestock, in three instalments); two claims on the lambs, one
part-approved by the Zanjan insurer and one waiting for her.

Everything goes through the real services, so the demo obeys the member's rules; the calendar is
moved (never the money) so the lambs' policy began five weeks ago.
"""

from __future__ import annotations

import io
import sys
import uuid
from datetime import timedelta
from typing import Any

from PIL import Image
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from resalat_core.sdk import (
    IMAGE,
    Digits,
    Member,
    ResalatError,
    TransferSpec,
    main_account,
    store_upload,
    system_account,
    transfer,
    transfer_linked,
    utcnow,
)

from . import POOL, PREMIUM, TOMAN, services
from .models import (
    ACTIVE,
    ON_LOAN,
    ON_ORDER,
    REJECTED,
    WAITING,
    Claim,
    ClaimFile,
    Insured,
    Offer,
    Policy,
    Premium,
)

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


# --- many rows: every list the pages show, at size ----------------------------------------------


def add_rows(session: Session, world: Any, rows: int) -> None:
    """``rows`` more accident policies (their people, instalments, the first paid through the
    ledger), open offers, and ``rows`` claims (with a photo each) on the new policies and on each of
    the demo's own, spread over the demo's people so that each one's lists pass a page."""
    people = [world.members[key] for key in sorted(world.members)]
    if not people or rows < 1:
        return
    quotes: dict[int, services.Quote] = {}
    for person in people:
        try:
            with session.begin_nested():
                choice = int(services.product("accident").rule["sums"][0])
                quotes[person.id] = services.quote(session, person, "accident", choice=choice)
        except ResalatError:
            continue  # a person the product is not for: they buy nothing here
    holders = [p for p in people if p.id in quotes]
    if not holders:
        _say("nobody may buy accident insurance, so no policies are added")
        return
    policy_rows = []
    for n in range(rows):
        holder = holders[n % len(holders)]
        q = quotes[holder.id]
        policy_rows.append(
            {
                "member_id": holder.id,
                "region_id": holder.region_id,
                "product": q.product,
                "buy_key": f"demo:bimeh:rows:{uuid.uuid4().hex}",
                "insured_sum": q.insured_sum,
                "premium": q.premium,
                "instalments": q.instalments,
                "starts_on": q.starts_on,
                "ends_on": q.ends_on,
                "status": ACTIVE,
                "heads": 0,
            }
        )
    returning = insert(Policy).returning(Policy.id, sort_by_parameter_order=True)
    ids = list(session.scalars(returning, policy_rows))
    held = list(zip(ids, [holders[n % len(holders)] for n in range(rows)], strict=True))
    session.execute(
        insert(Insured),
        [
            {"policy_id": pid, "member_id": member_id, "name": name[:120], "relation": relation}
            for pid, holder in held
            for member_id, name, relation in quotes[holder.id].people
        ],
    )
    now, day = utcnow(), services.today()
    session.execute(
        insert(Premium),
        [
            {
                "policy_id": pid,
                "seq": seq,
                "amount": rials,
                "due_on": due_on,
                "paid_at": now if seq == 1 else None,
                "paid_on": day if seq == 1 else None,
            }
            for pid, holder in held
            for seq, due_on, rials in quotes[holder.id].plan
        ],
    )
    _pay_first(session, held, quotes)
    _offers(session, holders, rows)
    demo_policies = [
        (row.id, row.member_id, row.region_id, row.insured_sum)
        for row in session.execute(
            select(Policy.id, Policy.member_id, Policy.region_id, Policy.insured_sum)
            .where(Policy.member_id.in_([p.id for p in people]), Policy.id.not_in(ids))
            .order_by(Policy.id)
            .limit(5)
        )
    ]
    new_policies = [(pid, h.id, h.region_id, quotes[h.id].insured_sum) for pid, h in held]
    _claims(session, world, people, new_policies, rows)
    for policy in demo_policies:
        _claims(session, world, people, [policy], rows)


def _pay_first(session: Session, held: list[tuple[int, Member]], quotes: dict[int, Any]) -> None:
    """Each holder's main account is topped up with what their first instalments cost, and each
    first instalment is paid into the pool, as a purchase pays it: one linked call each."""
    owed: dict[int, int] = {}
    for _pid, holder in held:
        owed[holder.id] = owed.get(holder.id, 0) + quotes[holder.id].first
    holders = {holder.id: holder for _pid, holder in held}
    cash = system_account(session, "cash_in")
    pool = system_account(session, POOL)
    first = held[0][0]
    transfer_linked(
        session,
        [
            TransferSpec(
                f"demo:bimeh:rows:{first}:topup:{member_id}",
                cash,
                main_account(session, holders[member_id]),
                amount,
                "admin_adjustment",
            )
            for member_id, amount in owed.items()
        ],
    )
    accounts = {member_id: main_account(session, holder) for member_id, holder in holders.items()}
    transfer_linked(
        session,
        [
            TransferSpec(
                f"bimeh:premium:{pid}:1",
                accounts[holder.id],
                pool,
                quotes[holder.id].first,
                PREMIUM,
                f"bimeh_policy:{pid}",
                params={"policy": Digits(str(pid)), "seq": Digits("1")},
            )
            for pid, holder in held
        ],
    )


def _offers(session: Session, holders: list[Member], rows: int) -> None:
    """``rows`` open offers of livestock insurance, each on one of the holder's orders to come."""
    expires = services.today() + timedelta(days=30)
    top = session.scalar(select(func.max(Offer.source_id)).where(Offer.source == ON_ORDER)) or 0
    session.execute(
        insert(Offer),
        [
            {
                "member_id": holders[n % len(holders)].id,
                "product": "livestock",
                "source": ON_ORDER,
                "source_id": top + n + 1,
                "amount": 50_000_000 * TOMAN,
                "heads": 5,
                "status": "open",
                "expires_on": expires,
            }
            for n in range(rows)
        ],
    )


def _claims(
    session: Session,
    world: Any,
    people: list[Member],
    policies: list[tuple[int, int, int, int]],
    rows: int,
) -> None:
    """``rows`` claims over ``policies`` (id, holder, region, sum): two in three wait for the
    insurer, the others were rejected by her; each with a photo its claimant took."""
    if not policies:
        return
    insurer = world.members.get("insurer")
    by_id = {p.id: p for p in people}
    photos: dict[int, int] = {}
    for _pid, holder_id, _region, _sum in policies:
        if holder_id not in photos:
            holder = by_id.get(holder_id) or session.get(Member, holder_id)
            assert holder is not None  # the policy's holder (a foreign key)
            photos[holder_id] = _photo(session, holder, f"loss-{holder_id}.png", (120, 90, 60)).id
    now, day = utcnow(), services.today()
    claim_rows = []
    for n in range(rows):
        pid, holder_id, region_id, insured = policies[n % len(policies)]
        rejected = n % 3 == 2 and insurer is not None
        claim_rows.append(
            {
                "policy_id": pid,
                "member_id": holder_id,
                "region_id": region_id,
                "file_key": f"demo:bimeh:rows:{uuid.uuid4().hex}",
                "description": "در راه مزرعه زمین خوردم و دستم شکست؛ گزارش پزشک پیوست است.",
                "loss_on": day - timedelta(days=1 + n % 10),
                "amount": max(1, insured // 10),
                "status": REJECTED if rejected else WAITING,
                "paid": 0,
                "reason": "گزارش پزشک با تاریخ حادثه نمی‌خواند." if rejected else "",
                "decided_by_id": insurer.id if rejected and insurer is not None else None,
                "decided_at": now if rejected else None,
                "created_at": now + timedelta(microseconds=n),
            }
        )
    returning = insert(Claim).returning(Claim.id, sort_by_parameter_order=True)
    claim_ids = list(session.scalars(returning, claim_rows))
    session.execute(
        insert(ClaimFile),
        [
            {"claim_id": cid, "file_id": photos[policies[n % len(policies)][1]]}
            for n, cid in enumerate(claim_ids)
        ],
    )

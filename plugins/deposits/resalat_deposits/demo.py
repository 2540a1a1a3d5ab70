"""The deposits plugin's part of the demo world: months of deposits, and a wife's gift of points."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from resalat_core.sdk import (
    DEMO_SEED,
    Entry,
    Member,
    Registration,
    Transfer,
    TransferSpec,
    find_member,
    main_account,
    national_code_with_check_digit,
    register_member,
    seed_demo_rows,
    system_account,
    transfer,
    transfer_linked,
    utcnow,
)
from resalat_deposits import plugin, services
from resalat_deposits.models import CHILD, GIVEN, RECEIVED, SPOUSE, PointsMovement

M = 10_000_000  # a million tomans, in rials
DEMO_PASSWORD = "resalat-1404"  # noqa: S105 (the demo world's documented password)
# The saver's wife (keeping her own family name, as Iranian women do), a member of her own, who
# gives him part of her points as his spouse.
SPOUSE_PERSONA = ("زینب صالحی", "09150000601", "006000601", "zanjan/gorg-tappeh")
# Cash brought in from outside for the demo's deposits: an administrator's adjustment (the host's
# purpose), so the demo needs no other plugin.
TOP_UP_PURPOSE = "admin_adjustment"


def _backdate(session: Session, moved: Transfer, at: datetime) -> None:
    """Place a demo transfer and both its entries at ``at``, as if made then.

    The demo is loaded in one moment, but an average needs months of history. Every demo move of a
    member (the top-up, then each deposit or withdrawal) is made in time order and moved back to
    its day, so entries' ids and times agree and both accounts' statements read as they happened.
    """
    session.execute(update(Transfer).where(Transfer.id == moved.id).values(created_at=at))
    session.execute(update(Entry).where(Entry.transfer_id == moved.id).values(created_at=at))


def _history(session: Session, member: Member, moves: list[tuple[int, int]], now: datetime) -> None:
    """``moves``: (days ago, rials; negative withdraws), made oldest first after a top-up before them."""
    moves = sorted(moves, key=lambda m: -m[0])
    first = now - timedelta(days=moves[0][0] + 1)
    top_up = transfer(
        session,
        f"demo:deposits:topup:{member.id}",
        system_account(session, "cash_in"),
        main_account(session, member),
        sum(r for _days, r in moves if r > 0),
        TOP_UP_PURPOSE,
    )
    _backdate(session, top_up, first)
    for n, (days_ago, rials) in enumerate(moves):
        key = f"demo-{n}"
        act = services.deposit if rials > 0 else services.withdraw
        _backdate(session, act(session, member, abs(rials), key=key), now - timedelta(days=days_ago))


def _spouse(session: Session) -> Member:
    spouse = find_member(session, SPOUSE_PERSONA[1])
    if spouse is not None:
        return spouse
    name, mobile, body, region = SPOUSE_PERSONA
    return register_member(
        session,
        Registration(
            national_code=national_code_with_check_digit(body),
            mobile=mobile,
            name=name,
            region=region,
            password=DEMO_PASSWORD,
        ),
    )


def build(session: Session, world: Any) -> None:
    """Months of deposits for the saver (the core leader, or the member without the cores plugin)
    and for the member, and a gift of points to the saver from his wife."""
    saver = world.members.get("core_leader") or world.members.get("member")
    if saver is None:
        return
    now = utcnow()
    # Jafar Gharajehlou keeps his herd's savings here: 350M tomans for seven months, 100M more
    # since 100 days ago: an average of about 405M tomans, so a 300M-toman livestock loan (74%)
    # may run 24 months and a 350M-toman one 12.
    _history(session, saver, [(210, 350 * M), (100, 100 * M)], now)
    spouse = _spouse(session)
    _history(session, spouse, [(200, 80 * M), (30, -20 * M)], now)
    gift = services.give_points(
        session,
        spouse,
        mobile=saver.mobile,
        national_code=saver.national_code,
        relation=SPOUSE,
        amount=50 * M,
        password=DEMO_PASSWORD,
        key="demo-gift",
    )
    member = world.members.get("member")
    if member is not None and member.id != saver.id:
        _history(session, member, [(120, 15 * M), (60, 10 * M)], now)
    world.extras[plugin.name] = {"saver": saver, "spouse": spouse, "gift": gift}
    seed(session, world)


def seed(session: Session, world: Any) -> None:
    """One entry of each list for every persona in the demo world itself, once (``seed_demo_rows``)."""
    seeded = select(PointsMovement.id).where(PointsMovement.reference.like(f"gift:%:demo-rows-{DEMO_SEED}-0"))
    seed_demo_rows(session, world, add_rows, seeded)


def add_rows(session: Session, world: Any, rows: int, run: str | None = None) -> None:
    """``rows`` more lines on every persona's deposit statement (deposits from the main account,
    through the ledger, after cash brought in) and ``rows`` more points gifts each way between each
    persona and the next (a giver's "given", the recipient's "received"): newest, as made now."""
    people = [world.members[key] for key in sorted(world.members)]
    if len(people) < 2:
        return
    run = run or uuid.uuid4().hex[:12]
    rials = M // 10  # a hundred thousand tomans each
    cash_in = system_account(session, "cash_in")
    specs: list[TransferSpec] = []
    for member in people:
        main, account = main_account(session, member), services.open_deposit(session, member)
        specs.append(
            TransferSpec(f"demo:deposits:rows:{run}:{member.id}", cash_in, main, rials * rows, TOP_UP_PURPOSE)
        )
        specs += [
            TransferSpec(
                f"deposits:in:{member.id}:demo-rows-{run}-{n}",
                main,
                account,
                rials,
                services.DEPOSIT_PURPOSE,
                reference=services.deposit_code(member),
            )
            for n in range(rows)
        ]
    transfer_linked(session, specs)
    movements = []
    for i, giver in enumerate(people):
        recipient = people[(i + 1) % len(people)]
        for n in range(rows):
            reference = f"gift:{giver.id}:demo-rows-{run}-{n}"
            common = {"amount": rials, "relation": CHILD, "reference": reference}
            movements.append({"member_id": giver.id, "kind": GIVEN, "counterpart_id": recipient.id, **common})
            movements.append(
                {"member_id": recipient.id, "kind": RECEIVED, "counterpart_id": giver.id, **common}
            )
    session.execute(insert(PointsMovement), movements)

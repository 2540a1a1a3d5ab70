"""iCAP's part of the demo world: a signed note waiting for a loan, and a member's own note."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from resalat_core.sdk import (
    DEMO_SEED,
    Digits,
    Member,
    TransferSpec,
    main_account,
    seed_demo_rows,
    system_account,
    transfer,
    transfer_linked,
)
from resalat_icap import services, setting
from resalat_icap.models import ISSUED, Guarantor, Note, NoteStatusChange, SerialCounter
from resalat_icap.services.issuing import DUTY_PURPOSE, SERIAL_DIGITS
from resalat_icap.services.reading import amount_in_words, stamp_duty

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
    seed(session, world)


def seed(session: Session, world: Any) -> None:
    """One entry of each list for every persona in the demo world itself, once (``seed_demo_rows``)."""
    seed_demo_rows(session, world, add_rows, select(Note.id).where(Note.key == f"demo:rows:{DEMO_SEED}:0"))


def add_rows(session: Session, world: Any, rows: int, run: str | None = None) -> None:
    """``rows`` more notes in each list the demo's people see: every persona issues ``rows`` notes,
    newest, each guaranteed by the next persona (whose notes to sign grow as many), each with its
    guarantor, its first history row and its stamp duty paid in the ledger."""
    people = [world.members[key] for key in sorted(world.members)]
    if len(people) < 2:
        return
    day = services.today()
    amount = 20_000_000
    duty = stamp_duty(amount)
    pairs = [(m, people[(i + 1) % len(people)]) for i, m in enumerate(people) for _n in range(rows)]
    serials = _serials(session, services.jalali_year(day), len(pairs))
    # Each run's keys are new, so ``--rows`` may be given more than once.
    run = run or uuid.uuid4().hex[:12]
    notes = [
        {
            "serial": serial,
            "issuer_id": issuer.id,
            "region_id": issuer.region_id,
            "issuer_name": issuer.name,
            "issuer_national_code": issuer.national_code,
            "issuer_mobile": issuer.mobile,
            "amount": amount,
            "amount_words": amount_in_words(amount),
            "due_date": day + timedelta(days=365),
            "payee_kind": "company",
            "payee_name": setting("default_payee_name"),
            "payee_code": setting("default_payee_code"),
            "purpose": "تضمین خرید اقساطی از ام‌بازار",
            "place_of_payment": setting("default_place_of_payment"),
            "status": ISSUED,
            "stamp_duty": duty,
            "key": f"demo:rows:{run}:{n}",
        }
        for n, (serial, (issuer, _guarantor)) in enumerate(zip(serials, pairs, strict=True))
    ]
    ids = list(session.scalars(insert(Note).returning(Note.id, sort_by_parameter_order=True), notes))
    session.execute(
        insert(Guarantor),
        [
            {
                "note_id": note_id,
                "position": 0,
                "member_id": guarantor.id,
                "name": guarantor.name,
                "national_code": guarantor.national_code,
                "mobile": guarantor.mobile,
            }
            for note_id, (_issuer, guarantor) in zip(ids, pairs, strict=True)
        ],
    )
    session.execute(
        insert(NoteStatusChange),
        [
            {"note_id": note_id, "from_status": None, "to_status": ISSUED, "actor_id": issuer.id}
            for note_id, (issuer, _guarantor) in zip(ids, pairs, strict=True)
        ],
    )
    # The duties, as issuing pays them: cash brought in first, then one transfer a note.
    cash_in, office = system_account(session, "cash_in"), system_account(session, "stamp_duty")
    mains = {m.id: main_account(session, m) for m in people}
    specs = [
        TransferSpec(f"demo:icap:rows:{run}:topup:{m.id}", cash_in, mains[m.id], duty * rows, TOP_UP_PURPOSE)
        for m in people
    ]
    specs += [
        TransferSpec(
            f"icap:duty:{issuer.id}:{note['key']}",
            mains[issuer.id],
            office,
            duty,
            DUTY_PURPOSE,
            f"icap:{note['serial']}",
            params={"serial": Digits(str(note["serial"]))},
        )
        for note, (issuer, _guarantor) in zip(notes, pairs, strict=True)
    ]
    paid = transfer_linked(session, specs)[len(people) :]
    session.execute(
        update(Note),
        [{"id": note_id, "duty_transfer_id": t.id} for note_id, t in zip(ids, paid, strict=True)],
    )


def _serials(session: Session, year: int, count: int) -> list[str]:
    """``count`` serials of ``year`` taken at once: one bump of the year's counter."""
    last = session.execute(
        update(SerialCounter)
        .where(SerialCounter.year == year)
        .values(last=SerialCounter.last + count)
        .returning(SerialCounter.last)
        .execution_options(synchronize_session=False)
    ).scalar()
    if last is None:
        session.add(SerialCounter(year=year, last=count))
        session.flush()
        last = count
    return [f"{year}{n:0{SERIAL_DIGITS}d}" for n in range(last - count + 1, last + 1)]

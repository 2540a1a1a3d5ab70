"""The supporters demo: Hossein introduces Jafar for a light-livestock loan, and Narges sponsors Al-Ghadir.

Everything goes through the real services, so the demo obeys the rules a supporter would; where
another plugin's demo did not leave a core or a centre, that part is skipped.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from resalat_centers.services import centres_query
from resalat_cores.services import ACTIVE, cores_of_member
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from resalat_core.sdk import (
    Member,
    Registration,
    find_member,
    grant_role,
    national_code_with_check_digit,
    register_member,
    utcnow,
)
from resalat_supporters import services
from resalat_supporters.models import AWAITING, Introduction, IntroductionEvent, Sponsorship, SupportAction

TOMAN = 10
# Light livestock in Gorg Tappeh: a flock worth 600 million tomans, a loan for Afshari ewes.
DEMO_ESTIMATE = 600_000_000 * TOMAN
DEMO_LOAN = 200_000_000 * TOMAN
DEMO_PURPOSE = "خرید ۱۰ رأس میش نژاد افشاری برای اصلاح نژاد گله و علوفه‌ی زمستان"
# A credit-behaviour supporter of their own: the host's personas have none.
SPONSOR_MOBILE = "09123330001"
SPONSOR_BODY = "033300001"
SPONSOR_NAME = "نرگس اعتمادی"
DEMO_PASSWORD = "resalat-1404"  # noqa: S105 (the demo personas' documented password)


def _demo_core(session: Session, world: Any, leader: Member) -> Any:
    core = (world.extras.get("cores") or {}).get("gharajehlou")
    if core is None:
        core = next((c for c in cores_of_member(session, leader) if c.status == ACTIVE), None)
    return core if core is not None and core.status == ACTIVE else None


def _demo_centre(session: Session, world: Any) -> Any:
    centre = (world.extras.get("centers") or {}).get("alghadir")
    if centre is None:
        centre = session.scalars(centres_query(q="الغدیر").limit(1)).first()
    return centre


def _introduce_jafar(session: Session, supporter: Member, leader: Member, core: Any) -> dict[str, Any]:
    """Hossein introduces Jafar, who accepts; Hossein's advice and a cultural session are recorded."""
    today = services.today()
    introduction = services.introduce(
        session,
        supporter,
        core=core.code,
        mobile=leader.mobile,
        national_code=leader.national_code,
        estimate=DEMO_ESTIMATE,
        purpose=DEMO_PURPOSE,
        amount=DEMO_LOAN,
    )
    services.accept_introduction(session, leader, introduction.id)
    actions = [
        services.record_action(
            session,
            supporter,
            kind="cultural",
            core=core.code,
            happened_on=today - timedelta(days=12),
            description="جلسه‌ی آشنایی با فرهنگ قرض‌الحسنه و کارآفرینی اجتماعی برای خانواده‌ی هسته",
            minutes=3 * 60,
        ),
        services.record_action(
            session,
            supporter,
            kind="credit",
            member=leader.mobile,
            happened_on=today - timedelta(days=5),
            description="راهنمایی برای آماده کردن مدارک وام دام سبک و خرید سفته‌ی الکترونیکی",
            minutes=90,
        ),
    ]
    return {"introduction": introduction, "actions": actions}


def _demo_sponsor(session: Session, world: Any) -> Member:
    """The credit-behaviour supporter of the demo, who works in Sistan and Baluchestan."""
    member = find_member(session, SPONSOR_MOBILE)
    if member is None:
        member = register_member(
            session,
            Registration(
                national_code=national_code_with_check_digit(SPONSOR_BODY),
                mobile=SPONSOR_MOBILE,
                name=SPONSOR_NAME,
                region="sistan-baluchestan/zabol",
                password=DEMO_PASSWORD,
            ),
        )
    grant_role(
        session, member, "supporter", region=world.region("sistan-baluchestan"), kind="credit_behaviour"
    )
    world.members.setdefault("credit_behaviour_supporter", member)
    return member


def load_demo(session: Session, world: Any) -> None:
    """Add the supporters' part of the demo world; what it made goes in ``world.extras["supporters"]``."""
    made: dict[str, Any] = {}
    supporter = world.members.get("supporter")
    leader = world.members.get("core_leader")
    core = _demo_core(session, world, leader) if leader is not None else None
    if supporter is not None and leader is not None and core is not None:
        made.update(_introduce_jafar(session, supporter, leader, core))
    sponsor = _demo_sponsor(session, world)
    made["credit_behaviour_supporter"] = sponsor
    centre = _demo_centre(session, world)
    if centre is not None:
        today = services.today()
        made["sponsorship"] = services.sponsor(
            session,
            sponsor,
            centre=centre.id,
            starts_on=today,
            ends_on=today + timedelta(days=364),
            note="تا اعضای کانون زودتر در مرآت اعتبارسنجی شوند",
        )
    world.extras["supporters"] = made
    seed(session, world)


ROWS_ADVICE = "راهنمایی برای آماده کردن مدارک وام و خرید سفته‌ی الکترونیکی"
ROWS_SPONSORING = "همراهی اعضای کانون در اعتبارسنجی مرآت"


def seed(session: Session, world: Any) -> None:
    """One entry of each list for every persona in the demo world itself (once), so that every list
    a persona is counted on holds a few before ``resalat demo --rows N`` adds more."""
    first = world.members.get(min(world.members)) if world.members else None
    seeded = select(SupportAction.id).where(
        SupportAction.supporter_id == (first.id if first else None), SupportAction.description == ROWS_ADVICE
    )
    if first is not None and session.scalar(seeded.limit(1)) is None:
        add_rows(session, world, 1)


def add_rows(session: Session, world: Any, rows: int) -> None:
    """``rows`` more entries of every supporter's list, newest: each persona gives ``rows`` pieces of
    advice to the next persona (whose support received grows as many), introduces the next persona
    ``rows`` times for a loan through the demo core (each with its first event), and sponsors the
    demo centre ``rows`` times."""
    people = [world.members[key] for key in sorted(world.members)]
    leader = world.members.get("core_leader")
    core = _demo_core(session, world, leader) if leader is not None else None
    centre = _demo_centre(session, world)
    if len(people) < 2:
        return
    today, now = services.today(), utcnow()
    actions, introductions, sponsorships = [], [], []
    for i, supporter in enumerate(people):
        beneficiary = people[(i + 1) % len(people)]
        for n in range(rows):
            actions.append(
                {
                    "supporter_id": supporter.id,
                    "kind": "credit",
                    "beneficiary_member_id": beneficiary.id,
                    "happened_on": today - timedelta(days=n % 30),
                    "description": ROWS_ADVICE,
                    "minutes": 60,
                    "created_at": now,
                }
            )
            if core is not None:
                introductions.append(
                    {
                        "supporter_id": supporter.id,
                        "member_id": beneficiary.id,
                        "core_id": core.id,
                        "estimate": DEMO_ESTIMATE,
                        "amount": DEMO_LOAN,
                        "ceiling": services.ceiling_for(DEMO_ESTIMATE),
                        "purpose": DEMO_PURPOSE,
                        "status": AWAITING,
                        "created_at": now,
                        "status_changed_at": now,
                    }
                )
            if centre is not None:
                sponsorships.append(
                    {
                        "supporter_id": supporter.id,
                        "centre_id": centre.id,
                        "starts_on": today,
                        "ends_on": today + timedelta(days=364),
                        "note": ROWS_SPONSORING,
                        "created_at": now,
                    }
                )
    session.execute(insert(SupportAction), actions)
    if introductions:
        ids = list(
            session.scalars(
                insert(Introduction).returning(Introduction.id, sort_by_parameter_order=True), introductions
            )
        )
        session.execute(
            insert(IntroductionEvent),
            [
                {
                    "introduction_id": i,
                    "status": AWAITING,
                    "note": "",
                    "actor_id": row["supporter_id"],
                    "at": now,
                }
                for i, row in zip(ids, introductions, strict=True)
            ],
        )
    if sponsorships:
        session.execute(insert(Sponsorship), sponsorships)

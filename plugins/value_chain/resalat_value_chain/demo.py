"""The demo's value chain: suppliers for the Al-Ghadir clothing cores (Ms Asipour's hand weaving),
the Pariz saffron chain (Samiei's bulbs → Andisheh Sabz's saffron → a Pariz packaging core), and the
Iran-Zamin clothing cooperative's need for 300 garments told to the clothing cores."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from resalat_cores import services as cores
from resalat_cores.services import Core
from resalat_guides import services as guides
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from resalat_core.sdk import (
    Member,
    Registration,
    national_code_with_check_digit,
    register_member,
    today_in_iran,
    utcnow,
)
from resalat_value_chain import ORGANISATION, services
from resalat_value_chain.models import OPEN, Answer, Good, Need, Suggestion

DEMO_PASSWORD = "resalat-1404"  # noqa: S105 (the demo personas' published password)


def _packaging_core(session: Session, world: Any, admin: Member) -> Any:
    """A new Pariz core that packs the saffron of its neighbours (leader 09134170001)."""
    leader = register_member(
        session,
        Registration(
            national_code=national_code_with_check_digit("004170001"),
            mobile="09134170001",
            name="زهره پاریزی",
            region="kerman/pariz",
            password=DEMO_PASSWORD,
        ),
    )
    core = cores.register_core(
        session,
        leader=leader,
        name="هسته‌ی بسته‌بندی زعفران پاریز",
        field="food",
        region=world.region("kerman/pariz"),
        existed_before=True,
        description="بسته‌بندی زعفران کشاورزان پاریز در بسته‌های یک و پنج مثقالی.",
    )
    cores.approve_core(session, core, actor=admin)
    return core


def _make(session: Session, actor: Member, source: Any, target: Any, good: str, *, accept: bool) -> Any:
    """Make the suggestion source → target for ``good`` (suggested first if the nearest-first cut
    left it out), then let the target core's leader accept it."""
    found = session.scalar(
        select(Suggestion).where(
            Suggestion.source_core_id == source.id,
            Suggestion.target_core_id == target.id,
            Suggestion.good_code == good,
        )
    )
    if found is None:
        found = Suggestion(
            source_core_id=source.id,
            target_core_id=target.id,
            source_region_id=source.region_id,
            target_region_id=target.region_id,
            good_code=good,
            distance=services.distance(target.region, source.region),
            status=OPEN,
        )
        session.add(found)
        session.flush()
    made = services.make_suggestion(session, actor, found.id)
    if accept and made.link_id is not None:
        leader = session.get(Member, target.leader_id)
        guides.decide_link(session, leader, made.link_id, accept=True)
    return made


def load(session: Session, world: Any) -> None:
    admin = world.members.get("admin")
    known = world.extras.get("cores") or {}
    if admin is None:
        return
    extras: dict[str, Any] = world.extras.setdefault("value_chain", {})
    active = {k: c for k, c in known.items() if getattr(c, "status", None) == cores.ACTIVE}
    if "andisheh_sabz" in active:
        active["pariz_packaging"] = extras["pariz_packaging"] = _packaging_core(session, world, admin)
    extras["suggested"] = services.compute_suggestions(session)
    made = []
    weaver = active.get("asipour")
    for key in ("alghadir_1", "alghadir_2", "alghadir_3"):
        if weaver is not None and key in active:
            made.append(
                _make(session, admin, weaver, active[key], "handwoven_cloth", accept=key != "alghadir_3")
            )
    if "samiei" in active and "andisheh_sabz" in active:
        made.append(
            _make(session, admin, active["samiei"], active["andisheh_sabz"], "saffron_bulbs", accept=True)
        )
    if "andisheh_sabz" in active and "pariz_packaging" in active:
        made.append(
            _make(session, admin, active["andisheh_sabz"], active["pariz_packaging"], "saffron", accept=True)
        )
    extras["links"] = made
    # One suggestion declined, so the page shows it is not offered again.
    if "safarnia" in active and "pariz_packaging" in active:
        declined = session.scalar(
            select(Suggestion).where(
                Suggestion.source_core_id == active["safarnia"].id,
                Suggestion.target_core_id == active["pariz_packaging"].id,
                Suggestion.status == OPEN,
            )
        )
        if declined is not None:
            services.decline_suggestion(session, admin, declined.id)
    organisation = world.members.get(ORGANISATION)
    if organisation is not None:
        need = services.post_need(
            session,
            organisation,
            good="clothing",
            quantity=300,
            unit="دست",
            region=None,
            deadline=today_in_iran() + timedelta(days=30),
            description="لباس کار یک‌دست برای کارکنان تعاونی، در سه اندازه؛ پارچه‌ی نخی.",
        )
        extras["need"] = need
        for key, quantity in (("alghadir_4", 60), ("alghadir_5", 40)):
            core = active.get(key)
            leader = session.get(Member, core.leader_id) if core is not None else None
            if core is not None and leader is not None:
                services.answer_need(
                    session,
                    leader,
                    need.id,
                    core=core.id,
                    quantity=quantity,
                    note="دوخت در سه هفته؛ نمونه می‌فرستیم.",
                )


def add_rows(session: Session, world: Any, rows: int) -> None:
    """``rows`` more entries in every value chain list the demo's people see.

    The administrator's goods (each then the good of an open suggestion between the demo's first
    linked pair of cores: the guides' suggestions), the organisation's needs for clothing (its own
    list, and the clothing cores' leaders' list, soonest first), and answers to its demo need from
    the active cores that have not answered (as many as there are cores, ``rows`` once the cores
    plugin has added its own rows).
    """
    now = utcnow()
    run = session.scalar(select(func.count(Good.id)).where(Good.code.like("demo_good_%"))) or 0
    codes = [f"demo_good_{n}" for n in range(run, run + rows)]
    session.execute(
        insert(Good),
        [
            {
                "code": code,
                "name_fa": f"کالای نمونه {n + 1}",
                "name_en": f"Sample good {n + 1}",
                "categories": [],
            }
            for n, code in enumerate(codes, start=run)
        ],
    )
    pair = session.scalar(select(Suggestion).order_by(Suggestion.id))
    if pair is not None:
        session.execute(
            insert(Suggestion),
            [
                {
                    "source_core_id": pair.source_core_id,
                    "target_core_id": pair.target_core_id,
                    "source_region_id": pair.source_region_id,
                    "target_region_id": pair.target_region_id,
                    "good_code": code,
                    # Nearest first: the new ones before the demo's.
                    "distance": 0,
                    "status": OPEN,
                    "created_at": now,
                }
                for code in codes
            ],
        )
    organisation = world.members.get(ORGANISATION)
    if organisation is None:
        return
    today = today_in_iran()
    session.execute(
        insert(Need),
        [
            {
                "owner_id": organisation.id,
                "good_code": "clothing",
                "quantity": 50 + n,
                "unit": "دست",
                "region_id": None,
                # The soonest deadline first: the new ones before the demo's.
                "deadline": today + timedelta(days=1 + n % 20),
                "description": "لباس کار برای کارکنان تعاونی.",
                "status": OPEN,
                "created_at": now,
            }
            for n in range(rows)
        ],
    )
    need = session.scalar(
        select(Need).where(Need.owner_id == organisation.id, Need.quantity == 300).order_by(Need.id)
    )
    if need is None:
        return
    answered = set(session.scalars(select(Answer.core_id).where(Answer.need_id == need.id)))
    active = session.scalars(select(Core).where(Core.status == cores.ACTIVE).order_by(Core.id)).unique()
    answers = [
        {
            "need_id": need.id,
            "core_id": c.id,
            "member_id": c.leader_id,
            "quantity": 10,
            "note": "دوخت در دو هفته",
        }
        for c in active
        if c.id not in answered
    ][:rows]
    if answers:
        session.execute(insert(Answer), answers)

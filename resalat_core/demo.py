"""The demo world: regions, the personas every declared role brings, every module on; then each
plugin adds its part through ``resalat_demo``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from sqlalchemy import Select, func, insert, select
from sqlalchemy.orm import Session

from resalat_core.db import utcnow
from resalat_core.identity import national_code_with_check_digit
from resalat_core.members.models import Member
from resalat_core.members.passwords import one_hash_for
from resalat_core.members.services import Registration, grant_role, register_member
from resalat_core.plugins.activation import enable_everything
from resalat_core.plugins.base import Persona, Role
from resalat_core.regions.models import Region
from resalat_core.regions.services import get_region, load_regions
from resalat_core.text import to_persian_digits
from resalat_core.vocabulary import vocabulary

DEMO_PASSWORD = "resalat-1404"  # noqa: S105 (documented in the README; demo only)
DEMO_SEED = "seed"  # the run of demo rows a plugin's own demo adds once (``seed_demo_rows``)


@dataclass
class World:
    """What the demo has made so far; plugins read it and add to ``extras``."""

    session: Session
    members: dict[str, Member] = field(default_factory=dict)
    regions: dict[str, Region] = field(default_factory=dict)
    extras: dict[str, Any] = field(default_factory=dict)

    def region(self, code: str) -> Region:
        if code not in self.regions:
            self.regions[code] = get_region(self.session, code)
        return self.regions[code]


def demo_loaded(session: Session) -> bool:
    first = personas()[0][1].mobile
    return session.scalar(select(Member.id).where(Member.mobile == first)) is not None


def personas() -> list[tuple[Role, Persona]]:
    """Every persona of every declared role (the host's and the loaded plugins'), by mobile."""
    return sorted(vocabulary().personas(), key=lambda found: found[1].mobile)


def load_demo(app: Flask, session: Session, progress: Any = None) -> World:
    """Fill an empty (migrated) database with the demo world; returns it."""
    # Every person of the demo shares DEMO_PASSWORD: one argon2 run for all of them.
    with one_hash_for(DEMO_PASSWORD):
        return _load(app, session, progress)


def _load(app: Flask, session: Session, progress: Any) -> World:
    load_regions(session)
    enable_everything(session)
    world = World(session=session)
    for role, persona in personas():
        member = world.members.get(persona.key)
        if member is None:
            member = register_member(
                session,
                Registration(
                    national_code=national_code_with_check_digit(persona.body),
                    mobile=persona.mobile,
                    name=persona.name,
                    region=persona.region,
                    password=DEMO_PASSWORD,
                ),
            )
            world.members[persona.key] = member
        if role.name == "member":
            continue
        where = world.region(persona.role_region) if persona.role_region else None
        for kind in persona.kinds or (None,):
            grant_role(session, member, role.name, region=where, kind=kind)
    session.flush()
    manager = app.extensions["resalat"].plugins
    for name, impl in manager.impls("resalat_demo"):
        impl(session=session, world=world)
        session.flush()
        if progress is not None:
            progress(name)
    return world


def demo_world(session: Session) -> World:
    """The loaded demo world found again: its personas by key (``extras`` stays empty)."""
    world = World(session=session)
    mobiles = {persona.mobile: persona.key for _role, persona in personas()}
    for member in session.scalars(select(Member).where(Member.mobile.in_(mobiles))):
        world.members[mobiles[member.mobile]] = member
    return world


def add_demo_rows(app: Flask, session: Session, rows: int, progress: Any = None) -> World:
    """Add ``rows`` more entries to every list the demo's people see: the host's, then each
    plugin's (``resalat_demo_rows``), in load order. The demo must be loaded."""
    if rows < 1:
        raise ValueError("rows must be at least 1")
    world = demo_world(session)
    if not world.members:
        raise LookupError("the demo is not loaded")
    _host_rows(session, world, rows)
    session.flush()
    if progress is not None:
        progress("core")
    for name, impl in app.extensions["resalat"].plugins.impls("resalat_demo_rows"):
        impl(session=session, world=world, rows=rows)
        session.flush()
        if progress is not None:
            progress(name)
    return world


def add_demo_members(
    session: Session,
    like: Member,
    rows: int,
    *,
    mobiles: str,
    codes: str,
    name: str,
    regions: Sequence[int] = (),
) -> list[int]:
    """``rows`` more members for a plugin's demo rows, in one statement: their ids, in order.

    The k-th member made with a prefix (from 0, counting those made before) has the mobile
    ``mobiles`` followed by k (eleven digits in all), the national code ``codes`` followed by k
    (nine digits, then their check digit) and the name ``name`` with k + 1 in Persian digits; a
    further call with the same ``mobiles`` numbers on after the last. Each shares ``like``'s
    password hash (the demo's password, hashed once) and lives in ``like``'s region, or in
    ``regions[k % len(regions)]``. A plugin gives prefixes of its own, so that its members meet
    neither another plugin's nor the personas'. ``ValueError`` when the numbers run out.
    """
    start = session.scalar(select(func.count(Member.id)).where(Member.mobile.like(f"{mobiles}%"))) or 0
    mobile_width, code_width = 11 - len(mobiles), 9 - len(codes)
    if min(mobile_width, code_width) < 1 or start + rows > 10 ** min(mobile_width, code_width):
        raise ValueError(f"no more numbers after {mobiles} and {codes} for {rows} more members")
    places = list(regions) or [like.region_id]
    now = utcnow()
    made = [
        {
            "national_code": national_code_with_check_digit(f"{codes}{n:0{code_width}d}"),
            "mobile": f"{mobiles}{n:0{mobile_width}d}",
            "name": f"{name} {to_persian_digits(str(n + 1))}",
            "region_id": places[n % len(places)],
            "password_hash": like.password_hash,
            "language": "fa",
            "created_at": now,
        }
        for n in range(start, start + rows)
    ]
    return list(session.scalars(insert(Member).returning(Member.id, sort_by_parameter_order=True), made))


def seed_demo_rows(session: Session, world: Any, add_rows: Callable[..., None], seeded: Select[Any]) -> None:
    """One entry of each list for every persona in the demo world itself, once, so that every
    list a persona is counted on holds a few before ``resalat demo --rows N`` adds more.

    For a plugin's ``resalat_demo``: runs its own rows, ``add_rows(session, world, 1,
    run=DEMO_SEED)``, unless ``seeded`` (a query of a row that run writes) finds one already.
    """
    if session.scalar(seeded.limit(1)) is None:
        add_rows(session, world, 1, run=DEMO_SEED)


def _host_rows(session: Session, world: World, rows: int) -> None:
    """The host's lists: the audit trail (an admin's and a regional admin's) and the SMS outbox."""
    from resalat_core.audit.models import AuditEntry
    from resalat_core.sms.models import SmsMessage

    people = list(world.members.values())
    entries, texts = [], []
    for n in range(rows):
        who = people[n % len(people)]
        entries.append(
            {
                "actor_id": who.id,
                "action": "core.sign_in",
                "region_id": who.region_id,
                "subject": f"member:{who.id}",
                "address": "127.0.0.1",
            }
        )
        texts.append({"mobile": who.mobile, "text": "یادآوری: قسط این ماه شما فردا سررسید می‌شود."})
    session.execute(insert(AuditEntry), entries)
    session.execute(insert(SmsMessage), texts)

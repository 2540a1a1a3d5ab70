"""The demo world: regions, the personas every declared role brings, every module on; then each
plugin adds its part through ``resalat_demo``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from resalat_core.identity import national_code_with_check_digit
from resalat_core.members.models import Member
from resalat_core.members.passwords import one_hash_for
from resalat_core.members.services import Registration, grant_role, register_member
from resalat_core.plugins.activation import enable_everything
from resalat_core.plugins.base import Persona, Role
from resalat_core.regions.models import Region
from resalat_core.regions.services import get_region, load_regions
from resalat_core.vocabulary import vocabulary

DEMO_PASSWORD = "resalat-1404"  # noqa: S105 (documented in the README; demo only)


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

"""The demo world: regions, one persona per role, every module on; plugins add theirs by hook."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from resalat_core.identity import national_code_with_check_digit
from resalat_core.members.models import Member
from resalat_core.members.services import Registration, grant_role, register_member
from resalat_core.plugins.activation import enable_everything
from resalat_core.regions.models import Region
from resalat_core.regions.services import get_region, load_regions

DEMO_PASSWORD = "resalat-1404"  # noqa: S105 (documented in the README; demo only)


@dataclass(frozen=True)
class Persona:
    key: str
    name: str
    mobile: str
    body: str  # nine digits; the check digit is computed
    region: str
    roles: tuple[tuple[str, str | None, str | None], ...] = ()  # (role, region code, kind)


# Names and places from the brochure's example cores (DOMAIN.md).
PERSONAS = (
    Persona(
        "admin",
        "مدیر سامانه",
        "09120000001",
        "001000001",
        "tehran/tehran",
        (("admin", None, None),),
    ),
    Persona("member", "مریم احمدی", "09120000002", "001000002", "zanjan/gorg-tappeh"),
    Persona(
        "core_leader",
        "جعفر قراجه‌لو",
        "09120000003",
        "001000003",
        "zanjan/gorg-tappeh",
        (("core_leader", "zanjan", None),),
    ),
    Persona(
        "social_leader",
        "فاطمه قادری",
        "09120000004",
        "001000004",
        "sistan-baluchestan/arbab",
        (("social_leader", "sistan-baluchestan", None),),
    ),
    Persona(
        "guide",
        "علی رهیار زنجانی",
        "09120000005",
        "001000005",
        "zanjan/zanjan",
        (("guide", "zanjan", None),),
    ),
    Persona(
        "supporter",
        "حسین حامی",
        "09120000006",
        "001000006",
        "tehran/tehran",
        (("supporter", None, "credit"), ("supporter", None, "cultural")),
    ),
    Persona(
        "operator",
        "رضا متصدی",
        "09120000007",
        "001000007",
        "zanjan/zanjan",
        (("operator", "zanjan", None),),
    ),
    Persona(
        "counsellor",
        "زهرا مشاور",
        "09120000008",
        "001000008",
        "yazd/ardakan",
        (("counsellor", None, None),),
    ),
    Persona(
        "credit_officer",
        "محمد اعتباری",
        "09120000009",
        "001000009",
        "zanjan/zanjan",
        (("credit_officer", "zanjan", None),),
    ),
)


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
    return session.scalar(select(Member.id).where(Member.mobile == PERSONAS[0].mobile)) is not None


def load_demo(app: Flask, session: Session, progress: Any = None) -> World:
    """Fill an empty (migrated) database with the demo world; returns it."""
    load_regions(session)
    enable_everything(session)
    world = World(session=session)
    for persona in PERSONAS:
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
        for role, region_code, kind in persona.roles:
            grant_role(
                session,
                member,
                role,
                region=world.region(region_code) if region_code else None,
                kind=kind,
            )
        world.members[persona.key] = member
    session.flush()
    manager = app.extensions["resalat"].plugins
    for name, impl in manager.impls("resalat_demo"):
        impl(session=session, world=world)
        session.flush()
        if progress is not None:
            progress(name)
    return world

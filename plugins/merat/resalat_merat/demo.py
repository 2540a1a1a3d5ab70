"""Merat's part of the demo world: the personas' declared months, their scores and a look-up."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from resalat_core.sdk import can
from resalat_merat import TOMAN, services

# Declared months of the personas (tomans): income, expenses, where the income comes from.
# Personas of roles other plugins declare are skipped when those plugins are not installed.
PROFILES = {
    "member": (28_000_000, 17_000_000, "پرورش ۲۰ رأس میش و فروش شیر و پشم"),
    "core_leader": (65_000_000, 38_000_000, "دامداری قراجه‌لو: فروش بره و لبنیات محلی"),
    "supporter": (120_000_000, 70_000_000, "حقوق کارمندی و اجاره‌ی مغازه"),
    "credit_officer": (45_000_000, 30_000_000, "حقوق کارمندی بانک"),
}


def build(session: Session, world: Any) -> None:
    """Profiles and scores for the personas, and the credit officer's look-up of the member."""
    made: dict[str, Any] = {}
    for key, (income, expenses, note) in PROFILES.items():
        member = world.members.get(key)
        if member is None:
            continue
        services.save_profile(
            session,
            member,
            monthly_income=income * TOMAN,
            monthly_expenses=expenses * TOMAN,
            note=note,
        )
        made[key] = services.score_member(session, member, requested_by=member, reason=services.ON_DEMAND)
    officer = world.members.get("credit_officer") or world.members.get("admin")
    member = world.members.get("member")
    if officer is not None and member is not None and can(services.VIEW_REPORTS, member.region, officer):
        services.staff_lookup(session, officer, member.id)
    world.extras["merat"] = made

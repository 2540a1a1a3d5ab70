"""Merat's part of the demo world: the personas' declared months, their scores and a look-up."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from resalat_core.sdk import can, utcnow
from resalat_merat import TOMAN, services
from resalat_merat.models import ON_DEMAND, FinancialProfileChange, Score, ScoreLine, ScoringRequest
from resalat_merat.weighing import add_months, base_score, rating_for, validity_months

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
    seed(session, world)


def seed(session: Session, world: Any) -> None:
    """A score (asked for on demand) and a declared profile for every persona who has none, in
    the demo world itself, so that every list a persona is counted on holds a few before
    ``resalat demo --rows N`` adds more."""
    for key in sorted(world.members):
        member = world.members[key]
        if services.newest_score(session, member) is None:
            _rows_of(session, member, 1)


def add_rows(session: Session, world: Any, rows: int) -> None:
    """``rows`` more of every persona's scores (each asked for on demand, so ``rows`` more requests
    too) and declared profiles, newest. Each score repeats the persona's newest one, lines and
    all, so the rating the other plugins read stays what it was; a persona without one gets the
    base score with no signal, as the weighing gives a member it knows nothing of."""
    for key in sorted(world.members):
        _rows_of(session, world.members[key], rows)


def _rows_of(session: Session, member: Any, rows: int) -> None:
    """``rows`` more scores (lines and all), requests and declared profiles of ``member``."""
    now = utcnow()
    valid_until = add_months(now, validity_months())
    newest = services.newest_score(session, member)
    start = base_score()
    score = {
        "member_id": member.id,
        "value": newest.value if newest else start,
        "rating": newest.rating if newest else rating_for(start),
        "max_monthly_repayment": newest.max_monthly_repayment if newest else 0,
        "base": newest.base if newest else start,
        "reason": ON_DEMAND,
        "computed_at": now,
        "valid_until": valid_until,
    }
    ids = list(
        session.scalars(insert(Score).returning(Score.id, sort_by_parameter_order=True), [score] * rows)
    )
    lines = [
        {
            "score_id": score_id,
            "source": line.source,
            "kind": line.kind,
            "value": line.value,
            "weight_points": line.weight_points,
            "weight_per": line.weight_per,
            "weight_max": line.weight_max,
            "points": line.points,
            "params": line.params,
            "reference": line.reference,
        }
        for score_id in ids
        for line in (newest.lines if newest else [])
    ]
    if lines:
        session.execute(insert(ScoreLine), lines)
    session.execute(
        insert(ScoringRequest),
        [
            {"member_id": member.id, "requested_by_id": member.id, "reason": ON_DEMAND, "score_id": i}
            for i in ids
        ],
    )
    # A persona who declared nothing declares an empty month first, through the service.
    profile = services.profile_of(session, member) or services.save_profile(
        session, member, monthly_income=0, monthly_expenses=0, note=""
    )
    income, expenses, note = profile.monthly_income, profile.monthly_expenses, profile.note
    session.execute(
        insert(FinancialProfileChange),
        [
            {
                "member_id": member.id,
                "monthly_income": income,
                "monthly_expenses": expenses,
                "note": note,
                "changed_by_id": member.id,
            }
            for _n in range(rows)
        ],
    )

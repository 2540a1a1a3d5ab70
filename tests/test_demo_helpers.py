"""The SDK's helpers for plugins' demo rows: many members at once, and a plugin's rows seeded once."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from resalat_core.identity import is_valid_national_code
from resalat_core.members.models import Member
from resalat_core.regions.models import Region
from resalat_core.sdk import DEMO_SEED, add_demo_members, seed_demo_rows


def test_demo_members_number_on_with_their_prefixes(session, make_member):
    like = session.get(Member, make_member())
    other = session.scalar(select(Region.id).where(Region.id != like.region_id).limit(1))
    first = add_demo_members(session, like, 3, mobiles="09977", codes="0977", name="بانوی نمونه")
    again = add_demo_members(
        session, like, 2, mobiles="09977", codes="0977", name="بانوی نمونه", regions=[other, like.region_id]
    )
    made = {m.id: m for m in session.scalars(select(Member).where(Member.id.in_(first + again)))}
    rows = [made[i] for i in first + again]  # ids in the order asked for
    assert [m.mobile for m in rows] == [f"09977{n:06d}" for n in range(5)]
    assert [m.national_code[:9] for m in rows] == [f"0977{n:05d}" for n in range(5)]
    assert all(is_valid_national_code(m.national_code) for m in rows)
    assert [m.name for m in rows] == [f"بانوی نمونه {d}" for d in "۱۲۳۴۵"]
    # In turn by number: the fourth member (number 3) takes the second region.
    assert [m.region_id for m in rows] == [like.region_id] * 3 + [like.region_id, other]
    assert {m.password_hash for m in rows} == {like.password_hash}
    assert first == sorted(first) and again == sorted(again) and first[-1] < again[0]


def test_a_plugins_rows_are_seeded_once(session, make_member):
    calls: list[tuple[int, Any]] = []
    seeded = select(Member.id).where(Member.mobile == "09977999990")

    def add_rows(_session: Any, _world: Any, rows: int, run: str | None = None) -> None:
        calls.append((rows, run))
        like = _session.get(Member, make_member())
        add_demo_members(_session, like, 1, mobiles="0997799999", codes="09779999", name="یک")

    seed_demo_rows(session, None, add_rows, seeded)
    seed_demo_rows(session, None, add_rows, seeded)
    assert calls == [(1, DEMO_SEED)]

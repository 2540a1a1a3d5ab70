"""The demo's four campaigns (two open, one half-way; delivered; refunded) with a consistent ledger, and
the commands: ``close-due`` with ``--json`` and its progress bar, ``list``."""

from __future__ import annotations

import json

from resalat_campaigns.models import Campaign
from sqlalchemy import select

from resalat_core.sdk import verify_ledger

from .conftest import TOMAN


def test_the_demo_tells_the_brochures_four_campaigns(app, db):
    runner = app.test_cli_runner()
    with app.app_context():
        loaded = runner.invoke(args=["demo"])
        assert loaded.exit_code == 0, loaded.output
    with db() as s:
        rows = {c.title: c for c in s.scalars(select(Campaign))}
        statuses = sorted(c.status for c in rows.values())
        assert statuses == ["cancelled", "closed", "open", "open"]
        tank = next(c for c in rows.values() if c.status == "closed")
        assert tank.delivered == tank.goal and tank.account_id is not None
        assert tank.region.code == "sistan-baluchestan/arbab"
        equipment = next(c for c in rows.values() if c.status == "open" and c.donations == 3)
        assert equipment.raised * 2 == equipment.goal
        # The campaign organiser persona's, approved by an administrator of the region.
        machines = next(c for c in rows.values() if c.status == "open" and c.donations == 2)
        assert machines.organiser.mobile == "09120000018" and machines.raised == 18_000_000 * TOMAN
        cancelled = next(c for c in rows.values() if c.status == "cancelled")
        assert cancelled.refunded == 5_000_000 * TOMAN
        assert verify_ledger(s).ok


def test_close_due_prints_json_and_does_nothing_twice(app, world):
    late = world.open()
    world.donate(late, tomans=100_000)
    world.shift(late, 11)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["campaigns", "close-due", "--json"])
    assert first.exit_code == 0, first.output
    assert json.loads(first.output) == {"closed": 1, "delivered": 100_000 * TOMAN}
    again = runner.invoke(args=["campaigns", "close-due"])
    assert again.exit_code == 0 and "closed 0" in again.output
    bad = runner.invoke(args=["campaigns", "close-due", "--on", "not-a-date"])
    assert bad.exit_code == 1
    listed = runner.invoke(args=["campaigns", "list", "--status", "closed", "--json"])
    assert [row["id"] for row in json.loads(listed.output)] == [late]
    world.verify()

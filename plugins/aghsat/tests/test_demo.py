"""The demo world: three plans, every demo booth selling in instalments, a funded fund, and the demo
member's first purchase in instalments when her Merat rating allows one."""

from __future__ import annotations

from resalat_aghsat.models import BoothOptIn, Plan, Purchase
from sqlalchemy import select

from resalat_core.sdk import system_account, verify_ledger
from resalat_core.testing import demo_world, work

REQUIRED = ("cores", "bazaar", "merat", "aghsat")


def test_the_demo_offers_plans_at_every_booth_and_the_ledger_balances(app, monkeypatch):
    # As installed alone: only the parts of M-Aghsat and what it requires.
    manager = app.extensions["resalat"].plugins
    every = manager.impls
    monkeypatch.setattr(
        manager,
        "impls",
        lambda hook: [(n, i) for n, i in every(hook) if hook != "resalat_demo" or n in REQUIRED],
    )

    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output

    with work(app) as s:
        assert set(s.scalars(select(Plan.code))) == {"p3", "p6", "p12"}
        assert s.query(BoothOptIn).count() >= 3
        purchases = list(s.scalars(select(Purchase)))
        # The demo's seed of every list is one purchase of each person of its world (each persona
        # and those the demos add), its financed part brought into the fund first; besides it, the
        # story's one purchase at most.
        story = [p for p in purchases if not p.checkout_key.startswith("demo-rows-")]
        assert len(story) <= 1
        assert len(purchases) - len(story) >= len(demo_world(s).members)
        financed = sum(p.financed for p in story)
        assert system_account(s, "aghsat_fund").posted == 5_000_000_000 - financed
        assert verify_ledger(s).ok

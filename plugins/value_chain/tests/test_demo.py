"""The demo world: suppliers for the Al-Ghadir clothing cores, the Pariz saffron chain, and the
organisation's need for 300 garments told to the clothing cores."""

from __future__ import annotations

from resalat_value_chain.models import Answer, Need, Suggestion
from sqlalchemy import func, select

from resalat_core.sdk import verify_ledger
from resalat_core.testing import work

REQUIRED = ("cores", "bazaar", "guides", "value_chain")


def test_the_demo_links_the_chains_and_posts_the_need(app, monkeypatch):
    # As installed alone: only the parts of the value chain and what it requires.
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
        statuses = dict(s.execute(select(Suggestion.status, func.count()).group_by(Suggestion.status)).all())
        assert statuses.get("made", 0) >= 5 and statuses.get("open", 0) >= 1
        goods = set(s.scalars(select(Suggestion.good_code).where(Suggestion.status == "made")))
        assert {"handwoven_cloth", "saffron_bulbs", "saffron"} <= goods
        need = s.scalar(select(Need))
        assert need.quantity == 300 and need.good_code == "clothing" and need.told >= 10
        assert s.query(Answer).count() == 2
        assert verify_ledger(s).ok
    assert app.test_client().get("/value_chain/fields/saffron").status_code == 200

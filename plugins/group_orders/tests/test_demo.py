"""The demo's group purchases: the Al-Ghadir cores' karbas bought, delivered and handed over, the
cotton yarn still open; the school's bulk order split among three cores, one part paid; the ledger
balances."""

from __future__ import annotations

from resalat_group_orders import ESCROW
from resalat_group_orders.models import BulkOrder, Purchase
from sqlalchemy import select

from resalat_core.sdk import system_account, verify_ledger
from resalat_core.testing import work

REQUIRED = ("cores", "bazaar", "group_orders")


def test_the_demo_tells_the_brochure_story(app, monkeypatch):
    # As installed alone: only the demos of group orders and what it requires.
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
        purchases = {p.status: p for p in s.scalars(select(Purchase))}
        assert set(purchases) == {"closed", "open"}
        done, still = purchases["closed"], purchases["open"]
        assert done.order_id is not None and done.joined_quantity == 30
        assert [sh.status for sh in done.shares] == ["received"] * 3
        assert still.joined_quantity == 30 and len(still.shares) == 2
        (order,) = s.scalars(select(BulkOrder))
        assert order.quantity == 120 and order.allocated == 120 and order.status == "open"
        assert [p.status for p in order.parts] == ["confirmed", "delivered", "accepted"]
        assert order.held == 70 * order.unit_price  # the first core's 50 were paid out
        held = still.joined_quantity * still.unit_price + order.held
        assert system_account(s, ESCROW).posted == held
        assert verify_ledger(s).ok

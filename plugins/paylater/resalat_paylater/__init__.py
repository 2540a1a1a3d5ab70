"""The pay-later plugin (ام‌نسیه): buy in M-Bazar now, pay by a due date with no fee, within a limit."""

from __future__ import annotations

from typing import Any

from resalat_core.sdk import Plugin, Purpose, SystemAccount, _l

NAME = "paylater"
# The one way to pay this plugin offers at M-Bazar's checkout.
METHOD = f"{NAME}.due"
FUND = f"{NAME}_fund"
# Ledger purposes: the fund pays the seller's escrow; the buyer repays the fund; a refunded order
# gives back what the buyer had already repaid; an administrator fills the fund.
PURCHASE = f"{NAME}_purchase"
REPAYMENT = f"{NAME}_repayment"
RETURN = f"{NAME}_return"
FUNDING = f"{NAME}_funding"
# Who sees the debts of a region (admins hold every permission in their region).
VIEW_DEBTS = f"{NAME}.view_debts"
TOMAN = 10

plugin = Plugin(
    name=NAME,
    title=_l("M-Nasieh: pay later"),
    package=__name__,
    sdk=">=1.7,<2",  # BigId and widen_ids
    # The purchases are M-Bazar's, the limit comes from Merat's rating and capacity, and M-Hesam
    # shows the limit beside the member's money.
    requires=("bazaar", "merat", "hesam"),
    description=_l(
        "Buy in M-Bazar now and pay by a due date with no fee, within a limit set by your Merat "
        "rating and repayment capacity."
    ),
    icon="calendar-check",
    settings={
        # The limit by Merat rating: the most a member may owe at once (rials), and the share
        # (percent) of their monthly repayment capacity it may reach; the smaller one counts.
        # A rating missing from the table gets no pay-later credit. A deployment overrides the
        # whole table in [plugins.paylater.limits.<rating>].
        "limits": {
            "A": {"max": 500_000_000, "capacity_percent": 200},
            "B": {"max": 300_000_000, "capacity_percent": 150},
            "C": {"max": 150_000_000, "capacity_percent": 100},
            "D": {"max": 50_000_000, "capacity_percent": 100},
            "E": {"max": 0, "capacity_percent": 0},
        },
        # Limits are rounded down to this many rials (1,000 tomans).
        "limit_rounding": 10_000,
        # A purchase is due this many days after the checkout.
        "due_days": 30,
        # Days before the due day when the member is reminded (once).
        "reminder_days": 3,
        # Overdue buckets: the lowest days overdue of each (1-30, 31-60, 61-90, 90+).
        "bucket_starts": [1, 31, 61, 91],
        # `resalat paylater run-due` works through this many debts at a time.
        "batch_size": 200,
    },
    accounts=(SystemAccount(FUND, _l("Pay-later fund")),),
    purposes=(
        Purpose(PURCHASE, _l("Pay-later purchase"), detail=_l("Order %(order)s from %(booth)s")),
        Purpose(REPAYMENT, _l("Pay-later repayment"), detail=_l("Pay-later purchase no. %(debt)s")),
        Purpose(RETURN, _l("Pay-later repayment returned"), detail=_l("Order %(order)s was refunded")),
        Purpose(FUNDING, _l("Money into the pay-later fund")),
    ),
)


def setting(key: str) -> Any:
    """A setting of this plugin: ``[plugins.paylater]`` in the config file, else its default."""
    return plugin.setting(key)

"""The M-Aghsat plugin (ام‌اقساط): buying in M-Bazar in monthly instalments from an instalment fund."""

from __future__ import annotations

from typing import Any

from resalat_core.sdk import Plugin, Purpose, SystemAccount, _l

NAME = "aghsat"
FUND = "aghsat_fund"  # the instalment fund: pays sellers (through escrow), is repaid by buyers
FEE_INCOME = "aghsat_fee_income"  # the service fees buyers pay with their instalments
# Ledger purposes.
DOWN_PAYMENT = "aghsat_down_payment"
FINANCED = "aghsat_financed"
REPAYMENT = "aghsat_repayment"
FEE = "aghsat_fee"
FUNDING = "aghsat_funding"
REFUND = "aghsat_refund"

plugin = Plugin(
    name=NAME,
    title=_l("M-Aghsat"),
    package=__name__,
    sdk=">=1.8,<2",  # BigId and widen_ids; seed_demo_rows
    # Plans are offered at M-Bazar's checkout; the buyer's Merat rating decides which; what the
    # buyer owes shows among M-Hesam's credit lines.
    requires=("bazaar", "merat", "hesam"),
    description=_l(
        "Buying in M-Bazar in monthly instalments: a down payment now, the rest from the instalment "
        "fund, repaid monthly with a service fee fixed up front that never grows with time."
    ),
    icon="calendar2-week",
    settings={
        # Terms a plan may have, in months (the real system allows more; the usual is 3 to 24).
        "months_min": 3,
        "months_max": 24,
        # The down payment's share, in basis points: a quarter to 30% is the norm.
        "down_bps_min": 2500,
        "down_bps_max": 3000,
        # The fee a plan may charge at most, in basis points of what is financed (like loans: 4%).
        "max_fee_bps": 400,
        # The most a member may owe the fund at once, by Merat rating (rials).
        "limit_by_rating": {
            "A": 2_000_000_000,
            "B": 1_000_000_000,
            "C": 500_000_000,
            "D": 200_000_000,
            "E": 0,
        },
        # Instalments are rounded down to this many rials (1,000 tomans), the remainder on the last.
        "instalment_rounding": 10_000,
        # Days before a due day when the buyer is reminded.
        "reminder_days": 3,
        # Overdue buckets like loans': the lowest days overdue of each (1-30, 31-60, 61-90, 90+).
        "bucket_starts": [1, 31, 61, 91],
        # run-due works through this many rows before committing.
        "batch_size": 500,
    },
    accounts=(
        SystemAccount(FUND, _l("Instalment fund")),
        SystemAccount(FEE_INCOME, _l("Instalment fee income"), may_go_negative=True),
    ),
    purposes=(
        Purpose(DOWN_PAYMENT, _l("Instalment purchase: down payment"), detail=_l("Order %(order)s")),
        Purpose(
            FINANCED, _l("Instalment purchase: paid by the instalment fund"), detail=_l("Order %(order)s")
        ),
        Purpose(
            REPAYMENT,
            _l("Instalment repayment"),
            detail=_l("Instalment %(instalment)s of purchase no. %(purchase)s"),
        ),
        Purpose(FEE, _l("Instalment service fee"), detail=_l("Purchase no. %(purchase)s")),
        Purpose(FUNDING, _l("Money into the instalment fund")),
        Purpose(REFUND, _l("Instalments returned"), detail=_l("Purchase no. %(purchase)s was cancelled")),
    ),
)

# Permissions (declared in hooks.py).
ADMIN = f"{NAME}.admin"


def setting(key: str) -> Any:
    """A setting of this plugin: ``[plugins.aghsat]`` in the config file, else its default."""
    return plugin.setting(key)

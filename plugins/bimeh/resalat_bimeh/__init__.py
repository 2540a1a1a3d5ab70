"""The insurance plugin (ام‌بیمه): products, quotes, policies paid into a pool, claims an insurer decides."""

from __future__ import annotations

from typing import Any

from resalat_core.sdk import Persona, Plugin, Purpose, Role, SystemAccount, _l

NAME = "bimeh"
# Every premium goes into the pool and every claim is paid out of it; administrators fill it.
POOL = f"{NAME}_pool"
PREMIUM = f"{NAME}_premium"
PAYOUT = f"{NAME}_payout"
FUNDING = f"{NAME}_funding"
# The insurer of a region reads and decides its claims; administrators see the pool's figures.
INSURER = f"{NAME}_insurer"
ASSESS = f"{NAME}.assess"
VIEW_POOL = f"{NAME}.view_pool"
TOMAN = 10

plugin = Plugin(
    name=NAME,
    title=_l("M-Bimeh"),
    package=__name__,
    # Claims carry stored files (SDK 1.3).
    sdk=">=1.7,<2",  # BigId, audit()
    # loans: a loan's remaining debt is what remaining-debt life insurance covers, and a claim
    # repays it; cores: a family policy covers the people of the holder's core.
    requires=("loans", "cores"),
    description=_l("Insure your loan, your parcels, your livestock, your home solar panels and your family."),
    icon="shield-check",
    roles=(
        Role(
            INSURER,
            _l("Insurer"),
            description=_l("Reads and decides the insurance claims of their region."),
            personas=(
                Persona(
                    "insurer", "رضا بیمه‌گر زنجانی", "09120000015", "001000015", "zanjan/zanjan", "zanjan"
                ),
            ),
        ),
    ),
    accounts=(SystemAccount(POOL, _l("Insurance pool")),),
    purposes=(
        Purpose(PREMIUM, _l("Insurance premium"), detail=_l("Policy %(policy)s, instalment %(seq)s")),
        Purpose(PAYOUT, _l("Insurance claim paid"), detail=_l("Claim %(claim)s on policy %(policy)s")),
        Purpose(FUNDING, _l("Money into the insurance pool")),
    ),
    settings={
        # The products and their price rules (rials, basis points: 100 = 1%). A deployment
        # overrides any of them in [plugins.bimeh.products.<code>]. Rules:
        #   balance   the loan's remaining debt; premium = bps of it per year, for the term;
        #   flat      the order's value; premium = bps of it, at least min_premium;
        #   per_head  heads × head_value; premium = bps of it per year, for the term;
        #   declared  a sum the member declares between min_sum and max_sum; bps per year;
        #   fixed     one of the sums offered; bps per year, for each person insured.
        "products": {
            "loan_life": {"rule": "balance", "bps": 60, "term_months": 12, "min_premium": 200_000},
            "parcel": {"rule": "flat", "bps": 50, "term_months": 1, "min_premium": 100_000},
            "livestock": {
                "rule": "per_head",
                "bps": 250,
                "term_months": 12,
                "head_value": 95_000_000,
                "max_heads": 500,
                "min_premium": 200_000,
            },
            "solar": {
                "rule": "declared",
                "bps": 80,
                "term_months": 12,
                "min_sum": 50_000_000,
                "max_sum": 5_000_000_000,
                "min_premium": 200_000,
            },
            "accident": {
                "rule": "fixed",
                "bps": 40,
                "term_months": 12,
                "sums": [500_000_000, 1_000_000_000, 2_000_000_000],
                "min_premium": 200_000,
                "family": True,
            },
        },
        # A premium may be paid at once or in up to this many monthly instalments.
        "max_instalments": 6,
        # Days before an instalment's due day when the member is reminded (once).
        "reminder_days": 5,
        # An instalment unpaid this many days after its due day lapses the policy.
        "grace_days": 15,
        # Days before a policy ends when the member is told to renew it (once).
        "renewal_days": 30,
        # An offer made on a loan or an order stays open this many days.
        "offer_days": 30,
        # M-Bazar category codes whose purchase is offered livestock insurance.
        "livestock_categories": ["sheep", "goats"],
        # Photos (and PDFs) a claim may carry.
        "max_photos": 5,
        # `resalat bimeh run-due` commits after this many rows.
        "batch_size": 200,
    },
)


def setting(key: str) -> Any:
    """A setting of this plugin: ``[plugins.bimeh]`` in the config file, else its default."""
    return plugin.setting(key)

"""The Merat plugin (مرآت): a member's credit score from the signals every plugin contributes."""

from __future__ import annotations

from typing import Any

from resalat_core.sdk import Plugin, _l

# Rials of one toman; the weights below name their units in rials.
TOMAN = 10

plugin = Plugin(
    name="merat",
    sdk=">=1,<2",
    title=_l("Merat"),
    package=__name__,
    hookspecs="resalat_merat.hookspecs",
    description=_l(
        "Credit scores from repayment history, M-Bazar sales and reviews, social guarantees, "
        "sponsorships, deposits and membership age; a report of every signal, a rating and a maximum "
        "monthly repayment capacity."
    ),
    icon="speedometer",
    # Every weight is data: a deployment changes them in [plugins.merat] without touching code
    # (README.md documents each one).
    settings={
        # Where every member starts before the signals add or take away points (0..1000).
        "base_score": 400,
        # Per signal kind: `points` for every `per` of the signal's value, never beyond `max`
        # (a negative `max` for bad signals: the points taken away stop there).
        "weights": {
            "membership_days": {"points": 5, "per": 30, "max": 60},
            # A million tomans of declared monthly surplus (income − expenses) is worth 10 points.
            "monthly_surplus": {"points": 10, "per": 1_000_000 * TOMAN, "max": 100, "money": True},
            "deposit_average": {"points": 10, "per": 10_000_000 * TOMAN, "max": 150, "money": True},
            "social_guarantee": {"points": 15, "per": 10_000_000 * TOMAN, "max": 150, "money": True},
            "credit_behaviour_sponsorship": {"points": 40, "per": 1, "max": 80},
            "active_core_leader": {"points": 30, "per": 1, "max": 60},
            "bazaar_sales_completed": {"points": 2, "per": 1, "max": 80},
            "bazaar_review_stars": {"points": 2, "per": 1, "max": 100},
            "loans_repaid": {"points": 30, "per": 1, "max": 120},
            "instalments_on_time": {"points": 5, "per": 1, "max": 150},
            "instalments_late": {"points": -15, "per": 1, "max": -150},
            "instalments_overdue": {"points": -60, "per": 1, "max": -400},
        },
        # The lowest score of each rating, best first; below the last one a member is rated E.
        "ratings": {"A": 800, "B": 650, "C": 500, "D": 350},
        # The share (percent) of the declared monthly surplus a member of each rating may repay.
        "capacity_percent": {"A": 50, "B": 40, "C": 30, "D": 20, "E": 0},
        # A score stands this many months.
        "validity_months": 12,
        # `resalat merat refresh --stale-only` recomputes scores older than this many days.
        "stale_days": 30,
        # `resalat merat refresh` works in batches of this many members.
        "batch_size": 200,
    },
)


def setting(key: str) -> Any:
    """A setting of this plugin: ``[plugins.merat]`` in the config file, else its default."""
    return plugin.setting(key)

"""The Merat plugin (مرآت): a member's credit score from the signals every plugin contributes."""

from __future__ import annotations

from typing import Any

from resalat_core.sdk import Plugin, _l

# Rials of one toman; amounts in the settings are rials.
TOMAN = 10

plugin = Plugin(
    name="merat",
    sdk=">=1.7,<2",  # BigId and widen_ids
    title=_l("Merat"),
    package=__name__,
    hookspecs="resalat_merat.hookspecs",
    description=_l(
        "Credit scores from repayment history, M-Bazar sales and reviews, social guarantees, "
        "sponsorships, deposits and membership age; a report of every signal, a rating and a maximum "
        "monthly repayment capacity."
    ),
    icon="speedometer",
    # Every number is data: a deployment changes it in [plugins.merat] without touching code
    # (README.md documents each one).
    settings={
        # Where every member starts before the signals add or take away points (0..1000).
        "base_score": 400,
        # Overrides of the weights the signals' plugins declare, by kind: a table
        # [plugins.merat.weights.<kind>] with any of points, per, max and money. Empty: every
        # kind weighs what its plugin declared.
        "weights": {},
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

"""The social supervision plugin (نظارت اجتماعی): reviews, price and quality reports, their handling."""

from __future__ import annotations

from resalat_core.sdk import Plugin, _l

plugin = Plugin(
    name="supervision",
    sdk=">=1.8,<2",  # BigId and widen_ids; add_demo_members
    title=_l("Social supervision"),
    package=__name__,
    # Reviews and reports are about M-Bazar's booths, products and orders; M-Bazar asks this
    # plugin for their reputation and tells it when an order is completed.
    requires=("bazaar",),
    description=_l(
        "Social supervision of price and quality: buyers review what they received, members report "
        "price or quality problems, and the region's social leaders handle the reports."
    ),
    icon="shield-check",
    settings={
        # How long after writing it a buyer may still change a review.
        "review_edit_days": 7,
    },
)

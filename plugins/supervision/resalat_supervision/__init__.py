"""The social supervision plugin (نظارت اجتماعی): reviews, price and quality reports, their handling."""

from __future__ import annotations

from typing import Any

from resalat_core.sdk import Plugin, _l

plugin = Plugin(
    name="supervision",
    sdk=">=1,<2",
    title=_l("Social supervision"),
    package=__name__,
    # Reviews and reports are about M-Bazar's booths, products and orders.
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


def setting(key: str) -> Any:
    """A setting of this plugin: ``config["plugins"]["supervision"][key]`` if set, else its default."""
    from flask import current_app, has_app_context

    if has_app_context():
        configured = (current_app.config["RESALAT"].get("plugins") or {}).get(plugin.name) or {}
        if key in configured:
            return configured[key]
    return plugin.settings[key]

"""The stats plugin (دستاوردها): daily snapshots of every plugin's keyed figures, by period and province."""

from __future__ import annotations

from typing import Any

from resalat_core.sdk import Plugin, _l

NAME = "stats"

plugin = Plugin(
    name=NAME,
    title=_l("Achievements"),
    package=__name__,
    sdk=">=1.4,<2",
    requires=(),
    description=_l(
        "The figures of every sub-system, kept day by day: nationwide and by province, month by "
        "month, season by season and year by year."
    ),
    icon="bar-chart",
    settings={
        # The figures visitors see, as "plugin.key"; administrators see every kept figure. A
        # deployment chooses its own list in [plugins.stats] public_figures.
        "public_figures": [
            "cores.active_cores",
            "cores.active_core_members",
            "loans.amount_lent",
            "bazaar.sales_volume",
            "cores.active_cores_livestock",
            "loans.amount_lent_livestock",
            "cores.active_cores_solar",
            "loans.amount_lent_solar",
            "cores.active_cores_saffron",
            "cores.active_cores_hand_weaving",
            "loans.loans_granted",
            "loans.loans_repaid",
            "bazaar.orders",
            "stm.parcels_delivered",
            "bimeh.policies_in_force",
            "maher.certificates",
            "counseling.sessions_booked",
        ],
        # How many periods back the charts reach, and how many figures are charted (the first
        # public figures kept, in the order above).
        "chart_periods": 6,
        "charts": 6,
    },
)

# Administrators (within their area) see every kept figure, not only the public ones.
VIEW_ALL = f"{NAME}.view_all"


def setting(key: str) -> Any:
    """A setting of this plugin: ``[plugins.stats]`` in the config file, else its default."""
    return plugin.setting(key)

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
            "cores.active_cores_home",
            "cores.active_cores_micro",
            "cores.active_cores_livestock",
            "cores.active_cores_solar",
            "bazaar.sales_volume",
            "bazaar.orders",
            "loans.loans_granted",
            "loans.amount_lent",
            "loans.loans_repaid",
            "loans.amount_livestock",
            "loans.amount_solar",
            "stm.parcels_delivered",
            "bimeh.policies_in_force",
            "maher.enrolments",
            "counseling.sessions_held",
        ],
        # How many periods back the charts reach.
        "chart_periods": 6,
    },
)

# Administrators (within their area) see every kept figure, not only the public ones.
VIEW_ALL = f"{NAME}.view_all"


def setting(key: str) -> Any:
    """A setting of this plugin: ``[plugins.stats]`` in the config file, else its default."""
    return plugin.setting(key)

"""The group orders plugin (سفارش جمعی): cores buy together from a supplier booth at a group price."""

from __future__ import annotations

from typing import Any

from resalat_core.sdk import Plugin, Purpose, SystemAccount, _l

NAME = "group_orders"
# The cores' money for a collective purchase waits here from joining until the M-Bazar order is
# placed (it then moves into M-Bazar's escrow) or the purchase fails (each core is paid back).
ESCROW = f"{NAME}_escrow"
JOIN = f"{NAME}_join"
REFUND = f"{NAME}_refund"
# A bulk customer order: the customer's payment into escrow, a core's share paid out of it when
# the customer confirms the part, and what was not delivered paid back on cancelling.
BULK_PAY = f"{NAME}_bulk_pay"
BULK_SHARE = f"{NAME}_bulk_share"
BULK_REFUND = f"{NAME}_bulk_refund"
# Who may open a collective purchase in their area: social leaders, guides and admins.
ORGANISE = f"{NAME}.organise"

plugin = Plugin(
    name=NAME,
    title=_l("Group orders"),
    package=__name__,
    sdk=">=1.7,<2",  # BigId and widen_ids
    # The order is placed in M-Bazar, from one of its booths; the buyers are cores.
    requires=("bazaar", "cores"),
    description=_l("Cores buy together from a supplier booth at a group price, and share what comes."),
    icon="people-fill",
    accounts=(SystemAccount(ESCROW, _l("Group orders escrow")),),
    purposes=(
        Purpose(JOIN, _l("Share of a group purchase"), detail=_l("Group purchase %(purchase)s: %(title)s")),
        Purpose(
            REFUND,
            _l("Refund of a group purchase share"),
            detail=_l("Group purchase %(purchase)s: %(title)s"),
        ),
        Purpose(BULK_PAY, _l("Payment of a bulk order"), detail=_l("Bulk order %(order)s: %(title)s")),
        Purpose(
            BULK_SHARE, _l("A core's share of a bulk order"), detail=_l("Bulk order %(order)s: %(title)s")
        ),
        Purpose(BULK_REFUND, _l("Refund of a bulk order"), detail=_l("Bulk order %(order)s: %(title)s")),
    ),
    settings={
        # A collective purchase's deadline is at most this many days ahead.
        "max_days": 90,
    },
)


def setting(key: str) -> Any:
    """A setting of this plugin: ``[plugins.group_orders]`` in the config file, else its default."""
    return plugin.setting(key)

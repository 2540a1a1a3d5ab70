"""The campaigns plugin (پویش‌ها و نیکوکاری): campaigns, donations, delivery to the cause, refunds."""

from __future__ import annotations

from typing import Any

from resalat_core.sdk import Persona, Plugin, Purpose, Role, SystemAccount, _l

NAME = "campaigns"
POOL = "campaigns_pool"  # every open campaign's donations wait here until the end
DONATION = "campaigns_donation"
DELIVERY = "campaigns_delivery"
REFUND = "campaigns_refund"
MONEY = "campaigns_money"  # names the beneficiary's earmarked account

ORGANISER = f"{NAME}_organiser"  # opens campaigns in a region without being a guide or a leader
OPEN = f"{NAME}.open"  # open a campaign in one's area (social leaders, guides, admins)
APPROVE = f"{NAME}.approve"  # approve or cancel any campaign of one's area (admins)

plugin = Plugin(
    name=NAME,
    title=_l("Campaigns and giving"),
    package=__name__,
    sdk=">=1.7,<2",  # BigId and widen_ids
    # A campaign may equip a core: its leader is the beneficiary, its field says what it may buy.
    requires=("cores",),
    description=_l(
        "Social-responsibility campaigns for a core's equipment or a village's need: donations wait "
        "in a pool, and at the end go to the cause's earmarked account, or back to every donor."
    ),
    icon="heart",
    settings={
        # The smallest donation, in rials (10,000 tomans).
        "min_donation_rials": 100_000,
        # What the delivered money may buy in M-Bazar, by the core's field of work (category codes);
        # a village's need buys from "place".
        "categories": {
            "saffron": ["saffron_corms", "packaging", "equipment"],
            "hand_weaving": ["looms", "wool_fibre", "yarn_dyes"],
            "clothing": ["sewing_machines"],
            "livestock": ["husbandry_equipment", "veterinary"],
            "beekeeping": ["beekeeping_equipment"],
            "handicrafts": ["equipment"],
            "food": ["equipment", "packaging"],
            "solar": ["solar_kits", "repair"],
            "place": ["equipment", "repair", "solar_kits"],
        },
        # The ledger purpose an M-Bazar purchase carries: the only way delivered money leaves.
        "purchase_purpose": "bazaar_purchase",
    },
    roles=(
        Role(
            ORGANISER,
            _l("Campaign organiser"),
            description=_l("Opens campaigns in their region, for an administrator to approve."),
            # The demo's organiser in Sistan and Baluchestan: the Al-Ghadir sewing machines' campaign.
            personas=(
                Persona(
                    "campaign_organiser",
                    "سمیرا نیک‌خواه",
                    "09120000018",
                    "001000018",
                    "sistan-baluchestan/arbab",
                    "sistan-baluchestan",
                ),
            ),
        ),
    ),
    accounts=(SystemAccount(POOL, _l("Campaigns' pool")),),
    purposes=(
        Purpose(DONATION, _l("Donation to a campaign"), detail=_l("Campaign %(campaign)s")),
        Purpose(DELIVERY, _l("A campaign's money to its cause"), detail=_l("Campaign %(campaign)s")),
        Purpose(REFUND, _l("Donation refunded"), detail=_l("Campaign %(campaign)s")),
        Purpose(MONEY, _l("Campaign money"), detail=_l("Campaign money: %(title)s")),
    ),
)


def setting(key: str) -> Any:
    """A setting of this plugin: ``[plugins.campaigns]`` in the config file, else its default."""
    return plugin.setting(key)

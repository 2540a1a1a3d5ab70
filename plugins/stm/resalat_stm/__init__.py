"""The M-ST plugin (ام‌اس‌تی): member operators carry M-Bazar orders, priced by a tariff."""

from __future__ import annotations

from typing import Any

from resalat_core.sdk import Persona, Plugin, Purpose, Role, SystemAccount, _l

NAME = "stm"
# The delivery option of M-Bazar this plugin carries.
OPTION = "mst"
# Holds every delivery fee from checkout until the operator who carried the parcel is paid.
FEES = f"{NAME}_fees"
# M-ST's own share of each fee (the commission setting), kept apart from the operators' money.
INCOME = f"{NAME}_income"
FEE = f"{NAME}_delivery_fee"
PAYOUT = f"{NAME}_payout"
COMMISSION = f"{NAME}_commission"
# Permissions: who approves operators of a region, who opens consignments in their area.
APPROVE = f"{NAME}.approve"
CONSIGN = f"{NAME}.consign"
OPERATOR = "stm_operator"
TOMAN = 10

plugin = Plugin(
    name=NAME,
    title=_l("M-ST"),
    package=__name__,
    sdk=">=1.8,<2",  # BigId and widen_ids; add_demo_members
    # The orders it carries are M-Bazar's; it answers M-Bazar's delivery hooks.
    requires=("bazaar",),
    hookspecs="resalat_stm.hookspecs",
    description=_l(
        "The members' delivery service: operators near you carry M-Bazar orders; you give a code at the door."
    ),
    icon="truck",
    settings={
        # M-ST keeps this percent of each delivery fee (into stm_income); the operator gets the rest.
        "commission_percent": 10,
        # A consignment's parcel costs this percent of the tariff's price for the same parcel.
        "consignment_percent": 60,
        # After this many wrong delivery codes the shipment is locked for lock_minutes.
        "max_code_attempts": 5,
        "lock_minutes": 30,
        # The weight of one unit of a product whose seller set no parcel size, by M-Bazar unit (grams).
        "unit_grams": {
            "piece": 1000,
            "kg": 1000,
            "gram": 1,
            "liter": 1000,
            "meter": 300,
            "head": 40000,
            "box": 5000,
            "set": 3000,
            "hour": 0,
            "job": 0,
        },
        # The price when the tariff has no row for a pair of provinces: (up to grams, rials) bands,
        # one table within a province and one between provinces.
        "default_same_province": [
            [5000, 600_000],
            [30000, 1_500_000],
            [200000, 4_000_000],
            [1000000, 12_000_000],
        ],
        "default_other_province": [
            [5000, 1_200_000],
            [30000, 3_000_000],
            [200000, 8_000_000],
            [1000000, 25_000_000],
        ],
        # True: M-ST's operators alone mark M-ST orders sent and delivered (DeliveryQuote.carrier),
        # the seller only accepts. False leaves them to the seller too (a region trying M-ST out
        # beside its old couriers).
        "carrier": True,
        # Days the quote tells the buyer the delivery takes.
        "days_same_province": 1,
        "days_other_province": 3,
    },
    roles=(
        Role(
            OPERATOR,
            _l("M-ST operator"),
            description=_l("Carries M-Bazar orders in their service area with their own vehicle."),
            personas=(
                Persona(OPERATOR, "حسن باربر زنجانی", "09120000014", "001000014", "zanjan/zanjan", "zanjan"),
            ),
        ),
    ),
    accounts=(
        SystemAccount(FEES, _l("M-ST delivery fees")),
        SystemAccount(INCOME, _l("M-ST income")),
    ),
    purposes=(
        Purpose(FEE, _l("M-ST delivery fee"), detail=_l("Order %(order)s")),
        Purpose(PAYOUT, _l("Paid for an M-ST delivery"), detail=_l("Shipment %(shipment)s")),
        Purpose(COMMISSION, _l("M-ST's share of a delivery fee"), detail=_l("Shipment %(shipment)s")),
    ),
)


def setting(key: str) -> Any:
    """A setting of this plugin: ``[plugins.stm]`` in the config file, else its default."""
    return plugin.setting(key)

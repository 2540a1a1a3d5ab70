"""The insurance products: their words (name, terms, exclusions) and their price rules from settings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from resalat_core.sdk import Text, _l

from .. import plugin
from ..models import PRODUCTS


@dataclass(frozen=True)
class Words:
    """What a member reads about a product before buying it."""

    name: Text
    description: Text
    terms: tuple[Text, ...]
    exclusions: tuple[Text, ...]
    icon: str


WORDS: dict[str, Words] = {
    "loan_life": Words(
        _l("Remaining-debt life insurance"),
        _l("Repays what is left of your Qard al-Hasan loan if you die or become fully disabled."),
        (
            _l("The insured sum is what is left of the loan, and falls as you repay it."),
            _l("An approved claim pays the loan's remaining instalments; your family owes nothing more."),
            _l("Covers death and total permanent disability from illness or accident."),
        ),
        (
            _l("Illness known before the policy started, in its first six months."),
            _l("Suicide in the first year."),
            _l("War, riots and nuclear risks."),
        ),
        "heart-pulse",
    ),
    "parcel": Words(
        _l("Parcel insurance"),
        _l("Covers an M-Bazar order on its way to you against loss and damage."),
        (
            _l("The insured sum is the order's value."),
            _l("Covers loss, theft and breakage from the booth to your door."),
        ),
        (
            _l("Poor packing by the seller, when the seller is paid for it."),
            _l("Perishable goods that spoil without an accident."),
        ),
        "box-seam",
    ),
    "livestock": Words(
        _l("Livestock insurance"),
        _l("Covers your sheep and goats against death from disease, accident and natural disasters."),
        (
            _l("The insured sum is the value of each head times the heads insured."),
            _l("Covers death from disease, accident, flood, storm and lightning."),
            _l("A veterinarian's report and photos are needed for a claim."),
        ),
        (
            _l("Animals not vaccinated as the veterinary network requires."),
            _l("Deaths in the first fifteen days of the policy."),
            _l("Theft without a police report."),
        ),
        "piggy-bank",
    ),
    "solar": Words(
        _l("Home solar equipment insurance"),
        _l("Covers the panels, inverter and batteries of your home power plant."),
        (
            _l("The insured sum is the value you declare for the equipment."),
            _l("Covers fire, lightning, storm, hail, theft and breakage."),
        ),
        (
            _l("Wear, rust and loss of output with age."),
            _l("Faults covered by the maker's warranty."),
        ),
        "sun",
    ),
    "accident": Words(
        _l("Accident insurance"),
        _l("Pays a fixed sum after an accident that injures, disables or kills an insured person."),
        (
            _l("Choose the insured sum; the premium is for each person insured."),
            _l("A family policy covers every person of your core."),
            _l("Covers accidents at work, at home and on the road."),
        ),
        (
            _l("Injury on purpose, or under drugs or alcohol."),
            _l("Dangerous sports and racing."),
        ),
        "bandaid",
    ),
}


def rule(code: str) -> dict[str, Any]:
    """The product's price rule: the default, with the deployment's keys over it."""
    defaults = plugin.settings["products"][code]
    table = plugin.setting("products") or {}
    return {**defaults, **(table.get(code) or {})}


@dataclass(frozen=True)
class Product:
    """A product as pages and the API show it: its words and its rule."""

    code: str
    words: Words
    rule: dict[str, Any]

    @property
    def term_months(self) -> int:
        return int(self.rule["term_months"])


def product(code: str) -> Product:
    return Product(code, WORDS[code], rule(code))


def products() -> list[Product]:
    return [product(code) for code in PRODUCTS]

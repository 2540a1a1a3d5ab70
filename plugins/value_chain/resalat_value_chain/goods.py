"""The built-in goods and each built-in field's inputs and outputs (the brochure's chains).

A built-in good is known by its code and named by a lazy text, so it reads in every language the
catalogues have; goods an administrator adds are rows (``models.Good``) with both names. Each good
names the M-Bazar category codes (a category includes the categories under it) where booths list it.
"""

from __future__ import annotations

from dataclasses import dataclass

from resalat_core.sdk import _l


@dataclass(frozen=True)
class BuiltinGood:
    code: str
    name: object  # a lazy text
    categories: tuple[str, ...]


BUILTIN_GOODS: tuple[BuiltinGood, ...] = (
    BuiltinGood("wool", _l("Wool"), ("wool_fibre",)),
    BuiltinGood("yarn", _l("Yarn"), ("yarn_dyes",)),
    BuiltinGood("handwoven_cloth", _l("Hand-woven cloth"), ("karbas",)),
    BuiltinGood("fabric", _l("Fabric"), ("textiles",)),
    BuiltinGood("clothing", _l("Clothing"), ("clothing",)),
    BuiltinGood("saffron_bulbs", _l("Saffron bulbs"), ("saffron_corms",)),
    BuiltinGood("saffron", _l("Saffron"), ("saffron",)),
    BuiltinGood("packaged_saffron", _l("Packaged saffron"), ("saffron", "food")),
    BuiltinGood("packaging", _l("Packaging"), ("packaging",)),
    BuiltinGood("lambs", _l("Lambs"), ("sheep", "goats")),
    BuiltinGood("feed", _l("Feed"), ("feed",)),
    BuiltinGood("livestock", _l("Livestock"), ("livestock",)),
    BuiltinGood("dairy", _l("Dairy products"), ("food",)),
    BuiltinGood("honey", _l("Honey"), ("honey",)),
    BuiltinGood("beehives", _l("Beehives"), ("beekeeping_equipment",)),
    BuiltinGood("handicrafts", _l("Handicrafts"), ("handicrafts",)),
    BuiltinGood("solar_kits", _l("Solar kits"), ("solar_kits",)),
    BuiltinGood("electricity", _l("Electricity"), ()),
)
BUILTIN = {g.code: g for g in BUILTIN_GOODS}

# Inputs and outputs of the cores plugin's built-in fields: wool → yarn → hand-woven cloth →
# clothing; saffron bulbs → saffron → packaged saffron; lambs + feed → livestock.
DEFAULT_FIELD_GOODS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "livestock": (("lambs", "feed"), ("livestock", "wool", "lambs")),
    "hand_weaving": (("wool", "yarn"), ("yarn", "handwoven_cloth")),
    "clothing": (("handwoven_cloth", "fabric"), ("clothing",)),
    "saffron": (("saffron_bulbs",), ("saffron", "saffron_bulbs")),
    "food": (("saffron", "honey", "livestock", "packaging"), ("packaged_saffron", "dairy")),
    "beekeeping": (("beehives",), ("honey",)),
    "handicrafts": (("wool", "yarn"), ("handicrafts",)),
    "solar": (("solar_kits",), ("electricity",)),
}

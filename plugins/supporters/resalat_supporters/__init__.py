"""The supporters plugin (حامیان): supporters' help, loan introductions and credit-behaviour sponsorships."""

from __future__ import annotations

from typing import Any

from resalat_core.sdk import Persona, Plugin, Role, RoleKind, _l

plugin = Plugin(
    name="supporters",
    sdk=">=1.7,<2",  # BigId and widen_ids
    title=_l("Supporters"),
    package=__name__,
    hookspecs="resalat_supporters.hookspecs",
    # Introductions name a core by its core ID; sponsorships cover a social cooperation centre.
    requires=("cores", "centers"),
    description=_l(
        "Credit, technical, commercial, cultural and credit-behaviour supporters: their support, "
        "introducing core members for Qard al-Hasan loans, and sponsoring cooperation centres."
    ),
    icon="person-heart",
    settings={
        # An introduction may ask for at most this share of the business's estimated value...
        "introduction_ratio_percent": 50,
        # ...and never more than this (rials; 500 million tomans).
        "max_introduction_rials": 5_000_000_000,
    },
    roles=(
        Role(
            "supporter",
            _l("Supporter"),
            # Cultural supporters register cooperation centres (the centres' services check the kind).
            permissions=("centers.register",),
            kinds=(
                RoleKind("credit", _l("Credit supporter")),
                RoleKind("technical", _l("Technical supporter")),
                RoleKind("commercial", _l("Commercial supporter")),
                RoleKind("cultural", _l("Cultural supporter")),
                RoleKind("credit_behaviour", _l("Credit-behaviour supporter")),
            ),
            description=_l("Helps cores with credit, know-how, trade or culture."),
            personas=(
                Persona(
                    "supporter",
                    "حسین حامی",
                    "09120000006",
                    "001000006",
                    "tehran/tehran",
                    None,
                    ("credit", "cultural", "credit_behaviour"),
                ),
            ),
        ),
    ),
)


def setting(key: str) -> Any:
    """A setting of this plugin: ``[plugins.supporters]`` in the config file, else its default."""
    return plugin.setting(key)

"""The social leaders plugin (راهبران اجتماعی): introductions, social guarantees, community cores."""

from __future__ import annotations

from typing import Any

from resalat_core.sdk import Persona, Plugin, Role, _l

plugin = Plugin(
    name="leaders",
    sdk=">=1.8,<2",  # add_demo_members
    title=_l("Social leaders"),
    package=__name__,
    # The community page lists the cores of the leader's region through the cores plugin.
    requires=("cores",),
    description=_l(
        "Social leaders introduce talented members and rooted local trades, and vouch for members "
        "with social guarantees that stand in for collateral in their credit scoring."
    ),
    icon="people",
    settings={
        # The most a leader may vouch for at once: the sum of their active guarantees, in rials
        # (500,000,000 tomans). Override in the config file under [plugins.leaders].
        "guarantee_cap_rials": 5_000_000_000,
    },
    roles=(
        Role(
            "social_leader",
            _l("Social leader"),
            # Looks members up; manages the cooperation centres of their community (when that
            # plugin is installed: a permission nobody declares is left alone).
            permissions=("core.members.view", "centers.manage"),
            description=_l("Introduces local talents and vouches for members with social guarantees."),
            personas=(
                Persona(
                    "social_leader",
                    "فاطمه قادری",
                    "09120000004",
                    "001000004",
                    "sistan-baluchestan/arbab",
                    "sistan-baluchestan",
                ),
            ),
        ),
    ),
)


def setting(key: str) -> Any:
    """A setting of this plugin: ``[plugins.leaders]`` in the config file, else its default."""
    return plugin.setting(key)

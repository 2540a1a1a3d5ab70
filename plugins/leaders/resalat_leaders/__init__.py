"""The social leaders plugin (راهبران اجتماعی): introductions, social guarantees, community cores."""

from __future__ import annotations

from typing import Any

from resalat_core.sdk import Plugin

plugin = Plugin(
    name="leaders",
    version="0.1.0",
    title_fa="راهبران اجتماعی",
    title_en="Social leaders",
    package=__name__,
    # The community page lists the cores of the leader's region through the cores plugin.
    requires=("cores",),
    description_fa=(
        "راهبران اجتماعی استعدادها و مشاغل ریشه‌دار محلی را معرفی می‌کنند و با ضمانت اجتماعی، "
        "سرمایه‌ی اجتماعی را جای وثیقه در اعتبارسنجی اعضا می‌نشانند."
    ),
    description_en=(
        "Social leaders introduce talented members and rooted local trades, and vouch for members "
        "with social guarantees that stand in for collateral in their credit scoring."
    ),
    icon="people",
    settings={
        # The most a leader may vouch for at once: the sum of their active guarantees, in rials
        # (500,000,000 tomans). Override in the config file under [plugins.leaders].
        "guarantee_cap_rials": 5_000_000_000,
    },
)


def setting(key: str) -> Any:
    """A setting of this plugin: ``[plugins.leaders]`` in the config file, else its default."""
    return plugin.setting(key)

"""The supporters plugin (حامیان): supporters' help, loan introductions and credit-behaviour sponsorships."""

from __future__ import annotations

from typing import Any

from resalat_core.sdk import Plugin

plugin = Plugin(
    name="supporters",
    version="0.1.0",
    title_fa="حامیان",
    title_en="Supporters",
    package=__name__,
    # Introductions name a core by its core ID; sponsorships cover a social cooperation centre.
    requires=("cores", "centers"),
    description_fa=(
        "حامیان اعتباری، فنی، تجاری، فرهنگی و بهبوددهنده‌ی رفتار اعتباری: ثبت حمایت‌ها، "
        "معرفی عضو هسته برای وام قرض‌الحسنه و حمایت از کانون‌های همیاری."
    ),
    description_en=(
        "Credit, technical, commercial, cultural and credit-behaviour supporters: their support, "
        "introducing core members for Qard al-Hasan loans, and sponsoring cooperation centres."
    ),
    icon="hands",
    settings={
        # An introduction may ask for at most this share of the business's estimated value...
        "introduction_ratio_percent": 50,
        # ...and never more than this (rials; 500 million tomans).
        "max_introduction_rials": 5_000_000_000,
    },
)


def setting(key: str) -> Any:
    """A setting of this plugin: ``[plugins.supporters]`` in the config file, else its default."""
    return plugin.setting(key)

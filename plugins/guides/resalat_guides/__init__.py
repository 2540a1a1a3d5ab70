"""The guides plugin (رهیاران): candidates, advice, registering their cores, and links between cores."""

from resalat_core.sdk import Plugin

plugin = Plugin(
    name="guides",
    version="0.1.0",
    title_fa="رهیاران",
    title_en="Guides",
    package=__name__,
    # A candidate becomes a core through the cores registry, and links join two of its cores.
    requires=("cores",),
    description_fa=(
        "رهیار منطقه نامزدها را می‌یابد، راهنمایی می‌کند، هسته‌شان را ثبت و هسته‌ها را به هم پیوند می‌دهد."
    ),
    description_en="The area's guide finds candidates, advises them, registers their cores and links cores.",
    icon="compass",
)

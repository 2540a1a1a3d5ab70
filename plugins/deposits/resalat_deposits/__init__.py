"""The deposits plugin (سپرده‌ی قرض‌الحسنه و امتیاز): Qard al-Hasan deposits, loan points, the term table."""

from __future__ import annotations

from typing import Any

from resalat_core.sdk import Plugin

plugin = Plugin(
    name="deposits",
    version="0.1.0",
    title_fa="سپرده‌ی قرض‌الحسنه و امتیاز",
    title_en="Qard al-Hasan deposits and points",
    package=__name__,
    requires=(),
    description_fa=(
        "سپرده‌ی قرض‌الحسنه‌ی عضو، حسابی در کیف پول است؛ میانگین موجودی آن در چند ماه گذشته "
        "امتیاز وام می‌سازد، امتیاز به بستگان درجه یک منتقل می‌شود و نسبت وام به امتیاز، "
        "بلندترین مدت بازپرداخت را تعیین می‌کند."
    ),
    description_en=(
        "A member's Qard al-Hasan deposit is a wallet account; its average balance over the last months "
        "earns loan points, points can be given to first-degree relatives, and the loan-to-points ratio "
        "sets the longest repayment term."
    ),
    icon="piggy-bank",
    settings={
        # The averaging window in months (3..6); a month counts as 30 days so the window is exact.
        "window_months": 6,
        # [max loan-to-points ratio in percent, longest term in months], ratio ascending.
        "term_table": [[20, 60], [40, 48], [60, 36], [80, 24], [100, 12]],
    },
)


def setting(key: str) -> Any:
    """A setting of this plugin: ``[plugins.deposits]`` in the config file, else its default."""
    return plugin.setting(key)

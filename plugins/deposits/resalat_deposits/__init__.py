"""The deposits plugin (سپرده‌ی قرض‌الحسنه و امتیاز): Qard al-Hasan deposits, loan points, the term table."""

from __future__ import annotations

from typing import Any

from resalat_core.sdk import AccountKind, Plugin, Purpose, _l

plugin = Plugin(
    name="deposits",
    sdk=">=1.8,<2",  # BigId and widen_ids; seed_demo_rows
    title=_l("Qard al-Hasan deposits and points"),
    package=__name__,
    requires=(),
    description=_l(
        "A member's Qard al-Hasan deposit is a wallet account; its average balance over the last "
        "months earns loan points, points can be given to first-degree relatives, and the loan-to-"
        "points ratio sets the longest repayment term."
    ),
    icon="piggy-bank",
    settings={
        # The averaging window in months (3..6); a month counts as 30 days so the window is exact.
        "window_months": 6,
        # [max loan-to-points ratio in percent, longest term in months], ratio ascending.
        "term_table": [[20, 60], [40, 48], [60, 36], [80, 24], [100, 12]],
    },
    account_kinds=(AccountKind("deposit", _l("Qard al-Hasan deposit")),),
    purposes=(
        Purpose("qard_deposit", _l("Into the Qard al-Hasan deposit")),
        Purpose("qard_withdrawal", _l("Out of the Qard al-Hasan deposit")),
    ),
)


def setting(key: str) -> Any:
    """A setting of this plugin: ``[plugins.deposits]`` in the config file, else its default."""
    return plugin.setting(key)

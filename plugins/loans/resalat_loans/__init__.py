"""The loans plugin (وام قرض‌الحسنه): interest-free loans paid as earmarked M-Bazar credit."""

from __future__ import annotations

from typing import Any

from resalat_core.sdk import Plugin

plugin = Plugin(
    name="loans",
    version="0.1.0",
    title_fa="وام قرض‌الحسنه",
    title_en="Qard al-Hasan loans",
    package=__name__,
    # An introduction comes from supporters (of a member of a core), the score from Merat, the
    # pledge from iCAP, the term from deposits, social guarantees from leaders, and the money is
    # spent in M-Bazar.
    requires=("cores", "supporters", "merat", "icap", "deposits", "leaders", "bazaar"),
    description_fa=(
        "وام قرض‌الحسنه‌ی بدون بهره با کارمزد ثابت: درخواست با معرفی حامی، اعتبارسنجی مرآت و سفته‌ی "
        "آیکاپ، تصمیم کارشناس اعتباری، پرداخت به حساب اعتباری مخصوص خرید از بازار و بازپرداخت اقساطی."
    ),
    description_en=(
        "Interest-free loans with a fixed fee: requested through a supporter's introduction, a Merat "
        "score and an iCAP note, decided by a credit officer, paid as earmarked M-Bazar credit and "
        "repaid in equal instalments."
    ),
    icon="cash-coin",
    settings={
        # Days before a due date when the member is reminded (and resalat_instalment_due fires).
        "reminder_days": 3,
        # Delinquency buckets: the lowest days overdue of each, in order (1-30, 31-60, 61-90, 90+).
        "bucket_starts": [1, 31, 61, 91],
        # From this bucket (index into bucket_starts) the guarantors are called.
        "call_guarantors_bucket": 1,
        # From this bucket the iCAP note is protested (واخواست); -1 never.
        "protest_bucket": 3,
        # Instalment parts are rounded down to this many rials (1,000 tomans), the rest on the last.
        "instalment_rounding": 10_000,
        # The fee a product may charge at most, in basis points (4%, the cap of general funds).
        "max_fee_bps": 400,
    },
)


def setting(key: str) -> Any:
    """A setting of this plugin: ``[plugins.loans]`` in the config file, else its default."""
    return plugin.setting(key)

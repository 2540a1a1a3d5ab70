"""The iCAP plugin (آیکاپ): electronic promissory notes (سفته‌ی الکترونیکی) pledged to loans."""

from __future__ import annotations

from typing import Any

from resalat_core.sdk import Plugin, Purpose, SystemAccount, _l

plugin = Plugin(
    name="icap",
    sdk=">=1.8,<2",  # BigId, audit(), a member's own data; seed_demo_rows
    title=_l("iCAP electronic promissory notes"),
    package=__name__,
    description=_l(
        "A member issues an electronic promissory note, pays its stamp duty from the wallet, has its "
        "guarantors sign it, and pledges it to a Qard al-Hasan loan until the loan is repaid."
    ),
    icon="file-text",
    settings={
        # Stamp duty (حق تمبر) in parts per ten thousand of the face value: 5 is 0.05%.
        "duty_per_10000": 5,
        # Face values in rials: at least 1,000,000 rials (100,000 tomans), at most 500 billion
        # rials (below a thousand billion, so the amount in words stays in میلیارد).
        "min_amount_rials": 1_000_000,
        "max_amount_rials": 500_000_000_000,
        # Who a loan's note is made out to by default: the Qard al-Hasan bank. The national ID
        # below only passes the check digit; set the bank's real one in the config file.
        "default_payee_name": "بانک قرض‌الحسنه‌ی رسالت",
        "default_payee_code": "10380284790",
        "default_place_of_payment": "تهران",
        "max_guarantors": 3,
    },
    accounts=(SystemAccount("stamp_duty", _l("Promissory-note stamp duty")),),
    purposes=(
        Purpose("stamp_duty", _l("Stamp duty of a promissory note"), detail=_l("Promissory note %(serial)s")),
    ),
)


def setting(key: str) -> Any:
    """A setting of this plugin: ``[plugins.icap]`` in the config file, else its default."""
    return plugin.setting(key)

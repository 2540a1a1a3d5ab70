"""The loans plugin (وام قرض‌الحسنه): interest-free loans paid as earmarked M-Bazar credit."""

from __future__ import annotations

from typing import Any

from resalat_core.sdk import Persona, Plugin, Purpose, Role, SystemAccount, _l

plugin = Plugin(
    name="loans",
    sdk=">=1.8,<2",  # BigId, audit(), a member's own data; seed_demo_rows
    title=_l("Qard al-Hasan loans"),
    package=__name__,
    hookspecs="resalat_loans.hookspecs",
    # An introduction comes from supporters (of a member of a core), the score from Merat, the
    # pledge from iCAP, the term from deposits, social guarantees from leaders, and the money is
    # spent in M-Bazar.
    requires=("cores", "supporters", "merat", "icap", "deposits", "leaders", "bazaar"),
    description=_l(
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
    roles=(
        Role(
            "credit_officer",
            _l("Credit officer"),
            # What an officer needs to decide: members' Merat reports, their notes, the deposits'
            # totals of their region (permissions of plugins loans requires).
            permissions=("merat.view_reports", "icap.view_all", "deposits.view_totals"),
            description=_l("Decides Qard al-Hasan loan requests within their region."),
            personas=(
                Persona(
                    "credit_officer", "محمد اعتباری", "09120000009", "001000009", "zanjan/zanjan", "zanjan"
                ),
            ),
        ),
    ),
    accounts=(
        SystemAccount("loan_fund", _l("Qard al-Hasan loan fund")),
        SystemAccount("fee_income", _l("Loan fee income"), may_go_negative=True),
    ),
    purposes=(
        Purpose("loan_disbursal", _l("Loan disbursal"), detail=_l("Loan no. %(loan)s")),
        Purpose(
            "loan_repayment",
            _l("Loan repayment"),
            detail=_l("Instalment %(instalment)s of loan no. %(loan)s"),
        ),
        Purpose("loan_fee", _l("Loan fee"), detail=_l("Instalment %(instalment)s of loan no. %(loan)s")),
        Purpose("loan_funding", _l("Money into the loan fund")),
        # Names the earmarked account a loan is paid into, as its owner reads it.
        Purpose("loan", _l("Loan money"), detail=_l("Loan no. %(loan)s for %(product)s")),
    ),
)


def setting(key: str) -> Any:
    """A setting of this plugin: ``[plugins.loans]`` in the config file, else its default."""
    return plugin.setting(key)

"""The M-Hesam plugin (ام‌حساب): a member's accounts, statements, transfers and earmarked funds."""

from resalat_core.sdk import Plugin, Purpose, SystemAccount, _l

plugin = Plugin(
    name="hesam",
    sdk=">=1.7,<2",  # BigId, audit(), a member's own data
    title=_l("M-Hesam"),
    package=__name__,
    hookspecs="resalat_hesam.hookspecs",
    # Transfers and top-ups tell the member through the notifications plugin's inbox.
    requires=("notifications",),
    description=_l("The member's accounts: balances, statements, transfers and earmarked funds (loans)."),
    icon="wallet",
    settings={
        # The internet payment gateway for card top-ups: "sandbox" (served by M-Hesam itself, for
        # the embedded set-up and the tests) or a real provider's adapter as "package.module:Class".
        "gateway": "sandbox",
    },
    accounts=(
        # Both stand for the outside world, so their balance is what came in or went out.
        SystemAccount("card_gateway", _l("Card payments (gateway clearing)"), may_go_negative=True),
        SystemAccount("bank_payouts", _l("Withdrawals to bank accounts"), may_go_negative=True),
    ),
    purposes=(
        Purpose("member_transfer", _l("Transfer between members")),
        Purpose("top_up", _l("Cash top-up")),
        Purpose("card_top_up", _l("Top-up by bank card"), _l("Tracking number %(reference)s")),
        Purpose(
            "withdrawal", _l("Withdrawal to a bank account"), _l("To the Sheba account ending %(sheba)s")
        ),
    ),
)

"""The M-Hesam plugin (ام‌حساب): a member's accounts, statements, transfers and earmarked funds."""

from resalat_core.sdk import Plugin, Purpose, _l

plugin = Plugin(
    name="hesam",
    sdk=">=1,<2",
    title=_l("M-Hesam"),
    package=__name__,
    # Transfers and top-ups tell the member through the notifications plugin's inbox.
    requires=("notifications",),
    description=_l("The member's accounts: balances, statements, transfers and earmarked funds (loans)."),
    icon="wallet",
    purposes=(
        Purpose("member_transfer", _l("Transfer between members")),
        Purpose("top_up", _l("Cash top-up")),
    ),
)

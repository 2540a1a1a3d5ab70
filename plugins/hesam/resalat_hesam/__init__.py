"""The M-Hesam plugin (ام‌حساب): a member's accounts, statements, transfers and earmarked funds."""

from resalat_core.sdk import Plugin

plugin = Plugin(
    name="hesam",
    version="0.1.0",
    title_fa="ام‌حساب",
    title_en="M-Hesam",
    package=__name__,
    # Transfers and top-ups tell the member through the notifications plugin's inbox.
    requires=("notifications",),
    description_fa="حساب‌های عضو: موجودی، صورت‌حساب، انتقال وجه و وجوه اختصاصی (مثل وام).",
    description_en="The member's accounts: balances, statements, transfers and earmarked funds (loans).",
    icon="wallet",
)

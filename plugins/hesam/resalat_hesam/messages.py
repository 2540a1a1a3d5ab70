"""The notifications M-Hesam sends: money received, top-ups, and the bank's answer to a withdrawal."""

from resalat_core.sdk import MessageKind, _l

# The sender is named masked (as on the sender's confirmation page).
TRANSFER_RECEIVED = MessageKind(
    "transfer.received",
    _l("%(amount)s arrived in your account"),
    _l("%(sender)s sent this amount to your main M-Hesam account."),
)
# The same, with the note the sender wrote, in their own words.
TRANSFER_RECEIVED_WITH_NOTE = MessageKind(
    "transfer.received_with_note",
    _l("%(amount)s arrived in your account"),
    _l("%(sender)s sent this amount to your main M-Hesam account. Note: %(note)s"),
)
TOP_UP_RECORDED = MessageKind(
    "topup.recorded",
    _l("%(amount)s was added to your account"),
    _l("A cash top-up to your main M-Hesam account was recorded."),
)
CARD_TOP_UP_VERIFIED = MessageKind(
    "topup.card_verified",
    _l("%(amount)s was added to your account"),
    _l("Your card payment was verified and added to your main M-Hesam account."),
)
WITHDRAWAL_SETTLED = MessageKind(
    "withdrawal.settled",
    _l("%(amount)s was paid to your bank account"),
    _l("The bank paid your withdrawal to the Sheba account ending %(sheba)s."),
)
# The reason is the bank's, as an administrator recorded it.
WITHDRAWAL_REFUSED = MessageKind(
    "withdrawal.refused",
    _l("Your withdrawal of %(amount)s was refused by the bank"),
    _l("The money is free in your main account again. The bank's reason: %(reason)s"),
)

"""The notifications M-Hesam sends: money received from another member, and a cash top-up."""

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

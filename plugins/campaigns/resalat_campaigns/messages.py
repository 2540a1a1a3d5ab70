"""The notifications the campaigns plugin sends: kinds and variables, worded in the reader's language."""

from resalat_core.sdk import MessageKind, _l

APPROVED = MessageKind(
    "approved",
    _l("Your campaign is open"),
    _l("%(title)s was approved and now takes donations."),
)
DELIVERED = MessageKind(
    "delivered",
    _l("A campaign you gave to has ended"),
    _l("%(title)s raised %(raised)s; the money went to its cause's earmarked account."),
)
RECEIVED = MessageKind(
    "received",
    _l("Campaign money reached you"),
    _l("%(raised)s from %(title)s is in an earmarked account: it buys only the cause's equipment."),
)
REFUNDED = MessageKind(
    "refunded",
    _l("A campaign you gave to was cancelled"),
    _l("%(title)s was cancelled; your %(amount)s went back to your main account."),
)

"""The notifications the vouchers plugin sends: each kind declared once, its words in the catalogue."""

from resalat_core.sdk import MessageKind, _l

RECEIVED = MessageKind(
    "voucher_received",
    _l("A voucher of %(amount)s for you"),
    _l("%(issuer)s gave you a voucher of %(amount)s, valid through %(day)s. Spend it in M-Bazar."),
)
CHARGED = MessageKind(
    "voucher_charged",
    _l("Your voucher was charged %(amount)s"),
    _l("%(booth)s charged %(amount)s to your voucher; %(left)s is left on it."),
)

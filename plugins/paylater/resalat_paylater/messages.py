"""The notifications pay later sends: each kind declared once, its words in the catalogue."""

from resalat_core.sdk import MessageKind, _l

BOUGHT = MessageKind(
    "bought",
    _l("Bought on pay later"),
    _l("You owe %(amount)s, due by %(day)s, with no fee. It is collected from your main account that day."),
)
DUE_SOON = MessageKind(
    "due_soon",
    _l("A pay-later purchase is due soon"),
    _l("%(amount)s is due on %(day)s: keep it in your main account, or pay it now."),
)
COLLECTED = MessageKind(
    "collected",
    _l("Pay-later purchase paid"),
    _l("%(amount)s for pay-later purchase no. %(debt)s was collected from your main account."),
)
OVERDUE = MessageKind(
    "overdue",
    _l("A pay-later purchase is overdue"),
    _l(
        "%(amount)s was due on %(day)s and is now %(bucket)s. Your pay-later limit is frozen until "
        "it is paid, and Merat counts it. Top up your main account or pay it now."
    ),
)
CANCELLED = MessageKind(
    "cancelled",
    _l("Pay-later purchase cancelled"),
    _l("Order %(order)s was refunded, so you no longer owe its %(amount)s."),
)

"""The notifications group orders sends: each kind declared once, its words in the catalogue."""

from resalat_core.sdk import MessageKind, _l

PROPOSED = MessageKind(
    "proposed",
    _l("A group purchase asks for your price"),
    _l("%(organiser)s wants to buy %(title)s together at %(price)s a unit; accept or decline it."),
)
DECIDED = MessageKind(
    "decided",
    _l("The supplier answered your group purchase"),
    _l("Group purchase %(purchase)s of %(title)s is now: %(status)s."),
)
JOINED = MessageKind(
    "joined",
    _l("A core joined your group purchase"),
    _l("%(core)s now takes %(quantity)s of %(title)s (%(joined)s of %(minimum)s needed)."),
)
MINIMUM_REACHED = MessageKind(
    "minimum_reached",
    _l("A group purchase reached its minimum"),
    _l("Group purchase %(purchase)s of %(title)s has enough cores: it will be ordered at its deadline."),
)
PLACED = MessageKind(
    "placed",
    _l("A group purchase was ordered"),
    _l(
        "Group purchase %(purchase)s of %(title)s was ordered from %(booth)s; collect your part at %(place)s."
    ),
)
REFUNDED = MessageKind(
    "refunded",
    _l("Your group purchase share was paid back"),
    _l("Group purchase %(purchase)s of %(title)s did not go ahead: %(amount)s went back to your account."),
)
DELIVERED = MessageKind(
    "delivered",
    _l("A group purchase arrived"),
    _l("The order of group purchase %(purchase)s arrived: hand each core its part."),
)
HANDED = MessageKind(
    "handed",
    _l("Your part of a group purchase was handed over"),
    _l("%(quantity)s of %(title)s were handed over for %(core)s: confirm that you received them."),
)
BULK_OFFERED = MessageKind(
    "bulk_offered",
    _l("Your core is offered part of a bulk order"),
    _l("%(core)s is offered %(quantity)s %(unit)s of %(title)s: accept or decline it."),
)
BULK_ANSWERED = MessageKind(
    "bulk_answered",
    _l("A core answered its part of a bulk order"),
    _l("%(core)s %(answer)s its part of bulk order %(order)s."),
)
BULK_DELIVERED = MessageKind(
    "bulk_delivered",
    _l("A part of your bulk order was delivered"),
    _l("%(core)s delivered %(quantity)s %(unit)s of bulk order %(order)s: confirm that you received them."),
)
BULK_PAID = MessageKind(
    "bulk_paid",
    _l("Your core was paid for its part of a bulk order"),
    _l("The customer confirmed the part of %(core)s in bulk order %(order)s: %(amount)s was paid to you."),
)
BULK_WITHDRAWN = MessageKind(
    "bulk_withdrawn",
    _l("A bulk order was cancelled"),
    _l("The customer cancelled bulk order %(order)s: the part of %(core)s is no longer needed."),
)

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

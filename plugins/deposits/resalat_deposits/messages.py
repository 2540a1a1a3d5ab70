"""The notifications the deposits plugin sends: points given between relatives."""

from resalat_core.sdk import MessageKind, _l

# To the relative who received: who gave, how much average balance, and as whom.
POINTS_RECEIVED = MessageKind(
    "points.received",
    _l("%(giver)s gave you loan points"),
    _l("Points worth an average of %(amount)s were given to you as their %(relation)s."),
)
# To the giver: the receipt of their own gift.
POINTS_GIVEN = MessageKind(
    "points.given",
    _l("Your points were given to %(recipient)s"),
    _l("Points worth an average of %(amount)s went to your %(relation)s."),
)

"""The notifications the centres send: shares offered, withdrawn, declined and delivered."""

from resalat_core.sdk import MessageKind, _l

# To a core's leader when the centre gives the core a share of an order. Variables: ``core``,
# ``centre``, ``item`` and ``unit`` (as typed), ``quantity`` (a count) and ``due`` (a Day).
SHARE_OFFERED = MessageKind(
    "share.offered",
    _l("A new share for %(core)s: %(quantity)s %(unit)s of %(item)s"),
    _l("%(centre)s offers your core this share, due %(due)s; please accept it or decline it with a reason."),
)

# To a core's leader when the centre cancels an order their core still had work on.
# Variables: ``centre`` and ``item``.
SHARE_WITHDRAWN = MessageKind(
    "share.withdrawn",
    _l("%(centre)s cancelled the order “%(item)s”"),
    _l("Your core's share of this order is no longer needed."),
)

# To the centre's leader when a core declines its share. Variables: ``core``, ``item``, ``unit``,
# ``quantity`` (freed again) and ``reason`` (the core leader's own words).
SHARE_DECLINED = MessageKind(
    "share.declined",
    _l("%(core)s declined its share of “%(item)s”"),
    _l("Reason: %(reason)s\n%(quantity)s %(unit)s are free to share again."),
)

# To the centre's leader when a core reports a delivery. Variables: ``core``, ``item``, ``unit``,
# ``quantity`` (this delivery), ``delivered`` and ``total`` (the order's, so far and in all).
SHARE_DELIVERED = MessageKind(
    "share.delivered",
    _l("%(core)s delivered %(quantity)s %(unit)s of “%(item)s”"),
    _l("Delivered so far: %(delivered)s of %(total)s"),
)

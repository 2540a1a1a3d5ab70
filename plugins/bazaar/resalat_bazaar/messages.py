"""The notifications M-Bazar sends: an order's steps to the other side, and a hidden booth or product.

Each kind is declared once; ``notify(member, ORDER_SHIPPED(url=..., order=..., ...))`` stores the
kind and its variables, and the reader reads them in their language. ``order`` is the order's
number (an int: Persian digits in Persian), ``booth`` and ``name`` are what the seller typed,
``amount`` is ``Money``.
"""

from resalat_core.sdk import MessageKind, _l

# To the seller: a buyer paid an order into escrow.
ORDER_PLACED = MessageKind("order.placed", _l("New order %(order)s at %(booth)s"), _l("Amount: %(amount)s"))
# To the buyer: the seller's steps.
ORDER_ACCEPTED = MessageKind(
    "order.accepted", _l("%(booth)s accepted order %(order)s"), _l("Amount: %(amount)s")
)
ORDER_SHIPPED = MessageKind("order.shipped", _l("Order %(order)s is on its way"), _l("Amount: %(amount)s"))
ORDER_DELIVERED = MessageKind(
    "order.delivered", _l("Order %(order)s was delivered; please confirm"), _l("Amount: %(amount)s")
)
# To the seller: the buyer confirmed (or the waiting days ran out) and escrow paid the seller.
ORDER_COMPLETED = MessageKind(
    "order.completed", _l("Order %(order)s was paid to your account"), _l("Amount: %(amount)s")
)
# To the side that did not cancel (both, when an administrator refunded).
ORDER_CANCELLED = MessageKind(
    "order.cancelled",
    _l("Order %(order)s was cancelled and refunded"),
    _l("Amount: %(amount)s. Reason: %(reason)s"),
)

# To the owner, when an administrator or social supervision hides or shows again what they sell.
BOOTH_HIDDEN = MessageKind("booth.hidden", _l("Your booth «%(name)s» was hidden"), _l("Reason: %(reason)s"))
BOOTH_SHOWN = MessageKind("booth.shown", _l("Your booth «%(name)s» is shown again"))
PRODUCT_HIDDEN = MessageKind(
    "product.hidden", _l("Your product «%(name)s» was hidden"), _l("Reason: %(reason)s")
)
PRODUCT_SHOWN = MessageKind("product.shown", _l("Your product «%(name)s» is shown again"))

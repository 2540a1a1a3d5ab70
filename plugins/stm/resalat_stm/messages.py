"""The notifications M-ST sends: each kind declared once, its words in the catalogue."""

from resalat_core.sdk import MessageKind, _l

SHIPMENT_CREATED = MessageKind(
    "shipment_created",
    _l("Your order will come by M-ST"),
    _l("Order %(order)s will be brought to your door. Give the operator this delivery code: %(code)s."),
)
ACCEPTED = MessageKind(
    "accepted",
    _l("An M-ST operator took your parcel"),
    _l("%(operator)s will carry order %(order)s."),
)
PICKED_UP = MessageKind(
    "picked_up",
    _l("Your parcel is on its way"),
    _l("Order %(order)s left the booth. Keep your delivery code for the door: %(code)s."),
)
DELIVERED = MessageKind(
    "delivered",
    _l("Parcel delivered"),
    _l("Order %(order)s was delivered to the buyer with their code, and the order is completed."),
)
FAILED = MessageKind(
    "failed",
    _l("A delivery did not succeed"),
    _l("Order %(order)s could not be delivered: %(reason)s"),
)
RETURNED = MessageKind(
    "returned",
    _l("A parcel went back to the booth"),
    _l(
        "Order %(order)s was returned to the booth. Its money stays in escrow until the order is "
        "cancelled or sent again."
    ),
)
CALLED_OFF = MessageKind(
    "called_off",
    _l("A delivery was called off"),
    _l("Order %(order)s was cancelled: do not carry it (or bring it back to the booth)."),
)
DECIDED = MessageKind(
    "decided",
    _l("Your M-ST operator application"),
    _l("Your application to carry parcels is now: %(status)s."),
)
PAID = MessageKind(
    "paid",
    _l("Paid for a delivery"),
    _l("%(amount)s for shipment %(shipment)s is in your main account."),
)

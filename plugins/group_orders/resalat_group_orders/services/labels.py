"""What a person reads for each code a group purchase stores (statuses, reasons)."""

from __future__ import annotations

from resalat_core.sdk import Text, _l

STATUS_LABELS: dict[str, Text] = {
    "proposed": _l("Waiting for the supplier"),
    "declined": _l("Declined by the supplier"),
    "open": _l("Open to cores"),
    "placed": _l("Ordered"),
    "failed": _l("Did not reach its minimum"),
    "delivered": _l("Arrived: being handed over"),
    "closed": _l("Handed over"),
    "cancelled": _l("Cancelled"),
}
SHARE_STATUS_LABELS: dict[str, Text] = {
    "joined": _l("Joined"),
    "left": _l("Left"),
    "refunded": _l("Paid back"),
    "handed": _l("Handed over"),
    "received": _l("Received"),
}
REASON_LABELS: dict[str, Text] = {
    "declined": _l("The supplier did not accept the group price."),
    "minimum": _l("Not enough cores joined before the deadline."),
    "order_refused": _l("M-Bazar could not place the order (stock or price changed)."),
    "called_off": _l("The organiser called it off."),
    "order_cancelled": _l("The M-Bazar order was cancelled."),
}
BULK_STATUS_LABELS: dict[str, Text] = {
    "open": _l("In progress"),
    "completed": _l("Completed"),
    "cancelled": _l("Cancelled"),
}
PART_STATUS_LABELS: dict[str, Text] = {
    "offered": _l("Waiting for the core"),
    "accepted": _l("Accepted"),
    "declined": _l("Declined"),
    "delivered": _l("Delivered: waiting for the customer"),
    "confirmed": _l("Received and paid"),
    "withdrawn": _l("Withdrawn"),
}

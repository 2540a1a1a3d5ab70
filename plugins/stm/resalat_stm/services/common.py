"""What every part of M-ST's rules shares: statuses' and labels' words, the clock, regions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from resalat_core.sdk import (
    Member,
    Region,
    _l,
    get_region,
    utcnow,
)

from ..models import (
    APPROVED,
    ASSIGNED,
    C_LEFT,
    C_OPEN,
    CANCELLED,
    CREATED,
    DELIVERED,
    FAILED,
    IN_TRANSIT,
    PENDING,
    PICKED_UP,
    RETURNED,
    SUSPENDED,
)

REFERENCE_KIND = "stm_shipment"
MAX_CAPACITY_KG = 40_000
MAX_GRAMS = 100_000_000
MAX_PRICE = 10_000_000_000
MAX_AREAS = 10

STATUS_LABELS = {
    CREATED: _l("Waiting for an operator"),
    ASSIGNED: _l("Operator assigned"),
    PICKED_UP: _l("Picked up"),
    IN_TRANSIT: _l("On the way"),
    DELIVERED: _l("Delivered"),
    FAILED: _l("Delivery failed"),
    RETURNED: _l("Returned to the booth"),
    CANCELLED: _l("Called off"),
}
OPERATOR_LABELS = {
    PENDING: _l("Waiting for approval"),
    APPROVED: _l("Approved"),
    SUSPENDED: _l("Suspended"),
}
VEHICLE_LABELS = {
    "motorbike": _l("Motorbike"),
    "car": _l("Car"),
    "pickup": _l("Pickup truck"),
    "van": _l("Van"),
    "truck": _l("Truck"),
}
SIZE_LABELS = {
    "small": _l("Small (fits a bag)"),
    "medium": _l("Medium (a box)"),
    "large": _l("Large (a car's boot)"),
    "bulky": _l("Bulky (needs a pickup or a truck)"),
}
CONSIGNMENT_LABELS = {
    C_OPEN: _l("Open: parcels may join"),
    C_LEFT: _l("Left"),
    "cancelled": _l("Called off"),
}
# action -> (the statuses it moves from, the status it moves to, a note is required)
MOVES: dict[str, tuple[tuple[str, ...], str, bool]] = {
    "pickup": ((ASSIGNED,), PICKED_UP, False),
    "transit": ((PICKED_UP, FAILED), IN_TRANSIT, False),
    "fail": ((PICKED_UP, IN_TRANSIT), FAILED, True),
    "return": ((PICKED_UP, IN_TRANSIT, FAILED), RETURNED, False),
}
MOVE_LABELS = {
    "accept": _l("Accept this job"),
    "pickup": _l("Picked up at the booth"),
    "transit": _l("On the way to the buyer"),
    "fail": _l("Could not deliver"),
    "return": _l("Returned to the booth"),
    "deliver": _l("Delivered: enter the code"),
}


def now() -> datetime:
    return utcnow()


def _member_region(session: Session, member: Member) -> Region:
    return member.region if member.region is not None else get_region(session, member.region_id)

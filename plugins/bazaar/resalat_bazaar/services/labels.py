"""What a person reads for M-Bazar's codes: order statuses, delivery, units, loan programmes, sorts."""

from __future__ import annotations

from typing import Any

from resalat_bazaar.models import (
    ACCEPTED,
    BOOTH_CLOSED,
    BOOTH_OPEN,
    CANCELLED,
    COMPLETED,
    DELIVERED,
    GOODS,
    MST,
    PICKUP,
    PLACED,
    POST,
    REFUNDED,
    SERVICE,
    SHIPPED,
)
from resalat_core.sdk import _l, join_words, vocabulary

STATUS_LABELS = {
    PLACED: _l("Placed"),
    ACCEPTED: _l("Accepted"),
    SHIPPED: _l("Shipped"),
    DELIVERED: _l("Delivered"),
    COMPLETED: _l("Completed"),
    CANCELLED: _l("Cancelled"),
    REFUNDED: _l("Refunded"),
}
DELIVERY_LABELS = {
    PICKUP: _l("Pickup at the booth"),
    MST: _l("M-ST delivery"),
    POST: _l("Post"),
}
UNIT_LABELS = {
    "piece": _l("piece"),
    "kg": _l("kg"),
    "gram": _l("gram"),
    "liter": _l("litre"),
    "meter": _l("metre"),
    "head": _l("head (livestock)"),
    "box": _l("box"),
    "set": _l("set"),
    "hour": _l("hour"),
    "job": _l("job"),
}
PROGRAMME_LABELS = {
    "livestock": _l("Light livestock loans"),
    "solar": _l("Home solar loans"),
    "agriculture": _l("Agriculture loans"),
    "textiles": _l("Weaving and clothing loans"),
    "beekeeping": _l("Beekeeping loans"),
}
KIND_LABELS = {GOODS: _l("Goods"), SERVICE: _l("Service")}
BOOTH_STATUS_LABELS = {BOOTH_OPEN: _l("Open"), BOOTH_CLOSED: _l("Closed")}
SORTS = {
    "relevance": _l("Best match"),
    "newest": _l("Newest"),
    "price_asc": _l("Cheapest first"),
    "price_desc": _l("Most expensive first"),
}
PERIODS = {"30d": _l("Last 30 days"), "12m": _l("Last 12 months")}
ROLE_LABELS = {"buyer": _l("buyer"), "seller": _l("seller"), "admin": _l("administrator")}


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


def unit_label(unit: str) -> str:
    return str(UNIT_LABELS.get(unit, unit))


def delivery_label(option: str) -> str:
    return str(DELIVERY_LABELS.get(option, option))


def programme_label(programme: str) -> str:
    return str(PROGRAMME_LABELS.get(programme, programme))


def programme_list(programmes: list[str]) -> str:
    """Loan programmes as one list in the reader's language."""
    return join_words(PROGRAMME_LABELS.get(p, p) for p in programmes)


def tomans(rials: int) -> str:
    """Rials as a plain toman figure for a form field to edit ('12500', '12.5')."""
    whole, tenth = divmod(rials, 10)
    return f"{whole}.{tenth}" if tenth else str(whole)


def payment_label(payment: Any) -> str:
    """What a part of an order paid by another way to pay reads as: its ledger purpose's title
    in the reader's language ("Voucher", "Instalment plan"), declared by the plugin that paid."""
    return vocabulary().purpose_label(payment.purpose)

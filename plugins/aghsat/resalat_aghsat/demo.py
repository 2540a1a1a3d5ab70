"""M-Aghsat's part of the demo world: three plans, every demo booth opted in, a funded instalment
fund, and the demo member's first purchase in instalments when her Merat rating allows one."""

from __future__ import annotations

from typing import Any

from resalat_bazaar import services as bazaar
from sqlalchemy.orm import Session

from resalat_aghsat import services
from resalat_aghsat.models import BoothOptIn
from resalat_core.sdk import BadInput, utcnow

PLANS = (
    {
        "code": "p3",
        "name_fa": "سه‌ماهه",
        "name_en": "Three months",
        "months": 3,
        "down_bps": 2500,
        "fee_bps": 100,
        "min_rating": "D",
    },
    {
        "code": "p6",
        "name_fa": "شش‌ماهه",
        "name_en": "Six months",
        "months": 6,
        "down_bps": 2500,
        "fee_bps": 200,
        "min_rating": "C",
    },
    {
        "code": "p12",
        "name_fa": "دوازده‌ماهه",
        "name_en": "Twelve months",
        "months": 12,
        "down_bps": 3000,
        "fee_bps": 400,
        "min_rating": "B",
    },
)


def load(session: Session, world: Any) -> None:
    for spec in PLANS:
        services.save_plan(session, {**spec, "amount_min": 1_000_000, "amount_max": 2_000_000_000})
    booths = ((world.extras.get("bazaar") or {}).get("booths") or {}).values()
    for booth in booths:
        session.add(BoothOptIn(booth_id=booth.id, by_id=booth.owner_id, at=utcnow()))
    session.flush()
    services.fund(session, 5_000_000_000, key="demo:aghsat:fund")
    made: dict[str, Any] = {}
    maryam = world.members.get("member")
    products = (world.extras.get("bazaar") or {}).get("products") or {}
    goods = products.get("asipour") or products.get("sharifinia")
    if maryam is not None and goods:
        made["purchase"] = _buy(session, maryam, goods[0])
    world.extras["aghsat"] = made


def _buy(session: Session, buyer: Any, product: Any) -> Any:
    """Buy two of ``product`` with the longest plan the buyer may take; None if none may be."""
    try:
        with session.begin_nested():
            bazaar.set_cart_quantity(session, buyer, product.id, 2)
            offered = [
                m for m in bazaar.payment_methods(buyer, bazaar.cart(session, buyer)) if m.plugin == "aghsat"
            ]
            if not offered:
                raise BadInput("no plan for the demo member")
            request = bazaar.CheckoutRequest(
                key="demo:aghsat:first",
                delivery={product.booth_id: product.booth.delivery_options[0]},
                address="زنجان، گرگ‌تپه، کوچه‌ی مسجد، پلاک ۱۲",
                methods=(offered[-1].code,),
            )
            order = bazaar.checkout(session, buyer, request).orders[0]
    except BadInput:
        return None
    return order

"""Pay later's part of the demo world: a filled fund and the demo member's first pay-later purchase."""

from __future__ import annotations

from typing import Any

from resalat_bazaar import services as bazaar
from sqlalchemy.orm import Session

from resalat_core.sdk import BadInput

from . import METHOD, TOMAN, services

FUND_TOMANS = 500_000_000


def load(session: Session, world: Any) -> None:
    """Fill the fund; the member (scored by Merat's demo) buys a jar of honey on pay later, so
    her page, M-Hesam's credit line and the admins' page have something to show."""
    services.fund(session, FUND_TOMANS * TOMAN, key="demo:paylater:fund")
    maryam = world.members.get("member")
    products = (world.extras.get("bazaar") or {}).get("products") or {}
    if maryam is None or not products.get("sharifinia"):
        return
    product = products["sharifinia"][0]
    try:
        with session.begin_nested():
            bazaar.set_cart_quantity(session, maryam, product.id, 1)
            bazaar.checkout(
                session,
                maryam,
                bazaar.CheckoutRequest(
                    key="demo:paylater:honey",
                    delivery={product.booth_id: product.booth.delivery_options[0]},
                    address="زنجان، گرگ‌تپه، کوچه‌ی مسجد، پلاک ۱۲",
                    methods=(METHOD,),
                ),
            )
    except BadInput:
        # Her limit does not cover it under this deployment's settings: the fund alone is shown.
        return

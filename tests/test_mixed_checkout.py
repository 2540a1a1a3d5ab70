"""One M-Bazar order paid by a voucher, loan money and an instalment plan together, in the demo
world with the real plugins: each part by its own rules, all or nothing, once per key, and a
cancellation that sends each part back to where it came from.

It needs the bazaar, vouchers and aghsat plugins; with any of them missing it is skipped (the
host's tests run alone too)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

pytest.importorskip("resalat_bazaar")
pytest.importorskip("resalat_vouchers")
pytest.importorskip("resalat_aghsat")

from resalat_aghsat import services as aghsat  # noqa: E402
from resalat_aghsat.models import AghsatPurchase  # noqa: E402
from resalat_bazaar import services as bazaar  # noqa: E402
from resalat_vouchers.models import Voucher  # noqa: E402

from resalat_core.sdk import (  # noqa: E402
    Account,
    Member,
    main_account,
    open_earmarked,
    system_account,
    transfer,
    verify_ledger,
)


@pytest.fixture
def world(app: Flask) -> Flask:
    from resalat_core.testing import load_demo_world

    return load_demo_world(app)


def _maryam(session: Any) -> Member:
    from resalat_core.demo import personas

    mobile = next(p.mobile for _, p in personas() if p.key == "member")
    return session.scalar(select(Member).where(Member.mobile == mobile))


def _balances(session: Any, maryam: Member, loan: Account) -> dict[str, int]:
    session.expire_all()
    vouchers = session.scalars(
        select(Voucher.balance).where(Voucher.holder_id == maryam.id).order_by(Voucher.id)
    )
    return {
        "main": main_account(session, maryam).posted,
        "loan": session.get(Account, loan.id).posted,
        "vouchers": sum(vouchers),
        "escrow": system_account(session, "escrow").posted,
    }


def test_a_voucher_loan_money_and_a_plan_pay_one_order_and_a_cancellation_sends_each_part_back(world):
    with world.app_context():
        session = world.extensions["resalat"].db.session
        maryam = _maryam(session)
        # Loan money that may pay in M-Bazar (the loans plugin grants it so; here it is set aside).
        loan = open_earmarked(
            session,
            maryam,
            code=f"test:mixed:{maryam.id}",
            purpose="admin_adjustment",
            purposes=[bazaar.PURCHASE],
        )
        transfer(
            session,
            "test:mixed:loan",
            system_account(session, "cash_in"),
            loan,
            3_000_000,
            "admin_adjustment",
        )
        # A product of a booth that offers instalments, enough of it that every part has work.
        product = next(
            p
            for p in session.scalars(select(bazaar.Product).order_by(bazaar.Product.price.desc()))
            if p.listed
            and not p.hidden
            and p.stock >= 1
            and p.booth.owner_id != maryam.id
            and 5_000_000 <= p.price <= 50_000_000
        )
        quantity = min(product.stock, max(1, 80_000_000 // product.price))
        bazaar.set_cart_quantity(session, maryam, product.id, quantity)
        offered = bazaar.payment_methods(maryam, bazaar.cart(session, maryam))
        voucher = next(m for m in offered if m.plugin == "vouchers")
        why = [
            o.refused
            for o in aghsat.offers(session, maryam, aghsat.parts_of_cart(bazaar.cart(session, maryam)))
        ]
        plan = next((m for m in offered if m.plugin == "aghsat"), None)
        assert plan is not None, why  # the plan's refusals, if the demo offers none
        session.commit()
        before = _balances(session, maryam, loan)
        request = bazaar.CheckoutRequest(
            key="test:mixed",
            funding="both",
            earmarked_account_id=loan.id,
            delivery={product.booth_id: "pickup"} if "pickup" in product.booth.delivery_options else {},
            address="زنجان، گرگ‌تپه، کوچه‌ی مسجد، پلاک ۱۲",
            methods=(voucher.code, plan.code),
        )

        (order,) = bazaar.checkout(session, maryam, request).orders
        session.commit()

        parts = {p.method.split(".")[0] for p in order.payments}
        assert parts == {"vouchers", "aghsat"}
        assert order.paid_earmarked == 3_000_000 and order.paid_main == 0
        assert order.paid_other == order.total - 3_000_000
        paid = _balances(session, maryam, loan)
        assert paid["loan"] == before["loan"] - 3_000_000
        assert paid["vouchers"] < before["vouchers"]
        assert paid["escrow"] == before["escrow"] + order.total
        purchase = session.scalar(select(AghsatPurchase).where(AghsatPurchase.order_id == order.id))
        assert purchase is not None
        assert verify_ledger(session).ok
        # The same key again pays nothing more.
        assert bazaar.checkout(session, maryam, request).replayed
        session.commit()
        assert _balances(session, maryam, loan) == paid

        bazaar.transition(session, order, "cancel", maryam, reason="به این کالا دیگر نیاز ندارم")
        session.commit()

        assert _balances(session, maryam, loan) == before
        session.refresh(purchase)
        assert purchase.status != "running"
        assert verify_ledger(session).ok

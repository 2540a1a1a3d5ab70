"""Fixtures for the vouchers' tests: booths with goods, money, vouchers issued, and looking from outside.

Each helper works in its own app context and transaction, committed before it returns, the way
another request would.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import count
from typing import Any

import pytest
from flask import Flask
from resalat_bazaar import services as bazaar
from resalat_vouchers import services
from resalat_vouchers.models import BY_ADMIN, Voucher
from sqlalchemy import func, select

from resalat_core.sdk import Account, Member, Transfer, today_in_iran
from resalat_core.testing import work

_n = count(1)


def _letters(n: int) -> str:
    """A number in letters: names keep their digits Latin, which a Persian page must not show."""
    return "".join("ابپتثجچحخد"[int(d)] for d in str(n))


@dataclass(frozen=True)
class Shop:
    owner_id: int
    booth_id: int
    product_ids: list[int]


@pytest.fixture
def make_shop(app: Flask, make_member: Any) -> Callable[..., Shop]:
    """``make_shop([{"title":..., "category":..., "price": tomans}])``: an open booth with goods."""

    def build(
        products: list[dict[str, Any]] | None = None,
        *,
        region: str = "zanjan/gorg-tappeh",
        owner_id: int | None = None,
    ) -> Shop:
        owner_id = owner_id or make_member(region=region, name="فروشنده‌ی آزمایشی")
        booth = {
            "name": f"غرفه‌ی آزمایشی {_letters(next(_n))}",
            "region": region,
            "delivery_options": ["pickup"],
        }
        goods = []
        for spec in products if products is not None else [{}]:
            data = {"title": "عسل طبیعی", "category": "honey", "price": "100000", "stock": 50, **spec}
            goods.append({**data, "price": int(data["price"]) * 10})
        with work(app) as s:
            made, made_products = bazaar.open_shop(s, s.get(Member, owner_id), booth, goods)
            return Shop(owner_id, made.id, [p.id for p in made_products])

    return build


@pytest.fixture
def admin(make_member: Any) -> int:
    """A nationwide administrator, and a vouchers' budget of 100 million tomans to issue from."""
    admin_id = make_member("admin", role_region=None, name="مدیر آزمایشی")
    return admin_id


@pytest.fixture
def budget(app: Flask, admin: int) -> int:
    with work(app) as s:
        services.fund_budget(s, 1_000_000_000, key=f"test-{next(_n)}")
        s.commit()
    return admin


@pytest.fixture
def issue(app: Flask) -> Callable[..., list[int]]:
    """``issue(issuer_id, [member_id...], tomans, kind=..., days=30, **rules)``: the voucher ids."""

    def run(
        issuer_id: int, members: list[int], tomans: int, *, kind: str = BY_ADMIN, days: int = 30, **rules: Any
    ) -> list[int]:
        with work(app) as s:
            issuer = s.get(Member, issuer_id)
            mobiles = [s.get(Member, m).mobile for m in members]
            batch = services.issue_batch(
                s,
                issuer,
                kind=kind,
                title="بن آزمایشی",
                amount=tomans * 10,
                expires_on=today_in_iran() + timedelta(days=days),
                mobiles=mobiles,
                key=f"test-batch-{next(_n)}",
                **rules,
            )
            s.commit()
            return list(s.scalars(services.vouchers_of_batch(batch)))

    return run


@pytest.fixture
def age(app: Flask) -> Callable[[int, int], None]:
    """``age(voucher_id, days)``: move a voucher's last day ``days`` into the past (time passing)."""

    def run(voucher_id: int, days: int = 1) -> None:
        with work(app) as s:
            voucher = s.get(Voucher, voucher_id)
            voucher.expires_on = today_in_iran() - timedelta(days=days)
            s.commit()

    return run


@pytest.fixture
def voucher_of(app: Flask) -> Callable[[int], dict[str, Any]]:
    def read(voucher_id: int) -> dict[str, Any]:
        with work(app) as s:
            v = s.get(Voucher, voucher_id)
            return {
                "balance": v.balance,
                "holder_id": v.holder_id,
                "code": v.code,
                "expires_on": v.expires_on,
            }

    return read


@pytest.fixture
def in_cart(app: Flask) -> Callable[..., None]:
    def put(member_id: int, product_id: int, quantity: int = 1) -> None:
        with work(app) as s:
            bazaar.set_cart_quantity(s, s.get(Member, member_id), product_id, quantity)
            s.commit()

    return put


@pytest.fixture
def buy(app: Flask, in_cart: Any) -> Callable[..., list[int]]:
    """``buy(member_id, [(product_id, quantity)], methods=(...))``: cart and checkout; the order ids."""

    def run(member_id: int, lines: list[tuple[int, int]], **kw: Any) -> list[int]:
        for product_id, quantity in lines:
            in_cart(member_id, product_id, quantity)
        kw.setdefault("key", f"test:checkout:{next(_n)}")
        with work(app) as s:
            result = bazaar.checkout(s, s.get(Member, member_id), bazaar.CheckoutRequest(**kw))
            s.commit()
            return [o.id for o in result.orders]

    return run


@pytest.fixture
def offered(app: Flask) -> Callable[[int], list[Any]]:
    """The ways to pay the member's cart that the vouchers plugin offers now."""

    def read(member_id: int) -> list[Any]:
        with work(app) as s:
            member = s.get(Member, member_id)
            return [
                m
                for m in bazaar.payment_methods(member, bazaar.cart(s, member))
                if m.code.startswith("vouchers.")
            ]

    return read


@pytest.fixture
def balance(app: Flask) -> Callable[..., int]:
    """``balance(member_id)``: the member's main account; ``balance(system="vouchers_float")``."""

    def read(member_id: int | None = None, *, system: str | None = None) -> int:
        with work(app) as s:
            code = f"system:{system}" if system else f"member:{member_id}:main"
            account = s.scalar(select(Account).where(Account.code == code))
            return account.posted if account is not None else 0

    return read


@pytest.fixture
def ledger_sound(app: Flask) -> Callable[[], None]:
    """The ledger verifies, and the float holds exactly what is left on every voucher."""

    def check() -> None:
        from resalat_core.sdk import verify_ledger

        with work(app) as s:
            assert verify_ledger(s).ok
            assert services.float_account(s).posted == services.outstanding(s)

    return check


@pytest.fixture
def snapshot(app: Flask) -> Callable[[], tuple[Any, ...]]:
    """Balances, transfers, vouchers and orders: equal snapshots mean nothing changed."""

    def take() -> tuple[Any, ...]:
        with work(app) as s:
            return (
                tuple(s.execute(select(Account.code, Account.posted).order_by(Account.code)).all()),
                s.scalar(select(func.count(Transfer.id))),
                tuple(
                    s.execute(
                        select(Voucher.id, Voucher.balance, Voucher.holder_id).order_by(Voucher.id)
                    ).all()
                ),
                s.scalar(select(func.count(bazaar.Order.id))),
            )

    return take


def day(days: int) -> date:
    return today_in_iran() + timedelta(days=days)

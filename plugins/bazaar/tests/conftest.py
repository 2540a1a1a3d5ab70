"""Fixtures for the M-Bazar tests: booths with goods, money in accounts, and looking from outside.

Each helper works in an app context and a transaction of its own, committed before it returns,
the way another request would (holding the ``session`` fixture across client requests would keep
a SQLite write transaction open and lock the requests out).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import count
from typing import Any

import pytest
from flask import Flask
from PIL import Image
from resalat_bazaar import services
from resalat_bazaar.media import LocalStorage
from resalat_bazaar.models import Booth, Order, Product
from sqlalchemy import func, select

from resalat_core.sdk import Account, Member, Transfer, hookimpl, open_earmarked, system_account, transfer
from resalat_core.testing import work

_n = count(1)


@pytest.fixture(autouse=True)
def photo_storage(app: Flask, tmp_path: Any) -> Iterator[LocalStorage]:
    """Photos go to a temporary folder, never to the instance folder."""
    storage = LocalStorage(tmp_path / "media")
    app.extensions["bazaar_storage"] = storage
    yield storage
    app.extensions.pop("bazaar_storage", None)


def png(width: int = 900, height: int = 700, colour: tuple[int, int, int] = (200, 40, 60)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "PNG")
    return out.getvalue()


@dataclass(frozen=True)
class Shop:
    owner_id: int
    booth_id: int
    product_ids: list[int]


@pytest.fixture
def make_shop(app: Flask, make_member: Any) -> Callable[..., Shop]:
    """``make_shop(products=[{...}], region=..., owner_id=...)``: a booth with products, committed.

    Products are dicts of the product's fields with the price in tomans, as a seller types it
    (``"price": "450000"``); defaults fill the rest. The services take it in rials.
    """

    def build(
        products: list[dict[str, Any]] | None = None,
        *,
        owner_id: int | None = None,
        region: str = "zanjan/gorg-tappeh",
        name: str | None = None,
        delivery: list[str] | None = None,
    ) -> Shop:
        owner_id = owner_id or make_member(region=region, name="فروشنده‌ی آزمایشی")
        goods = []
        for spec in products if products is not None else [{}]:
            data = {"title": "عسل طبیعی", "category": "honey", "price": "100000", "stock": 10, **spec}
            goods.append({**data, "price": int(data["price"]) * 10, "stock": int(data["stock"])})
        booth = {
            "name": name or f"غرفه‌ی آزمایشی {next(_n)}",
            "description": "",
            "region": region,
            "delivery_options": delivery or ["pickup", "mst"],
        }
        with work(app) as s:
            made, made_products = services.open_shop(s, s.get(Member, owner_id), booth, goods)
            return Shop(owner_id, made.id, [p.id for p in made_products])

    return build


@pytest.fixture
def fund(top_up: Callable[..., int]) -> Callable[[int, int], None]:
    """``fund(member_id, tomans)``: cash brought in, on the member's main account."""

    def give(member_id: int, tomans: int) -> None:
        top_up(member_id, rials=tomans * 10)

    return give


@pytest.fixture
def earmark(app: Flask) -> Callable[..., int]:
    """``earmark(member_id, tomans, rules={...})``: earmarked money that may pay only in M-Bazar,
    under the spend ``rules``; its account id.

    M-Bazar does not make loans (the loans plugin does, and tests its own): here an administrator
    sets the money aside, which is all M-Bazar's spend policy needs.
    """

    def open_one(member_id: int, tomans: int, *, rules: dict[str, Any] | None = None) -> int:
        with work(app) as s:
            member = s.get(Member, member_id)
            account = open_earmarked(
                s,
                member,
                code=f"test:earmarked:{member_id}:{next(_n)}",
                purpose="admin_adjustment",
                purposes=[services.PURCHASE],
                rules=rules,
            )
            transfer(
                s,
                f"test:earmark:{account.id}",
                system_account(s, "cash_in"),
                account,
                tomans * 10,
                "admin_adjustment",
            )
            return account.id

    return open_one


@pytest.fixture
def balance(app: Flask) -> Callable[..., int]:
    """``balance(member_id)`` (main account) or ``balance(account_id=...)``: available rials."""

    def read(member_id: int | None = None, *, account_id: int | None = None) -> int:
        with work(app) as s:
            if account_id is not None:
                return s.get(Account, account_id).available
            account = s.scalar(select(Account).where(Account.code == f"member:{member_id}:main"))
            return account.available if account is not None else 0

    return read


@pytest.fixture
def stock_of(app: Flask) -> Callable[[int], int]:
    def read(product_id: int) -> int:
        with work(app) as s:
            return s.scalar(select(Product.stock).where(Product.id == product_id))

    return read


@pytest.fixture
def snapshot(app: Flask) -> Callable[[], tuple[Any, ...]]:
    """Balances, transfers, stock, orders and cart sizes: equal snapshots mean nothing changed."""

    def take() -> tuple[Any, ...]:
        with work(app) as s:
            balances = tuple(s.execute(select(Account.code, Account.posted).order_by(Account.code)).all())
            stock = tuple(s.execute(select(Product.id, Product.stock).order_by(Product.id)).all())
            return (
                balances,
                s.scalar(select(func.count(Transfer.id))),
                stock,
                s.scalar(select(func.count(Order.id))),
                s.scalar(select(func.count(services.CartItem.id))),
            )

    return take


@pytest.fixture
def in_cart(app: Flask) -> Callable[..., None]:
    """``in_cart(member_id, product_id, quantity)``: what the product page's button does."""

    def put(member_id: int, product_id: int, quantity: int = 1) -> None:
        with work(app) as s:
            services.set_cart_quantity(s, s.get(Member, member_id), product_id, quantity)

    return put


@pytest.fixture
def buy(app: Flask, in_cart: Any) -> Callable[..., list[int]]:
    """``buy(member_id, [(product_id, quantity)], **checkout)``: cart and checkout; the order ids."""

    def run(member_id: int, lines: list[tuple[int, int]], **kw: Any) -> list[int]:
        for product_id, quantity in lines:
            in_cart(member_id, product_id, quantity)
        kw.setdefault("key", f"test:checkout:{next(_n)}")
        kw.setdefault("address", "زنجان، گرگ‌تپه، خیابان اصلی")
        with work(app) as s:
            result = services.checkout(s, s.get(Member, member_id), services.CheckoutRequest(**kw))
            return [o.id for o in result.orders]

    return run


@pytest.fixture
def act(app: Flask) -> Callable[..., str]:
    """``act(member_id, order_id, 'ship', reason=...)``: a transition; returns the new status."""

    def run(member_id: int | None, order_id: int, action: str, **kw: Any) -> str:
        with work(app) as s:
            order = s.get(Order, order_id)
            actor = s.get(Member, member_id) if member_id is not None else None
            return services.transition(s, order, action, actor, **kw).status

    return run


@pytest.fixture
def order_of(app: Flask) -> Callable[[int], dict[str, Any]]:
    def read(order_id: int) -> dict[str, Any]:
        with work(app) as s:
            o = s.get(Order, order_id)
            return {
                "status": o.status,
                "total": o.total,
                "paid_main": o.paid_main,
                "paid_earmarked": o.paid_earmarked,
                "booth_id": o.booth_id,
                "events": [(e.from_status, e.to_status) for e in o.events],
            }

    return read


@pytest.fixture
def booth_of(app: Flask) -> Callable[[int], Booth]:
    def read(booth_id: int) -> Booth:
        with work(app) as s:
            booth = s.get(Booth, booth_id)
            s.expunge(booth)
            return booth

    return read


class Listener:
    """Records M-Bazar's events and messages, and answers the reputation question, as plugins would."""

    def __init__(self) -> None:
        self.paid: list[int] = []
        self.completed: list[int] = []
        self.reputation: Any = None
        self.told: list[tuple[int, Any]] = []

    @hookimpl
    def resalat_order_paid(self, order: Any) -> None:
        self.paid.append(order.id)

    @hookimpl
    def resalat_order_completed(self, order: Any) -> None:
        self.completed.append(order.id)

    @hookimpl
    def resalat_reputation(self, kind: str, subject_id: int) -> Any:
        return self.reputation

    @hookimpl
    def resalat_notify(self, member: Any, message: Any) -> Any:
        # Registered last, so asked first: it takes the message the inbox would have stored.
        self.told.append((member.id, message))
        return message

    def kinds_told(self, member_id: int) -> list[str]:
        return sorted(m.kind.kind for who, m in self.told if who == member_id and m.source == "bazaar")


@pytest.fixture
def listener(app: Flask) -> Iterator[Listener]:
    found = Listener()
    pm = app.extensions["resalat"].plugins.pm
    pm.register(found, name="bazaar-test-listener")
    yield found
    pm.unregister(found)

"""Fixtures for the supervision tests: a small market built through M-Bazar's own services.

Each helper works in an app context and a transaction of its own, committed before it returns,
the way another request would. (Holding the ``session`` fixture across client requests instead
keeps one SQLite write transaction open and locks the requests out.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import count
from typing import Any

import pytest
from flask import Flask
from resalat_bazaar import services as bazaar

from resalat_core.sdk import Member, get_db, ledger

_n = count(1)


@contextmanager
def work(app: Flask) -> Iterator[Any]:
    """The app context's own session, committed at the end, as a request or CLI command would."""
    with app.test_request_context():
        session = get_db().session()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


@pytest.fixture
def in_app(app: Flask) -> Callable[[], Any]:
    """``with in_app() as s:`` a session in a request context, committed at the end."""
    return lambda: work(app)


@dataclass
class Market:
    """Booths, products and orders made the way members make them, through bazaar's services."""

    app: Flask
    make_member: Any
    orders: list[int] = field(default_factory=list)

    def seller(self, region: str = "zanjan/gorg-tappeh") -> int:
        """A core leader who may sell (the role M-Bazar lets open booths)."""
        return self.make_member("core_leader", region=region, name="جعفر قراجه‌لو")

    def booth(
        self, owner_id: int | None = None, *, region: str = "zanjan/gorg-tappeh", name: str = ""
    ) -> int:
        owner_id = owner_id or self.seller(region)
        with work(self.app) as s:
            owner = s.get(Member, owner_id)
            booth = bazaar.open_booth(
                s,
                owner,
                {
                    "name": name or f"غرفه‌ی دام سبک {next(_n)}",
                    "description": "دام و علوفه",
                    "region": region,
                    "delivery_options": ["pickup"],
                },
            )
            return booth.id

    def product(self, booth_id: int, title: str = "", *, price: int = 100_000, stock: int = 100) -> int:
        """A product at ``price`` tomans."""
        with work(self.app) as s:
            booth = bazaar.get_booth(s, booth_id)
            owner = s.get(Member, booth.owner_id)
            product = bazaar.create_product(
                s,
                booth,
                owner,
                {
                    "title": title or f"علوفه‌ی خشک {next(_n)}",
                    "description": "",
                    "category": "feed",
                    "price": str(price),
                    "stock": str(stock),
                    "unit": "piece",
                    "kind": "goods",
                },
            )
            return product.id

    def order(self, buyer_id: int, product_ids: list[int], *, complete: bool = True) -> int:
        """``buyer_id`` buys one of each product (all from one booth) and, by default, confirms
        receiving them: the order is completed and the seller paid. Returns the order id."""
        with work(self.app) as s:
            buyer = s.get(Member, buyer_id)
            total = sum(bazaar.get_product(s, pid).price for pid in product_ids)
            ledger.transfer(
                s,
                f"test:supervision:fund:{buyer_id}:{next(_n)}",
                ledger.system_account(s, "cash_in"),
                ledger.main_account(s, buyer),
                total,
                "topup",
            )
            for pid in product_ids:
                bazaar.add_to_cart(s, buyer, pid, 1)
            booth_id = bazaar.get_product(s, product_ids[0]).booth_id
            result = bazaar.checkout(
                s,
                buyer,
                bazaar.CheckoutRequest(key=f"test:{next(_n)}", delivery={booth_id: "pickup"}),
            )
            order = result.orders[0]
            if complete:
                seller = s.get(Member, order.seller_id)
                bazaar.transition(s, order, "accept", seller)
                bazaar.transition(s, order, "ship", seller)
                bazaar.transition(s, order, "confirm", buyer)
            self.orders.append(order.id)
            return order.id

    def hidden(self, kind: str, subject_id: int) -> tuple[bool, str | None]:
        """(hidden, reason) of a product or booth, as M-Bazar has it."""
        with work(self.app) as s:
            thing = (
                bazaar.get_product(s, subject_id) if kind == "product" else bazaar.get_booth(s, subject_id)
            )
            return thing.hidden, thing.hidden_reason


@pytest.fixture
def market(app: Flask, make_member: Any) -> Market:
    return Market(app, make_member)


@dataclass
class Shop:
    """The usual cast: a seller's booth in Gorg Tappeh (Zanjan) with two products, a buyer whose
    order of both is completed, a social leader of Zanjan and one of Sistan and Baluchestan."""

    seller: int
    booth: int
    products: list[int]
    buyer: int
    order: int
    leader: int
    far_leader: int


@pytest.fixture
def shop(market: Market, make_member: Any) -> Shop:
    seller = market.seller()
    booth = market.booth(seller)
    products = [market.product(booth, "زعفران سرگل", price=450_000), market.product(booth, "پشم گوسفند")]
    buyer = make_member(name="مریم احمدی")
    order = market.order(buyer, products)
    leader = make_member("social_leader", region="zanjan/zanjan", name="راهبر زنجان")
    far_leader = make_member("social_leader", region="sistan-baluchestan/arbab", name="فاطمه قادری")
    return Shop(seller, booth, products, buyer, order, leader, far_leader)


@pytest.fixture
def told(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, Any]]:
    """Every (member id, Message) supervision sends through the SDK's notify, in order."""
    from resalat_supervision import services

    sent: list[tuple[int, Any]] = []
    real = services.notify

    def spy(member: Any, message: Any) -> Any:
        sent.append((member.id, message))
        return real(member, message)

    monkeypatch.setattr(services, "notify", spy)
    return sent

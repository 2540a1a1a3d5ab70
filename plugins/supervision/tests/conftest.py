"""Fixtures for the supervision tests: a small market built through M-Bazar's own services.

Each helper works in an app context and a transaction of its own (the host's ``db`` fixture),
committed before it returns, the way another request would. (Holding the ``session`` fixture
across client requests instead keeps one SQLite write transaction open and locks them out.)

Only what supervision requires is assumed installed (M-Bazar and the cores): the handlers here
are regional administrators, who hold ``supervision.handle`` in their region whatever else is.
Social leaders come from a plugin that may be absent: a test-only plugin
(``fixtures/resalat_fixture_supervision_roles``) then declares their role.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask_babel import force_locale
from resalat_bazaar import services as bazaar

from resalat_core.sdk import Member
from resalat_core.testing import session_app, work

sys.path.insert(0, str(Path(__file__).resolve().parent / "fixtures"))

from resalat_fixture_supervision_roles import plugin as stand_in_roles  # noqa: E402

_n = count(1)


@pytest.fixture(scope="session")
def _session_app(database_url: str) -> Iterator[Flask]:
    yield from session_app(
        database_url, {"supervision_roles": stand_in_roles} if stand_in_roles.roles else None
    )


@dataclass
class Market:
    """Booths, products and orders made the way members make them, through bazaar's services."""

    app: Flask
    make_member: Any
    top_up: Any
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
                    "price": price * 10,  # rials
                    "stock": stock,
                    "unit": "piece",
                    "kind": "goods",
                },
            )
            return product.id

    def order(self, buyer_id: int, product_ids: list[int], *, complete: bool = True) -> int:
        """``buyer_id`` buys one of each product (all from one booth) and, by default, confirms
        receiving them: the order is completed and the seller paid. Returns the order id."""
        with work(self.app) as s:
            total = sum(bazaar.get_product(s, pid).price for pid in product_ids)
        self.top_up(buyer_id, rials=total)
        with work(self.app) as s:
            buyer = s.get(Member, buyer_id)
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
def market(app: Flask, make_member: Any, top_up: Any) -> Market:
    return Market(app, make_member, top_up)


@dataclass
class Shop:
    """The usual cast: a seller's booth in Gorg Tappeh (Zanjan) with two products, a buyer whose
    order of both is completed, the administrator of Zanjan (who handles its reports) and the
    administrator of Sistan and Baluchestan (who does not)."""

    seller: int
    booth: int
    products: list[int]
    buyer: int
    order: int
    handler: int
    far_handler: int


@pytest.fixture
def shop(market: Market, make_member: Any) -> Shop:
    seller = market.seller()
    booth = market.booth(seller)
    products = [market.product(booth, "زعفران سرگل", price=450_000), market.product(booth, "پشم گوسفند")]
    buyer = make_member(name="مریم احمدی")
    order = market.order(buyer, products)
    handler = make_member("admin", region="zanjan/zanjan", name="مدیر زنجان")
    far_handler = make_member("admin", region="sistan-baluchestan/arbab", name="مدیر سیستان و بلوچستان")
    return Shop(seller, booth, products, buyer, order, handler, far_handler)


@pytest.fixture
def told(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, Any]]:
    """Every (member id, Message) supervision sends through the SDK's notify, in order."""
    from resalat_supervision.services import handling, reviews

    sent: list[tuple[int, Any]] = []

    for module in (reviews, handling):
        real = module.notify

        def spy(member: Any, message: Any, real: Callable[..., Any] = real) -> Any:
            sent.append((member.id, message))
            return real(member, message)

        monkeypatch.setattr(module, "notify", spy)
    return sent


@contextmanager
def _reading(app: Flask, lang: str) -> Iterator[None]:
    with app.test_request_context(), force_locale(lang):
        yield


@pytest.fixture
def read(app: Flask) -> Callable[[Any, str], str]:
    """``read(text, "en")``: a lazy text (or a message's title, a figure's label) as a reader of
    that language reads it."""

    def render(text: Any, lang: str = "fa") -> str:
        with _reading(app, lang):
            return str(text() if callable(text) else text)

    return render

"""Fixtures for the M-ST tests: a booth that delivers by M-ST, a funded buyer, an approved
operator, a checkout with M-ST delivery, the ledger's balances and an inbox.

Each helper works in an app context and a transaction of its own, committed before it returns,
the way another request would.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import count
from typing import Any

import pytest
from flask import Flask
from resalat_bazaar import services as bazaar
from resalat_stm import OPTION, services
from resalat_stm.models import Shipment
from sqlalchemy import select

from resalat_core.sdk import Account, Member, hookimpl, system_account
from resalat_core.testing import work

_n = count(1)
ADDRESS = "زنجان، گرگ‌تپه، خیابان اصلی، پلاک ۳"


@dataclass(frozen=True)
class Shop:
    owner_id: int
    booth_id: int
    product_ids: list[int]


@pytest.fixture
def make_shop(app: Flask, make_member: Any) -> Callable[..., Shop]:
    """``make_shop([(tomans, unit), ...], region=...)``: a booth delivering by M-ST, 50 of each."""

    def build(goods: list[tuple[int, str]], *, region: str = "zanjan/gorg-tappeh") -> Shop:
        owner_id = make_member(region=region, name="فروشنده‌ی آزمایشی")
        booth = {"name": f"غرفه‌ی آزمایشی {next(_n)}", "region": region, "delivery_options": ["mst", "pickup"]}
        products = [
            {"title": "عسل طبیعی", "category": "honey", "price": tomans * 10, "stock": 50, "unit": unit}
            for tomans, unit in goods
        ]
        with work(app) as s:
            made, made_products = bazaar.open_shop(s, s.get(Member, owner_id), booth, products)
            return Shop(owner_id, made.id, [p.id for p in made_products])

    return build


@pytest.fixture
def shop(make_shop: Any) -> Shop:
    """A Gorg Tappeh booth with a 1 kg jar of honey (100,000 tomans) and a lamb (9,500,000)."""
    return make_shop([(100_000, "kg"), (9_500_000, "head")])


@pytest.fixture
def buyer(make_member: Any, top_up: Any) -> int:
    """A member in Zanjan city with 20,000,000 tomans."""
    member_id = make_member(region="zanjan/zanjan", name="مریم احمدی")
    top_up(member_id, rials=200_000_000)
    return member_id


@pytest.fixture
def make_operator(app: Flask, make_member: Any) -> Callable[..., int]:
    """``make_operator(areas=["zanjan"], capacity=500)``: an approved operator's member id."""

    def build(
        *,
        areas: tuple[str, ...] = ("zanjan",),
        capacity: int = 500,
        region: str = "zanjan/zanjan",
        approve: bool = True,
    ) -> int:
        member_id = make_member(region=region, name="حسن باربر")
        with work(app) as s:
            found = services.apply(s, s.get(Member, member_id), "pickup", capacity, list(areas))
            if approve:
                services.set_status(s, found, "approved")
        return member_id

    return build


@pytest.fixture
def operator(make_operator: Any) -> int:
    return make_operator()


@pytest.fixture
def in_cart(app: Flask) -> Callable[..., None]:
    def put(member_id: int, product_id: int, quantity: int = 1) -> None:
        with work(app) as s:
            bazaar.set_cart_quantity(s, s.get(Member, member_id), product_id, quantity)

    return put


@pytest.fixture
def checkout(app: Flask, in_cart: Any) -> Callable[..., int]:
    """``checkout(buyer_id, shop, [(product_id, quantity)])``: the order id, paid with M-ST delivery."""

    def run(member_id: int, shop: Shop, lines: list[tuple[int, int]], *, option: str = OPTION) -> int:
        for product_id, quantity in lines:
            in_cart(member_id, product_id, quantity)
        with work(app) as s:
            result = bazaar.checkout(
                s,
                s.get(Member, member_id),
                bazaar.CheckoutRequest(
                    key=f"test:stm:{next(_n)}", delivery={shop.booth_id: option}, address=ADDRESS
                ),
            )
            return result.orders[0].id

    return run


@pytest.fixture
def shipment_of(app: Flask) -> Callable[[int], dict[str, Any]]:
    """The shipment of an order, as plain values read in a fresh transaction."""

    def read(order_id: int) -> dict[str, Any]:
        with work(app) as s:
            found = s.scalar(select(Shipment).where(Shipment.order_id == order_id))
            assert found is not None, f"no shipment for order {order_id}"
            return {
                "id": found.id,
                "status": found.status,
                "code": found.code,
                "fee": found.fee,
                "weight": found.weight_grams,
                "operator_id": found.operator_id,
                "consignment_id": found.consignment_id,
                "wrong": found.wrong_codes,
                "events": [e.to_status for e in found.events],
            }

    return read


@pytest.fixture
def balances(app: Flask) -> Callable[..., dict[str, int]]:
    """The fee account's, M-ST income's, escrow's and (given) members' main balances, in rials."""

    def read(*member_ids: int) -> dict[str, int]:
        with work(app) as s:
            found = {
                "fees": system_account(s, "stm_fees").posted,
                "income": system_account(s, "stm_income").posted,
                "escrow": system_account(s, "escrow").posted,
            }
            for member_id in member_ids:
                account = s.scalar(select(Account).where(Account.code == f"member:{member_id}:main"))
                found[str(member_id)] = account.posted if account is not None else 0
            return found

    return read


@pytest.fixture
def act(app: Flask) -> Callable[..., Any]:
    """``act(services.accept, member_id, shipment_id, ...)``: a service as that member, committed."""

    def run(func: Callable[..., Any], member_id: int, *args: Any, **kw: Any) -> Any:
        with work(app) as s:
            return func(s, s.get(Member, member_id), *args, **kw)

    return run


class Inbox:
    """Keeps what M-ST tells members, in place of the notifications plugin."""

    def __init__(self) -> None:
        self.told: list[tuple[int, Any]] = []

    @hookimpl(tryfirst=True)
    def resalat_notify(self, member: Any, message: Any) -> Any:
        self.told.append((member.id, message))
        return message

    def kinds(self, member_id: int) -> list[str]:
        return [m.kind.kind for who, m in self.told if who == member_id and m.source == "stm"]


@pytest.fixture
def inbox(app: Flask) -> Iterator[Inbox]:
    found = Inbox()
    pm = app.extensions["resalat"].plugins.pm
    pm.register(found, name="stm-test-inbox")
    yield found
    pm.unregister(found)

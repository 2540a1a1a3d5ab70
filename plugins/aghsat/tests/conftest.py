"""Fixtures for M-Aghsat's tests: a booth that sells in instalments, plans, a funded instalment fund,
buyers with a Merat rating, and the checkout as M-Bazar runs it.

Each helper works in an app context and a transaction of its own, committed before it returns, the
way another request would.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import timedelta
from itertools import count
from typing import Any

import pytest
from flask import Flask
from resalat_aghsat import services
from resalat_aghsat.models import Purchase
from resalat_bazaar import services as bazaar
from resalat_merat import services as merat
from sqlalchemy import select

from resalat_core.sdk import Account, Member, hookimpl, system_account, utcnow, verify_ledger
from resalat_core.testing import work

TOMAN = 10
_n = count(1)

PLANS = {
    "p3": {
        "name_fa": "سه‌ماهه",
        "name_en": "Three months",
        "months": 3,
        "down_bps": 2500,
        "fee_bps": 100,
        "min_rating": "D",
    },
    "p6": {
        "name_fa": "شش‌ماهه",
        "name_en": "Six months",
        "months": 6,
        "down_bps": 2500,
        "fee_bps": 300,
        "min_rating": "C",
    },
    "p12": {
        "name_fa": "دوازده‌ماهه",
        "name_en": "Twelve months",
        "months": 12,
        "down_bps": 3000,
        "fee_bps": 400,
        "min_rating": "B",
    },
}


@dataclass(frozen=True)
class Shop:
    owner_id: int
    booth_id: int
    product_ids: list[int]


@dataclass
class Market:
    """What a test needs to buy in instalments: the app, a shop that opted in, the plans."""

    app: Flask
    shop: Shop
    make_member: Callable[..., int]
    top_up: Callable[..., Any]

    def buyer(self, rating: str | None = "C", tomans: int = 10_000_000, **kw: Any) -> int:
        """A member with ``tomans`` on their main account and a current Merat score of ``rating``."""
        member_id = self.make_member(name=kw.pop("name", "مریم احمدی"), **kw)
        if tomans:
            self.top_up(member_id, rials=tomans * TOMAN)
        if rating:
            rate(self.app, member_id, rating)
        return member_id

    def cart(self, member_id: int, quantity: int = 1, product: int = 0) -> None:
        with work(self.app) as s:
            bazaar.set_cart_quantity(s, s.get(Member, member_id), self.shop.product_ids[product], quantity)
            s.commit()

    def methods(self, member_id: int) -> list[Any]:
        """What the checkout offers, read as the cart page reads it (in Persian)."""
        with self.app.test_request_context("/bazaar/cart"), work(self.app) as s:
            member = s.get(Member, member_id)
            found = bazaar.payment_methods(member, bazaar.cart(s, member))
            # Rendered here, while the request says who reads them (outside it the words are English).
            return [replace(m, title=str(m.title), terms=tuple(str(t) for t in m.terms)) for m in found]

    def checkout(self, member_id: int, *methods: str, key: str | None = None) -> list[int]:
        """Pay the cart (pickup) with these methods; the order ids. BadInput propagates, nothing kept."""
        with work(self.app) as s:
            member = s.get(Member, member_id)
            request = bazaar.CheckoutRequest(
                key=key or f"k{next(_n)}", delivery={self.shop.booth_id: "pickup"}, methods=methods
            )
            try:
                result = bazaar.checkout(s, member, request)
            except Exception:
                s.rollback()
                raise
            s.commit()
            return [o.id for o in result.orders]

    def balance(self, member_id: int) -> int:
        with work(self.app) as s:
            account = s.scalar(select(Account).where(Account.code == f"member:{member_id}:main"))
            return account.posted if account is not None else 0

    def fund_balance(self) -> int:
        with work(self.app) as s:
            return system_account(s, "aghsat_fund").posted

    def purchase(self, order_id: int) -> Purchase | None:
        with work(self.app) as s:
            found = s.scalar(select(Purchase).where(Purchase.order_id == order_id))
            if found is not None:
                _ = found.schedule, found.plan
                s.expunge_all()
            return found

    def verify(self) -> bool:
        with work(self.app) as s:
            return verify_ledger(s).ok


def rate(app: Flask, member_id: int, rating: str) -> None:
    """Merat has scored the member ``rating`` just now (as if its signals said so)."""
    values = {"A": 850, "B": 700, "C": 550, "D": 400, "E": 100}
    with work(app) as s:
        now = utcnow()
        s.add(
            merat.Score(
                member_id=member_id,
                value=values[rating],
                rating=rating,
                max_monthly_repayment=0,
                base=400,
                reason="on_demand",
                computed_at=now,
                valid_until=now + timedelta(days=365),
            )
        )
        s.commit()


def make_plan(app: Flask, code: str, **overrides: Any) -> int:
    with work(app) as s:
        data = {
            "code": code,
            **PLANS.get(code, PLANS["p6"]),
            "amount_min": 0,
            "amount_max": 10**12,
            **overrides,
        }
        plan = services.save_plan(s, data, services.plan_by_code(s, code))
        s.commit()
        return plan.id


def fill_fund(app: Flask, rials: int, key: str = "test") -> None:
    with work(app) as s:
        services.fund(s, rials, key=key)
        s.commit()


def open_shop(app: Flask, owner_id: int, products: list[dict[str, Any]], *, opt_in: bool = True) -> Shop:
    with work(app) as s:
        owner = s.get(Member, owner_id)
        booth = bazaar.open_booth(
            s,
            owner,
            {
                "name": f"غرفه‌ی فرش آسی‌پور {next(_n)}",
                "description": "",
                "region": "zanjan/gorg-tappeh",
                "delivery_options": ["pickup"],
            },
        )
        ids = []
        for spec in products:
            data = {
                "title": "گلیم دستباف",
                "category": "handicrafts",
                "price": 1_200_000 * TOMAN,
                "stock": 50,
                **spec,
            }
            ids.append(bazaar.create_product(s, booth, owner, data).id)
        if opt_in:
            services.set_opt_in(s, owner, booth.id, True)
        s.commit()
        return Shop(owner_id, booth.id, ids)


@pytest.fixture
def market(app: Flask, make_member: Callable[..., int], top_up: Callable[..., Any]) -> Market:
    """A carpet booth in Gorg Tappeh selling in instalments, the three plans, a fund of 1 billion tomans."""
    seller = make_member(name="رضا آسی‌پور")
    shop = open_shop(app, seller, [{}, {"title": "جاجیم", "price": 99_999 * TOMAN}])
    for code in PLANS:
        make_plan(app, code)
    fill_fund(app, 1_000_000_000 * TOMAN)
    return Market(app, shop, make_member, top_up)


class Inbox:
    """Every notification sent while a test runs: (member id, source, kind, params)."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, str, str, dict[str, Any]]] = []

    @hookimpl(tryfirst=True)
    def resalat_notify(self, member: Any, message: Any) -> Any:
        self.sent.append((member.id, message.kind.source, message.kind.kind, dict(message.params)))
        return message

    def kinds(self, member_id: int) -> list[str]:
        return [kind for m, source, kind, _p in self.sent if m == member_id and source == "aghsat"]


@pytest.fixture
def inbox(app: Flask) -> Iterator[Inbox]:
    found = Inbox()
    pm = app.extensions["resalat"].plugins.pm
    pm.register(found, name="aghsat-test-inbox")
    yield found
    pm.unregister(found)

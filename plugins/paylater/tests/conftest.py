"""Fixtures for the pay-later tests: a booth with goods, a Merat score, a filled fund, a checkout.

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
from resalat_merat import services as merat
from resalat_paylater import METHOD, services

from resalat_core.sdk import Account, Member, hookimpl, system_account
from resalat_core.testing import work

_n = count(1)
ADDRESS = "زنجان، گرگ‌تپه، خیابان اصلی"


@dataclass(frozen=True)
class Shop:
    owner_id: int
    booth_id: int
    product_ids: list[int]


@pytest.fixture
def make_shop(app: Flask, make_member: Any) -> Callable[..., Shop]:
    """``make_shop([tomans, ...])``: a booth selling one product per price, ten of each."""

    def build(prices: list[int], *, region: str = "zanjan/gorg-tappeh") -> Shop:
        owner_id = make_member(region=region, name="فروشنده‌ی آزمایشی")
        booth = {"name": f"غرفه‌ی آزمایشی {next(_n)}", "region": region, "delivery_options": ["pickup"]}
        goods = [{"title": "عسل طبیعی", "category": "honey", "price": t * 10, "stock": 10} for t in prices]
        with work(app) as s:
            made, products = bazaar.open_shop(s, s.get(Member, owner_id), booth, goods)
            return Shop(owner_id, made.id, [p.id for p in products])

    return build


@pytest.fixture
def scored(app: Flask) -> Callable[..., dict[str, Any]]:
    """``scored(member_id, income=..., expenses=...)`` (tomans a month): a profile and a Merat
    score; the score's rating and monthly capacity in rials."""

    def score(member_id: int, *, income: int = 30_000_000, expenses: int = 10_000_000) -> dict[str, Any]:
        with work(app) as s:
            member = s.get(Member, member_id)
            merat.save_profile(s, member, monthly_income=income * 10, monthly_expenses=expenses * 10)
            found = merat.score_member(s, member, requested_by=member, reason=merat.ON_DEMAND)
            return {"rating": found.rating, "capacity": found.max_monthly_repayment}

    return score


@pytest.fixture
def fill_fund(app: Flask) -> Callable[[int], int]:
    """``fill_fund(tomans)``: money into the pay-later fund, as an administrator's CLI would."""

    def fill(tomans: int) -> int:
        with work(app) as s:
            return services.fund(s, tomans * 10, key=f"test:fund:{next(_n)}")

    return fill


@pytest.fixture
def limits(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """``limits(max=tomans, percent=...)``: the deployment's [plugins.paylater] limits table, the
    same row for every rating (config, not code)."""

    def set_table(*, most: int, percent: int = 100, **other: Any) -> None:
        plugins = dict(app.config["RESALAT"].get("plugins") or {})
        row = {"max": most * 10, "capacity_percent": percent}
        plugins["paylater"] = {"limits": {r: row for r in "ABCDE"}, **other}
        monkeypatch.setitem(app.config["RESALAT"], "plugins", plugins)

    return set_table


@pytest.fixture
def buyer(make_member: Any, scored: Any, fill_fund: Any, limits: Any) -> int:
    """A scored member whose limit is 5,000,000 tomans, with a fund that can pay."""
    member_id = make_member(name="مریم احمدی")
    scored(member_id)
    limits(most=5_000_000, percent=1000)
    fill_fund(100_000_000)
    return member_id


@pytest.fixture
def in_cart(app: Flask) -> Callable[..., None]:
    def put(member_id: int, product_id: int, quantity: int = 1) -> None:
        with work(app) as s:
            bazaar.set_cart_quantity(s, s.get(Member, member_id), product_id, quantity)

    return put


@pytest.fixture
def checkout(app: Flask, in_cart: Any) -> Callable[..., list[int]]:
    """``checkout(member_id, [(product_id, quantity)], methods=(METHOD,))``: the order ids."""

    def run(
        member_id: int, lines: list[tuple[int, int]], *, methods: tuple[str, ...] = (METHOD,), **kw: Any
    ) -> list[int]:
        for product_id, quantity in lines:
            in_cart(member_id, product_id, quantity)
        kw.setdefault("key", f"test:checkout:{next(_n)}")
        with work(app) as s:
            result = bazaar.checkout(
                s, s.get(Member, member_id), bazaar.CheckoutRequest(address=ADDRESS, methods=methods, **kw)
            )
            return [o.id for o in result.orders]

    return run


@pytest.fixture
def balances(app: Flask) -> Callable[..., dict[str, int]]:
    """The fund's, escrow's and (given) members' main balances, in rials."""

    def read(*member_ids: int) -> dict[str, int]:
        with work(app) as s:
            found = {
                "fund": system_account(s, "paylater_fund").posted,
                "escrow": system_account(s, "escrow").posted,
            }
            for member_id in member_ids:
                account = s.query(Account).filter(Account.code == f"member:{member_id}:main").one_or_none()
                found[str(member_id)] = account.posted if account is not None else 0
            return found

    return read


@pytest.fixture
def standing(app: Flask) -> Callable[..., services.Standing]:
    def read(member_id: int, day: Any = None) -> services.Standing:
        with work(app) as s:
            return services.standing(s, s.get(Member, member_id), day)

    return read


class Inbox:
    """Keeps what pay later tells members, in place of the notifications plugin."""

    def __init__(self) -> None:
        self.told: list[tuple[int, Any]] = []

    @hookimpl(tryfirst=True)
    def resalat_notify(self, member: Any, message: Any) -> Any:
        self.told.append((member.id, message))
        return message

    def kinds(self, member_id: int) -> list[str]:
        return [m.kind.kind for who, m in self.told if who == member_id and m.source == "paylater"]


@pytest.fixture
def inbox(app: Flask) -> Iterator[Inbox]:
    found = Inbox()
    pm = app.extensions["resalat"].plugins.pm
    pm.register(found, name="paylater-test-inbox")
    yield found
    pm.unregister(found)

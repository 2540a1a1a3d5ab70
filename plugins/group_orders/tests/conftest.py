"""Fixtures for the group orders tests: a supplier booth, active cores with funded leaders, an
organiser (an administrator of the province: social leaders and guides come from plugins this one
does not require), an open purchase, the ledger's balances and a snapshot of everything money touches.

Each helper works in an app context and a transaction of its own, committed before it returns,
the way another request would.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from itertools import count
from typing import Any

import pytest
from flask import Flask
from resalat_bazaar import services as bazaar
from resalat_cores.services import approve_core, ensure_default_fields, register_core
from resalat_group_orders import services
from resalat_group_orders.models import Purchase, Share, ShareChange
from sqlalchemy import func, select

from resalat_core.sdk import (
    Account,
    Member,
    Transfer,
    open_earmarked,
    system_account,
    to_persian_digits,
    today_in_iran,
    transfer,
)
from resalat_core.testing import work

REGION = "zanjan/gorg-tappeh"
_n = count(1)


@dataclass(frozen=True)
class Shop:
    owner_id: int
    booth_id: int
    product_id: int


@dataclass(frozen=True)
class CoreRef:
    id: int
    leader_id: int


@pytest.fixture
def shop(app: Flask, make_member: Any) -> Shop:
    """A fabric booth in Gorg Tappeh: karbas at 380,000 tomans a metre, 100 metres in stock."""
    owner_id = make_member(region=REGION, name="فروشنده‌ی پارچه")
    booth = {
        "name": f"پارچه‌فروشی {to_persian_digits(str(next(_n)))}",
        "region": REGION,
        "delivery_options": ["pickup"],
    }
    goods = [
        {"title": "پارچه کرباس", "category": "karbas", "price": 3_800_000, "stock": 100, "unit": "meter"},
    ]
    with work(app) as s:
        made, products = bazaar.open_shop(s, s.get(Member, owner_id), booth, goods)
        return Shop(owner_id, made.id, products[0].id)


@pytest.fixture
def organiser(make_member: Any) -> int:
    """An administrator of Zanjan province: may organise in Gorg Tappeh."""
    return make_member("admin", region=REGION, role_region="zanjan", name="زهرا سازمان‌ده")


@pytest.fixture
def make_core(app: Flask, make_member: Any, top_up: Any) -> Callable[..., CoreRef]:
    """``make_core(tomans=50_000_000)``: an active clothing core whose leader holds that much."""
    reviewer: list[int] = []

    def make(*, tomans: int = 50_000_000, active: bool = True) -> CoreRef:
        if not reviewer:
            reviewer.append(make_member("admin", role_region=None))
        leader_id = make_member(region=REGION, name="سرگروه هسته")
        if tomans:
            top_up(leader_id, rials=tomans * 10)
        with work(app) as s:
            ensure_default_fields(s)
            core = register_core(
                s,
                leader=s.get(Member, leader_id),
                name=f"هسته پوشاک {to_persian_digits(str(next(_n)))}",
                field="clothing",
                region=REGION,
                existed_before=True,
            )
            if active:
                approve_core(s, core, actor=s.get(Member, reviewer[0]))
            return CoreRef(core.id, leader_id)

    return make


@pytest.fixture
def open_one(app: Flask, shop: Shop, organiser: int) -> Callable[..., int]:
    """``open_one(price=..., low=10, high=40, accept=True)``: a purchase the supplier accepted."""

    def make(
        *, price: int = 3_000_000, low: int = 10, high: int = 40, accept: bool = True, days: int = 5
    ) -> int:
        with work(app) as s:
            purchase = services.open_purchase(
                s,
                s.get(Member, organiser),
                services.Draft(
                    shop.product_id,
                    price,
                    low,
                    high,
                    today_in_iran() + timedelta(days=days),
                    "انبار کانون",
                    REGION,
                ),
            )
            if accept:
                services.decide(s, s.get(Member, shop.owner_id), purchase.id, True)
            return purchase.id

    return make


@pytest.fixture
def join(app: Flask) -> Callable[..., Any]:
    """``join(core, purchase_id, quantity, key=None, account_id=None)``: the share's (quantity, paid)."""

    def run(
        core: CoreRef, purchase_id: int, quantity: int, *, key: str | None = None, **kw: Any
    ) -> tuple[int, int]:
        with work(app) as s:
            share = services.join(
                s,
                s.get(Member, core.leader_id),
                purchase_id,
                core.id,
                quantity,
                key=key or f"k{next(_n)}",
                **kw,
            )
            return share.quantity, share.paid

    return run


@pytest.fixture
def after_deadline(app: Flask) -> Callable[[int], str]:
    """``after_deadline(purchase_id)``: close it as the periodic run does a minute after its deadline."""

    def run(purchase_id: int) -> str:
        with work(app) as s:
            deadline = s.get(Purchase, purchase_id).deadline
            return services.close(s, purchase_id, now=deadline + timedelta(minutes=1)).status

    return run


@pytest.fixture
def purchase_of(app: Flask) -> Callable[[int], dict[str, Any]]:
    def read(purchase_id: int) -> dict[str, Any]:
        with work(app) as s:
            p = s.get(Purchase, purchase_id)
            return {
                "status": p.status,
                "joined": p.joined_quantity,
                "order_id": p.order_id,
                "reason": p.reason,
                "shares": {sh.core_id: (sh.quantity, sh.paid, sh.status) for sh in p.shares},
            }

    return read


@pytest.fixture
def balance(app: Flask) -> Callable[..., int]:
    """``balance(member_id)`` (main account), ``balance(account_id=...)`` or ``balance(system="...")``."""

    def read(
        member_id: int | None = None, *, account_id: int | None = None, system: str | None = None
    ) -> int:
        with work(app) as s:
            if system is not None:
                return system_account(s, system).posted
            if account_id is not None:
                return s.get(Account, account_id).posted
            account = s.scalar(select(Account).where(Account.code == f"member:{member_id}:main"))
            return account.posted if account is not None else 0

    return read


@pytest.fixture
def snapshot(app: Flask) -> Callable[[], tuple[Any, ...]]:
    """Balances, transfers, stock, purchases, shares and changes: equal snapshots, nothing changed."""

    def take() -> tuple[Any, ...]:
        with work(app) as s:
            return (
                tuple(s.execute(select(Account.code, Account.posted).order_by(Account.code)).all()),
                s.scalar(select(func.count(Transfer.id))),
                tuple(
                    s.execute(
                        select(bazaar.Product.id, bazaar.Product.stock).order_by(bazaar.Product.id)
                    ).all()
                ),
                tuple(
                    s.execute(
                        select(Purchase.id, Purchase.status, Purchase.joined_quantity).order_by(Purchase.id)
                    ).all()
                ),
                tuple(
                    s.execute(
                        select(Share.id, Share.quantity, Share.paid, Share.status).order_by(Share.id)
                    ).all()
                ),
                s.scalar(select(func.count(ShareChange.id))),
            )

    return take


@pytest.fixture
def earmark(app: Flask) -> Callable[..., int]:
    """``earmark(member_id, tomans, rules={...})``: loan money that may pay in M-Bazar; its account id."""

    def open_one(member_id: int, tomans: int, *, rules: dict[str, Any] | None = None) -> int:
        with work(app) as s:
            account = open_earmarked(
                s,
                s.get(Member, member_id),
                code=f"test:earmarked:{member_id}:{next(_n)}",
                purpose="admin_adjustment",
                purposes=[bazaar.PURCHASE],
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

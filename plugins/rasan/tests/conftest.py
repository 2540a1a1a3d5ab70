"""Fixtures for Rasan's tests: members, cores they lead, booths with products, posts.

Each helper works in its own app context and transaction, committed before it returns, the way
another request would.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import count
from typing import Any

import pytest
from flask import Flask
from resalat_bazaar import services as bazaar
from resalat_cores import services as cores
from resalat_rasan import services

from resalat_core.sdk import Member
from resalat_core.testing import ResalatClient, work

_n = count(1)


def letters(n: int) -> str:
    """A number in letters: names keep their digits Latin, which a Persian page must not show."""
    return "".join("ابپتثجچحخد"[int(d)] for d in str(n))


@dataclass(frozen=True)
class Shop:
    owner_id: int
    booth_id: int
    product_ids: list[int]


@pytest.fixture
def make_shop(app: Flask, make_member: Any) -> Callable[..., Shop]:
    """An open booth with one product per spec (price in tomans)."""

    def build(products: list[dict[str, Any]] | None = None, *, owner_id: int | None = None) -> Shop:
        region = "zanjan/gorg-tappeh"
        owner_id = owner_id or make_member(region=region, name="فروشنده‌ی آزمایشی")
        booth = {"name": f"غرفه‌ی {letters(next(_n))}", "region": region, "delivery_options": ["pickup"]}
        goods = []
        for spec in products if products is not None else [{}]:
            data = {"title": "عسل طبیعی", "category": "honey", "price": "100000", "stock": 50, **spec}
            goods.append({**data, "price": int(data["price"]) * 10})
        with work(app) as s:
            made, made_products = bazaar.open_shop(s, s.get(Member, owner_id), booth, goods)
            return Shop(owner_id, made.id, [p.id for p in made_products])

    return build


@pytest.fixture
def make_core(app: Flask, make_member: Any) -> Callable[..., int]:
    """An approved core led by ``leader_id``; returns its id."""

    def build(leader_id: int, *, region: str = "zanjan/gorg-tappeh", field: str = "livestock") -> int:
        admin_id = make_member("admin", role_region=None, name="مدیر آزمایشی")
        with work(app) as s:
            leader = s.get(Member, leader_id)
            core = cores.register_core(
                s,
                leader=leader,
                name=f"هسته‌ی {letters(next(_n))}",
                field=field,
                region=region,
                existed_before=True,
                actor=leader,
            )
            cores.approve_core(s, core, actor=s.get(Member, admin_id))
            return core.id

    return build


@pytest.fixture
def write(app: Flask) -> Callable[..., int]:
    """``write(member_id, "text", core_id=..., product_id=...)``: a post through the service."""

    def make(member_id: int, text: str = "سلام به همه", **draft: Any) -> int:
        with work(app) as s:
            post = services.create_post(s, s.get(Member, member_id), services.Draft(text=text, **draft))
            return post.id

    return make


def signed_in(app: Flask, member_id: int) -> ResalatClient:
    app.test_client_class = ResalatClient
    client: ResalatClient = app.test_client()  # type: ignore[assignment]
    return client.sign_in(member_id)

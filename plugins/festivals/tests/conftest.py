"""Fixtures for the festivals tests: organisers, cores with M-Bazar booths, festivals and applications.

Each fixture works in an app context and a transaction of its own (the host's ``work``), committed
before it returns, the way another request would. Only what festivals require is assumed
installed (cores, bazaar): organisers are regional administrators, who hold every permission in
their province, so the tests pass whether or not the guides' and leaders' plugins are present.
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
from resalat_cores.services import approve_core, ensure_default_fields, register_core
from resalat_festivals import services
from resalat_festivals.models import Application, ApplicationProduct, Festival
from sqlalchemy import select

from resalat_core.sdk import Member, format_date, to_latin_digits, today_in_iran
from resalat_core.testing import ResalatClient, work

ARDAKAN = "yazd/ardakan"
_n = count(1)
# The products of a test core's booth, in order.
TITLES = ("کرباس دست‌باف", "زیلوی میبد", "رومیزی ترمه", "حوله‌ی دست‌باف")


def day(days: int) -> date:
    """The date ``days`` from today in Iran."""
    return today_in_iran() + timedelta(days=days)


def jalali(days: int) -> str:
    """The Jalali date ``days`` from today, as a member would type it (Latin digits)."""
    return to_latin_digits(format_date(day(days)))


@dataclass
class Someone:
    """A member with an API client (bearer token) and a page client, both signed in as them."""

    id: int
    api: ResalatClient
    web: ResalatClient
    mobile: str = ""


@pytest.fixture
def someone(app: Flask, api_as: Callable[..., ResalatClient]) -> Callable[..., Someone]:
    """``someone("admin", region=ARDAKAN)``: a new member (``make_member``'s arguments), both clients."""

    def make(role: str | None = None, **kwargs: Any) -> Someone:
        api = api_as(role, **kwargs)
        # A token's first use stamps its last_used_at: done here, so query counts compare alike.
        api.get("/api/v1/festivals/applications/mine")
        web: ResalatClient = app.test_client()  # type: ignore[assignment]
        web.sign_in(api.member_id)
        with work(app) as s:
            mobile = s.get(Member, api.member_id).mobile
        return Someone(api.member_id, api, web, mobile)

    return make


@pytest.fixture
def organiser(someone: Callable[..., Someone]) -> Someone:
    """The administrator of Yazd province: organises festivals there."""
    return someone("admin", region=ARDAKAN)


@dataclass(frozen=True)
class CoreRef:
    id: int
    leader: Someone
    products: tuple[int, ...]


@pytest.fixture
def make_core(app: Flask, make_member: Any, someone: Callable[..., Someone]) -> Callable[..., CoreRef]:
    """``make_core(products=2)``: an approved hand-weaving core of Ardakan, its leader, and an
    M-Bazar booth for it with that many products."""
    reviewer: list[int] = []

    def make(*, products: int = 2, active: bool = True, region: str = ARDAKAN) -> CoreRef:
        if not reviewer:
            reviewer.append(make_member("admin", role_region=None))
        leader = someone("core_leader", region=region)
        with work(app) as s:
            ensure_default_fields(s)
            member = s.get(Member, leader.id)
            core = register_core(
                s,
                leader=member,
                name=f"هسته‌ی دست‌بافی شماره‌ی {next(_n)}",
                field="hand_weaving",
                region=region,
                existed_before=True,
            )
            made: list[int] = []
            if active:
                approve_core(s, core, actor=s.get(Member, reviewer[0]))
                if products:
                    bazaar.ensure_categories(s)
                    booth = bazaar.open_booth(
                        s,
                        member,
                        {
                            "name": f"غرفه‌ی {core.name}",
                            "description": "",
                            "region": region,
                            "delivery_options": ["pickup"],
                            "core_code": core.code,
                        },
                    )
                    for i in range(products):
                        product = bazaar.create_product(
                            s,
                            booth,
                            member,
                            {
                                "title": TITLES[i % len(TITLES)],
                                "description": "",
                                "category": "handicrafts",
                                "price": 1_000_000,
                                "stock": 100,
                                "unit": "piece",
                                "kind": "goods",
                            },
                        )
                        made.append(product.id)
            return CoreRef(core.id, leader, tuple(made))

    return make


@pytest.fixture
def make_festival(app: Flask) -> Callable[..., int]:
    """``make_festival(organiser, booths=2, starts_in=30, apply_in=20, days=3)``: a festival's id."""

    def make(
        by: Someone,
        *,
        booths: int = 2,
        starts_in: int = 30,
        apply_in: int = 20,
        days: int = 3,
        region: str = ARDAKAN,
    ) -> int:
        with work(app) as s:
            festival = services.announce(
                s,
                s.get(Member, by.id),
                services.Details(
                    title=f"نمایشگاه صنایع دستی اردکان {next(_n)}",
                    theme="صنایع دستی",
                    region=region,
                    address="میدان امام",
                    starts_on=day(starts_in),
                    ends_on=day(starts_in + days - 1),
                    apply_by=day(apply_in),
                    booths=booths,
                    description="",
                ),
            )
            return festival.id

    return make


@pytest.fixture
def apply(app: Flask) -> Callable[..., int]:
    """``apply(festival_id, core)``: the core's leader applies (with its products); the id."""

    def make(festival_id: int, core: CoreRef, *, products: tuple[int, ...] | None = None) -> int:
        with work(app) as s:
            application = services.apply(
                s,
                s.get(Member, core.leader.id),
                festival_id,
                core=core.id,
                note="کرباس و زیلو",
                products=core.products if products is None else products,
            )
            return application.id

    return make


@pytest.fixture
def decide(app: Flask) -> Callable[..., None]:
    """``decide(by, application_id, accept=True)``: the organiser's answer, committed."""

    def answer(by: Someone, application_id: int, *, accept: bool = True) -> None:
        with work(app) as s:
            services.decide(s, s.get(Member, by.id), application_id, accept=accept)

    return answer


@pytest.fixture
def shift(app: Flask) -> Callable[..., None]:
    """``shift(festival_id, starts_in=-2, days=3, status="running")``: move a festival's dates into
    the past (as time passing would) and set its state."""

    def move(
        festival_id: int,
        *,
        starts_in: int,
        days: int = 3,
        status: str | None = None,
        apply_in: int | None = None,
    ) -> None:
        with work(app) as s:
            festival = s.get(Festival, festival_id)
            festival.starts_on = day(starts_in)
            festival.ends_on = day(starts_in + days - 1)
            festival.apply_by = (
                day(apply_in) if apply_in is not None else min(festival.apply_by, festival.starts_on)
            )
            if status:
                festival.status = status

    return move


@pytest.fixture
def snapshot(app: Flask) -> Callable[[], tuple[Any, ...]]:
    """Every row the plugin keeps: equal snapshots mean nothing changed."""

    def take() -> tuple[Any, ...]:
        with work(app) as s:
            return (
                tuple(
                    s.execute(
                        select(
                            Festival.id,
                            Festival.title,
                            Festival.status,
                            Festival.booths,
                            Festival.accepted,
                            Festival.starts_on,
                        ).order_by(Festival.id)
                    )
                ),
                tuple(
                    s.execute(
                        select(
                            Application.id, Application.status, Application.fair_sales, Application.fair_items
                        ).order_by(Application.id)
                    )
                ),
                tuple(s.execute(select(ApplicationProduct.application_id, ApplicationProduct.product_id))),
            )

    return take


@pytest.fixture
def told(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, Any]]:
    """Every (member id, Message) the festivals send through the SDK's notify, in order."""
    sent: list[tuple[int, Any]] = []
    real = services.notify

    def spy(member: Any, message: Any) -> Any:
        sent.append((member.id, message))
        return real(member, message)

    monkeypatch.setattr(services, "notify", spy)
    return sent


@pytest.fixture
def buy(app: Flask, make_member: Any, top_up: Any) -> Callable[..., int]:
    """``buy(product_id, quantity=1)``: a new member buys it in M-Bazar (paid into escrow); the order id."""

    def purchase(product_id: int, quantity: int = 1) -> int:
        buyer_id = make_member()
        with work(app) as s:
            price = bazaar.get_product(s, product_id).price
        top_up(buyer_id, rials=price * quantity)
        with work(app) as s:
            buyer = s.get(Member, buyer_id)
            bazaar.add_to_cart(s, buyer, product_id, quantity)
            booth_id = bazaar.get_product(s, product_id).booth_id
            result = bazaar.checkout(
                s, buyer, bazaar.CheckoutRequest(key=f"test:{next(_n)}", delivery={booth_id: "pickup"})
            )
            return result.orders[0].id

    return purchase

"""Fixtures for the centres tests: the Al-Ghadir centre of Arbab, its cores, orders and shares.

Each fixture works in an app context and a transaction of its own (the host's ``work``), committed
before it returns, the way another request would (holding the ``session`` fixture across client
requests would keep one SQLite write transaction open and lock the requests out).

Only what centres require is assumed installed (the cores). Social leaders and supporters come
from plugins that may be absent: a test-only plugin (``fixtures/resalat_fixture_centre_roles``)
then declares their roles, so the rules centres give them are proved either way.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from resalat_centers import services
from resalat_centers.models import Centre, CentreCore, CentreMember, Delivery, Order, Share
from resalat_cores.services import approve_core, ensure_default_fields, register_core
from sqlalchemy import func, select

from resalat_core.sdk import Member, format_date, to_latin_digits, today_in_iran
from resalat_core.testing import ResalatClient, session_app, work

sys.path.insert(0, str(Path(__file__).resolve().parent / "fixtures"))

from resalat_fixture_centre_roles import plugin as stand_in_roles  # noqa: E402

ARBAB = "sistan-baluchestan/arbab"
_n = count(1)


@pytest.fixture(scope="session")
def _session_app(database_url: str) -> Iterator[Flask]:
    yield from session_app(database_url, {"centre_roles": stand_in_roles} if stand_in_roles.roles else None)


def _day(days: int) -> date:
    return today_in_iran() + timedelta(days=days)


def _jalali(days: int, *, persian: bool = False) -> str:
    """The Jalali date ``days`` from today (Tehran), as a member would type it."""
    text = format_date(_day(days))
    return text if persian else to_latin_digits(text)


@dataclass
class Someone:
    """Someone in the story: a member with an API client (bearer token) and a page client, both
    signed in as them."""

    id: int
    api: ResalatClient
    web: ResalatClient
    mobile: str = ""
    national_code: str = ""
    name: str = ""


@pytest.fixture
def someone(app: Flask, api_as: Callable[..., ResalatClient]) -> Callable[..., Someone]:
    """``someone("admin", region=ARBAB)``: a new member (the host's ``api_as``, same arguments as
    ``make_member``) with both kinds of client."""

    def make(role: str | None = None, **kwargs: Any) -> Someone:
        api = api_as(role, **kwargs)
        # A token's first use stamps its last_used_at (one write a minute): done here, so query
        # counts measured later compare like with like.
        api.get("/api/v1/centers/mine")
        web: ResalatClient = app.test_client()  # type: ignore[assignment]
        web.sign_in(api.member_id)
        web.member_id = api.member_id  # type: ignore[attr-defined]
        with work(app) as s:
            m = s.get(Member, api.member_id)
            identity = (m.mobile, m.national_code, m.name)
        return Someone(api.member_id, api, web, *identity)

    return make


@dataclass(frozen=True)
class CoreRef:
    id: int
    code: str | None
    name: str
    leader: Someone | None


@pytest.fixture
def make_core(app: Flask, make_member: Any, someone: Callable[..., Someone]) -> Callable[..., CoreRef]:
    """``make_core()``: a clothing core of Arbab with a leader of its own, approved (active) unless
    ``active=False``; ``leader=`` reuses someone."""
    reviewer: list[int] = []

    def make(*, leader: Someone | None = None, active: bool = True, region: str = ARBAB) -> CoreRef:
        if not reviewer:
            reviewer.append(make_member("admin", role_region=None))
        leader = leader or someone(region=region)
        name = f"هسته پوشاک شماره {next(_n)}"
        with work(app) as s:
            ensure_default_fields(s)
            core = register_core(
                s,
                leader=s.get(Member, leader.id),
                name=name,
                field="clothing",
                region=region,
                existed_before=True,
            )
            if active:
                approve_core(s, core, actor=s.get(Member, reviewer[0]))
            return CoreRef(core.id, core.code, core.name, leader)

    return make


@dataclass
class AlGhadir:
    """The Al-Ghadir centre of Arbab: Ms. Ghaderi leads it; a cultural supporter registered it."""

    id: int
    ghaderi: Someone
    registrar: Someone
    cores: list[CoreRef] = field(default_factory=list)


@pytest.fixture
def register_centre(app: Flask) -> Callable[..., int]:
    """``register_centre(leader_id, registrar_id, name=..., region=...)``: a committed centre's id."""

    def register(leader_id: int, registrar_id: int, *, name: str | None = None, region: str = ARBAB) -> int:
        with work(app) as s:
            centre = services.register_centre(
                s,
                s.get(Member, registrar_id),
                name=name or f"کانون همیاری {next(_n)}",
                region=region,
                leader=s.get(Member, leader_id),
            )
            return centre.id

    return register


@pytest.fixture
def link(app: Flask) -> Callable[[int, CoreRef], None]:
    """``link(centre_id, core)``: the core joins the centre (as its leader would do it)."""

    def join(centre_id: int, core: CoreRef) -> None:
        with work(app) as s:
            centre = s.get(Centre, centre_id)
            services.link_core(s, centre, centre.leader, core.id)

    return join


@pytest.fixture
def registrar(someone: Callable[..., Someone]) -> Callable[[], Someone]:
    """``registrar()``: a cultural supporter held nationwide, who may register centres anywhere."""

    def make() -> Someone:
        return someone("supporter", region="tehran/tehran", role_region=None, kind="cultural")

    return make


@pytest.fixture
def alghadir(
    someone: Callable[..., Someone],
    registrar: Callable[[], Someone],
    make_core: Callable[..., CoreRef],
    register_centre: Callable[..., int],
    link: Callable[[int, CoreRef], None],
) -> AlGhadir:
    """The centre with three active clothing cores, each led by its own member. Ms. Ghaderi holds
    no role here: a centre's leader manages it by leading it."""
    ghaderi = someone(region=ARBAB, name="فاطمه قادری")
    by = registrar()
    centre_id = register_centre(ghaderi.id, by.id, name="کانون همیاری الغدیر")
    centre = AlGhadir(centre_id, ghaderi, by)
    for _ in range(3):
        core = make_core()
        link(centre_id, core)
        centre.cores.append(core)
    return centre


@pytest.fixture
def make_order(app: Flask) -> Callable[..., int]:
    """``make_order(centre_id, quantity=300, due_in=40)``: an order recorded by the centre's leader."""

    def make(centre_id: int, quantity: int = 300, *, due_in: int = 40, item: str = "مانتو") -> int:
        with work(app) as s:
            centre = s.get(Centre, centre_id)
            order = services.create_order(
                s,
                centre,
                centre.leader,
                customer="پوشاک نگین، زاهدان",
                item=item,
                unit="دست",
                quantity=quantity,
                due_date=_day(due_in),
                unit_price=4_500_000,
            )
            return order.id

    return make


@pytest.fixture
def split(app: Flask) -> Callable[..., list[int]]:
    """``split(order_id, [(core, quantity), ...], due_in=30)``: shares given by the centre's leader."""

    def give(order_id: int, parts: Sequence[tuple[CoreRef, int]], *, due_in: int = 30) -> list[int]:
        with work(app) as s:
            order = s.get(Order, order_id)
            made = services.split_order(
                s,
                order,
                order.centre.leader,
                [services.SharePart(core.id, q, _day(due_in)) for core, q in parts],
            )
            return [share.id for share in made]

    return give


@pytest.fixture
def act(app: Flask) -> Callable[..., Any]:
    """``act("accept", share_id)``, ``act("deliver", share_id, 10)``, ``act("decline", share_id, "why")``:
    what the share's core leader does, committed."""

    def do(action: str, share_id: int, *args: Any) -> None:
        with work(app) as s:
            share = s.get(Share, share_id)
            leader = s.get(Member, share.core.leader_id)
            if action == "accept":
                services.accept_share(s, leader, share_id)
            elif action == "decline":
                services.decline_share(s, leader, share_id, *args)
            elif action == "deliver":
                services.report_delivery(s, leader, share_id, *args)
            else:
                raise AssertionError(action)

    return do


@pytest.fixture
def order_state(app: Flask) -> Callable[[int], dict[str, Any]]:
    """``order_state(order_id)``: the order's counters and its shares, read straight from the database."""

    def read(order_id: int) -> dict[str, Any]:
        with work(app) as s:
            order = s.get(Order, order_id)
            shares = s.execute(
                select(Share.core_id, Share.quantity, Share.status, Share.delivered)
                .where(Share.order_id == order_id)
                .order_by(Share.id)
            ).all()
            return {
                "status": order.status,
                "allocated": order.allocated,
                "delivered": order.delivered,
                "shares": [tuple(row) for row in shares],
            }

    return read


@pytest.fixture
def snapshot(app: Flask) -> Callable[[], tuple[Any, ...]]:
    """Every row the plugin keeps, in a comparable form: equal snapshots mean nothing changed."""

    def take() -> tuple[Any, ...]:
        with work(app) as s:
            return (
                tuple(s.execute(select(Centre.id, Centre.name, Centre.leader_id).order_by(Centre.id)).all()),
                tuple(
                    s.execute(
                        select(CentreMember.centre_id, CentreMember.member_id).order_by(CentreMember.id)
                    )
                ),
                tuple(s.execute(select(CentreCore.centre_id, CentreCore.core_id).order_by(CentreCore.id))),
                tuple(
                    s.execute(
                        select(
                            Order.id, Order.status, Order.allocated, Order.delivered, Order.quantity
                        ).order_by(Order.id)
                    )
                ),
                tuple(
                    s.execute(
                        select(Share.id, Share.status, Share.quantity, Share.delivered).order_by(Share.id)
                    )
                ),
                s.scalar(select(func.count(Delivery.id))),
            )

    return take


@pytest.fixture
def told(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, Any]]:
    """Every (member id, Message) the centres send through the SDK's notify, in order: the tests
    look at these, not at an inbox, since the notifications plugin may be absent."""
    from resalat_centers.services import telling

    sent: list[tuple[int, Any]] = []
    real = telling.notify

    def spy(member: Any, message: Any) -> Any:
        sent.append((member.id, message))
        return real(member, message)

    monkeypatch.setattr(telling, "notify", spy)
    return sent


@pytest.fixture
def read(app: Flask) -> Callable[..., str]:
    """``read(lambda: message.title, "en")``: a text as a reader of that language reads it."""
    from flask_babel import force_locale

    def render(text: Any, lang: str = "fa") -> str:
        with app.test_request_context(), force_locale(lang):
            return str(text() if callable(text) else text)

    return render


@pytest.fixture
def day() -> Callable[[int], date]:
    """``day(40)``: the date 40 days from today in Iran."""
    return _day


@pytest.fixture
def jalali() -> Callable[..., str]:
    """``jalali(40)``: the Jalali date 40 days from today (``persian=True``: in Persian digits)."""
    return _jalali


@pytest.fixture
def field_error() -> Callable[[Any, str], str]:
    """``field_error(response, "quantity")``: the message under that form field ('' when none)."""
    return _field_error


def _field_error(response: Any, name: str) -> str:
    html = response.get_data(as_text=True)
    marker = f'id="e-{name}">'
    if marker not in html:
        return ""
    return html.split(marker, 1)[1].split("</div>", 1)[0]

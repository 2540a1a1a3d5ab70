"""Bulk customer orders: placed and paid after a confirmation, split among the area's cores (the
quantities checked), answered, delivered, confirmed part by part (each core's leader paid once),
cancelled (the undelivered money back); refusals change nothing; access; pages; API; CLI; queries."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import pytest
from resalat_group_orders import ESCROW, services
from resalat_group_orders.models import BulkOrder, BulkPart
from sqlalchemy import func, select

from resalat_core.sdk import (
    BadInput,
    Conflict,
    Member,
    NotAllowed,
    NotFound,
    Transfer,
    format_date,
    to_latin_digits,
    today_in_iran,
    verify_ledger,
)
from resalat_core.testing import token_client, work

from .conftest import REGION

bulk = services.bulk
PRICE = 2_000_000  # rials: 200,000 tomans a uniform


@pytest.fixture
def customer(make_member: Any, top_up: Any) -> int:
    """A school (any member) holding 30,000,000 tomans."""
    member_id = make_member(region=REGION, name="مدرسه‌ی شهید رجایی")
    top_up(member_id, rials=300_000_000)
    return member_id


def _draft(quantity: int = 120, price: int = PRICE, **kw: Any) -> Any:
    values: dict[str, Any] = {
        "description": "روپوش مدرسه، طوسی",
        "unit": "دست",
        "quantity": quantity,
        "unit_price": price,
        "deadline": today_in_iran() + timedelta(days=20),
        "place": "مدرسه‌ی شهید رجایی، گرگ‌تپه",
        "region": REGION,
    }
    values.update(kw)
    return bulk.BulkDraft(**values)


@pytest.fixture
def place(app: Any, customer: int) -> Any:
    def run(quantity: int = 120, *, key: str = "k1", who: int | None = None, **kw: Any) -> int:
        with work(app) as s:
            return bulk.place_bulk(s, s.get(Member, who or customer), _draft(quantity, **kw), key=key).id

    return run


def _do(app: Any, fn: Any, member_id: int, *args: Any) -> Any:
    with work(app) as s:
        found = fn(s, s.get(Member, member_id), *args)
        return [p.id for p in found] if isinstance(found, list) else found.id


@pytest.fixture
def snap(app: Any) -> Any:
    def take() -> tuple[Any, ...]:
        with work(app) as s:
            return (
                s.scalar(select(func.count(Transfer.id))),
                tuple(
                    s.execute(
                        select(BulkOrder.id, BulkOrder.status, BulkOrder.allocated, BulkOrder.held)
                    ).all()
                ),
                tuple(
                    s.execute(select(BulkPart.id, BulkPart.status, BulkPart.paid).order_by(BulkPart.id)).all()
                ),
            )

    return take


def test_the_whole_flow_pays_each_core_once_and_completes(
    app, customer, organiser, make_core, place, balance
):
    cores = [make_core(tomans=0) for _ in range(3)]
    order_id = place()
    assert balance(customer) == 300_000_000 - 120 * PRICE
    assert balance(system=ESCROW) == 120 * PRICE
    assert place() == order_id  # the same key: the same order, paid once
    assert balance(customer) == 300_000_000 - 120 * PRICE

    asks = [bulk.PartAsk(cores[0].id, 50), bulk.PartAsk(cores[1].id, 40), bulk.PartAsk(cores[2].id, 30)]
    parts = _do(app, bulk.split, organiser, order_id, asks)
    _do(app, bulk.answer, cores[0].leader_id, parts[0], True)
    _do(app, bulk.answer, cores[1].leader_id, parts[1], True)
    _do(app, bulk.answer, cores[2].leader_id, parts[2], False)  # declined: 30 to give again
    with work(app) as s:
        assert s.get(BulkOrder, order_id).remaining == 30
    again = _do(app, bulk.split, organiser, order_id, [bulk.PartAsk(cores[0].id, 30)])
    # The same core may take a second part after another declined.
    _do(app, bulk.answer, cores[0].leader_id, again[0], True)
    for part_id, core in ((parts[0], cores[0]), (parts[1], cores[1]), (again[0], cores[0])):
        _do(app, bulk.deliver, core.leader_id, part_id)
        _do(app, bulk.confirm, customer, part_id)
    with pytest.raises(Conflict):
        _do(app, bulk.confirm, customer, parts[0])
    assert balance(cores[0].leader_id) == 80 * PRICE
    assert balance(cores[1].leader_id) == 40 * PRICE
    assert balance(cores[2].leader_id) == 0
    assert balance(system=ESCROW) == 0
    with work(app) as s:
        order = s.get(BulkOrder, order_id)
        assert order.status == "completed" and order.held == 0
        assert verify_ledger(s).ok


def test_cancelling_pays_back_what_was_not_delivered(app, customer, organiser, make_core, place, balance):
    a, b = make_core(tomans=0), make_core(tomans=0)
    order_id = place(10)
    parts = _do(app, bulk.split, organiser, order_id, [bulk.PartAsk(a.id, 6), bulk.PartAsk(b.id, 4)])
    _do(app, bulk.answer, a.leader_id, parts[0], True)
    _do(app, bulk.deliver, a.leader_id, parts[0])
    _do(app, bulk.cancel_bulk, customer, order_id)
    assert balance(customer) == 300_000_000 - 6 * PRICE
    with pytest.raises(Conflict):
        _do(app, bulk.cancel_bulk, customer, order_id)  # twice: nothing moves twice
    _do(app, bulk.confirm, customer, parts[0])  # the delivered part is still paid
    assert balance(a.leader_id) == 6 * PRICE and balance(b.leader_id) == 0
    assert balance(system=ESCROW) == 0
    with work(app) as s:
        assert s.get(BulkPart, parts[1]).status == "withdrawn"
        assert verify_ledger(s).ok


def test_refusals_are_clear_and_change_nothing(app, customer, organiser, make_core, make_member, place, snap):
    core = make_core(tomans=0)
    order_id = place(10)
    before = snap()
    with pytest.raises(BadInput) as short:
        place(10_000, key="k2")  # 2,000,000,000 tomans: more than the school holds
    assert short.value.code == "insufficient_funds"
    with pytest.raises(BadInput) as wrong:
        place(0, key="k3", description="", deadline=today_in_iran() - timedelta(days=1))
    assert {"quantity", "description", "deadline"} <= set(wrong.value.fields)
    with pytest.raises(BadInput) as sums:
        _do(app, bulk.split, organiser, order_id, [bulk.PartAsk(core.id, 7)])
    said = to_latin_digits(str(sums.value.message))
    assert "10" in said and "7" in said
    with pytest.raises(BadInput):
        _do(app, bulk.split, organiser, order_id, [bulk.PartAsk(core.id, 5), bulk.PartAsk(core.id, 5)])
    inactive = make_core(tomans=0, active=False)
    with pytest.raises(BadInput):
        _do(app, bulk.split, organiser, order_id, [bulk.PartAsk(inactive.id, 10)])
    with pytest.raises(BadInput):
        _do(app, bulk.split, organiser, order_id, [bulk.PartAsk(core.id, "ده")])
    assert snap() == before


def test_access_a_stranger_another_leader_and_an_organiser_elsewhere(
    app, customer, organiser, make_core, make_member, place
):
    a, b = make_core(tomans=0), make_core(tomans=0)
    order_id = place(10)
    stranger = make_member(region=REGION)
    elsewhere = make_member("admin", region="tehran/tehran", role_region="tehran")
    with pytest.raises(NotFound):
        _do(app, bulk.visible_bulk, stranger, order_id)
    with pytest.raises(NotAllowed):
        _do(app, bulk.split, elsewhere, order_id, [bulk.PartAsk(a.id, 10)])
    with pytest.raises(NotAllowed):
        _do(app, bulk.split, customer, order_id, [bulk.PartAsk(a.id, 10)])
    parts = _do(app, bulk.split, organiser, order_id, [bulk.PartAsk(a.id, 6), bulk.PartAsk(b.id, 4)])
    with pytest.raises(NotFound):
        _do(app, bulk.answer, b.leader_id, parts[0], True)  # another core's part
    with pytest.raises(NotFound):
        _do(app, bulk.cancel_bulk, a.leader_id, order_id)  # only the customer cancels
    _do(app, bulk.answer, a.leader_id, parts[0], True)
    _do(app, bulk.deliver, a.leader_id, parts[0])
    with pytest.raises(NotFound):
        _do(app, bulk.confirm, a.leader_id, parts[0])  # only the customer confirms
    with work(app) as s:
        seen = bulk.parts_seen(s, s.get(Member, b.leader_id), s.get(BulkOrder, order_id))
        assert [p.id for p in seen] == [parts[1]]  # a core's leader sees only their own part

    api = token_client(app, stranger)
    assert api.get(f"/api/v1/group_orders/bulk/{order_id}").status_code == 404
    far = token_client(app, elsewhere)
    split = far.post(
        f"/api/v1/group_orders/bulk/{order_id}/split", json={"parts": [{"core_id": a.id, "quantity": 1}]}
    )
    assert split.status_code == 403
    assert (
        token_client(app, b.leader_id).post(f"/api/v1/group_orders/bulk/parts/{parts[0]}/deliver").status_code
        == 404
    )


def test_the_pages_place_after_a_confirmation_split_and_confirm(
    app, client, customer, organiser, make_core, balance
):
    core = make_core(tomans=0)
    web = client.sign_in(customer)
    assert 'href="/group_orders/bulk/"' in web.get("/group_orders/").get_data(as_text=True)
    form = web.get("/group_orders/bulk/new").get_data(as_text=True)
    key = re.search(r'name="key" value="([0-9a-f]+)"', form).group(1)
    day = to_latin_digits(format_date(today_in_iran() + timedelta(days=5)))
    fields = {
        "description": "روپوش مدرسه",
        "unit": "دست",
        "quantity": "۱۲",
        "unit_price": "۲۰۰٬۰۰۰",
        "deadline": day,
        "place": "مدرسه‌ی شهید رجایی",
        "region": REGION,
        "key": key,
    }
    bad = web.form(
        "/group_orders/bulk/new", {**fields, "quantity": "چند"}, token_from="/group_orders/bulk/new"
    )
    assert bad.status_code == 400 and 'id="e-quantity"' in bad.get_data(as_text=True)
    confirm = web.form("/group_orders/bulk/new", fields, token_from="/group_orders/bulk/new")
    html = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and 'data-testid="bulk-confirm"' in html
    assert "۲٬۴۰۰٬۰۰۰ تومان" in html and balance(customer) == 300_000_000  # nothing moved yet
    done = web.form("/group_orders/bulk/new", {**fields, "confirm": "1"}, token_from="/group_orders/bulk/new")
    twice = web.form(
        "/group_orders/bulk/new", {**fields, "confirm": "1"}, token_from="/group_orders/bulk/new"
    )
    assert done.status_code == 302 and twice.status_code == 302
    assert balance(customer) == 300_000_000 - 12 * PRICE  # a double press paid once
    order_id = int(done.headers["Location"].rstrip("/").rsplit("/", 1)[-1])

    lead = app.test_client()
    lead.sign_in(organiser)
    url = f"/group_orders/bulk/{order_id}"
    page = lead.get(url).get_data(as_text=True)
    assert 'data-testid="split-form"' in page
    wrong = lead.form(f"{url}/split", {"core_0": core.id, "quantity_0": "5"}, token_from=url)
    assert wrong.status_code == 400 and "۱۲" in wrong.get_data(as_text=True)
    right = lead.form(f"{url}/split", {"core_0": core.id, "quantity_0": "12"}, token_from=url)
    assert right.status_code == 302

    maker = app.test_client()
    maker.sign_in(core.leader_id)
    with work(app) as s:
        part_id = s.scalar(select(BulkPart.id).where(BulkPart.order_id == order_id))
    assert 'data-testid="part-accept"' in maker.get(url).get_data(as_text=True)
    assert (
        maker.form(
            f"/group_orders/bulk/parts/{part_id}/answer",
            {"answer": "accept", "order": order_id},
            token_from=url,
        ).status_code
        == 302
    )
    assert (
        maker.form(
            f"/group_orders/bulk/parts/{part_id}/deliver", {"order": order_id}, token_from=url
        ).status_code
        == 302
    )
    assert 'data-testid="part-confirm"' in web.get(url).get_data(as_text=True)
    assert (
        web.form(
            f"/group_orders/bulk/parts/{part_id}/confirm", {"order": order_id}, token_from=url
        ).status_code
        == 302
    )
    again = web.form(f"/group_orders/bulk/parts/{part_id}/confirm", {"order": order_id}, token_from=url)
    assert again.status_code == 302  # flashed back: already confirmed
    assert balance(core.leader_id) == 12 * PRICE
    for viewer, path in (
        (web, "/group_orders/bulk/"),
        (web, url),
        (lead, "/group_orders/bulk/"),
        (maker, "/group_orders/bulk/"),
    ):
        text = viewer.get(path).get_data(as_text=True)
        body = text.split("<main", 1)[-1].split("</main>", 1)[0]
        body = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", body, flags=re.S)
        latin = [m for m in re.findall(r">[^<]*[A-Za-z0-9][^<]*<", body) if m.strip("><").strip()]
        assert latin == [], (path, latin)


def test_the_api_places_once_per_key_splits_and_confirms(app, customer, organiser, make_core, balance):
    core = make_core(tomans=0)
    api = token_client(app, customer)
    body = {
        "description": "روپوش مدرسه",
        "unit": "دست",
        "quantity": 5,
        "unit_price": PRICE,
        "deadline": (today_in_iran() + timedelta(days=3)).isoformat(),
        "place": "مدرسه‌ی شهید رجایی",
        "region": REGION,
    }
    made = api.post("/api/v1/group_orders/bulk", json=body, headers={"Idempotency-Key": "b-1"})
    again = api.post("/api/v1/group_orders/bulk", json=body, headers={"Idempotency-Key": "b-1"})
    assert made.status_code == 201, made.get_json()
    assert again.get_json()["id"] == made.get_json()["id"]
    assert balance(customer) == 300_000_000 - 5 * PRICE
    short = api.post(
        "/api/v1/group_orders/bulk", json={**body, "quantity": 1_000_000}, headers={"Idempotency-Key": "b-2"}
    )
    assert short.status_code == 400 and short.get_json()["error"]["code"] == "insufficient_funds"
    assert api.post("/api/v1/group_orders/bulk", json=body).status_code == 400  # no key
    order_id = made.get_json()["id"]

    lead = token_client(app, organiser)
    assert lead.get("/api/v1/group_orders/bulk/area").get_json()["items"][0]["id"] == order_id
    split = lead.post(
        f"/api/v1/group_orders/bulk/{order_id}/split", json={"parts": [{"core_id": core.id, "quantity": 5}]}
    )
    assert split.status_code == 200, split.get_json()
    part_id = split.get_json()[0]["id"]
    full = lead.post(
        f"/api/v1/group_orders/bulk/{order_id}/split", json={"parts": [{"core_id": core.id, "quantity": 1}]}
    )
    assert full.status_code == 409
    maker = token_client(app, core.leader_id)
    assert maker.get("/api/v1/group_orders/bulk/parts").get_json()["items"][0]["id"] == part_id
    early = api.post(f"/api/v1/group_orders/bulk/parts/{part_id}/confirm")
    assert early.status_code == 409 and early.get_json()["error"]["code"] == "not_delivered"
    assert (
        maker.post(f"/api/v1/group_orders/bulk/parts/{part_id}/answer", json={"accept": True}).status_code
        == 200
    )
    assert maker.post(f"/api/v1/group_orders/bulk/parts/{part_id}/deliver").status_code == 200
    paid = api.post(f"/api/v1/group_orders/bulk/parts/{part_id}/confirm")
    assert paid.status_code == 200 and paid.get_json()["paid"] == 5 * PRICE
    assert api.post(f"/api/v1/group_orders/bulk/parts/{part_id}/confirm").status_code == 409
    detail = api.get(f"/api/v1/group_orders/bulk/{order_id}").get_json()
    assert detail["status"] == "completed" and len(detail["parts"]) == 1
    assert api.post(f"/api/v1/group_orders/bulk/{order_id}/cancel").status_code == 409
    listed = app.test_cli_runner().invoke(args=["group_orders", "bulk", "list", "--json"])
    assert listed.exit_code == 0, listed.output
    assert [row["id"] for row in json.loads(listed.stdout)] == [order_id]


def test_switched_off_bulk_pages_are_unreachable(app, client, customer, place):
    order_id = place(3)
    off = app.test_cli_runner().invoke(
        args=["modules", "disable", "group_orders", "--region", "zanjan", "--with-dependants"]
    )
    assert off.exit_code == 0, off.output
    web = client.sign_in(customer)
    assert web.get("/group_orders/bulk/").status_code == 404
    assert web.get(f"/group_orders/bulk/{order_id}").status_code == 404
    assert token_client(app, customer).get("/api/v1/group_orders/bulk").status_code == 404


def test_bulk_lists_cost_the_same_queries_at_two_sizes(
    app, client, customer, organiser, make_core, place, count_queries
):
    core = make_core(tomans=0)
    web = client.sign_in(customer)
    api = token_client(app, customer)
    lead = token_client(app, organiser)
    maker = token_client(app, core.leader_id)
    for c in (api, lead, maker):
        c.get("/api/v1/group_orders/bulk")  # the token's first use writes its last use
    n = iter(range(100))

    def grow(k: int) -> None:
        for _ in range(k):
            order_id = place(2, key=f"q{next(n)}")
            _do(app, bulk.split, organiser, order_id, [bulk.PartAsk(core.id, 2)])

    def measure() -> tuple[int, ...]:
        counts = []
        for call in (
            lambda: web.get("/group_orders/bulk/"),
            lambda: api.get("/api/v1/group_orders/bulk"),
            lambda: lead.get("/api/v1/group_orders/bulk/area"),
            lambda: maker.get("/api/v1/group_orders/bulk/parts"),
        ):
            with count_queries() as q:
                assert call().status_code == 200
            counts.append(q.count)
        return tuple(counts)

    grow(2)
    small = measure()
    grow(5)
    assert measure() == small


def test_a_nationwide_admin_splits_among_the_cores_of_the_orders_province(
    app, customer, make_core, make_member, place
):
    core = make_core(tomans=0)
    admin = make_member("admin", role_region=None)
    order_id = place(4)
    with work(app) as s:
        found = bulk.cores_to_split(s, s.get(Member, admin), s.get(BulkOrder, order_id))
        assert core.id in {c.id for c in found}
        assert all(c.region.parent_id == found[0].region.parent_id for c in found)
    assert len(_do(app, bulk.split, admin, order_id, [bulk.PartAsk(core.id, 4)])) == 1

"""Orders from outside the centre, and how the leader shares them among the cores.

Never more than the order, never due after it, only among the centre's own active cores, under any
concurrency.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from resalat_centers import services
from resalat_centers.messages import SHARE_DECLINED, SHARE_OFFERED, SHARE_WITHDRAWN
from resalat_centers.models import Order, Share
from sqlalchemy import func, select

from resalat_core.sdk import BadInput, Member, format_date, get_db, today_in_iran

API = "/api/v1/centers"
ARBAB = "sistan-baluchestan/arbab"


def test_the_leader_records_an_order_of_300_garments_on_the_page(app, alghadir, jalali):
    ghaderi = alghadir.ghaderi.web
    assert ghaderi.get(f"/centers/{alghadir.id}/orders/new").status_code == 200

    done = ghaderi.form(
        f"/centers/{alghadir.id}/orders/new",
        {
            "customer": "پوشاک نگين، زاهدان",
            "item": "مانتو",
            "unit": "دست",
            "quantity": "۳۰۰",
            "due_date": jalali(40, persian=True),
            "unit_price": "۴۵۰٬۰۰۰",
            "note": "",
        },
    )

    assert done.status_code == 302, done.get_data(as_text=True)
    with app.app_context():
        order = get_db().session.scalar(select(Order))
        assert (order.customer, order.quantity, order.unit_price, order.status) == (
            "پوشاک نگین، زاهدان",
            300,
            4_500_000,
            "open",
        )
        assert order.due_date == today_in_iran() + timedelta(days=40)
    page = ghaderi.get(done.headers["Location"]).get_data(as_text=True)
    assert "۳۰۰ دست مانتو" in page
    assert "۴۵۰٬۰۰۰ تومان" in page and "۱۳۵٬۰۰۰٬۰۰۰ تومان" in page
    assert jalali(40, persian=True) in page
    listed = ghaderi.get(f"/centers/{alghadir.id}/orders").get_data(as_text=True)
    assert 'data-testid="order"' in listed


@pytest.mark.parametrize(
    ("changes", "bad", "message"),
    [
        ({"quantity": "0"}, "quantity", "بیشتر از صفر"),
        ({"quantity": "-5"}, "quantity", "بیشتر از صفر"),
        ({"quantity": "5-"}, "quantity", "بیشتر از صفر"),  # negative as typed right to left
        ({"quantity": "سیصد"}, "quantity", "صحیح"),
        ({"quantity": "2.5"}, "quantity", "صحیح"),
        ({"quantity": ""}, "quantity", "تعداد را وارد کنید"),
        ({"due_date": "2025-09-01"}, "due_date", "تقویم شمسی"),
        ({"due_date": "{past}"}, "due_date", "گذشته است"),
        ({"due_date": "1404/13/01"}, "due_date", ""),
        ({"due_date": "فردا"}, "due_date", ""),
        ({"unit_price": "-100"}, "unit_price", "منفی"),
        ({"customer": " "}, "customer", "الزامی"),
        ({"unit": "و" * 41}, "unit", "حداکثر"),
    ],
)
def test_a_bad_order_is_refused_field_by_field_and_nothing_is_stored(
    alghadir, snapshot, field_error, jalali, changes, bad, message
):
    data = {
        "customer": "پوشاک نگین",
        "item": "مانتو",
        "unit": "دست",
        "quantity": "300",
        "due_date": jalali(40),
        "unit_price": "",
    }
    data.update({k: v.format(past=jalali(-1)) for k, v in changes.items()})
    before = snapshot()

    page = alghadir.ghaderi.web.form(f"/centers/{alghadir.id}/orders/new", data)
    api = alghadir.ghaderi.api.post(f"{API}/{alghadir.id}/orders", json=data)

    assert page.status_code == 400
    assert message in field_error(page, bad) and field_error(page, bad)
    assert api.status_code == 400
    assert list(api.get_json()["error"]["fields"]) == [bad]
    assert snapshot() == before


def test_the_leader_shares_the_order_among_the_cores_on_the_page(alghadir, make_order, order_state, jalali):
    order = make_order(alghadir.id, 300, due_in=40)
    first, second, third = alghadir.cores
    ghaderi = alghadir.ghaderi.web
    page = ghaderi.get(f"/centers/orders/{order}").get_data(as_text=True)
    assert page.count('data-testid="split-row"') == 3
    assert jalali(40, persian=True) in page  # each row starts at the order's due date

    done = ghaderi.form(
        f"/centers/orders/{order}/split",
        {
            "core": [str(first.id), str(second.id), str(third.id)],
            f"quantity.{first.id}": "۱۰۰",
            f"due_date.{first.id}": jalali(20, persian=True),
            f"quantity.{second.id}": "80",
            f"due_date.{second.id}": jalali(40),
            f"quantity.{third.id}": "",  # left out
            f"due_date.{third.id}": jalali(40),
        },
        token_from=f"/centers/orders/{order}",
    )

    assert done.status_code == 302, done.get_data(as_text=True)
    state = order_state(order)
    assert state["allocated"] == 180
    assert state["shares"] == [(first.id, 100, "offered", 0), (second.id, 80, "offered", 0)]
    page = ghaderi.get(f"/centers/orders/{order}").get_data(as_text=True)
    assert "پخش‌شده میان هسته‌ها: ۱۸۰؛ مانده برای پخش: ۱۲۰" in page


def test_each_core_leader_is_told_of_their_new_share(alghadir, make_order, split, told, read, day):
    order = make_order(alghadir.id, 300, due_in=40)
    first = alghadir.cores[0]

    (share,) = split(order, [(first, 50)], due_in=30)

    ((who, offered),) = told
    assert (who, offered.source, offered.kind) == (first.leader.id, "centers", SHARE_OFFERED)
    assert offered.url == f"/centers/shares/{share}"
    persian = read(lambda: offered.title, "fa")
    assert "۵۰ دست مانتو" in persian and first.name in persian
    assert "50" in read(lambda: offered.title, "en") and "۵۰" not in read(lambda: offered.title, "en")
    # The due date reads as a Jalali date in Persian and as an ISO date in English.
    assert format_date(day(30)) in read(lambda: offered.body, "fa")
    assert day(30).isoformat() in read(lambda: offered.body, "en")
    assert "کانون همیاری الغدیر" in read(lambda: offered.body, "fa")


def test_shares_can_never_add_up_to_more_than_the_order(alghadir, make_order, split, snapshot, jalali):
    order = make_order(alghadir.id, 300)
    first, second, third = alghadir.cores
    split(order, [(first, 200)])
    before = snapshot()

    too_much = alghadir.ghaderi.api.post(
        f"{API}/orders/{order}/shares",
        json={
            "shares": [
                {"core": second.id, "quantity": 60, "due_date": jalali(30)},
                {"core": third.id, "quantity": 41, "due_date": jalali(30)},
            ]
        },
    )

    assert too_much.status_code == 400
    error = too_much.get_json()["error"]
    assert error["code"] == "bad_split"
    assert "فقط ۱۰۰ دست برای پخش مانده است" in error["fields"]["shares"][0]
    assert snapshot() == before
    exactly = alghadir.ghaderi.api.post(
        f"{API}/orders/{order}/shares",
        json={"shares": [{"core": second.id, "quantity": 100, "due_date": jalali(30)}]},
    )
    assert exactly.status_code == 201
    assert exactly.get_json()["order"]["remaining"] == 0


@pytest.mark.parametrize(
    ("part", "field", "message"),
    [
        ({"quantity": 0}, "quantity", "بیشتر از صفر"),
        ({"quantity": -10}, "quantity", "بیشتر از صفر"),
        ({"quantity": "ده"}, "quantity", "صحیح"),
        ({"quantity": True}, "quantity", "صحیح"),
        ({"due_date": "{after}"}, "due_date", "پس از موعد سفارش"),
        ({"due_date": "{past}"}, "due_date", "گذشته است"),
        ({"due_date": ""}, "due_date", ""),
        ({"core": "{outsider}"}, "core", "هسته‌های فعال کانون"),
        ({"core": "{candidate}"}, "core", "هسته‌های فعال کانون"),
        ({"core": 999999}, "core", "هسته‌های فعال کانون"),
        ({"core": ""}, "core", "هسته‌های فعال کانون"),
    ],
)
def test_a_bad_share_is_named_and_nothing_is_shared(
    alghadir, make_order, make_core, snapshot, jalali, part, field, message
):
    order = make_order(alghadir.id, 300, due_in=40)
    outsider = make_core()  # active, but not in the centre
    candidate = make_core(active=False)
    good = {"core": alghadir.cores[0].id, "quantity": 10, "due_date": jalali(30)}
    bad = {"core": alghadir.cores[1].id, "quantity": 10, "due_date": jalali(30)}
    for key, value in part.items():
        bad[key] = (
            value.format(after=jalali(41), past=jalali(-1), outsider=outsider.code, candidate=candidate.id)
            if isinstance(value, str)
            else value
        )
    before = snapshot()

    answer = alghadir.ghaderi.api.post(f"{API}/orders/{order}/shares", json={"shares": [good, bad]})

    assert answer.status_code == 400
    fields = answer.get_json()["error"]["fields"]
    assert list(fields) == [f"shares.1.{field}"]
    assert message in fields[f"shares.1.{field}"][0]
    assert snapshot() == before


def test_a_core_twice_in_one_split_or_no_share_at_all_is_refused(alghadir, make_order, snapshot, jalali):
    order = make_order(alghadir.id, 300)
    core = alghadir.cores[0]
    before = snapshot()
    twice = [{"core": core.id, "quantity": 10, "due_date": jalali(30)}] * 2

    doubled = alghadir.ghaderi.api.post(f"{API}/orders/{order}/shares", json={"shares": twice})
    empty = alghadir.ghaderi.api.post(f"{API}/orders/{order}/shares", json={"shares": []})
    blank_form = alghadir.ghaderi.web.form(
        f"/centers/orders/{order}/split", {"core": [str(core.id)]}, token_from=f"/centers/orders/{order}"
    )

    assert doubled.status_code == 400
    assert list(doubled.get_json()["error"]["fields"]) == ["shares.1.core"]
    assert empty.status_code == 400
    assert list(empty.get_json()["error"]["fields"]) == ["shares"]
    assert blank_form.status_code == 400
    assert 'data-testid="form-error"' in blank_form.get_data(as_text=True)
    assert snapshot() == before


def test_a_bad_row_on_the_split_form_is_marked_on_that_core(alghadir, make_order, snapshot, jalali):
    order = make_order(alghadir.id, 300, due_in=40)
    first, second, _third = alghadir.cores
    before = snapshot()

    page = alghadir.ghaderi.web.form(
        f"/centers/orders/{order}/split",
        {
            "core": [str(first.id), str(second.id)],
            f"quantity.{first.id}": "10",
            f"due_date.{first.id}": jalali(30),
            f"quantity.{second.id}": "10",
            f"due_date.{second.id}": jalali(45),
        },
        token_from=f"/centers/orders/{order}",
    )

    html = page.get_data(as_text=True)
    assert page.status_code == 400
    assert f'id="de-{second.id}"' in html and f'id="de-{first.id}"' not in html
    assert format_date(today_in_iran() + timedelta(days=40)) in html.split(f'id="de-{second.id}">')[1][:200]
    assert f'value="{jalali(45)}"' in html  # what was typed stays in the form
    assert snapshot() == before


def test_a_declined_share_frees_its_quantity_for_another_core(
    alghadir, make_order, split, act, order_state, jalali, told, read
):
    order = make_order(alghadir.id, 100)
    first, second, _third = alghadir.cores
    (share,) = split(order, [(first, 100)])
    assert (
        alghadir.ghaderi.api.post(
            f"{API}/orders/{order}/shares",
            json={"shares": [{"core": second.id, "quantity": 1, "due_date": jalali(30)}]},
        ).status_code
        == 400
    )

    act("decline", share, "چرخ خیاطی هسته خراب است")

    state = order_state(order)
    assert (state["allocated"], state["status"]) == (0, "open")
    again = alghadir.ghaderi.api.post(
        f"{API}/orders/{order}/shares",
        json={"shares": [{"core": second.id, "quantity": 100, "due_date": jalali(30)}]},
    )
    assert again.status_code == 201
    declined = [(who, m) for who, m in told if m.kind == SHARE_DECLINED]
    assert [who for who, _m in declined] == [alghadir.ghaderi.id]
    body = read(lambda: declined[0][1].body, "fa")
    assert "چرخ خیاطی" in body and "۱۰۰ دست" in body


def test_the_order_goes_from_open_to_in_progress_to_delivered(alghadir, make_order, split, act, order_state):
    order = make_order(alghadir.id, 50)
    first, second, _third = alghadir.cores
    a, b = split(order, [(first, 30), (second, 20)])
    assert order_state(order)["status"] == "open"

    act("accept", a)
    assert order_state(order)["status"] == "in_progress"
    act("deliver", a, 30)
    act("accept", b)
    act("deliver", b, 19)
    assert order_state(order)["status"] == "in_progress"
    act("deliver", b, 1)

    state = order_state(order)
    assert (state["status"], state["delivered"]) == ("delivered", 50)
    detail = alghadir.ghaderi.api.get(f"{API}/orders/{order}").get_json()
    assert detail["closed_at"] is not None
    assert {p["core"]["id"]: (p["accepted"], p["delivered"]) for p in detail["progress"]} == {
        first.id: (30, 30),
        second.id: (20, 20),
    }
    refused = alghadir.ghaderi.api.post(f"{API}/orders/{order}/cancel")
    assert refused.status_code == 400


def test_cancelling_an_order_withdraws_its_open_shares_and_stops_the_work(
    alghadir, make_order, split, act, order_state, snapshot, jalali, told
):
    order = make_order(alghadir.id, 100)
    first, second, _third = alghadir.cores
    a, b = split(order, [(first, 50), (second, 50)])
    act("accept", a)
    act("deliver", a, 10)

    cancelled = alghadir.ghaderi.web.form(
        f"/centers/orders/{order}/cancel", {}, token_from=f"/centers/orders/{order}"
    )

    assert cancelled.status_code == 302
    state = order_state(order)
    assert state["status"] == "cancelled"
    assert state["shares"] == [(first.id, 50, "withdrawn", 10), (second.id, 50, "withdrawn", 0)]
    before = snapshot()
    leader = second.leader.api
    assert leader.post(f"{API}/shares/{b}/accept").get_json()["error"]["code"] == "order_cancelled"
    assert first.leader.api.post(f"{API}/shares/{a}/deliver", json={"quantity": 1}).status_code == 400
    assert (
        alghadir.ghaderi.api.post(
            f"{API}/orders/{order}/shares",
            json={"shares": [{"core": first.id, "quantity": 1, "due_date": jalali(9)}]},
        ).status_code
        == 400
    )
    assert snapshot() == before
    withdrawn = sorted(who for who, m in told if m.kind == SHARE_WITHDRAWN)
    assert withdrawn == sorted([first.leader.id, second.leader.id])


@pytest.mark.parametrize(
    ("role", "kwargs"),
    [
        (None, {}),
        ("social_leader", {"region": "zanjan/zanjan"}),
        ("admin", {"region": "zanjan/zanjan"}),
        ("core_leader", {"region": ARBAB}),
    ],
)
def test_someone_elses_order_is_404_everywhere(alghadir, make_order, someone, snapshot, jalali, role, kwargs):
    order = make_order(alghadir.id)
    stranger = someone(role, **kwargs)
    before = snapshot()
    body = {"shares": [{"core": alghadir.cores[0].id, "quantity": 1, "due_date": jalali(9)}]}

    answers = [
        stranger.web.get(f"/centers/orders/{order}").status_code,
        stranger.web.form(
            f"/centers/orders/{order}/split", {"core": "1"}, token_from="/centers/"
        ).status_code,
        stranger.web.form(f"/centers/orders/{order}/cancel", {}, token_from="/centers/").status_code,
        stranger.api.get(f"{API}/orders/{order}").status_code,
        stranger.api.get(f"{API}/orders/{order}/shares").status_code,
        stranger.api.post(f"{API}/orders/{order}/shares", json=body).status_code,
        stranger.api.post(f"{API}/orders/{order}/cancel").status_code,
    ]

    assert answers == [404] * 7
    assert snapshot() == before


@pytest.mark.parametrize("role", ["social_leader", "admin"])
def test_the_provinces_managers_may_manage_the_centres_orders(alghadir, make_order, someone, role):
    order = make_order(alghadir.id)
    colleague = someone(role, region="sistan-baluchestan/zahedan")

    assert colleague.api.get(f"{API}/orders/{order}").status_code == 200
    assert colleague.web.get(f"/centers/orders/{order}").status_code == 200


def test_orders_list_and_order_page_cost_the_same_queries_as_they_grow(
    alghadir, make_order, split, act, count_queries
):
    ghaderi = alghadir.ghaderi
    order = make_order(alghadir.id, 1000)

    def grow(orders: int) -> None:
        for _ in range(orders):
            make_order(alghadir.id)
        for core in alghadir.cores:
            (share,) = split(order, [(core, 10)])
            act("accept", share)
            act("deliver", share, 5)

    def cost() -> tuple[int, ...]:
        counts = []
        for client, url in (
            (ghaderi.web, f"/centers/{alghadir.id}/orders?per_page=50"),
            (ghaderi.api, f"{API}/{alghadir.id}/orders?per_page=50"),
            (ghaderi.web, f"/centers/orders/{order}?per_page=50"),
            (ghaderi.api, f"{API}/orders/{order}"),
            (ghaderi.api, f"{API}/orders/{order}/shares?per_page=50"),
        ):
            with count_queries() as q:
                assert client.get(url).status_code == 200
            counts.append(q.count)
        return tuple(counts)

    grow(2)
    few = cost()
    grow(8)
    assert cost() == few


def test_an_order_can_be_filtered_by_status(alghadir, make_order, split, act):
    make_order(alghadir.id)
    busy = make_order(alghadir.id)
    (share,) = split(busy, [(alghadir.cores[0], 5)])
    act("accept", share)

    found = alghadir.ghaderi.api.get(f"{API}/{alghadir.id}/orders?status=in_progress").get_json()
    bad = alghadir.ghaderi.api.get(f"{API}/{alghadir.id}/orders?status=lost")

    assert [o["id"] for o in found["items"]] == [busy]
    assert bad.status_code == 400
    page = alghadir.ghaderi.web.get(f"/centers/{alghadir.id}/orders?status=in_progress").get_data(
        as_text=True
    )
    assert page.count('data-testid="order"') == 1


@pytest.mark.postgres_only
def test_concurrent_splits_of_one_order_never_over_allocate(
    app, backend, alghadir, make_order, make_core, link
):
    """Eight leaders' devices split the same order at once, each asking for more than a fair part:
    the row lock makes them take turns, so exactly what fits is shared and the rest is refused."""
    if backend != "postgresql":
        pytest.skip("SQLite takes one writer at a time (BEGIN IMMEDIATE); the race needs PostgreSQL")
    cores = list(alghadir.cores)
    for _ in range(5):
        core = make_core()
        link(alghadir.id, core)
        cores.append(core)
    order_id = make_order(alghadir.id, 100)
    db = app.extensions["resalat"].db
    start = threading.Barrier(len(cores))
    outcomes: list[str] = []

    def split_as_leader(core_id: int) -> None:
        with app.app_context(), db.new_session() as s:
            order = s.get(Order, order_id)
            leader = s.get(Member, order.centre.leader_id)
            start.wait()
            try:
                services.split_order(
                    s,
                    order,
                    leader,
                    [services.SharePart(core_id, 30, today_in_iran() + timedelta(days=5))],
                )
                outcomes.append("shared")
            except BadInput:
                s.rollback()
                outcomes.append("refused")

    threads = [threading.Thread(target=split_as_leader, args=(c.id,)) for c in cores]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert sorted(outcomes) == ["refused"] * 5 + ["shared"] * 3
    with app.app_context():
        s = get_db().session
        order = s.get(Order, order_id)
        total = s.scalar(select(func.sum(Share.quantity)).where(Share.order_id == order_id))
        assert order.allocated == total == 90

"""The pages (Persian, a confirmation before money moves, bad input as a 400 that changes nothing),
the API (paginated lists, idempotent joins, 409s), the CLI, access, module switching and queries."""

from __future__ import annotations

import json
import re

from resalat_group_orders import ESCROW
from resalat_group_orders.models import Purchase

from resalat_core.sdk import format_date, to_latin_digits, today_in_iran
from resalat_core.testing import token_client, work

from .conftest import REGION

LATIN = re.compile(r">[^<]*[A-Za-z0-9][^<]*<")


def _visible_latin(html: str) -> list[str]:
    body = html.split("<main", 1)[-1].split("</main>", 1)[0]
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", body, flags=re.S)
    return [m for m in LATIN.findall(body) if m.strip("><").strip()]


def test_a_leader_joins_from_the_page_after_a_confirmation(app, client, make_core, open_one, balance):
    purchase_id = open_one()
    core = make_core()
    web = client.sign_in(core.leader_id)

    page = web.get(f"/group_orders/{purchase_id}").get_data(as_text=True)
    assert 'data-testid="join-form"' in page and "پارچه کرباس" in page
    key = re.search(r'name="key" value="([0-9a-f]+)"', page).group(1)

    confirm = web.form(
        f"/group_orders/{purchase_id}/join",
        {"core": core.id, "quantity": "۴", "key": key},
        token_from=f"/group_orders/{purchase_id}",
    )
    html = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and 'data-testid="confirm"' in html
    assert "۱٬۲۰۰٬۰۰۰ تومان" in html  # 4 × 300,000 tomans, before anything moves
    assert balance(core.leader_id) == 500_000_000

    data = {"core": core.id, "quantity": "4", "key": key, "confirm": "1"}
    done = web.form(f"/group_orders/{purchase_id}/join", data, token_from=f"/group_orders/{purchase_id}")
    again = web.form(f"/group_orders/{purchase_id}/join", data, token_from=f"/group_orders/{purchase_id}")
    assert done.status_code == 302 and again.status_code == 302
    assert balance(core.leader_id) == 500_000_000 - 12_000_000  # a double press paid once
    assert balance(system=ESCROW) == 12_000_000


def test_a_bad_join_is_shown_on_the_page_and_changes_nothing(app, client, make_core, open_one, snapshot):
    purchase_id = open_one(low=1, high=5)
    core = make_core()
    web = client.sign_in(core.leader_id)
    before = snapshot()
    url = f"/group_orders/{purchase_id}/join"
    bad = web.form(
        url, {"core": core.id, "quantity": "چند", "key": "a"}, token_from=f"/group_orders/{purchase_id}"
    )
    full = web.form(
        url, {"core": core.id, "quantity": "9", "key": "b"}, token_from=f"/group_orders/{purchase_id}"
    )
    foreign = web.form(
        url,
        {"core": "99999", "quantity": "1", "key": "c", "confirm": "1"},
        token_from=f"/group_orders/{purchase_id}",
    )
    assert bad.status_code == 400 and 'id="e-quantity"' in bad.get_data(as_text=True)
    assert full.status_code == 409 and "۵" in full.get_data(as_text=True)
    assert foreign.status_code == 400
    assert snapshot() == before


def test_the_organiser_opens_one_and_the_supplier_accepts_on_the_pages(
    app, client, shop, organiser, purchase_of
):
    web = client.sign_in(organiser)
    form = web.get("/group_orders/new").get_data(as_text=True)
    assert "پارچه کرباس" in form
    day = to_latin_digits(format_date(today_in_iran()))
    wrong = web.form(
        "/group_orders/new",
        {
            "product": shop.product_id,
            "unit_price": "۵۰۰٬۰۰۰",
            "min_quantity": "10",
            "max_quantity": "20",
            "deadline": day,
            "collection_point": "انبار کانون",
            "region": REGION,
        },
    )
    assert wrong.status_code == 400 and 'id="e-unit_price"' in wrong.get_data(as_text=True)
    made = web.form(
        "/group_orders/new",
        {
            "product": shop.product_id,
            "unit_price": "۳۰۰٬۰۰۰",
            "min_quantity": "10",
            "max_quantity": "20",
            "deadline": day,
            "collection_point": "انبار کانون",
            "region": REGION,
        },
    )
    assert made.status_code == 302
    purchase_id = int(made.headers["Location"].rstrip("/").rsplit("/", 1)[-1])
    assert purchase_of(purchase_id)["status"] == "proposed"

    supplier = app.test_client()
    supplier.sign_in(shop.owner_id)
    page = supplier.get(f"/group_orders/{purchase_id}").get_data(as_text=True)
    assert 'data-testid="accept"' in page
    assert (
        supplier.form(
            f"/group_orders/{purchase_id}/decide",
            {"answer": "accept"},
            token_from=f"/group_orders/{purchase_id}",
        ).status_code
        == 302
    )
    assert purchase_of(purchase_id)["status"] == "open"


def test_pages_are_persian_without_latin_words(app, client, make_core, open_one, join, organiser):
    purchase_id = open_one()
    core = make_core()
    join(core, purchase_id, 3)
    web = client.sign_in(core.leader_id)
    for url in ("/group_orders/", f"/group_orders/{purchase_id}"):
        html = web.get(url).get_data(as_text=True)
        assert 'dir="rtl"' in html
        assert _visible_latin(html) == [], (url, _visible_latin(html))
    org = app.test_client()
    org.sign_in(organiser)
    assert _visible_latin(org.get("/group_orders/new").get_data(as_text=True)) == []


def test_a_proposed_purchase_is_hidden_from_other_members(app, client, make_member, open_one, api_as):
    purchase_id = open_one(accept=False)
    web = client.sign_in(make_member(region=REGION))
    assert web.get(f"/group_orders/{purchase_id}").status_code == 404
    assert api_as(region=REGION).get(f"/api/v1/group_orders/purchases/{purchase_id}").status_code == 404
    assert web.get("/group_orders/new").status_code == 403
    assert web.get("/group_orders/99999").status_code == 404


def test_the_api_joins_once_per_key_and_refuses_clearly(app, make_core, open_one, balance):
    purchase_id = open_one(low=1, high=6)
    first, second = make_core(), make_core()
    api = token_client(app, first.leader_id)
    url = f"/api/v1/group_orders/purchases/{purchase_id}/join"
    body = {"core_id": first.id, "quantity": 5}
    ok = api.post(url, json=body, headers={"Idempotency-Key": "j-1"})
    again = api.post(url, json=body, headers={"Idempotency-Key": "j-1"})
    assert ok.status_code == 200 and ok.get_json()["paid"] == 15_000_000
    assert again.get_json() == ok.get_json()
    assert balance(first.leader_id) == 500_000_000 - 15_000_000

    other = token_client(app, second.leader_id)
    full = other.post(url, json={"core_id": second.id, "quantity": 2}, headers={"Idempotency-Key": "j-2"})
    assert full.status_code == 409 and full.get_json()["error"]["code"] == "full"
    missing = other.post(url, json={"core_id": second.id}, headers={"Idempotency-Key": "j-3"})
    assert missing.status_code == 400 and "quantity" in json.dumps(missing.get_json())
    nokey = other.post(url, json={"core_id": second.id, "quantity": 1})
    assert nokey.status_code == 400

    listed = api.get("/api/v1/group_orders/purchases").get_json()
    assert set(listed) == {"items", "meta"} and listed["items"][0]["joined_quantity"] == 5
    detail = other.get(f"/api/v1/group_orders/purchases/{purchase_id}").get_json()
    assert detail["shares"][0]["paid"] is None  # another core's money is not shown
    mine = api.get("/api/v1/group_orders/shares").get_json()
    assert mine["items"][0]["paid"] == 15_000_000


def test_the_api_opens_decides_and_closes(app, shop, organiser, purchase_of):
    api = token_client(app, organiser)
    day = today_in_iran().isoformat()
    made = api.post(
        "/api/v1/group_orders/purchases",
        json={
            "product_id": shop.product_id,
            "unit_price": 3_000_000,
            "min_quantity": 1,
            "max_quantity": 5,
            "deadline": day,
            "collection_point": "انبار کانون",
            "region": REGION,
        },
    )
    assert made.status_code == 201, made.get_json()
    purchase_id = made.get_json()["id"]
    supplier = token_client(app, shop.owner_id)
    assert (
        api.post(f"/api/v1/group_orders/purchases/{purchase_id}/decision", json={"accept": True}).status_code
        == 403
    )
    assert (
        supplier.post(
            f"/api/v1/group_orders/purchases/{purchase_id}/decision", json={"accept": True}
        ).status_code
        == 200
    )
    early = api.post(f"/api/v1/group_orders/purchases/{purchase_id}/close")
    assert early.status_code == 409 and early.get_json()["error"]["code"] == "before_deadline"
    assert api.post(f"/api/v1/group_orders/purchases/{purchase_id}/cancel").status_code == 200
    assert purchase_of(purchase_id)["status"] == "cancelled"


def test_close_due_from_the_command_line(app, make_core, open_one, join, purchase_of):
    purchase_id = open_one(low=1, high=5)
    join(make_core(), purchase_id, 2)
    with work(app) as s:
        s.get(Purchase, purchase_id).deadline = s.get(Purchase, purchase_id).created_at
    run = app.test_cli_runner()
    first = run.invoke(args=["group_orders", "close-due", "--json"])
    second = run.invoke(args=["group_orders", "close-due", "--json"])
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout)["placed"] == [purchase_id]
    assert json.loads(second.stdout) == {"closed": 0, "placed": [], "refunded": []}
    assert purchase_of(purchase_id)["status"] == "placed"
    listed = run.invoke(args=["group_orders", "list", "--json"])
    assert listed.exit_code == 0 and json.loads(listed.stdout) == []


def test_switched_off_it_is_unreachable(app, client, make_core, open_one):
    purchase_id = open_one()
    core = make_core()
    off = app.test_cli_runner().invoke(
        args=["modules", "disable", "group_orders", "--region", "zanjan", "--with-dependants"]
    )
    assert off.exit_code == 0, off.output
    web = client.sign_in(core.leader_id)
    assert web.get("/group_orders/").status_code == 404
    assert web.get(f"/group_orders/{purchase_id}").status_code == 404
    assert token_client(app, core.leader_id).get("/api/v1/group_orders/purchases").status_code == 404


def test_lists_cost_the_same_queries_at_two_sizes(
    app, client, make_core, open_one, join, count_queries, organiser
):
    core = make_core()
    web = client.sign_in(core.leader_id)
    api = token_client(app, core.leader_id)
    api.get("/api/v1/group_orders/shares")  # the token's first use writes its last use

    def measure() -> tuple[int, int, int]:
        counts = []
        for call in (
            lambda: web.get("/group_orders/"),
            lambda: api.get("/api/v1/group_orders/purchases"),
            lambda: api.get("/api/v1/group_orders/shares"),
        ):
            with count_queries() as q:
                assert call().status_code == 200
            counts.append(q.count)
        return tuple(counts)

    for _ in range(2):
        join(core, open_one(), 1)
    small = measure()
    for _ in range(6):
        join(core, open_one(), 1)
    assert measure() == small

"""A core leader's side: answering the shares given to their cores and reporting deliveries.

Never more than the share, and never on someone else's share.
"""

from __future__ import annotations

import pytest
from resalat_centers.messages import SHARE_DELIVERED

API = "/api/v1/centers"
ARBAB = "sistan-baluchestan/arbab"


@pytest.fixture
def offered(alghadir, make_order, split):
    """An order of 300 garments with 100 offered to each of the three cores; the share ids."""
    order = make_order(alghadir.id, 300)
    return order, split(order, [(core, 100) for core in alghadir.cores])


def test_a_core_leader_sees_only_their_own_cores_shares(alghadir, offered, make_core, someone):
    _order, (first, second, _third) = offered
    leader = alghadir.cores[0].leader

    listed = leader.api.get(f"{API}/shares").get_json()
    page = leader.web.get("/centers/shares").get_data(as_text=True)

    assert [s["id"] for s in listed["items"]] == [first]
    assert listed["items"][0]["order"]["centre"]["name"] == "کانون همیاری الغدیر"
    assert page.count('data-testid="share"') == 1
    assert "۱۰۰ دست مانتو" in page
    assert someone().api.get(f"{API}/shares").get_json()["items"] == []


def test_a_leader_of_two_cores_sees_both(alghadir, make_order, make_core, link, split):
    leader = alghadir.cores[0].leader
    second_core = make_core(leader=leader)
    link(alghadir.id, second_core)
    order = make_order(alghadir.id)
    split(order, [(alghadir.cores[0], 10), (second_core, 20)])

    items = leader.api.get(f"{API}/shares?status=offered").get_json()["items"]

    assert sorted(s["quantity"] for s in items) == [10, 20]


def test_someone_elses_share_is_404_to_see_answer_or_deliver(alghadir, offered, someone, snapshot):
    _order, (first, _second, _third) = offered
    neighbour = alghadir.cores[1].leader  # leads another core of the same centre
    stranger = someone("core_leader", region=ARBAB)
    before = snapshot()

    for who in (neighbour, stranger, alghadir.ghaderi):
        answers = [
            who.web.get(f"/centers/shares/{first}").status_code,
            who.api.get(f"{API}/shares/{first}").status_code,
            who.api.post(f"{API}/shares/{first}/accept").status_code,
            who.api.post(f"{API}/shares/{first}/decline", json={"reason": ""}).status_code,
            who.api.post(f"{API}/shares/{first}/deliver", json={"quantity": "x"}).status_code,
            who.web.form(f"/centers/shares/{first}/accept", {}, token_from="/centers/").status_code,
            who.web.form(
                f"/centers/shares/{first}/decline", {"reason": "x"}, token_from="/centers/"
            ).status_code,
            who.web.form(
                f"/centers/shares/{first}/deliver", {"quantity": "1"}, token_from="/centers/"
            ).status_code,
        ]
        assert answers == [404] * 8, who
    assert snapshot() == before


def test_the_leader_accepts_on_the_page_and_reports_partial_deliveries(
    alghadir, offered, order_state, told, read
):
    order, (first, _second, _third) = offered
    leader = alghadir.cores[0].leader.web
    page = leader.get(f"/centers/shares/{first}").get_data(as_text=True)
    assert 'data-testid="accept-form"' in page and 'data-testid="deliver-form"' not in page

    accepted = leader.form(f"/centers/shares/{first}/accept", {}, token_from=f"/centers/shares/{first}")
    part = leader.form(f"/centers/shares/{first}/deliver", {"quantity": "۶۰", "note": "نوبت اول"})
    rest = leader.form(f"/centers/shares/{first}/deliver", {"quantity": "40", "note": ""})

    assert (accepted.status_code, part.status_code, rest.status_code) == (302, 302, 302)
    state = order_state(order)
    assert state["shares"][0] == (alghadir.cores[0].id, 100, "accepted", 100)
    assert (state["status"], state["delivered"]) == ("in_progress", 100)
    page = leader.get(f"/centers/shares/{first}").get_data(as_text=True)
    assert page.count('data-testid="delivery"') == 2
    assert "نوبت اول" in page
    assert 'data-testid="deliver-form"' not in page  # nothing left to deliver
    delivered = [(who, m) for who, m in told if m.kind == SHARE_DELIVERED]
    assert [who for who, _m in delivered] == [alghadir.ghaderi.id] * 2
    assert "۶۰ دست" in read(lambda: delivered[0][1].title, "fa")
    assert "۱۰۰ از ۳۰۰" in read(lambda: delivered[1][1].body, "fa")


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        ("101", "فقط ۱۰۰ دست"),
        ("0", "بیشتر از صفر"),
        ("-3", "بیشتر از صفر"),
        ("یک", "صحیح"),
        ("", "تعداد را وارد کنید"),
    ],
)
def test_delivering_more_than_the_share_or_nonsense_changes_nothing(
    alghadir, offered, act, snapshot, field_error, quantity, message
):
    _order, (first, _second, _third) = offered
    act("accept", first)
    leader = alghadir.cores[0].leader
    before = snapshot()

    page = leader.web.form(f"/centers/shares/{first}/deliver", {"quantity": quantity})
    api = leader.api.post(f"{API}/shares/{first}/deliver", json={"quantity": quantity})

    assert page.status_code == 400
    assert message in field_error(page, "quantity")
    assert api.status_code == 400
    assert message in api.get_json()["error"]["fields"]["quantity"][0]
    assert snapshot() == before


def test_partial_deliveries_add_up_and_the_last_unit_is_checked_against_what_is_left(
    alghadir, offered, act, snapshot
):
    _order, (first, _second, _third) = offered
    act("accept", first)
    api = alghadir.cores[0].leader.api
    assert api.post(f"{API}/shares/{first}/deliver", json={"quantity": 70}).status_code == 201
    before = snapshot()

    over = api.post(f"{API}/shares/{first}/deliver", json={"quantity": 31})

    assert over.status_code == 400
    assert "فقط ۳۰ دست" in over.get_json()["error"]["fields"]["quantity"][0]
    assert snapshot() == before
    done = api.post(f"{API}/shares/{first}/deliver", json={"quantity": 30})
    assert done.status_code == 201
    assert done.get_json()["share"]["remaining"] == 0


def test_declining_needs_a_reason_and_is_final(alghadir, offered, snapshot, field_error, order_state):
    order, (first, _second, _third) = offered
    leader = alghadir.cores[0].leader
    before = snapshot()

    page = leader.web.form(f"/centers/shares/{first}/decline", {"reason": "   "})
    api = leader.api.post(f"{API}/shares/{first}/decline", json={})

    assert page.status_code == 400 and field_error(page, "reason")
    assert api.status_code == 400 and list(api.get_json()["error"]["fields"]) == ["reason"]
    assert snapshot() == before

    declined = leader.web.form(f"/centers/shares/{first}/decline", {"reason": "پارچه نرسیده است"})
    assert declined.status_code == 302
    assert order_state(order)["allocated"] == 200
    again = leader.api.post(f"{API}/shares/{first}/accept")
    assert again.status_code == 400 and again.get_json()["error"]["code"] == "share_answered"
    shown = leader.web.get(f"/centers/shares/{first}").get_data(as_text=True)
    assert "پارچه نرسیده است" in shown and 'data-testid="accept-form"' not in shown


def test_a_share_is_answered_once_and_delivered_only_after_accepting(alghadir, offered, snapshot):
    _order, (first, _second, _third) = offered
    api = alghadir.cores[0].leader.api
    before = snapshot()

    early = api.post(f"{API}/shares/{first}/deliver", json={"quantity": 1})
    assert early.status_code == 400 and early.get_json()["error"]["code"] == "share_not_accepted"
    assert snapshot() == before

    assert api.post(f"{API}/shares/{first}/accept").status_code == 200
    twice = api.post(f"{API}/shares/{first}/accept")
    late_decline = api.post(f"{API}/shares/{first}/decline", json={"reason": "دیر شد"})
    assert twice.status_code == 400 and late_decline.status_code == 400
    page = alghadir.cores[0].leader.web.form(
        f"/centers/shares/{first}/accept", {}, token_from="/centers/shares"
    )
    assert page.status_code == 302  # back to the share, with the message flashed
    assert "پیش‌تر پاسخ داده شده" in alghadir.cores[0].leader.web.get(page.headers["Location"]).get_data(
        as_text=True
    )


def test_the_home_tile_counts_the_shares_waiting_for_my_answer(alghadir, offered, act):
    _order, (first, _second, _third) = offered
    leader = alghadir.cores[0].leader.web

    def tile() -> str:
        home = leader.get("/").get_data(as_text=True)
        return home.split('href="/centers/"', 1)[1].split("</a>", 1)[0]

    assert "کانون‌های همیاری اجتماعی" in tile()
    assert '<span class="badge rounded-pill text-bg-danger">۱</span>' in tile()
    act("accept", first)
    assert "badge" not in tile()


def test_my_shares_page_costs_the_same_queries_for_1_or_8_shares(alghadir, make_order, split, count_queries):
    core = alghadir.cores[0]
    leader = core.leader

    def cost() -> tuple[int, int, int]:
        with count_queries() as page:
            assert leader.web.get("/centers/shares?per_page=50").status_code == 200
        with count_queries() as api:
            assert leader.api.get(f"{API}/shares?per_page=50").status_code == 200
        with count_queries() as index:
            assert leader.web.get("/centers/").status_code == 200
        return page.count, api.count, index.count

    split(make_order(alghadir.id), [(core, 5)])
    few = cost()
    for _ in range(7):
        split(make_order(alghadir.id), [(core, 5)])
    assert cost() == few

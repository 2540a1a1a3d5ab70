"""The pages and the API: the member's loans and payments, the officer's queue and decision, the
supporter's introductions; who may see what; and query counts that do not grow with rows."""

from __future__ import annotations

import re

import pytest
from resalat_loans.models import Loan
from sqlalchemy import func, select

TOMAN = 10
SOLAR = 30_000_000 * TOMAN


def sign_in(app, member_id):
    from resalat_core.testing import ResalatClient

    app.test_client_class = ResalatClient
    return app.test_client().sign_in(member_id)


def bearer(app, member_id):
    """A client with a bearer token the member got from the API with their password."""
    from resalat_core.sdk import Member
    from resalat_core.testing import PASSWORD, ResalatClient

    from .conftest import work

    with work(app) as s:
        mobile = s.get(Member, member_id).mobile
    app.test_client_class = ResalatClient
    c = app.test_client()
    token = c.post("/api/v1/auth/tokens", json={"identifier": mobile, "password": PASSWORD}).get_json()[
        "token"
    ]
    c.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return c


def solar_loans(world, n, *, approve=True):
    """``n`` home-solar loans of Jafar (no introduction needed), approved unless told not to."""
    ids = []
    for _ in range(n):
        loan = world.request(product="solar", amount=SOLAR, instalments=12, note=world.note(rials=SOLAR * 2))
        if approve:
            world.decide(loan)
        ids.append(loan)
    return ids


def count_loans(db):
    with db() as s:
        return s.scalar(select(func.count(Loan.id)))


# --- the member --------------------------------------------------------------------------------


def test_the_member_sees_their_loans_and_pays_an_instalment(app, world):
    (loan,) = solar_loans(world, 1)
    client = sign_in(app, world.member)
    home = client.get("/loans/").get_data(as_text=True)
    assert 'dir="rtl"' in home and "برنامه‌ی نیروگاه خورشیدی خانگی" in home
    page = client.get(f"/loans/{loan}").get_data(as_text=True)
    assert page.count('data-testid="instalment"') == 12
    assert "۳۰٬۰۰۰٬۰۰۰ تومان" in page  # tomans, Persian digits
    confirm = client.get(f"/loans/{loan}/pay?count=1")
    assert confirm.status_code == 200
    html = confirm.get_data(as_text=True)
    key = re.search(r'name="key" value="([^"]+)"', html).group(1)
    for _ in range(2):  # a double click pays once
        done = client.form(
            f"/loans/{loan}/pay", {"key": key, "count": "1"}, token_from=f"/loans/{loan}/pay?count=1"
        )
        assert done.status_code == 302
    assert [row[4] is not None for row in world.loan(loan)["schedule"]].count(True) == 1


def test_the_request_form_refuses_bad_input_with_a_clear_message(app, world, db):
    client = sign_in(app, world.member)
    assert client.get("/loans/new").status_code == 200
    before = count_loans(db)
    response = client.form(
        "/loans/new",
        {"key": "k1", "product": "solar", "amount": "999999999999", "instalments": "12", "note": ""},
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "invalid-feedback" in html
    assert count_loans(db) == before


def test_a_request_from_the_form_lands_in_the_officers_queue(app, world):
    intro = world.introduce()
    note = world.note()
    client = sign_in(app, world.member)
    form = client.get(f"/loans/new?introduction={intro}").get_data(as_text=True)
    assert "حسین حامی" in form
    sent = client.form(
        "/loans/new",
        {
            "key": "k2",
            "product": "livestock",
            "amount": "100000000",
            "instalments": "12",
            "note": str(note),
            "introduction": str(intro),
        },
    )
    assert sent.status_code == 302
    officer = sign_in(app, world.officer)
    queue = officer.get("/loans/officer").get_data(as_text=True)
    assert "جعفر قراجه‌لو" in queue


def test_someone_elses_loan_is_not_found(app, world, make_member):
    (loan,) = solar_loans(world, 1)
    stranger = sign_in(app, make_member(name="غریبه"))
    assert stranger.get(f"/loans/{loan}").status_code == 404
    assert stranger.get("/loans/officer").status_code == 403
    assert stranger.get("/loans/introductions").status_code == 403


# --- the officer -------------------------------------------------------------------------------


def test_the_officer_decides_from_the_decision_page(app, world, db):
    loan, other = solar_loans(world, 2, approve=False)
    officer = sign_in(app, world.officer)
    page = officer.get(f"/loans/officer/{loan}").get_data(as_text=True)
    assert 'data-testid="score"' in page and 'data-testid="guarantees"' in page
    refused = officer.form(f"/loans/officer/{loan}", {"decision": "reject", "reason": ""})
    assert refused.status_code == 400
    assert world.loan(loan)["status"] == "requested"
    # Approving goes through a confirmation page first: without it no money moves.
    asked = officer.form(f"/loans/officer/{loan}", {"decision": "approve", "reason": ""})
    assert asked.status_code == 302 and asked.headers["Location"].endswith(f"/loans/officer/{loan}/confirm")
    assert world.loan(loan)["status"] == "requested"
    confirm = officer.get(f"/loans/officer/{loan}/confirm").get_data(as_text=True)
    assert 'data-testid="confirm-approval"' in confirm and "جعفر قراجه‌لو" in confirm
    assert "۳۰٬۰۰۰٬۰۰۰ تومان" in confirm  # the amount, in tomans
    assert confirm.count('data-testid="line"') == 12  # every instalment of the schedule
    done = officer.form(
        f"/loans/officer/{loan}",
        {"decision": "approve", "confirmed": "1"},
        token_from=f"/loans/officer/{loan}/confirm",
    )
    assert done.status_code == 302
    assert world.loan(loan)["status"] == "disbursed"
    rejected = officer.form(f"/loans/officer/{other}", {"decision": "reject", "reason": "بدهی معوق دیگر"})
    assert rejected.status_code == 302 and world.loan(other)["status"] == "rejected"


def test_an_officer_elsewhere_is_refused(app, world, make_member):
    (loan,) = solar_loans(world, 1, approve=False)
    zabol = sign_in(app, make_member("credit_officer", region="sistan-baluchestan/zabol"))
    assert zabol.get(f"/loans/officer/{loan}").status_code == 403
    assert "جعفر" not in zabol.get("/loans/officer").get_data(as_text=True)
    assert (
        zabol.form(f"/loans/officer/{loan}", {"decision": "approve"}, token_from="/loans/officer").status_code
        == 403
    )
    assert world.loan(loan)["status"] == "requested"


# --- the supporter -----------------------------------------------------------------------------


def test_the_supporter_sees_what_came_of_their_introduction(app, world):
    intro = world.introduce()
    loan = world.request(
        product="livestock", amount=100_000_000 * TOMAN, instalments=12, introduction=intro, note=world.note()
    )
    world.decide(loan)
    world.top_up(world.member, 20_000_000)
    world.pay(loan)
    html = sign_in(app, world.supporter).get("/loans/introductions").get_data(as_text=True)
    assert 'data-testid="outcome"' in html
    assert 'data-paid="1"' in html


# --- no N+1 ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/loans/", "/loans/officer?status=disbursed"])
def test_list_pages_cost_the_same_with_more_loans(app, world, count_queries, path):
    solar_loans(world, 1)
    who = world.member if path == "/loans/" else world.officer
    client = sign_in(app, who)
    client.get(path)
    with count_queries() as one:
        assert client.get(path).status_code == 200
    solar_loans(world, 4)
    with count_queries() as five:
        html = client.get(path).get_data(as_text=True)
    assert html.count('data-testid="loan"') + html.count('data-testid="request"') == 5
    assert five.count == one.count


def test_the_supporters_page_costs_the_same_with_more_introductions(
    app, world, make_member, count_queries, db
):
    from resalat_cores import services as cores
    from resalat_supporters import services as supporters

    from resalat_core.sdk import Member, get_region

    client = sign_in(app, world.supporter)
    world.introduce()
    client.get("/loans/introductions")
    with count_queries() as one:
        client.get("/loans/introductions")
    # Four more members of four more cores, introduced by the same supporter.
    for n, name in enumerate(("زهرا کریمی", "علی رضایی", "مریم احمدی", "رضا موسوی")):
        leader = make_member(name=name)
        with db() as s:
            core = cores.register_core(
                s,
                leader=s.get(Member, leader),
                name=f"هسته {n}",
                field="livestock",
                region=get_region(s, "zanjan/gorg-tappeh"),
                existed_before=True,
            )
            cores.approve_core(s, core, actor=s.get(Member, world.admin))
            s.flush()
            person = s.get(Member, leader)
            intro = supporters.introduce(
                s,
                s.get(Member, world.supporter),
                core=core.code,
                mobile=person.mobile,
                national_code=person.national_code,
                estimate=600_000_000 * TOMAN,
                purpose="دام",
                amount=100_000_000 * TOMAN,
            )
            supporters.accept_introduction(s, person, intro.id)
    with count_queries() as five:
        html = client.get("/loans/introductions").get_data(as_text=True)
    assert html.count('data-testid="introduction"') == 5
    assert five.count == one.count


# --- the API -----------------------------------------------------------------------------------


def test_the_api_requests_pays_and_decides(app, world, db):
    intro = world.introduce()
    note = world.note()
    api = bearer(app, world.member)
    products = api.get("/api/v1/loans/products").get_json()
    assert {p["code"] for p in products} == {"general", "livestock", "solar"}
    body = {
        "product": "livestock",
        "amount_rials": 100_000_000 * TOMAN,
        "instalments": 12,
        "introduction_id": intro,
        "note_id": note,
    }
    assert api.post("/api/v1/loans", json=body).status_code == 400  # no Idempotency-Key
    first = api.post("/api/v1/loans", json=body, headers={"Idempotency-Key": "req-1"})
    assert first.status_code == 201, first.get_json()
    again = api.post("/api/v1/loans", json=body, headers={"Idempotency-Key": "req-1"})
    assert again.get_json()["id"] == first.get_json()["id"]
    assert count_loans(db) == 1
    loan = first.get_json()["id"]
    assert api.get("/api/v1/loans/queue").status_code == 403
    officer = bearer(app, world.officer)
    queue = officer.get("/api/v1/loans/queue").get_json()
    assert [item["id"] for item in queue["items"]] == [loan]
    no_reason = officer.post(
        f"/api/v1/loans/{loan}/decision", json={"decision": "reject"}, headers={"Idempotency-Key": "d0"}
    )
    assert no_reason.status_code == 400 and "reason" in no_reason.get_json()["error"]["fields"]
    # Approval pays out: like the page, the API asks for an explicit confirmation first.
    unconfirmed = officer.post(
        f"/api/v1/loans/{loan}/decision", json={"decision": "approve"}, headers={"Idempotency-Key": "d1"}
    )
    assert unconfirmed.status_code == 400
    assert unconfirmed.get_json()["error"]["code"] == "confirmation_required"
    assert "confirm" in unconfirmed.get_json()["error"]["fields"]
    assert api.get(f"/api/v1/loans/{loan}").get_json()["status"] == "requested"
    assert api.get(f"/api/v1/loans/{loan}/payout").status_code == 403  # the member is no officer
    payout = officer.get(f"/api/v1/loans/{loan}/payout").get_json()
    assert payout["amount"] == 100_000_000 * TOMAN and payout["member"]["id"] == world.member
    assert len(payout["schedule"]) == 12
    assert sum(line["amount"] for line in payout["schedule"]) == payout["total"]
    wrong = dict(payout["confirm_with"], amount_rials=payout["amount"] + 1)
    changed = officer.post(f"/api/v1/loans/{loan}/decision", json=wrong, headers={"Idempotency-Key": "d2"})
    assert changed.status_code == 409 and changed.get_json()["error"]["code"] == "amount_changed"
    approved = officer.post(
        f"/api/v1/loans/{loan}/decision", json=payout["confirm_with"], headers={"Idempotency-Key": "d1"}
    )
    assert approved.status_code == 200, approved.get_json()
    assert approved.get_json()["status"] == "disbursed"
    assert [line["due_on"] for line in approved.get_json()["schedule"]] == [
        line["due_on"] for line in payout["schedule"]
    ]
    # The same confirmation sent again: the first answer, paid out once.
    again = officer.post(
        f"/api/v1/loans/{loan}/decision", json=payout["confirm_with"], headers={"Idempotency-Key": "d1"}
    )
    assert again.get_json() == approved.get_json()
    world.top_up(world.member, 20_000_000)
    paid = api.post(f"/api/v1/loans/{loan}/pay", json={"count": 2}, headers={"Idempotency-Key": "p1"})
    assert paid.status_code == 200, paid.get_json()
    assert paid.get_json()["instalments"] == 2
    detail = api.get(f"/api/v1/loans/{loan}").get_json()
    assert [i["paid_on"] is not None for i in detail["schedule"]].count(True) == 2
    assert detail["schedule"][0]["due_on_jalali"].startswith("14")
    assert api.get("/api/v1/loans/mine").get_json()["meta"]["total"] == 1


def test_the_api_says_clearly_what_is_wrong(app, world, db):
    api = bearer(app, world.member)
    body = {"product": "solar", "amount_rials": 10**13, "instalments": 12}
    response = api.post("/api/v1/loans", json=body, headers={"Idempotency-Key": "bad"})
    assert response.status_code == 400
    fields = response.get_json()["error"]["fields"]
    assert "amount_rials" in fields and "note_id" in fields
    assert count_loans(db) == 0

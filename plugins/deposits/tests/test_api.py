"""The deposits API: my deposit, deposit and withdraw with an Idempotency-Key, give points, the term."""

from __future__ import annotations

import pytest
from resalat_deposits import services

from resalat_core.sdk import Member
from resalat_core.testing import PASSWORD

from .conftest import days

M = 10_000_000


@pytest.fixture
def me(api_as, top_up):
    client = api_as()
    top_up(client.member_id, rials=100 * M)
    return client


def post(client, url, body, key="k1"):
    return client.post(url, json=body, headers={"Idempotency-Key": key})


def test_deposit_withdraw_and_read_my_deposit(me):
    r = post(me, "/api/v1/deposits/deposit", {"amount": 60 * M})
    assert r.status_code == 201 and r.json["balance"] == 60 * M
    assert post(me, "/api/v1/deposits/deposit", {"amount": 60 * M}).json == r.json  # replayed, once
    r = post(me, "/api/v1/deposits/withdraw", {"amount": 10 * M}, key="k2")
    assert r.status_code == 201 and r.json["balance"] == 50 * M
    data = me.get("/api/v1/deposits/mine").json
    assert (data["balance"], data["main_balance"]) == (50 * M, 50 * M)
    assert data["points"]["window_months"] == 6 and data["points"]["available"] >= 0


def test_money_moves_need_an_idempotency_key(me, snapshot):
    before = snapshot()
    r = me.post("/api/v1/deposits/deposit", json={"amount": M})
    assert r.status_code == 400
    assert snapshot() == before


@pytest.mark.parametrize("body", [{}, {"amount": 0}, {"amount": "100"}, {"amount": 1.5}, {"amount": -1}])
def test_bad_bodies_are_400s_that_change_nothing(me, snapshot, body):
    before = snapshot()
    r = post(me, "/api/v1/deposits/deposit", body)
    assert r.status_code == 400 and r.json
    assert snapshot() == before


def test_overdrawing_is_a_400_with_the_code(me, snapshot):
    before = snapshot()
    r = post(me, "/api/v1/deposits/withdraw", {"amount": 1})
    assert r.status_code == 400
    r = post(me, "/api/v1/deposits/deposit", {"amount": 100 * M + 1}, key="k2")
    assert r.status_code == 400 and "insufficient_funds" in r.get_data(as_text=True)
    assert snapshot() == before


def test_give_points_and_read_the_history(me, history, person, t0):
    history(me.member_id, [(t0 - days(400), 30 * M)])
    son = person(name="حسین رضایی")
    body = {
        "mobile": son.mobile,
        "national_code": son.national_code,
        "relation": "child",
        "amount": 10 * M,
        "password": PASSWORD,
    }
    r = post(me, "/api/v1/deposits/points/give", body, key="g1")
    assert r.status_code == 201, r.json
    assert (r.json["kind"], r.json["amount"], r.json["counterpart"]["id"]) == ("given", 10 * M, son.id)
    history_items = me.get("/api/v1/deposits/points/history").json["items"]
    assert [(i["kind"], i["relation"]) for i in history_items] == [("given", "child")]
    r = post(me, "/api/v1/deposits/points/give", {**body, "password": "nope"}, key="g2")
    assert r.status_code == 400 and "bad_signature" in r.get_data(as_text=True)
    r = post(me, "/api/v1/deposits/points/give", {**body, "relation": "brother"}, key="g3")
    assert r.status_code == 400


def test_the_term_for_an_amount(me, history, t0):
    history(me.member_id, [(t0 - days(400), 100 * M)])
    assert me.get(f"/api/v1/deposits/term?amount={20 * M}").json["max_term_months"] == 60
    assert me.get(f"/api/v1/deposits/term?amount={100 * M + 1}").json["max_term_months"] is None
    assert me.get("/api/v1/deposits/term?amount=abc").status_code == 400
    assert me.get("/api/v1/deposits/term").status_code == 400


def test_the_api_needs_a_member(client):
    assert client.get("/api/v1/deposits/mine").status_code == 401


def test_the_api_is_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for path in (
        "/api/v1/deposits/mine",
        "/api/v1/deposits/deposit",
        "/api/v1/deposits/withdraw",
        "/api/v1/deposits/points/give",
        "/api/v1/deposits/term",
        "/api/v1/deposits/points/history",
    ):
        assert path in paths, path


def test_a_member_reads_only_their_own_deposit(api_as, history, t0, db):
    other = api_as()
    history(other.member_id, [(t0 - days(10), 7 * M)])
    mine = api_as().get("/api/v1/deposits/mine").json
    assert mine["balance"] == 0
    with db() as s:
        assert services.balance_of(s, s.get(Member, other.member_id)) == 7 * M

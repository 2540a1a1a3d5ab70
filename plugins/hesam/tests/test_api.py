"""The M-Hesam API: accounts, paged statements, reservations, transfers an Idempotency-Key makes once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from resalat_core.sdk import Member, get_db, main_account, transfer

API = "/api/v1/hesam"


@pytest.fixture
def maryam(api_as, fund):
    api = api_as(name="مریم احمدی")
    fund(api.member_id, 100_000)
    return api


def test_my_accounts_list_the_main_account_and_earmarked_funds(api_as, fund, earmark, grants):
    jafar = api_as()
    fund(jafar.member_id, 5_000)
    grant = earmark(jafar.member_id, 1_000, purposes=["fixture_fair"], within=grants)
    # The same bearer token, on the app where the grant's plugin declares its words.
    client = grants.test_client()
    client.environ_base.update(jafar.environ_base)

    answer = client.get(f"{API}/accounts")

    assert answer.status_code == 200
    main, earmarked = answer.get_json()
    assert (main["kind"], main["name"], main["available"], main["posted"], main["purposes"]) == (
        "member_main",
        "حساب اصلی",
        50_000,
        50_000,
        [],
    )
    assert earmarked["id"] == grant
    assert (earmarked["kind"], earmarked["available"], earmarked["purposes"]) == (
        "earmarked",
        10_000,
        ["fixture_fair"],
    )
    assert (earmarked["name"], earmarked["may_pay_for"], earmarked["expired"]) == (
        "کمک‌هزینه‌ی دام سبک شماره‌ی ۱۲",
        ["خرید از بازارچه‌ی محلی"],
        False,
    )


def test_a_transfer_with_an_idempotency_key_moves_money_once(maryam, person, balance_of):
    jafar = person(name="جعفر قراجه‌لو")
    body = {"recipient": jafar.national_code, "amount_rials": 250_000, "note": "علوفه"}
    headers = {"Idempotency-Key": "order-77"}

    first = maryam.post(f"{API}/transfers", json=body, headers=headers)
    again = maryam.post(f"{API}/transfers", json=body, headers=headers)

    assert first.status_code == again.status_code == 201
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert first.get_json() == again.get_json()
    made = first.get_json()
    assert (made["direction"], made["amount_rials"], made["counterparty"], made["note"], made["state"]) == (
        "out",
        250_000,
        "ج*** ق***",
        "علوفه",
        "posted",
    )
    assert (balance_of(maryam.member_id), balance_of(jafar.id)) == (750_000, 250_000)


def test_a_long_idempotency_key_is_as_good_as_a_short_one(maryam, person, balance_of):
    jafar = person()
    body = {"recipient": jafar.mobile, "amount_rials": 1_000}
    key = "k" * 200  # the longest the host accepts

    first = maryam.post(f"{API}/transfers", json=body, headers={"Idempotency-Key": key})
    other = maryam.post(f"{API}/transfers", json=body, headers={"Idempotency-Key": "k" * 199 + "j"})

    assert first.status_code == other.status_code == 201
    assert first.get_json()["id"] != other.get_json()["id"]
    assert balance_of(jafar.id) == 2_000


def test_the_same_key_with_another_body_is_a_conflict(maryam, person, balance_of, ledger_snapshot):
    jafar = person()
    headers = {"Idempotency-Key": "k-1"}
    assert (
        maryam.post(
            f"{API}/transfers", json={"recipient": jafar.mobile, "amount_rials": 1_000}, headers=headers
        ).status_code
        == 201
    )
    before = ledger_snapshot()

    answer = maryam.post(
        f"{API}/transfers", json={"recipient": jafar.mobile, "amount_rials": 9_000}, headers=headers
    )

    assert answer.status_code == 409
    assert answer.get_json()["error"]["code"] == "idempotency_key_reused"
    assert ledger_snapshot() == before


def test_a_transfer_without_an_idempotency_key_is_refused(maryam, person, ledger_snapshot):
    jafar = person()
    before = ledger_snapshot()

    answer = maryam.post(f"{API}/transfers", json={"recipient": jafar.mobile, "amount_rials": 1_000})

    assert answer.status_code == 400
    assert answer.get_json()["error"]["code"] == "idempotency_key_required"
    assert ledger_snapshot() == before


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"recipient": "{jafar}", "amount_rials": 0}, {"amount_rials"}),
        ({"recipient": "{jafar}", "amount_rials": -10}, {"amount_rials"}),
        ({"recipient": "{jafar}", "amount_rials": "1000"}, {"amount_rials"}),  # a string is not rials
        ({"recipient": "{jafar}", "amount_rials": 10.5}, {"amount_rials"}),
        ({"recipient": "{jafar}", "amount_rials": 1_000_001}, {"amount_rials"}),  # more than she has
        ({"recipient": "09359999999", "amount_rials": 1_000}, {"recipient"}),
        ({"recipient": "{own}", "amount_rials": 1_000}, {"recipient"}),
        ({"recipient": "09359999999", "amount_rials": 0}, {"recipient", "amount_rials"}),
        ({"amount_rials": 1_000}, {"recipient"}),
        ({"recipient": "{jafar}", "amount_rials": 1_000, "note": "ی" * 141}, {"note"}),
        ({"recipient": "{jafar}", "amount_rials": 1_000, "extra": 1}, {"extra"}),
        ({"recipient": "{jafar}", "amount_rials": 10**30}, {"amount_rials"}),  # past any sum, not "zero"
        ({"recipient": "{jafar}", "amount_rials": 1_000, "note": "زنگ\x07"}, {"note"}),
        ({"recipient": "{jafar}", "amount_rials": 1_000, "note": "\x00"}, {"note"}),
    ],
)
def test_bad_transfers_are_400_with_the_fields_named_and_move_nothing(
    maryam, person, ledger_snapshot, body, fields, member_of
):
    jafar = person()
    own = member_of(maryam.member_id)
    body = {
        k: (v.format(jafar=jafar.mobile, own=own.mobile) if isinstance(v, str) else v)
        for k, v in body.items()
    }
    before = ledger_snapshot()

    answer = maryam.post(f"{API}/transfers", json=body, headers={"Idempotency-Key": "bad-1"})

    assert answer.status_code == 400
    assert set(answer.get_json()["error"]["fields"]) == fields
    assert ledger_snapshot() == before


def test_the_statement_is_paged_newest_first(api_as, fund, main_account_id):
    jafar = api_as()
    for tomans in range(1, 26):
        fund(jafar.member_id, tomans)
    account = main_account_id(jafar.member_id)

    first = jafar.get(f"{API}/accounts/{account}/statement?per_page=10").get_json()
    third = jafar.get(f"{API}/accounts/{account}/statement?per_page=10&page=3").get_json()

    assert first["meta"] == {"page": 1, "per_page": 10, "total": 25, "pages": 3}
    assert [e["amount_rials"] for e in first["items"]] == [t * 10 for t in range(25, 15, -1)]
    assert [e["amount_rials"] for e in third["items"]] == [t * 10 for t in range(5, 0, -1)]
    entry = first["items"][0]
    assert (entry["direction"], entry["balance_after_rials"], entry["purpose"], entry["counterparty"]) == (
        "in",
        3_250,
        "top_up",
        "ورود وجه",  # names follow the member's language, Persian by default
    )


def test_the_statement_filters_like_the_page(maryam, person, main_account_id):
    jafar = person()
    maryam.post(
        f"{API}/transfers",
        json={"recipient": jafar.mobile, "amount_rials": 500},
        headers={"Idempotency-Key": "a"},
    )
    url = f"{API}/accounts/{main_account_id(maryam.member_id)}/statement"

    out = maryam.get(f"{url}?direction=out").get_json()
    bad = maryam.get(f"{url}?since=1404/13/40&direction=up")

    assert [(e["direction"], e["amount_rials"]) for e in out["items"]] == [("out", -500)]
    assert bad.status_code == 400
    assert set(bad.get_json()["error"]["fields"]) == {"since", "direction"}


def test_another_members_statement_is_404(maryam, api_as, main_account_id):
    jafar = api_as()
    his = main_account_id(jafar.member_id)

    assert jafar.get(f"{API}/accounts/{his}/statement").status_code == 200
    assert maryam.get(f"{API}/accounts/{his}/statement").status_code == 404
    assert maryam.get(f"{API}/accounts/2147483648/statement").status_code == 404


def test_pending_reservations_are_listed_apart(app, maryam, make_member):
    payee = make_member()
    with app.app_context():
        s = get_db().session
        member = s.get(Member, maryam.member_id)
        t = transfer(
            s,
            "held:9",
            main_account(s, member),
            main_account(s, s.get(Member, payee)),
            30_000,
            "member_transfer",
            pending=True,
            timeout=timedelta(days=2),
        )
        s.commit()
        transfer_id = t.id

    (held,) = maryam.get(f"{API}/pending").get_json()["items"]
    main = maryam.get(f"{API}/accounts").get_json()[0]

    assert (held["transfer_id"], held["direction"], held["amount_rials"], held["purpose"]) == (
        transfer_id,
        "out",
        30_000,
        "member_transfer",
    )
    assert (held["label"], held["detail"], held["note"]) == ("انتقال میان اعضا", "", None)
    assert held["timeout_at"] is not None
    assert (main["available"], main["pending_debits"]) == (970_000, 30_000)


def test_the_api_needs_a_signed_in_member(client):
    assert client.get(f"{API}/accounts").status_code == 401
    answer = client.post(f"{API}/transfers", json={}, headers={"Idempotency-Key": "x"})
    assert answer.status_code == 401


def test_every_endpoint_is_in_the_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").get_json()

    paths = spec["paths"]
    assert set(paths[f"{API}/accounts"]) == {"get"}
    assert set(paths[f"{API}/accounts/{{account_id}}/statement"]) == {"get"}
    assert set(paths[f"{API}/pending"]) == {"get"}
    post = paths[f"{API}/transfers"]["post"]
    assert {"201", "400", "401", "409"} <= set(post["responses"])
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in post["parameters"])
    assert "hesam.TransferBody" in spec["components"]["schemas"]


def test_a_refused_transfer_does_not_use_up_its_key(maryam, person, fund, balance_of):
    jafar = person()
    body = {"recipient": jafar.mobile, "amount_rials": 2_000_000}  # more than her 1,000,000 rials
    headers = {"Idempotency-Key": "rent-azar"}

    refused = maryam.post(f"{API}/transfers", json=body, headers=headers)
    fund(maryam.member_id, 100_000)  # tomans: now she has enough
    sent = maryam.post(f"{API}/transfers", json=body, headers=headers)
    again = maryam.post(f"{API}/transfers", json=body, headers=headers)

    assert refused.status_code == 400
    assert sent.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert balance_of(jafar.id) == 2_000_000

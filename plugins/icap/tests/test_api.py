"""The iCAP API: the same rules as the pages, as JSON, with per-field messages and Idempotency-Key."""

from __future__ import annotations

import pytest

from resalat_core.sdk import Member
from resalat_core.testing import PASSWORD

from .conftest import guarantor


@pytest.fixture
def jafar_api(api_as, top_up):
    api = api_as(name="جعفر قراجه‌لو")
    top_up(api.member_id, rials=1_000_000)
    return api


def body(**more: object) -> dict[str, object]:
    return {"amount": 150_000_000, "purpose": "تضمین وام قرض‌الحسنه‌ی خرید دام سبک", **more}


def issuing(api, data: dict[str, object], key: str = "k-1"):
    return api.post("/api/v1/icap/notes", json=data, headers={"Idempotency-Key": key})


def test_jafar_issues_lists_and_reads_a_note_over_the_api(jafar_api, balances):
    before = balances(jafar_api.member_id)

    made = issuing(jafar_api, body(due_date="۱۴۹۹/۰۱/۰۱", place_of_payment="زنجان"))
    repeat = issuing(jafar_api, body(due_date="۱۴۹۹/۰۱/۰۱", place_of_payment="زنجان"))

    assert made.status_code == 201, made.get_json()
    note = made.get_json()
    assert repeat.get_json() == note
    assert (note["amount"], note["amount_words"], note["stamp_duty"], note["status"]) == (
        150_000_000,
        "یکصد و پنجاه میلیون ریال",
        75_000,
        "issued",
    )
    assert (note["due_date"], note["on_demand"], note["payee_kind"]) == ("2120-03-21", False, "company")
    assert note["url"] == f"/icap/notes/{note['id']}/print"
    assert balances(jafar_api.member_id)[0] == before[0] - 75_000
    listed = jafar_api.get("/api/v1/icap/notes").get_json()
    assert [n["serial"] for n in listed["items"]] == [note["serial"]]
    assert listed["meta"]["total"] == 1
    assert jafar_api.get(f"/api/v1/icap/notes/{note['id']}").get_json()["serial"] == note["serial"]
    assert jafar_api.get("/api/v1/icap/notes?status=lost").status_code == 400


def test_issuing_without_an_idempotency_key_is_refused(jafar_api, counts):
    before = counts()
    response = jafar_api.post("/api/v1/icap/notes", json=body())
    assert response.status_code == 400
    assert counts() == before


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (body(amount=-150_000_000), "amount"),
        (body(amount="150000000"), "amount"),
        (body(due_date="1400/01/01"), "due_date"),
        (body(payee_name="علی", payee_code="0012345678"), "payee_code"),
        (
            body(guarantors=[{"name": "غریبه", "national_code": "0012345679", "mobile": "09129999999"}]),
            "guarantors.0.mobile",
        ),
        ({"amount": 150_000_000}, "purpose"),
    ],
)
def test_bad_input_over_the_api_names_its_field_and_changes_nothing(jafar_api, counts, balances, data, field):
    before = (counts(), balances(jafar_api.member_id))
    response = issuing(jafar_api, data, key=f"bad-{field}")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert field in error["fields"], error
    assert (counts(), balances(jafar_api.member_id)) == before


def test_too_little_money_over_the_api(api_as, top_up, counts):
    poor = api_as(name="رضا کم‌پول")
    top_up(poor.member_id, rials=100)
    before = counts()
    response = issuing(poor, body())
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "insufficient_funds"
    assert counts() == before


def test_another_member_gets_404_and_an_officer_reads_it_with_the_issuers_numbers_masked(jafar_api, api_as):
    note_id = issuing(jafar_api, body()).get_json()["id"]
    assert api_as(name="حسین غریبه").get(f"/api/v1/icap/notes/{note_id}").status_code == 404
    read = api_as("admin", role_region=None).get(f"/api/v1/icap/notes/{note_id}")
    assert read.status_code == 200
    own = jafar_api.get(f"/api/v1/icap/notes/{note_id}").get_json()["issuer"]
    seen = read.get_json()["issuer"]
    assert own["national_code"].isdecimal() and own["mobile"].isdecimal()  # whole for Jafar
    assert seen["national_code"] == "\u2022" * 6 + own["national_code"][-4:]
    assert seen["mobile"] == own["mobile"][:4] + "\u2022" * 3 + own["mobile"][-4:]


def test_jafar_endorses_over_the_api_and_cannot_sign_his_own_note(jafar_api, member, note_of):
    maryam = member()
    jafar = jafar_api
    note_id = issuing(jafar, body(guarantors=[guarantor(maryam)])).get_json()["id"]

    wrong = jafar.post(f"/api/v1/icap/notes/{note_id}/sign", json={"password": PASSWORD})
    assert wrong.status_code == 404  # Jafar is not its guarantor

    endorsed = jafar.post(
        f"/api/v1/icap/notes/{note_id}/endorsements",
        json={"payee_name": "حسین حامی", "payee_code": "0012345679"},
    )
    assert endorsed.status_code == 200, endorsed.get_json()
    assert [e["payee_code"] for e in endorsed.get_json()["endorsements"]] == ["0012345679"]
    bad = jafar.post(
        f"/api/v1/icap/notes/{note_id}/endorsements", json={"payee_name": "x", "payee_code": "1"}
    )
    assert bad.status_code == 400 and "payee_code" in bad.get_json()["error"]["fields"]
    assert note_of(note_id)["endorsements"] == [(0, "حسین حامی", "0012345679")]


def test_maryam_signs_over_the_api(api_as, top_up, db, note_of, issue):
    maryam_api = api_as(name="مریم احمدی")
    with db() as s:
        maryam = s.get(Member, maryam_api.member_id)
    jafar = api_as(name="جعفر قراجه‌لو")
    top_up(jafar.member_id, rials=1_000_000)
    note_id = issue(jafar.member_id, guarantors=[guarantor(maryam)])

    wrong = maryam_api.post(f"/api/v1/icap/notes/{note_id}/sign", json={"password": "nope"})
    assert wrong.status_code == 400 and wrong.get_json()["error"]["code"] == "bad_signature"
    assert note_of(note_id)["signed"] == [False]
    signed = maryam_api.post(f"/api/v1/icap/notes/{note_id}/sign", json={"password": PASSWORD})
    assert signed.status_code == 200
    assert signed.get_json()["guarantors"][0]["signed"] is True
    assert "password" not in signed.get_json()


def test_every_endpoint_is_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in (
        "/api/v1/icap/notes",
        "/api/v1/icap/notes/{note_id}",
        "/api/v1/icap/notes/{note_id}/endorsements",
        "/api/v1/icap/notes/{note_id}/sign",
    ):
        assert path in paths, path

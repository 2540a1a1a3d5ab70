"""The supporters API: the same rules as the pages, with per-field errors and never another's things."""

from __future__ import annotations

from datetime import timedelta

import pytest
from resalat_supporters import services

from resalat_core.sdk import format_date, to_latin_digits

API = "/api/v1/supporters"


def day(offset: int = 0) -> str:
    return to_latin_digits(format_date(services.today() + timedelta(days=offset), lang="fa"))


@pytest.fixture
def credit_api(api_as):
    return api_as("supporter", kind="credit", name="حسین حامی")


def introduction_body(core, who, **changes):
    return {
        "core_code": core.code,
        "mobile": who.mobile,
        "national_code": who.national_code,
        "estimate_rials": 6_000_000_000,
        "purpose": "خريد ميش",
        "amount_rials": 2_000_000_000,
        **changes,
    }


def test_an_introduction_goes_from_the_supporter_to_the_member_and_back(
    credit_api, api_as, make_core, identity
):
    jafar_api = api_as("member", name="جعفر قراجه‌لو")
    jafar = identity(jafar_api.member_id)
    core = make_core(jafar.id)

    created = credit_api.post(f"{API}/introductions", json=introduction_body(core, jafar))

    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert (body["status"], body["amount_rials"], body["ceiling_rials"], body["purpose"]) == (
        "awaiting",
        2_000_000_000,
        3_000_000_000,
        "خرید میش",
    )
    assert body["core"] == {"id": core.id, "code": core.code, "name": "دامداری قراجه‌لو"}
    assert jafar_api.get(f"{API}/me").get_json() == {"kinds": [], "awaiting_introductions": 1}
    received = jafar_api.get(f"{API}/introductions/received").get_json()
    assert [i["id"] for i in received["items"]] == [body["id"]]
    assert received["meta"]["total"] == 1

    accepted = jafar_api.post(f"{API}/introductions/{body['id']}/accept")
    assert (accepted.status_code, accepted.get_json()["status"]) == (200, "introduced")
    assert jafar_api.post(f"{API}/introductions/{body['id']}/accept").status_code == 409

    mine = credit_api.get(f"{API}/introductions?status=introduced").get_json()
    assert [i["id"] for i in mine["items"]] == [body["id"]]
    assert credit_api.get(f"{API}/introductions?status=awaiting").get_json()["meta"]["total"] == 0
    withdrawn = credit_api.post(f"{API}/introductions/{body['id']}/withdraw", json={"reason": "اشتباه شد"})
    assert (withdrawn.status_code, withdrawn.get_json()["status_note"]) == (200, "اشتباه شد")


def test_the_api_names_every_bad_field_and_changes_nothing(
    credit_api, make_member, make_core, person, snapshot
):
    jafar = person()
    maryam = person()
    core = make_core(jafar.id)
    before = snapshot()

    cases = [
        ({"estimate_rials": 0}, "estimate_rials"),
        ({"estimate_rials": -1}, "estimate_rials"),
        ({"estimate_rials": "600"}, "estimate_rials"),  # a string is not an integer here
        ({"amount_rials": 3_000_000_001}, "amount_rials"),
        ({"estimate_rials": 20_000_000_000, "amount_rials": 5_000_000_001}, "amount_rials"),
        ({"national_code": maryam.national_code}, "national_code"),
        ({"core_code": "NOPE-1"}, "core_code"),
        ({"purpose": ""}, "purpose"),
        ({"mobile": None}, "mobile"),
    ]
    for changes, field in cases:
        answer = credit_api.post(f"{API}/introductions", json=introduction_body(core, jafar, **changes))
        assert answer.status_code == 400, (changes, answer.get_json())
        error = answer.get_json()["error"]
        assert field in error["fields"], (changes, error)
        assert all(isinstance(m, str) and m for m in error["fields"][field])
    over = credit_api.post(
        f"{API}/introductions", json=introduction_body(core, jafar, amount_rials=3_000_000_010)
    )
    # In the member's language (Persian by default), with the ceiling and how it is made.
    assert over.get_json()["error"]["fields"]["amount_rials"] == [
        "حداکثر ۳۰۰٬۰۰۰٬۰۰۰ تومان: ۵۰٪ ارزش برآوردی، و هرگز بیش از ۵۰۰٬۰۰۰٬۰۰۰ تومان."
    ]
    assert credit_api.post(f"{API}/introductions", data="nope").status_code == 400
    assert snapshot() == before


def test_introducing_without_the_credit_kind_is_forbidden(api_as, make_member, make_core, person, snapshot):
    technical = api_as("supporter", kind="technical")
    jafar = person()
    core = make_core(jafar.id)
    before = snapshot()

    answer = technical.post(f"{API}/introductions", json=introduction_body(core, jafar))

    assert answer.status_code == 403
    assert answer.get_json()["error"]["code"] == "not_a_credit_supporter"
    assert "فقط حامیان اعتباری" in answer.get_json()["error"]["message"]
    assert snapshot() == before


def test_someone_elses_introduction_answers_404(credit_api, api_as, make_member, make_core, person, snapshot):
    jafar = person()
    created = credit_api.post(f"{API}/introductions", json=introduction_body(make_core(jafar.id), jafar))
    introduction_id = created.get_json()["id"]
    stranger = api_as("supporter", kind="credit")
    before = snapshot()

    assert stranger.get(f"{API}/introductions/{introduction_id}").status_code == 404
    for action, body in (("accept", None), ("decline", {}), ("withdraw", {"reason": "چون"})):
        answer = stranger.post(f"{API}/introductions/{introduction_id}/{action}", json=body)
        assert answer.status_code == 404
        assert answer.get_json()["error"]["code"] == "unknown_introduction"
    assert snapshot() == before


def test_the_ceiling_is_there_to_ask_as_the_supporter_types(credit_api):
    answer = credit_api.get(f"{API}/introductions/ceiling?estimate_rials=8000000000")
    capped = credit_api.get(f"{API}/introductions/ceiling?estimate_rials=80000000000")

    assert answer.get_json() == {
        "estimate_rials": 8_000_000_000,
        "ceiling_rials": 4_000_000_000,
        "ratio_percent": 50,
        "max_rials": 5_000_000_000,
    }
    assert capped.get_json()["ceiling_rials"] == 5_000_000_000
    for bad in ("", "?estimate_rials=abc", "?estimate_rials=0", "?estimate_rials=-5"):
        refused = credit_api.get(f"{API}/introductions/ceiling{bad}")
        assert refused.status_code == 400
        assert "estimate_rials" in refused.get_json()["error"]["fields"]


def test_support_actions_over_the_api(api_as, make_member, make_core, identity, snapshot):
    supporter = api_as("supporter", kind="technical", name="زهرا فنی")
    maryam_api = api_as("member", name="مریم احمدی")
    maryam = identity(maryam_api.member_id)
    core = make_core(members=(maryam.id,))

    by_member = supporter.post(
        f"{API}/actions",
        json={
            "kind": "technical",
            "member": maryam.national_code,
            "happened_on": day(-1),
            "description": "آموزش دوخت",
            "hours": 2.5,
            "amount_rials": 1_000_000,
        },
    )
    by_core = supporter.post(
        f"{API}/actions",
        json={"kind": "technical", "core": core.code, "happened_on": day(), "description": "بازدید کارگاه"},
    )

    assert by_member.status_code == 201, by_member.get_json()
    assert (by_member.get_json()["hours"], by_member.get_json()["amount_rials"]) == (2.5, 1_000_000)
    assert by_member.get_json()["happened_on_jalali"] == day(-1)
    assert by_core.get_json()["beneficiary_core"]["code"] == core.code
    assert supporter.get(f"{API}/actions").get_json()["meta"]["total"] == 2
    received = maryam_api.get(f"{API}/actions/received").get_json()
    assert [a["description"] for a in received["items"]] == ["بازدید کارگاه", "آموزش دوخت"]

    before = snapshot()
    for body, field in (
        ({"kind": "cultural", "member": maryam.mobile}, "kind"),
        ({"kind": "rocket", "member": maryam.mobile}, "kind"),
        ({"kind": "technical"}, "member"),
        ({"kind": "technical", "core": "X-1"}, "core"),
        ({"kind": "technical", "member": maryam.mobile, "amount_rials": 0}, "amount_rials"),
        ({"kind": "technical", "member": maryam.mobile, "hours": -1}, "hours"),
        ({"kind": "technical", "member": maryam.mobile, "happened_on": day(3)}, "happened_on"),
    ):
        answer = supporter.post(f"{API}/actions", json={"happened_on": day(), "description": "کمک", **body})
        assert answer.status_code == 400, body
        assert field in answer.get_json()["error"]["fields"], (body, answer.get_json())
    assert snapshot() == before


def test_sponsorships_over_the_api(api_as, make_member, make_centre, snapshot):
    narges = api_as("supporter", kind="credit_behaviour", region="sistan-baluchestan/zabol")
    member = make_member(region="sistan-baluchestan/arbab")
    centre = make_centre(members=(member,))

    created = narges.post(
        f"{API}/sponsorships", json={"centre_id": centre, "starts_on": day(), "ends_on": day(30)}
    )

    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert (body["active"], body["starts_on_jalali"], body["centre"]["id"]) == (True, day(), centre)
    assert narges.get(f"{API}/sponsorships").get_json()["meta"]["total"] == 1
    before = snapshot()
    for changes, field in (
        ({"ends_on": day(-5), "starts_on": day(-10)}, "ends_on"),
        ({"ends_on": day(1), "starts_on": day(2)}, "ends_on"),
        ({"centre_id": 999_999}, "centre_id"),
        ({"centre_id": "1"}, "centre_id"),
        ({"starts_on": "tomorrow"}, "starts_on"),
    ):
        answer = narges.post(
            f"{API}/sponsorships",
            json={"centre_id": centre, "starts_on": day(40), "ends_on": day(50), **changes},
        )
        assert answer.status_code == 400, changes
        assert field in answer.get_json()["error"]["fields"], (changes, answer.get_json())
    assert (
        narges.post(
            f"{API}/sponsorships", json={"centre_id": centre, "starts_on": day(5), "ends_on": day(9)}
        ).status_code
        == 409
    )
    assert (
        api_as("supporter", kind="credit")
        .post(f"{API}/sponsorships", json={"centre_id": centre, "starts_on": day(), "ends_on": day(9)})
        .status_code
        == 403
    )
    assert snapshot() == before

    ended = narges.post(f"{API}/sponsorships/{body['id']}/end")
    assert (ended.status_code, ended.get_json()["active"]) == (200, False)
    assert narges.post(f"{API}/sponsorships/{body['id']}/end").status_code == 409


def test_every_endpoint_is_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    ours = {path: sorted(ops) for path, ops in paths.items() if path.startswith(API)}

    assert ours == {
        f"{API}/me": ["get"],
        f"{API}/actions": ["get", "post"],
        f"{API}/actions/received": ["get"],
        f"{API}/introductions": ["get", "post"],
        f"{API}/introductions/ceiling": ["get"],
        f"{API}/introductions/received": ["get"],
        f"{API}/introductions/{{introduction_id}}": ["get"],
        f"{API}/introductions/{{introduction_id}}/accept": ["post"],
        f"{API}/introductions/{{introduction_id}}/decline": ["post"],
        f"{API}/introductions/{{introduction_id}}/withdraw": ["post"],
        f"{API}/sponsorships": ["get", "post"],
        f"{API}/sponsorships/{{sponsorship_id}}/end": ["post"],
    }
    assert all(op["tags"] == ["supporters"] for ops in (paths[p] for p in ours) for op in ops.values())

"""The leaders API: the same rules as the pages, as JSON, with per-field messages and paginated lists."""

from __future__ import annotations

import pytest
from resalat_cores import services as cores

from resalat_core.sdk import Member, get_region
from resalat_core.testing import PASSWORD

ARBAB = "sistan-baluchestan/arbab"


@pytest.fixture
def leader_api(api_as):
    return api_as("social_leader", region=ARBAB, name="فاطمه قادری")


def body(member: str, cap: object = "50000000", **more: object) -> dict[str, object]:
    return {"member": member, "cap": cap, "statement": "ضامن او هستم.", "password": PASSWORD, **more}


def signing(api, data: dict[str, object], key: str = "k-1"):
    return api.post("/api/v1/leaders/guarantees", json=data, headers={"Idempotency-Key": key})


def test_a_leader_signs_lists_and_revokes_a_guarantee_over_the_api(leader_api, arbab_member):
    zahra = arbab_member()

    made = signing(leader_api, body(zahra.mobile, 50_000_000, valid_until="۱۴۹۹/۰۱/۰۱"))

    assert made.status_code == 201, made.get_json()
    g = made.get_json()
    assert (g["cap_rials"], g["status"], g["member"]["id"], g["valid_until"]) == (
        500_000_000,
        "active",
        zahra.id,
        "2120-03-21",
    )
    assert "password" not in g
    listed = leader_api.get("/api/v1/leaders/guarantees").get_json()
    assert [i["id"] for i in listed["items"]] == [g["id"]]
    assert listed["meta"] == {"page": 1, "per_page": 20, "total": 1, "pages": 1}

    revoked = leader_api.post(f"/api/v1/leaders/guarantees/{g['id']}/revoke", json={"reason": "پایان همکاری"})

    assert revoked.status_code == 200
    assert (revoked.get_json()["status"], revoked.get_json()["revoked_reason"]) == ("revoked", "پایان همکاری")
    assert leader_api.get("/api/v1/leaders/guarantees?status=active").get_json()["items"] == []


def test_a_repeated_signature_request_signs_once(leader_api, arbab_member, snapshot):
    zahra = arbab_member()

    first = signing(leader_api, body(zahra.mobile), key="same")
    again = signing(leader_api, body(zahra.mobile), key="same")

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert len(snapshot()["guarantees"]) == 1
    assert signing(leader_api, body(zahra.mobile), key="").status_code == 400


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"cap": 0}, "cap", "bad_input"),
        ({"cap": -10}, "cap", "bad_input"),
        ({"cap": "ده میلیون"}, "cap", "bad_input"),
        ({"member": "{outsider}"}, "member", "bad_input"),
        ({"member": "{self}"}, "member", "bad_input"),
        ({"valid_until": "1400/01/01"}, "valid_until", "bad_input"),
        ({"password": "guess-1234"}, "password", "bad_signature"),
        ({"cap": "500,000,001"}, "cap", "over_leader_cap"),
        ({"statement": None}, "statement", "bad_input"),
    ],
)
def test_bad_input_to_the_api_is_a_400_naming_the_field_and_changes_nothing(
    leader_api, arbab_member, outsider, snapshot, change, field, code, identity_of
):
    names = {"outsider": outsider.mobile, "self": identity_of(leader_api.member_id).mobile}
    data = body(arbab_member().mobile)
    data.update({k: v.format(**names) if isinstance(v, str) else v for k, v in change.items()})
    before = snapshot()

    answer = signing(leader_api, data)

    error = answer.get_json()["error"]
    assert answer.status_code == 400
    assert error["code"] == code
    assert field in error["fields"] and error["fields"][field][0]
    assert snapshot() == before


def test_the_api_speaks_persian_when_asked(leader_api, outsider):
    answer = leader_api.post(
        "/api/v1/leaders/guarantees",
        json=body(outsider.mobile),
        headers={"Idempotency-Key": "fa", "Accept-Language": "fa"},
    )

    assert "بیرون از جامعه" in answer.get_json()["error"]["fields"]["member"][0]


def test_the_member_reads_her_guarantees_but_others_get_404(leader_api, api_as, sign, identity_of):
    her = api_as(region=ARBAB)
    g = sign(leader_api.member_id, identity_of(her.member_id).mobile)
    stranger = api_as(region=ARBAB)
    other_leader = api_as("social_leader", region=ARBAB)

    mine = her.get("/api/v1/leaders/guarantees/mine").get_json()
    assert [(i["id"], i["leader"]["name"], i["status"]) for i in mine["items"]] == [
        (g.id, "فاطمه قادری", "active")
    ]
    assert her.get(f"/api/v1/leaders/guarantees/{g.id}").status_code == 200
    assert her.get("/api/v1/leaders/guarantees").status_code == 403
    assert her.post(f"/api/v1/leaders/guarantees/{g.id}/revoke", json={"reason": "x"}).status_code == 403
    assert stranger.get(f"/api/v1/leaders/guarantees/{g.id}").status_code == 404
    assert stranger.get("/api/v1/leaders/guarantees/mine").get_json()["items"] == []
    assert other_leader.get(f"/api/v1/leaders/guarantees/{g.id}").status_code == 404
    revoke = other_leader.post(f"/api/v1/leaders/guarantees/{g.id}/revoke", json={"reason": "x"})
    assert revoke.status_code == 404
    assert leader_api.get(f"/api/v1/leaders/guarantees/{g.id}").get_json()["id"] == g.id


def test_introductions_over_the_api(leader_api, arbab_member, outsider, snapshot):
    zahra = arbab_member()

    talent = leader_api.post(
        "/api/v1/leaders/talents", json={"member": zahra.national_code, "talent": "خیاطی"}
    )
    trade = leader_api.post(
        "/api/v1/leaders/trades",
        json={"name": "سوزن‌دوزی بلوچ", "region": ARBAB, "households": 40, "description": ""},
    )

    assert (talent.status_code, trade.status_code) == (201, 201)
    assert talent.get_json()["member"]["name"] == zahra.name
    assert (trade.get_json()["households"], trade.get_json()["region"]["code"]) == (40, ARBAB)
    moved = leader_api.post(
        f"/api/v1/leaders/talents/{talent.get_json()['id']}/status", json={"status": "closed"}
    )
    assert moved.get_json()["status"] == "closed"
    back = leader_api.post(
        f"/api/v1/leaders/talents/{talent.get_json()['id']}/status", json={"status": "new"}
    )
    assert back.status_code == 400
    listed = leader_api.get("/api/v1/leaders/trades?q=سوزن").get_json()
    assert [t["name"] for t in listed["items"]] == ["سوزن‌دوزی بلوچ"]
    assert leader_api.get("/api/v1/leaders/talents?status=closed").get_json()["meta"]["total"] == 1
    assert leader_api.get("/api/v1/leaders/talents?status=lost").status_code == 400

    before = snapshot()
    outside = leader_api.post("/api/v1/leaders/talents", json={"member": outsider.mobile, "talent": "خیاطی"})
    negative = leader_api.post(
        "/api/v1/leaders/trades", json={"name": "گلیم", "region": ARBAB, "households": -1}
    )
    empty = leader_api.post("/api/v1/leaders/trades", json={})
    assert (outside.status_code, negative.status_code, empty.status_code) == (400, 400, 400)
    assert "households" in negative.get_json()["error"]["fields"]
    assert {"name", "region", "households"} <= set(empty.get_json()["error"]["fields"])
    assert snapshot() == before


def test_my_community_cores_over_the_api(db, leader_api, make_member):
    leader = make_member(region=ARBAB)
    admin = make_member("admin", region=ARBAB)
    with db() as s:
        core = cores.register_core(
            s,
            leader=s.get(Member, leader),
            name="پوشاک الغدیر",
            field="clothing",
            region=get_region(s, ARBAB),
            existed_before=True,
        )
        cores.approve_core(s, core, actor=s.get(Member, admin))
        code = core.code

    listed = leader_api.get("/api/v1/leaders/community/cores?field=clothing").get_json()

    assert [(c["code"], c["field"], c["region"]["code"]) for c in listed["items"]] == [
        (code, "clothing", ARBAB)
    ]
    assert listed["meta"]["total"] == 1
    assert leader_api.get("/api/v1/leaders/community/cores?status=gone").status_code == 400


def test_every_endpoint_is_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]

    for path in (
        "/api/v1/leaders/guarantees",
        "/api/v1/leaders/guarantees/mine",
        "/api/v1/leaders/guarantees/{guarantee_id}",
        "/api/v1/leaders/guarantees/{guarantee_id}/revoke",
        "/api/v1/leaders/talents",
        "/api/v1/leaders/trades",
        "/api/v1/leaders/community/cores",
    ):
        assert path in paths, path


def test_a_wrong_signature_over_the_api_counts_towards_the_sign_in_throttle(
    leader_api, arbab_member, snapshot
):
    zahra = arbab_member()
    before = snapshot()

    for attempt in range(5):
        wrong = signing(leader_api, body(zahra.mobile, password="guess-1234"), key=f"wrong-{attempt}")
        assert (wrong.status_code, wrong.get_json()["error"]["code"]) == (400, "bad_signature")
    locked = signing(leader_api, body(zahra.mobile), key="right")

    assert locked.status_code == 429
    assert snapshot() == before

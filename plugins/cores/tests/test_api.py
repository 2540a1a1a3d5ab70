"""The cores API: a member registers by API, a reviewer approves, and every endpoint is documented."""

from __future__ import annotations


def test_a_member_registers_a_core_by_api_and_the_areas_admin_approves_it(api_as, new_code, core_of):
    member = api_as(name="زهرا آسی‌پور", region="zanjan/gorg-tappeh")
    reviewer = api_as("admin", region="zanjan/zanjan")

    created = member.post(
        "/api/v1/cores",
        json={
            "name": "هسته‌ی لبنیات گرگ‌تپه",
            "field": "food",
            "region": "zanjan/gorg-tappeh",
            "existed_before": True,
            "family": [{"name": "مریم آسی‌پور", "national_code": new_code(), "relation": "child"}],
        },
    )
    assert created.status_code == 201, created.get_json()
    core = created.get_json()
    assert (core["status"], core["code"], core["members_count"]) == ("candidate", None, 2)

    queue = reviewer.get("/api/v1/cores/queue").get_json()
    assert [c["id"] for c in queue["items"]] == [core["id"]]
    approved = reviewer.post(f"/api/v1/cores/{core['id']}/approve")

    assert approved.status_code == 200
    assert approved.get_json()["code"] == "ZNJ-FOOD-000001"
    assert reviewer.get("/api/v1/cores/queue").get_json()["meta"]["total"] == 0
    mine = member.get("/api/v1/cores/mine").get_json()
    assert [c["code"] for c in mine["items"]] == ["ZNJ-FOOD-000001"]
    history = member.get(f"/api/v1/cores/{core['id']}/history").get_json()
    assert [h["to_status"] for h in history["items"]] == ["candidate", "active"]
    assert history["meta"]["total"] == 2


def test_bad_registrations_by_api_name_every_field_and_store_nothing(api_as, snapshot):
    member = api_as()
    before = snapshot()

    empty = member.post("/api/v1/cores", json={})
    bad = member.post(
        "/api/v1/cores",
        json={
            "name": "",
            "field": "camels",
            "region": "atlantis",
            "existed_before": True,
            "family": [{"name": "علی", "national_code": "0012345678", "relation": "child"}],
        },
    )
    not_json = member.post("/api/v1/cores", data="name=x", content_type="text/plain")

    assert empty.status_code == bad.status_code == not_json.status_code == 400
    assert {"name", "field", "region", "existed_before"} <= set(empty.get_json()["error"]["fields"])
    assert set(bad.get_json()["error"]["fields"]) == {"name", "field", "region", "family.0.national_code"}
    assert snapshot() == before


def test_the_api_answers_persian_when_asked(api_as):
    member = api_as()

    answer = member.post("/api/v1/cores", json={"field": "camels"}, headers={"Accept-Language": "fa"})

    assert answer.status_code == 400
    assert "لطفاً" in answer.get_json()["error"]["message"]


def test_a_reviewer_registers_for_a_member_by_api_only_in_their_area(api_as, make_member, snapshot, person):
    reviewer = api_as("admin", region="zanjan/zanjan")
    near = person(region="zanjan/abhar")
    body = {"leader": near.mobile, "name": "هسته‌ی ابهر", "field": "food", "existed_before": False}

    inside = reviewer.post("/api/v1/cores", json={**body, "region": "zanjan/abhar"})
    before = snapshot()
    outside = reviewer.post("/api/v1/cores", json={**body, "name": "هسته‌ی یزد", "region": "yazd/yazd"})
    nobody = reviewer.post("/api/v1/cores", json={**body, "leader": "09359999999", "region": "zanjan/abhar"})

    assert inside.status_code == 201
    assert inside.get_json()["leader_name"] == near.name
    assert outside.status_code == 403
    assert nobody.status_code == 400
    assert "leader" in nobody.get_json()["error"]["fields"]
    assert snapshot() == before


def test_anonymous_callers_may_search_but_not_register(client):
    assert client.get("/api/v1/cores").status_code == 200
    refused = client.post("/api/v1/cores", json={})
    assert refused.status_code == 401


def test_every_endpoint_is_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]

    expected = {
        "/api/v1/cores": {"get", "post"},
        "/api/v1/cores/fields": {"get"},
        "/api/v1/cores/mine": {"get"},
        "/api/v1/cores/queue": {"get"},
        "/api/v1/cores/{core_id}": {"get"},
        "/api/v1/cores/by-code/{code}": {"get"},
        "/api/v1/cores/{core_id}/approve": {"post"},
        "/api/v1/cores/{core_id}/status": {"post"},
        "/api/v1/cores/{core_id}/history": {"get"},
        "/api/v1/cores/{core_id}/members": {"get", "post"},
        "/api/v1/cores/{core_id}/members/{person_id}": {"delete"},
    }
    for path, methods in expected.items():
        assert path in paths, path
        assert set(paths[path]) >= methods, path
        assert all(op["tags"] == ["cores"] for op in paths[path].values())

"""Goods an admin adds and fields' inputs and outputs: every mistake named, nothing changed."""

from __future__ import annotations

API = "/api/v1/value_chain"


def test_an_admin_adds_a_good_and_changes_a_field(admin):
    added = admin.api.post(
        f"{API}/goods",
        json={"code": "felt", "name_fa": "نمد", "name_en": "Felt", "categories": ["handicrafts"]},
    )
    assert added.status_code == 201, added.json
    assert added.json["name_fa"] == "نمد" and not added.json["builtin"]
    again = admin.api.post(f"{API}/goods", json={"code": "felt", "name_fa": "نمد", "name_en": "Felt"})
    assert again.status_code == 400 and "code" in again.json["error"]["fields"]
    bad = admin.api.post(f"{API}/goods", json={"code": "9x", "name_fa": "", "categories": ["nope"]})
    assert bad.status_code == 400
    assert set(bad.json["error"]["fields"]) >= {"code", "name_fa", "name_en", "categories"}

    changed = admin.api.put(f"{API}/fields/handicrafts", json={"inputs": ["wool"], "outputs": ["felt"]})
    assert changed.status_code == 200 and changed.json["outputs"] == ["felt"] and changed.json["customised"]
    refused = admin.api.put(f"{API}/fields/handicrafts", json={"inputs": ["gold"], "outputs": []})
    assert refused.status_code == 400 and "inputs" in refused.json["error"]["fields"]
    assert admin.api.put(f"{API}/fields/nothing", json={"inputs": [], "outputs": ["wool"]}).status_code == 404
    # The page form does the same.
    page = admin.web.form(
        "/value_chain/admin/fields/handicrafts",
        {"inputs": ["wool", "yarn"], "outputs": ["felt"]},
        token_from="/value_chain/admin/goods",
    )
    assert page.status_code == 302
    assert admin.web.get("/value_chain/admin/goods").status_code == 200


def test_a_member_may_not_change_goods(someone):
    member = someone()
    assert member.api.post(f"{API}/goods", json={"code": "felt"}).status_code == 403
    assert member.web.get("/value_chain/admin/goods").status_code == 403

"""Anyone finds active cores by field, place and name, a page at a time, in a constant number of queries."""

from __future__ import annotations

import re

import pytest


@pytest.fixture
def approver(make_member):
    return make_member("admin", role_region=None)


def names_on(html: str) -> list[str]:
    import re

    return re.findall(r'data-testid="core-name">([^<]+)<', html)


def test_anyone_finds_the_saffron_cores_of_a_province(client, make_member, new_core, approver):
    leader = make_member()
    new_core(leader, name="زعفران سمیعی", field="saffron", region="khorasan-south/qaen", approve_by=approver)
    new_core(leader, name="زعفران پاریز", field="saffron", region="kerman/pariz", approve_by=approver)
    new_core(
        leader, name="دام بند یغمور", field="livestock", region="khorasan-south/qaen", approve_by=approver
    )
    new_core(leader, name="زعفران نامزد", field="saffron", region="khorasan-south/qaen")  # not approved yet

    by_field = client.get("/cores/?field=saffron").get_data(as_text=True)
    by_both = client.get("/cores/?field=saffron&region=khorasan-south").get_data(as_text=True)
    by_place = client.get("/cores/?region=kerman/pariz").get_data(as_text=True)

    assert set(names_on(by_field)) == {"زعفران پاریز", "زعفران سمیعی"}
    assert names_on(by_both) == ["زعفران سمیعی"]
    assert names_on(by_place) == ["زعفران پاریز"]
    assert '<html lang="fa" dir="rtl">' in by_field


def test_a_name_is_found_whatever_the_keyboard(client, make_member, new_core, approver):
    new_core(
        make_member(),
        name="هسته‌ی کاربافی یزد",
        field="hand_weaving",
        region="yazd/ardakan",
        approve_by=approver,
    )

    for typed in (
        "کاربافی",
        "كاربافي",
        "هسته ی کاربافی",
        "YZD-HAND_WEAVING-000001",
        "yzd-hand_weaving-000001",
    ):
        html = client.get("/cores/", query_string={"q": typed}).get_data(as_text=True)
        assert names_on(html) == ["هسته‌ی کاربافی یزد"], typed
    assert names_on(client.get("/cores/?q=زنبور").get_data(as_text=True)) == []


def test_the_search_is_paginated(client, make_member, new_core, approver):
    leader = make_member()
    for n in range(5):
        new_core(leader, name=f"هسته‌ی شماره {n}", approve_by=approver)

    first = client.get("/cores/?per_page=2").get_data(as_text=True)
    last = client.get("/cores/?per_page=2&page=3").get_data(as_text=True)

    assert len(names_on(first)) == 2
    assert len(names_on(last)) == 1
    assert "page=2" in first


@pytest.mark.parametrize(
    ("query", "field"),
    [("field=camels", "field"), ("region=atlantis", "region"), ("q=" + "ا" * 101, "q")],
)
def test_an_unknown_filter_is_named_not_an_empty_list(client, api_as, query, field):
    page = client.get(f"/cores/?{query}")
    api = client.get(f"/api/v1/cores?{query}")

    assert page.status_code == 400
    assert f'id="e-{field}"' in page.get_data(as_text=True)
    assert api.status_code == 400
    assert field in api.get_json()["error"]["fields"]


def test_a_bad_page_number_is_a_400(client):
    assert client.get("/cores/?page=abc").status_code == 400
    assert client.get("/api/v1/cores?per_page=0").status_code == 400


def test_the_search_page_costs_the_same_queries_for_3_or_30_cores(
    app, client, count_queries, make_member, new_core, approver
):
    def cores(n: int) -> None:
        for i in range(n):
            new_core(
                make_member(),
                name=f"هسته {i} {n}",
                field="clothing",
                region="sistan-baluchestan/arbab",
                approve_by=approver,
            )

    def measure() -> int:
        client.get("/cores/?per_page=50")  # warm up: the fields are seeded on first use
        with count_queries() as q:
            response = client.get("/cores/?per_page=50&field=clothing")
        assert response.status_code == 200
        return q.count

    cores(3)
    few = measure()
    cores(27)
    many = measure()

    assert many == few
    assert len(names_on(client.get("/cores/?per_page=50").get_data(as_text=True))) == 30


def test_the_reviewers_queue_costs_the_same_queries_as_it_grows(
    client_as, count_queries, make_member, new_core
):
    reviewer = client_as("admin", region="zanjan/zanjan")

    def measure() -> int:
        with count_queries() as q:
            assert reviewer.get("/cores/queue?per_page=50").status_code == 200
        return q.count

    for _ in range(2):
        new_core(make_member())
    few = measure()
    for _ in range(12):
        new_core(make_member())
    many = measure()

    assert many == few


def test_my_cores_list_costs_the_same_queries_as_it_grows(client_as, count_queries, new_core):
    jafar = client_as()

    def measure() -> int:
        with count_queries() as q:
            assert jafar.get("/cores/mine").status_code == 200
        return q.count

    new_core(jafar.member_id)
    few = measure()
    for _ in range(6):
        new_core(jafar.member_id)
    many = measure()

    assert many == few


def test_the_api_lists_active_cores_a_page_at_a_time(client, make_member, new_core, approver):
    leader = make_member()
    for n in range(3):
        new_core(
            leader, name=f"هسته‌ی {n}", field="beekeeping", region="hamadan/arzanfud", approve_by=approver
        )
    new_core(leader, name="نامزد", field="beekeeping", region="hamadan/arzanfud")

    body = client.get("/api/v1/cores?field=beekeeping&region=hamadan&per_page=2").get_json()

    assert body["meta"] == {"page": 1, "per_page": 2, "total": 3, "pages": 2}
    assert {item["status"] for item in body["items"]} == {"active"}
    assert body["items"][0]["code"].startswith("HMD-BEEKEEPING-")
    assert "national_code" not in str(body)


def test_a_candidate_is_seen_only_by_its_people_and_its_reviewers(
    client, client_as, api_as, make_member, new_core
):
    leader = client_as()
    core_id = new_core(leader.member_id, name="هسته‌ی نامزد")
    reviewer = client_as("admin", region="zanjan")
    stranger = client_as()

    assert client.get(f"/cores/{core_id}").status_code == 404
    assert stranger.get(f"/cores/{core_id}").status_code == 404
    assert api_as().get(f"/api/v1/cores/{core_id}").status_code == 404
    assert leader.get(f"/cores/{core_id}").status_code == 200
    assert reviewer.get(f"/cores/{core_id}").status_code == 200


def test_a_core_is_found_by_its_core_id(client, make_member, new_core, approver):
    core_id = new_core(make_member(), approve_by=approver)

    page = client.get("/cores/id/znj-livestock-۰۰۰۰۰۱")
    api = client.get("/api/v1/cores/by-code/ZNJ-LIVESTOCK-000001")

    assert page.status_code == 302
    assert page.headers["Location"].endswith(f"/cores/{core_id}")
    assert api.get_json()["id"] == core_id
    assert client.get("/api/v1/cores/by-code/ZNJ-LIVESTOCK-000099").status_code == 404
    # The core's page links its core ID's own address, the one labels and booths print.
    html = client.get(f"/cores/{core_id}").get_data(as_text=True)
    link = re.search(r'href="(/cores/id/[^"]+)" data-testid="core-code-link"', html)
    assert link and client.get(link.group(1)).headers["Location"].endswith(f"/cores/{core_id}")


def test_the_fields_of_work_are_listed(client):
    codes = [f["code"] for f in client.get("/api/v1/cores/fields").get_json()]

    assert codes[:8] == [
        "saffron",
        "hand_weaving",
        "clothing",
        "livestock",
        "beekeeping",
        "handicrafts",
        "food",
        "solar",
    ]


def test_the_pages_speak_english_by_choice(client, make_member, new_core, approver):
    core_id = new_core(make_member(), field="beekeeping", region="hamadan/arzanfud", approve_by=approver)
    client.get("/lang/en")

    search = client.get("/cores/?field=beekeeping").get_data(as_text=True)
    page = client.get(f"/cores/{core_id}").get_data(as_text=True)

    assert '<html lang="en" dir="ltr">' in search
    assert "Entrepreneurship cores" in search and "Beekeeping" in search
    assert "Core ID" in page and "HMD-BEEKEEPING-000001" in page
    assert "Arzanfud" in page

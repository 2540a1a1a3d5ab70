"""How the plugin sits in the host: loaded, switched off per region, documented, counted, no N+1."""

from __future__ import annotations

import json

from resalat_festivals import hooks

from resalat_core.sdk import get_region, ids_under
from resalat_core.testing import work

from .conftest import ARDAKAN

API = "/api/v1/festivals"


def test_the_plugin_is_loaded_after_cores_and_bazaar_and_declares_who_organises(app):
    result = app.test_cli_runner().invoke(args=["plugins", "list", "--json"])
    plugins = {row["name"]: row for row in json.loads(result.stdout)}
    assert plugins["festivals"]["status"] == "loaded", plugins["festivals"]["error"]
    names = [r.name for r in app.extensions["resalat"].plugins.loaded]
    assert names.index("cores") < names.index("festivals")
    assert names.index("bazaar") < names.index("festivals")
    roles = app.extensions["resalat"].permissions["festivals.organise"].roles
    assert {"admin", "guide", "social_leader"} <= set(roles)


def test_switched_off_in_yazd_it_has_no_tile_and_answers_404_there(app, organiser, make_festival, someone):
    fid = make_festival(organiser)
    reader = someone(region=ARDAKAN)
    zanjani = someone(region="zanjan/zanjan")
    assert 'href="/festivals/"' in reader.web.get("/").get_data(as_text=True)
    result = app.test_cli_runner().invoke(
        args=["modules", "disable", "festivals", "--region", "yazd", "--with-dependants"]
    )
    assert result.exit_code == 0, result.output
    assert reader.web.get("/festivals/").status_code == 404
    assert reader.web.get(f"/festivals/{fid}").status_code == 404
    assert reader.api.get(f"{API}/{fid}").status_code == 404
    assert 'href="/festivals/"' not in reader.web.get("/").get_data(as_text=True)
    assert zanjani.web.get(f"/festivals/{fid}").status_code == 200


def test_every_operation_is_in_the_openapi_document_under_festivals(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    ours = {path: ops for path, ops in paths.items() if path.startswith(API)}
    assert {tag for ops in ours.values() for op in ops.values() for tag in op["tags"]} == {"festivals"}
    assert set(ours[f"{API}/{{festival_id}}"]) == {"get", "put"}
    assert sum(len(ops) for ops in ours.values()) == 14


def test_the_festival_page_and_lists_cost_the_same_queries_for_one_core_or_five(
    organiser, make_core, make_festival, apply, decide, someone, count_queries
):
    reader = someone(region=ARDAKAN)
    small, large = make_festival(organiser, booths=10), make_festival(organiser, booths=10)
    for fid, n in ((small, 1), (large, 5)):
        for _ in range(n):
            core = make_core(products=2)
            decide(organiser, apply(fid, core))

    def cost(url: str, client) -> int:
        with count_queries() as q:
            assert client.get(url).status_code == 200
        return q.count

    urls = ("/festivals/{}", "/api/v1/festivals/{}", "/festivals/{}/applications", "/festivals/{}/report")
    for url in urls:
        client = reader if "applications" not in url and "report" not in url else organiser
        one = cost(url.format(small), client.web if url.startswith("/festivals") else client.api)
        five = cost(url.format(large), client.web if url.startswith("/festivals") else client.api)
        assert one == five, (url, one, five)
    assert cost("/festivals/", reader.web) == cost("/festivals/", reader.web)


def test_the_upcoming_list_costs_the_same_for_two_festivals_or_six(
    organiser, make_festival, someone, count_queries
):
    reader = someone(region=ARDAKAN)
    for _ in range(2):
        make_festival(organiser)
    with count_queries() as q:
        reader.web.get("/festivals/")
    two = q.count
    with count_queries() as q:
        reader.api.get(API)
    two_api = q.count
    for _ in range(4):
        make_festival(organiser)
    with count_queries() as q:
        reader.web.get("/festivals/")
    assert q.count == two
    with count_queries() as q:
        assert len(reader.api.get(API).get_json()["items"]) == 6
    assert q.count == two_api


def test_dashboard_figures_have_keys_and_count_within_the_area(
    app, organiser, make_core, make_festival, apply, decide
):
    fid = make_festival(organiser)
    decide(organiser, apply(fid, make_core()))
    apply(fid, make_core())
    with work(app) as s:
        yazd = ids_under(s, [get_region(s, "yazd")])
        zanjan = ids_under(s, [get_region(s, "zanjan")])
        here = {f.key: f.value for f in hooks.resalat_stats(session=s, area=yazd)}
        assert here == {
            "upcoming_festivals": 1,
            "festival_applications": 2,
            "festival_booths": 1,
            "festivals_finished": 0,
            "festival_fair_sales": 0,
        }
        assert set(f.value for f in hooks.resalat_stats(session=s, area=zanjan)) == {0}
        assert hooks.resalat_stats(session=s, area=None)[0].value == 1


def test_pages_speak_english_too(organiser, make_festival):
    fid = make_festival(organiser)
    organiser.web.get("/lang/en")
    page = organiser.web.get(f"/festivals/{fid}").get_data(as_text=True)
    assert 'dir="ltr"' in page and "The cores at the fair" in page

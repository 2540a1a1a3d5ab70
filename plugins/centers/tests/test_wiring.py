"""How the plugin sits in the host: loaded, switched on and off per region, documented, counted."""

from __future__ import annotations

import json

from resalat_centers import hooks, services
from resalat_centers.models import Centre

from resalat_core.sdk import get_region, ids_under

API = "/api/v1/centers"


def test_the_plugin_is_installed_and_loaded_after_cores(app):
    result = app.test_cli_runner().invoke(args=["plugins", "list", "--json"])
    plugins = {row["name"]: row for row in json.loads(result.stdout)}
    assert plugins["centers"]["status"] == "loaded", plugins["centers"]["error"]
    names = [r.name for r in app.extensions["resalat"].plugins.loaded]
    assert names.index("cores") < names.index("centers")


def test_it_declares_who_registers_and_who_manages_centres(app):
    perms = app.extensions["resalat"].permissions
    # Declared for admins; the supporter and social-leader roles add themselves (their Role says
    # so), whichever plugin declares them here: theirs, or the stand-in.
    assert set(perms["centers.register"].roles) == {"admin", "supporter"}
    assert set(perms["centers.manage"].roles) == {"admin", "social_leader"}


def test_switched_off_in_sistan_baluchestan_it_has_no_tile_and_answers_404_there(app, alghadir, someone):
    zanjani = someone(region="zanjan/zanjan")
    result = app.test_cli_runner().invoke(
        args=["modules", "disable", "centers", "--region", "sistan-baluchestan", "--with-dependants"]
    )
    assert result.exit_code == 0, result.output
    ghaderi = alghadir.ghaderi

    assert ghaderi.web.get("/centers/").status_code == 404
    assert ghaderi.api.get(f"{API}/{alghadir.id}").status_code == 404
    assert 'href="/centers/"' not in ghaderi.web.get("/").get_data(as_text=True)
    assert zanjani.web.get(f"/centers/{alghadir.id}").status_code == 200
    assert 'href="/centers/"' in zanjani.web.get("/").get_data(as_text=True)


def test_every_endpoint_is_in_the_openapi_document_under_centers(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    ours = {path: ops for path, ops in paths.items() if path.startswith(API)}

    assert len(ours) == 16
    assert {tag for ops in ours.values() for op in ops.values() for tag in op["tags"]} == {"centers"}
    assert set(ours[f"{API}/orders/{{order_id}}/shares"]) == {"get", "post"}


def test_the_dashboard_figures_count_centres_cores_orders_and_units_delivered_in_the_area(
    app, db, alghadir, make_order, split, act, read, count_queries
):
    order = make_order(alghadir.id, 20)
    (share,) = split(order, [(alghadir.cores[0], 20)])
    act("accept", share)
    act("deliver", share, 12)
    cancelled = make_order(alghadir.id, 5)
    with db() as s:
        services.cancel_order(s, cancelled, s.get(Centre, alghadir.id).leader)

    with db() as s:
        sistan = ids_under(s, [get_region(s, "sistan-baluchestan")])
        zanjan = ids_under(s, [get_region(s, "zanjan")])

        def figures(area):
            return {read(f.label, "en"): f.value for f in hooks.resalat_stats(session=s, area=area)}

        with count_queries() as q:
            nationwide = figures(None)
        assert nationwide == {
            "Cooperation centres": 1,
            "Cores in centres": 3,
            "Centres' orders": 1,
            "Units delivered": 12,
        }
        assert q.count == 1
        assert figures(sistan) == nationwide
        assert set(figures(zanjan).values()) == {0}


def test_pages_speak_english_too(alghadir):
    web = alghadir.ghaderi.web
    web.get("/lang/en")
    page = web.get(f"/centers/{alghadir.id}").get_data(as_text=True)
    assert 'dir="ltr"' in page and "Cores of the centre" in page

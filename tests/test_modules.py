"""Per-region activation of modules from the CLI: tiles, pages, API and hooks follow it everywhere."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from resalat_core.plugins.models import ModuleActivation
from resalat_core.testing import ResalatClient, counting_queries

FIXTURES = Path(__file__).resolve().parent / "fixtures"
GORG_TAPPEH = "zanjan/gorg-tappeh"  # a village in Zanjan province


@pytest.fixture
def modules_app(make_app: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """An app with the test module gallery, plus framing (which requires it) or four tile-only
    modules when asked; each is switched on everywhere, as an admin would."""
    monkeypatch.syspath_prepend(str(FIXTURES))  # tests run with --import-mode=importlib

    def factory(*, framing: bool = False, tiles: bool = False) -> Flask:
        from resalat_fixture_gallery import plugin as gallery
        from resalat_fixture_plain import plain_plugin
        from resalat_fixture_tiles import NAMES, tile_plugin

        extra = {"gallery": gallery}
        if framing:
            extra["framing"] = plain_plugin("framing", "gallery")
        if tiles:
            extra.update({f"tiles_{n}": tile_plugin(n) for n in NAMES})
        app = make_app(extra_plugins=extra)
        for name in extra:
            ok(cli(app, "modules", "enable", name, "--all"))
        return app

    return factory


def cli(app: Flask, *args: str) -> Any:
    return app.test_cli_runner().invoke(args=list(args))


def ok(result: Any) -> Any:
    assert result.exit_code == 0, result.output
    return result


def refused(result: Any, *words: str) -> None:
    """Exit code 1 and a message naming ``words``."""
    assert result.exit_code == 1, result.output
    for word in words:
        assert word in result.output


def signed_in(app: Flask, member_id: int) -> ResalatClient:
    app.test_client_class = ResalatClient
    client: ResalatClient = app.test_client()  # type: ignore[assignment]
    return client.sign_in(member_id)


def with_token(app: Flask, member_id: int) -> ResalatClient:
    from resalat_core.auth.services import issue_token
    from resalat_core.members.models import Member

    with app.app_context():
        session = app.extensions["resalat"].db.session()
        plain, _token = issue_token(session, session.get(Member, member_id), "test")
        session.commit()
    app.test_client_class = ResalatClient
    client: ResalatClient = app.test_client()  # type: ignore[assignment]
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {plain}"
    return client


def activation_rows(app: Flask) -> list[tuple[str, int | None, bool]]:
    with app.extensions["resalat"].db.new_session() as s:
        rows = s.execute(
            select(ModuleActivation.module, ModuleActivation.region_id, ModuleActivation.enabled)
        ).all()
    return sorted((tuple(r) for r in rows), key=lambda r: (r[0], r[1] or 0))  # type: ignore[misc]


def region_id(app: Flask, code: str) -> int:
    from resalat_core.regions.services import get_region

    with app.extensions["resalat"].db.new_session() as s:
        return get_region(s, code).id


def sees_gallery(app: Flask, member_id: int) -> bool:
    """Does this member see the gallery anywhere: tile, page or API? Asserts all three agree."""
    from resalat_fixture_gallery.hooks import TILE_TITLE

    client = signed_in(app, member_id)
    tile = TILE_TITLE in client.get("/").get_data(as_text=True)
    page = client.get("/gallery/").status_code
    api = with_token(app, member_id).get("/api/v1/gallery/items")
    assert (tile, page, api.status_code) in {(True, 200, 200), (False, 404, 404)}, (tile, page, api)
    if api.status_code == 404:
        assert api.get_json()["error"]["code"] == "not_found"
    return tile


def hook_answers(app: Flask, member_id: int) -> tuple[Any, list[Any], list[str]]:
    """What region-scoped hooks give for this member: notify's answer, the credit signals, and
    the modules notify would reach."""
    from resalat_core.members.models import Member
    from resalat_core.sdk import MessageKind, notify, region_hook

    with app.app_context():
        member = app.extensions["resalat"].db.session.get(Member, member_id)
        message = MessageKind("test", "Test", source="gallery")()
        answer = notify(member, message)
        signals = [s for r in region_hook("resalat_credit_signals", member)(member=member) for s in r]
        reached = [i.plugin_name for i in region_hook("resalat_notify", member).get_hookimpls()]
        app.extensions["resalat"].db.session.rollback()
    return answer, signals, reached


# --- switching a module off and on ---------------------------------------------------------------


def test_a_module_switched_off_in_zanjan_vanishes_there_but_stays_in_tehran(
    modules_app: Any, make_member: Any
) -> None:
    from resalat_fixture_gallery.hooks import CREDIT_SIGNAL, NOTIFY_ANSWER

    app = modules_app()
    villager = make_member(region=GORG_TAPPEH)
    tehrani = make_member(region="tehran/tehran")
    assert sees_gallery(app, villager)

    ok(cli(app, "modules", "disable", "gallery", "--region", "zanjan"))

    assert not sees_gallery(app, villager)
    answer, signals, reached = hook_answers(app, villager)
    assert answer != NOTIFY_ANSWER
    assert CREDIT_SIGNAL not in signals
    assert "gallery" not in reached
    if not reached:  # no other notifying module is installed: nobody is told
        assert answer is None

    assert sees_gallery(app, tehrani)
    answer, signals, reached = hook_answers(app, tehrani)
    assert answer == NOTIFY_ANSWER
    assert CREDIT_SIGNAL in signals


def test_a_place_can_switch_on_a_module_its_province_has_off(modules_app: Any, make_member: Any) -> None:
    app = modules_app()
    villager = make_member(region=GORG_TAPPEH)
    townsman = make_member(region="zanjan/zanjan")
    ok(cli(app, "modules", "disable", "gallery", "--region", "zanjan"))

    ok(cli(app, "modules", "enable", "gallery", "--region", GORG_TAPPEH))

    assert sees_gallery(app, villager)
    assert not sees_gallery(app, townsman)
    # A later decision for the whole province replaces the village's own.
    ok(cli(app, "modules", "disable", "gallery", "--region", "zanjan"))
    assert not sees_gallery(app, villager)


def test_switching_a_module_for_all_regions_clears_the_regional_choices(
    modules_app: Any, make_member: Any
) -> None:
    app = modules_app()
    villager = make_member(region=GORG_TAPPEH)
    tehrani = make_member(region="tehran/tehran")
    ok(cli(app, "modules", "disable", "gallery", "--region", "zanjan"))
    ok(cli(app, "modules", "enable", "gallery", "--region", GORG_TAPPEH))

    ok(cli(app, "modules", "disable", "gallery", "--all"))
    assert [r for r in activation_rows(app) if r[0] == "gallery"] == [("gallery", None, False)]
    assert not sees_gallery(app, villager)
    assert not sees_gallery(app, tehrani)

    ok(cli(app, "modules", "enable", "gallery", "--all"))
    assert sees_gallery(app, villager)


def test_modules_list_json_gives_a_module_by_province_matrix(modules_app: Any) -> None:
    app = modules_app()
    ok(cli(app, "modules", "disable", "gallery", "--region", "zanjan"))
    ok(cli(app, "modules", "enable", "gallery", "--region", GORG_TAPPEH))

    data = json.loads(ok(cli(app, "modules", "list", "--json")).output)

    assert "gallery" in data["modules"]
    assert len(data["matrix"]["gallery"]) == 31  # every province
    assert data["matrix"]["gallery"]["zanjan"] is False
    assert data["matrix"]["gallery"]["tehran"] is True
    assert {"module": "gallery", "region": GORG_TAPPEH, "enabled": True} in data["rows"]
    assert {"module": "gallery", "region": None, "enabled": True} in data["rows"]
    # The matrix shows provinces; a village's own decision is listed under it in the text output.
    text = ok(cli(app, "modules", "list")).output
    assert f"{GORG_TAPPEH}: gallery on" in text


# --- requirements ------------------------------------------------------------------------------


def test_a_module_cannot_be_switched_on_where_what_it_requires_is_off(modules_app: Any) -> None:
    app = modules_app(framing=True)
    ok(cli(app, "modules", "disable", "framing", "--region", "zanjan"))
    ok(cli(app, "modules", "disable", "gallery", "--region", "zanjan"))
    before = activation_rows(app)

    refused(cli(app, "modules", "enable", "framing", "--region", "zanjan"), "framing", "gallery")
    refused(cli(app, "modules", "enable", "framing", "--region", GORG_TAPPEH), "gallery")
    assert activation_rows(app) == before


def test_a_province_cannot_switch_on_a_module_whose_requirement_is_off_in_one_of_its_villages(
    modules_app: Any,
) -> None:
    app = modules_app(framing=True)
    ok(cli(app, "modules", "disable", "framing", "--region", "zanjan"))
    ok(cli(app, "modules", "disable", "gallery", "--region", GORG_TAPPEH))
    before = activation_rows(app)

    # On for the province means on in every village of it, Gorg-Tappeh included.
    refused(cli(app, "modules", "enable", "framing", "--region", "zanjan"), "gallery")
    assert activation_rows(app) == before


def test_a_module_others_require_cannot_be_switched_off_under_them(modules_app: Any) -> None:
    app = modules_app(framing=True)
    before = activation_rows(app)

    refused(cli(app, "modules", "disable", "gallery", "--region", "zanjan"), "framing", "gallery")
    refused(cli(app, "modules", "disable", "gallery", "--region", GORG_TAPPEH), "framing")
    refused(cli(app, "modules", "disable", "gallery", "--all"), "framing")
    assert activation_rows(app) == before


def test_an_admin_can_switch_off_a_module_with_what_requires_it(modules_app: Any) -> None:
    app = modules_app(framing=True)
    ok(cli(app, "modules", "disable", "gallery", "--region", "zanjan", "--with-dependants"))
    zanjan = region_id(app, "zanjan")
    rows = {(m, r): on for m, r, on in activation_rows(app)}
    assert rows[("framing", zanjan)] is False  # the dependant first ...
    assert rows[("gallery", zanjan)] is False  # ... then the module itself
    assert rows[("gallery", None)] is True  # elsewhere nothing changed


def test_a_province_cannot_switch_off_what_a_village_of_it_still_uses(modules_app: Any) -> None:
    app = modules_app(framing=True)
    ok(cli(app, "modules", "disable", "framing", "--region", "zanjan"))
    ok(cli(app, "modules", "enable", "framing", "--region", GORG_TAPPEH))
    before = activation_rows(app)

    refused(cli(app, "modules", "disable", "gallery", "--region", "zanjan"), "framing")
    assert activation_rows(app) == before


# --- bad input ---------------------------------------------------------------------------------

BAD_INPUT = [
    (["enable", "sculpture", "--all"], "sculpture"),
    (["disable", "gallery", "--region", "atlantis"], "atlantis"),
    (["disable", "gallery", "--region", "zanjan", "--all"], "--all"),
    (["enable", "gallery"], "--region"),
]


@pytest.mark.parametrize(
    ("args", "named"), BAD_INPUT, ids=["unknown-module", "unknown-region", "both", "neither"]
)
def test_bad_module_commands_change_nothing_and_say_why(
    modules_app: Any, args: list[str], named: str
) -> None:
    app = modules_app()
    before = activation_rows(app)

    refused(cli(app, "modules", *args), named)
    assert activation_rows(app) == before


# --- cost ----------------------------------------------------------------------------------------


def home_page_statements(app: Flask, member_id: int) -> list[str]:
    client = signed_in(app, member_id)
    assert client.get("/").status_code == 200  # warm up: first-request work is not per request
    with counting_queries(app) as queries:
        client.get("/")
    return queries.statements


def test_the_activation_table_is_read_once_per_request_however_many_modules(
    modules_app: Any, make_member: Any
) -> None:
    member = make_member(region=GORG_TAPPEH)
    one = modules_app()
    five = modules_app(tiles=True)
    assert signed_in(five, member).get("/").get_data(as_text=True).count("Tile of tiles_") == 4

    with_one = home_page_statements(one, member)
    with_five = home_page_statements(five, member)

    assert len(with_five) == len(with_one)
    assert sum("module_activations" in s for s in with_five) <= 1


# --- the admin's page -------------------------------------------------------------------------


def test_an_admin_switches_a_module_off_and_on_for_a_province_on_the_modules_page(
    modules_app: Any, make_member: Any
) -> None:
    app = modules_app()
    admin = signed_in(app, make_member("admin", region="tehran/tehran", role_region=None))
    villager = make_member(region=GORG_TAPPEH)
    page = admin.get("/admin/modules?region=zanjan").get_data(as_text=True)
    assert 'data-testid="switch-gallery"' in page

    sent = admin.form("/admin/modules?region=zanjan", {"module": "gallery", "enabled": "0"})
    assert sent.status_code == 302
    assert not sees_gallery(app, villager)
    assert ("gallery", region_id(app, "zanjan"), False) in activation_rows(app)

    admin.form("/admin/modules?region=zanjan", {"module": "gallery", "enabled": "1"})
    assert sees_gallery(app, villager)


def test_the_modules_page_refuses_what_the_cli_refuses_and_changes_nothing(
    modules_app: Any, make_member: Any
) -> None:
    app = modules_app(framing=True)
    admin = signed_in(app, make_member("admin", region="tehran/tehran", role_region=None))
    before = activation_rows(app)

    # Framing requires the gallery: the gallery cannot go off under it.
    refused_page = admin.form("/admin/modules?region=zanjan", {"module": "gallery", "enabled": "0"})
    assert refused_page.status_code == 400
    assert "framing" in refused_page.get_data(as_text=True)
    unknown = admin.form("/admin/modules?region=zanjan", {"module": "sculpture", "enabled": "0"})
    assert unknown.status_code in (400, 404)
    assert activation_rows(app) == before


def test_a_provincial_admin_switches_modules_only_in_their_province(
    modules_app: Any, make_member: Any
) -> None:
    app = modules_app()
    admin = signed_in(app, make_member("admin", region="zanjan/zanjan"))  # held in Zanjan province
    page = admin.get("/admin/modules").get_data(as_text=True)
    assert 'value="zanjan"' in page and 'value="tehran"' not in page
    assert admin.get("/admin/modules?region=tehran").status_code == 403
    before = activation_rows(app)

    off = {"module": "gallery", "enabled": "0"}
    refused = admin.form("/admin/modules?region=tehran", off, token_from="/")
    assert refused.status_code == 403
    assert activation_rows(app) == before
    admin.form("/admin/modules?region=zanjan", {"module": "gallery", "enabled": "0"})
    assert ("gallery", region_id(app, "zanjan"), False) in activation_rows(app)
    assert signed_in(app, make_member()).get("/admin/modules").status_code == 403

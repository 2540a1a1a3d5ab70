"""Plugin discovery, load order, failure isolation and namespacing, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from resalat_core.errors import PluginError
from resalat_core.plugins.manager import resolve_order
from resalat_core.testing import ResalatClient

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def fixture_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the test-only plugin packages importable (tests run with --import-mode=importlib)."""
    monkeypatch.syspath_prepend(str(FIXTURES))


def gallery() -> Any:
    from resalat_fixture_gallery import plugin

    return plugin


def plain(name: str, *requires: str) -> Any:
    from resalat_fixture_plain import plain_plugin

    return plain_plugin(name, *requires)


def signed_in(app: Flask, member_id: int) -> ResalatClient:
    app.test_client_class = ResalatClient
    client: ResalatClient = app.test_client()  # type: ignore[assignment]
    return client.sign_in(member_id)


def cli(app: Flask, *args: str) -> Any:
    return app.test_cli_runner().invoke(args=list(args))


def listing(app: Flask) -> dict[str, dict[str, Any]]:
    """`resalat plugins list --json`, read the way a script would, by plugin name."""
    result = cli(app, "plugins", "list", "--json")
    assert result.exit_code == 0, result.output
    return {row["name"]: row for row in json.loads(result.output)}


def enable_everywhere(app: Flask, *names: str) -> None:
    for name in names:
        result = cli(app, "modules", "enable", name, "--all")
        assert result.exit_code == 0, result.output


def installed_and_loaded(session_app: Flask) -> set[str]:
    return {r.name for r in session_app.extensions["resalat"].plugins.loaded}


# --- a plugin given in code ----------------------------------------------------------------------


def test_a_plugin_given_in_code_serves_its_pages_tiles_api_and_commands(
    make_app: Any, make_member: Any, fixture_plugins: None
) -> None:
    from resalat_fixture_gallery import hooks

    app = make_app(extra_plugins={"gallery": gallery()})
    assert app.extensions["resalat"].plugins.is_loaded("gallery")
    enable_everywhere(app, "gallery")
    client = signed_in(app, make_member())

    home = client.get("/")
    assert home.status_code == 200
    assert hooks.TILE_TITLE in home.get_data(as_text=True)
    page = client.get("/gallery/")
    assert page.status_code == 200
    assert 'data-testid="gallery-page"' in page.get_data(as_text=True)
    # The page extends the host layout, so the member finds the usual navigation around it.
    assert 'dir="rtl"' in page.get_data(as_text=True)
    assert client.get("/api/v1/gallery/items").get_json() == {"items": ["miniature"]}

    assert "gallery" in cli(app, "--help").output
    result = cli(app, "gallery", "hello")
    assert result.exit_code == 0, result.output
    assert hooks.GREETING in result.output
    assert "gallery.curate" in app.extensions["resalat"].permissions


def test_plugins_list_json_describes_every_plugin_for_scripts(make_app: Any, fixture_plugins: None) -> None:
    app = make_app(extra_plugins={"gallery": gallery(), "framing": plain("framing", "gallery")})
    rows = listing(app)
    for row in rows.values():
        assert {"name", "version", "status", "requires", "error"} <= row.keys()
    assert (rows["gallery"]["version"], rows["gallery"]["status"], rows["gallery"]["error"]) == (
        "1.2.3",
        "loaded",
        None,
    )
    assert rows["framing"]["requires"] == ["gallery"]


def test_plugins_given_in_code_are_loaded_after_what_they_require(
    make_app: Any, fixture_plugins: None
) -> None:
    # Names chosen so that alphabetical order would be the wrong order.
    app = make_app(
        extra_plugins={
            "alpha": plain("alpha", "mid"),
            "mid": plain("mid", "zulu"),
            "zulu": plain("zulu"),
        }
    )
    order = app.extensions["resalat"].plugins.order
    assert order.index("zulu") < order.index("mid") < order.index("alpha")


# --- a really installed plugin that cannot be imported -------------------------------------------


def install_distribution(site: Path, entry_points: str, packages: dict[str, str]) -> None:
    """Write an installed distribution into ``site`` the way pip would: dist-info plus packages."""
    dist = site / "resalat_fixture_broken-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: resalat-fixture-broken\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text(f"[resalat.plugins]\n{entry_points}\n")
    for name, source in packages.items():
        (site / name).mkdir()
        (site / name / "__init__.py").write_text(source)


@pytest.fixture
def broken_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fixture_plugins: None) -> None:
    """An installed plugin whose import raises, and one whose entry point is not a Plugin."""
    install_distribution(
        tmp_path,
        "broken = broken_pkg:plugin\nimpostor = impostor_pkg:plugin",
        {
            "broken_pkg": 'raise RuntimeError("broken_pkg needs a licence key")\n',
            "impostor_pkg": 'plugin = "not a plugin object"\n',
        },
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    # stevedore keeps the entry points it found per namespace for the life of the process, and its
    # scans per sys.path on disk: start from an empty memory for this test, and write nothing to the
    # user's cache (the new sys.path gives a fresh scan anyway).
    from stevedore import ExtensionManager, _cache

    monkeypatch.setattr(ExtensionManager, "ENTRY_POINT_CACHE", {})
    monkeypatch.setattr(_cache._c, "_disable_caching", True)


def test_an_installed_plugin_that_fails_to_import_is_listed_as_failed_and_the_rest_carry_on(
    make_app: Any, make_member: Any, broken_install: None, app: Flask
) -> None:
    # The plugins installed for real, which the session's app loaded without the broken one.
    installed = installed_and_loaded(app)
    with_broken = make_app(extra_plugins={"gallery": gallery()})

    rows = listing(with_broken)
    assert rows["broken"]["status"] == "failed"
    assert "RuntimeError" in rows["broken"]["error"]
    assert "broken_pkg needs a licence key" in rows["broken"]["error"]
    assert rows["gallery"]["status"] == "loaded"
    for name in installed:
        assert rows[name]["status"] == "loaded", rows[name]
    # The host still starts and serves.
    assert with_broken.test_client().get("/healthz").get_json() == {"status": "ok"}
    enable_everywhere(with_broken, "gallery")
    assert signed_in(with_broken, make_member()).get("/gallery/").status_code == 200


def test_an_entry_point_that_is_not_a_plugin_object_is_refused(make_app: Any, broken_install: None) -> None:
    rows = listing(make_app())
    assert rows["impostor"]["status"] == "failed"
    assert "not a resalat Plugin object" in rows["impostor"]["error"]


def test_plugins_list_shows_the_failure_to_a_person_too(make_app: Any, broken_install: None) -> None:
    result = cli(make_app(), "plugins", "list")
    assert result.exit_code == 0, result.output
    line = next(line for line in result.output.splitlines() if line.startswith("broken "))
    assert "failed" in line
    assert "RuntimeError: broken_pkg needs a licence key" in result.output.split(line, 1)[1]


# --- requirements --------------------------------------------------------------------------------


def test_a_plugin_missing_its_requirement_fails_naming_it(make_app: Any, fixture_plugins: None) -> None:
    app = make_app(extra_plugins={"orphan": plain("orphan", "ghost"), "gallery": gallery()})
    rows = listing(app)
    assert rows["orphan"]["status"] == "failed"
    assert "ghost" in rows["orphan"]["error"]
    assert rows["gallery"]["status"] == "loaded"


def test_a_plugin_requiring_a_failed_plugin_fails_too(
    make_app: Any, broken_install: None, fixture_plugins: None
) -> None:
    rows = listing(make_app(extra_plugins={"mender": plain("mender", "broken")}))
    assert rows["mender"]["status"] == "failed"
    assert "broken" in rows["mender"]["error"]


def test_a_requirement_cycle_fails_every_plugin_on_it_naming_the_cycle(
    make_app: Any, fixture_plugins: None
) -> None:
    app = make_app(
        extra_plugins={
            "cycle_a": plain("cycle_a", "cycle_b"),
            "cycle_b": plain("cycle_b", "cycle_a"),
            "leaning": plain("leaning", "cycle_a"),
            "gallery": gallery(),
        }
    )
    rows = listing(app)
    for name in ("cycle_a", "cycle_b"):
        assert rows[name]["status"] == "failed"
        assert "cycl" in rows[name]["error"]
        assert "cycle_a" in rows[name]["error"] and "cycle_b" in rows[name]["error"]
    assert rows["leaning"]["status"] == "failed"
    assert "cycle_a" in rows["leaning"]["error"]
    assert rows["gallery"]["status"] == "loaded"


def test_resolve_order_puts_every_plugin_after_its_requirements(fixture_plugins: None) -> None:
    plugins = {"alpha": plain("alpha", "zulu", "mid"), "mid": plain("mid", "zulu"), "zulu": plain("zulu")}
    assert resolve_order(plugins) == ["zulu", "mid", "alpha"]


def test_resolve_order_names_a_missing_requirement(fixture_plugins: None) -> None:
    with pytest.raises(PluginError, match="orphan requires ghost"):
        resolve_order({"orphan": plain("orphan", "ghost"), "zulu": plain("zulu")})


def test_resolve_order_names_the_plugins_on_a_cycle(fixture_plugins: None) -> None:
    with pytest.raises(PluginError, match="cyclic") as caught:
        resolve_order({"cycle_a": plain("cycle_a", "cycle_b"), "cycle_b": plain("cycle_b", "cycle_a")})
    assert "cycle_a" in str(caught.value) and "cycle_b" in str(caught.value)


# --- namespacing and failures while registering --------------------------------------------------


def footprint(app: Flask) -> dict[str, Any]:
    """What plugins can add to an app: routes, commands, permissions, template folders."""
    state = app.extensions["resalat"]
    return {
        "routes": sorted((r.rule, r.endpoint) for r in app.url_map.iter_rules()),
        "commands": {name: id(cmd) for name, cmd in app.cli.commands.items()},
        "permissions": sorted(state.permissions),
        "templates": sorted(state.plugin_loaders),
        "tile_hooks": sorted(i.plugin_name for i in state.plugins.pm.hook.resalat_tiles.get_hookimpls()),
    }


REFUSALS = [
    ("bad_blueprint_name", "clash", "blueprint 'shop' must be named 'clash'"),
    ("bad_url_prefix", "clash", "URL prefix '/bazaar'; use /clash or /api/v1/clash"),
    ("lookalike_url_prefix", "clash", "URL prefix '/clashing'"),
    ("bad_cli_group", "clash", "CLI group must be named 'clash', not 'shop'"),
    ("bad_permission", "clash", "permission 'bazaar.refund' must start with 'clash.'"),
    ("bad_templates", "clash", "templates must live in templates/clash/; found templates/shop/"),
    ("undeclared_view", "clash", "must declare who may call them"),
    ("raises_in_blueprints", "clash", "RuntimeError: the archive server is unreachable"),
    ("raises_in_cli", "clash", "RuntimeError: the command table is corrupt"),
    ("duplicate_blueprint", "clash", "blueprint name 'clash' is already taken"),
    ("host_cli_name", "members", "CLI group 'members' is already taken"),
]


@pytest.mark.parametrize(("case", "name", "reason"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_a_plugin_stepping_outside_its_namespace_is_refused_and_leaves_no_trace(
    make_app: Any, fixture_plugins: None, case: str, name: str, reason: str
) -> None:
    from resalat_fixture_clash import clash_plugin

    baseline = make_app(extra_plugins={"gallery": gallery()})
    app = make_app(extra_plugins={"gallery": gallery(), name: clash_plugin(case, name)})

    row = listing(app)[name]
    assert row["status"] == "failed"
    assert reason in row["error"]
    assert footprint(app) == footprint(baseline)
    assert app.test_client().get(f"/{name}/").status_code == 404
    # The plugin next to it is unharmed.
    assert listing(app)["gallery"]["status"] == "loaded"


def test_a_plugin_setting_comes_from_the_config_file_or_its_default(make_app: Any) -> None:
    from resalat_core.plugins.base import Plugin

    plugin = Plugin(
        name="tuned",
        version="1",
        title="Tuned",
        package="resalat_core",
        sdk=">=1,<2",
        settings={"limit": 10, "days": 7},
    )
    app = make_app(plugins={"tuned": {"limit": 25}}, tuned_days="9")
    with app.app_context():
        assert plugin.setting("limit") == 25  # set by the deployment's config file
        assert plugin.setting("days") == 9  # set as RESALAT_TUNED_DAYS, read as a number
        with pytest.raises(KeyError):
            plugin.setting("undeclared")
    assert plugin.setting("limit") == 10  # outside an app: the default
    plain = make_app()
    with plain.app_context():
        assert plugin.setting("days") == 7  # the plugin's default


def test_any_command_reports_a_plugin_that_cannot_load_in_one_line(tmp_path: Path) -> None:
    """`resalat ...` still works; the broken plugin is one line on stderr, never a traceback."""
    import os
    import subprocess
    import sys

    install_distribution(
        tmp_path, "broken = broken_pkg:plugin", {"broken_pkg": 'raise RuntimeError("needs a licence key")\n'}
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env["RESALAT_DATABASE_URL"] = f"sqlite:///{tmp_path / 'unused.db'}"
    script = Path(sys.executable).parent / "resalat"
    done = subprocess.run(  # noqa: S603
        [str(script), "plugins", "list"], capture_output=True, text=True, env=env, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    about_broken = [line for line in done.stderr.splitlines() if "broken" in line]
    assert len(about_broken) == 1, done.stderr
    assert "needs a licence key" in about_broken[0]
    assert "Traceback" not in done.stderr

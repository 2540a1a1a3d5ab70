"""`resalat plugin new` writes a plugin that installs, migrates and passes its own tests."""

from __future__ import annotations

import ast
import importlib.metadata
import json
import os
import re
import secrets
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest
from flask import Flask
from sqlalchemy.engine import make_url

from resalat_core import scaffold, testing
from resalat_core.app import create_app
from resalat_core.migrate import HOST_BASE_REVISION
from resalat_core.scaffold import RESERVED_NAMES, ScaffoldError, render_plugin, revision_id, write_plugin

HOST_ROOT = Path(__file__).resolve().parents[1]
NAME = "demo_widget"
BAD_NAMES = ["", "w", "Widget", "1widget", "_widget", "my-widget", "widget!", "w" * 41, "ویجت", "a b"]


@pytest.fixture(scope="module")
def cli_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """An app to run `resalat` commands in; `plugin new` never opens its (empty) database."""
    database = tmp_path_factory.mktemp("cli") / "unused.db"
    app = create_app(testing.test_config(f"sqlite:///{database}"))
    yield app
    app.extensions["resalat"].db.dispose()


def plugin_new(app: Flask, *args: str) -> Any:
    return app.test_cli_runner().invoke(args=["plugin", "new", *args])


def run(args: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """Run a command to completion; fail the test with its output unless it exits 0."""
    proc = subprocess.run(args, capture_output=True, text=True, timeout=600, check=False, **kwargs)  # noqa: S603
    assert proc.returncode == 0, f"{' '.join(args)} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    return proc


# --- refusing --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", BAD_NAMES + sorted(RESERVED_NAMES))
def test_a_bad_or_reserved_name_is_refused_and_nothing_is_written(
    cli_app: Flask, tmp_path: Path, name: str
) -> None:
    dest = tmp_path / "plugins"
    result = plugin_new(cli_app, name, "--dest", str(dest))
    assert result.exit_code == 1, result.output
    assert "plugin name" in result.output
    assert not dest.exists()


def test_an_existing_folder_is_refused_and_left_as_it_was(cli_app: Flask, tmp_path: Path) -> None:
    (tmp_path / NAME).mkdir()
    (tmp_path / NAME / "notes.txt").write_text("mine")
    result = plugin_new(cli_app, NAME, "--dest", str(tmp_path))
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert sorted(p.name for p in tmp_path.rglob("*")) == [NAME, "notes.txt"]


@pytest.mark.parametrize(
    ("option", "title"),
    [("--title-fa", "   "), ("--title-en", "x" * 61), ("--title-en", "bell\x07")],
)
def test_a_bad_title_is_refused_and_nothing_is_written(
    cli_app: Flask, tmp_path: Path, option: str, title: str
) -> None:
    result = plugin_new(cli_app, NAME, "--dest", str(tmp_path / "plugins"), option, title)
    assert result.exit_code == 1
    assert option in result.output
    assert not (tmp_path / "plugins").exists()


def test_the_name_of_an_installed_plugin_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    installed = importlib.metadata.EntryPoint(NAME, "resalat_demo_widget:plugin", "resalat.plugins")
    monkeypatch.setattr(
        importlib.metadata,
        "entry_points",
        lambda **select: importlib.metadata.EntryPoints([installed]).select(**select),
    )
    with pytest.raises(ScaffoldError, match="already installed"):
        write_plugin(NAME, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_leaves_no_half_plugin(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    written: list[Path] = []
    original = Path.write_text

    def disk_fills_up(self: Path, *args: Any, **kwargs: Any) -> int:
        if len(written) == 3:
            raise OSError(28, "No space left on device")
        written.append(self)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", disk_fills_up)
    with pytest.raises(ScaffoldError, match="No space left"):
        write_plugin(NAME, tmp_path)
    assert list(tmp_path.iterdir()) == []


# --- what is written -------------------------------------------------------------------------------


def test_every_template_is_written_somewhere() -> None:
    root = scaffold.TEMPLATE_DIR
    templates = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    assert templates == set(scaffold.FILES)


def test_each_plugin_gets_its_own_first_revision_on_its_own_branch() -> None:
    ids = {revision_id(name) for name in ("demo_widget", "health_clinic", "merat", "bazaar")}
    assert len(ids) == 4
    assert all(re.fullmatch(r"[0-9a-f]{12}", rev) for rev in ids)
    assert HOST_BASE_REVISION not in ids
    migration = next(text for path, text in render_plugin("health_clinic").items() if "/migrations/" in path)
    assert f'revision: str = "{revision_id("health_clinic")}"' in migration
    assert "down_revision: str | Sequence[str] | None = None" in migration
    assert 'branch_labels: str | Sequence[str] | None = ("health_clinic",)' in migration
    assert f'depends_on: str | Sequence[str] | None = "{HOST_BASE_REVISION}"' in migration


def test_generated_python_is_ruff_clean_formatted_and_documented(tmp_path: Path) -> None:
    # The shortest and longest names, and titles that need escaping, must all come out clean.
    write_plugin(NAME, tmp_path)
    write_plugin("zz", tmp_path, title_fa="کتاب‌های «خوب»", title_en='The "best" \\ market')
    write_plugin("a" + "b" * 39, tmp_path, title_fa="ب" * 60, title_en="Farmer's" + "x" * 52)
    write_plugin("a_b_c_d_e_f_g_h_i_j_k_l_m_n_o_p_q_r_s_t", tmp_path, title_en="x" * 60)
    # The host's settings: generated plugins live in plugins/, under the host's pyproject.toml.
    settings = ["--no-cache", "--config", str(HOST_ROOT / "pyproject.toml"), str(tmp_path)]
    run([sys.executable, "-m", "ruff", "check", *settings])
    run([sys.executable, "-m", "ruff", "format", "--check", "--diff", *settings])
    sources = sorted(tmp_path.rglob("*.py"))
    assert len(sources) == 4 * 15
    for path in sources:
        text = path.read_text(encoding="utf-8")
        docstring = ast.get_docstring(ast.parse(text), clean=False)
        assert docstring and "\n" not in docstring and text.startswith('"""'), path


# --- end to end ------------------------------------------------------------------------------------


@contextmanager
def fresh_postgres() -> Iterator[str | None]:
    """A new database on the test PostgreSQL server, dropped afterwards; None without one.

    The plugin's tests reset their database, so they get one of their own rather than the one
    this session's other tests are using.
    """
    url = os.environ.get(testing.PG_ENV)
    if not url:
        yield None
        return
    server = make_url(url)
    name = f"{server.database}_plugin_{secrets.token_hex(4)}"
    libpq = server.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(libpq, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(libpq, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def resalat_command() -> list[str]:
    script = Path(sys.executable).parent / "resalat"
    return [str(script)] if script.exists() else [sys.executable, "-m", "cli"]


# Run in a fresh interpreter with the installed plugin: drift about its table, then a round trip
# down its branch and up again, which proves the hand-written downgrade too.
MIGRATION_CHECK = """
import json, sys
from sqlalchemy import inspect
from resalat_core import migrate
from resalat_core.app import create_app

name = sys.argv[1]
app = create_app()
engine = app.extensions["resalat"].db.engine
with app.app_context():
    drift = [repr(d) for d in migrate.schema_drift(app) if f"{name}_items" in repr(d)]
    migrate.downgrade(app, f"{name}@base")
    after_downgrade = inspect(engine).has_table(f"{name}_items")
    migrate.upgrade(app)
    after_upgrade = inspect(engine).has_table(f"{name}_items")
print(json.dumps({"drift": drift, "after_downgrade": after_downgrade, "after_upgrade": after_upgrade}))
"""


def test_a_new_plugin_installs_migrates_and_passes_its_own_tests(cli_app: Flask, tmp_path: Path) -> None:
    result = plugin_new(
        cli_app, NAME, "--dest", str(tmp_path), "--title-fa", "ابزارک نمونه", "--title-en", "Demo widget"
    )
    assert result.exit_code == 0, result.output
    source = tmp_path / NAME

    # Installed into a folder of its own, not the shared virtualenv: other engineers' test runs
    # (and their databases) never see it, and a regular (not editable) install also proves the
    # templates and migrations are in the package data.
    site = tmp_path / "site"
    run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-input"]
        + ["--no-build-isolation", "--no-deps", "--target", str(site), str(source)]
    )
    env = {k: v for k, v in os.environ.items() if k not in {"RESALAT_DATABASE_URL", testing.PG_ENV}}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")]))
    # stevedore caches entry-point scans on disk; a cache of our own can never be stale.
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    resalat = resalat_command()

    listing = json.loads(run([*resalat, "plugins", "list", "--json"], env=env, cwd=tmp_path).stdout)
    row = next(r for r in listing if r["name"] == NAME)
    assert (row["status"], row["version"], row["error"]) == ("loaded", "0.1.0", None), row
    assert row["title"] == "Demo widget"  # the CLI speaks English; pages read the catalogue

    # Testing mode hashes the demo personas' passwords quickly.
    db_env = {**env, "RESALAT_DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.db'}", "RESALAT_TESTING": "1"}
    run([*resalat, "db", "upgrade"], env=db_env, cwd=tmp_path)
    current = json.loads(run([*resalat, "db", "current", "--json"], env=db_env, cwd=tmp_path).stdout)
    assert revision_id(NAME) in current["current"]
    check = run([sys.executable, "-c", MIGRATION_CHECK, NAME], env=db_env, cwd=tmp_path)
    assert json.loads(check.stdout.splitlines()[-1]) == {
        "drift": [],
        "after_downgrade": False,
        "after_upgrade": True,
    }
    # Its demo hook adds two items, and its own command counts them.
    run([*resalat, "demo"], env=db_env, cwd=tmp_path)
    count = run([*resalat, NAME, "count", "--json"], env=db_env, cwd=tmp_path)
    assert json.loads(count.stdout) == {"count": 2}

    with fresh_postgres() as postgres:
        test_env = dict(env)
        # The scaffold's own run meets both databases, whichever one this run was narrowed to.
        test_env.pop(testing.BACKENDS_ENV, None)
        if postgres:
            test_env[testing.PG_ENV] = postgres
        tests = source / "tests"
        pytest_args = ["-q", "-p", "no:cacheprovider", "--import-mode=importlib"]
        proc = run([sys.executable, "-m", "pytest", str(tests), *pytest_args], env=test_env, cwd=tmp_path)
    # Every test ran and passed, on each backend: a skipped plugin test would hide a broken install.
    per_backend = (tests / f"test_{NAME}.py").read_text(encoding="utf-8").count("\ndef test_")
    expected = per_backend * (2 if postgres else 1)
    assert re.search(rf"\b{expected} passed\b", proc.stdout), proc.stdout

"""Plugins reach the host only through its SDK, and other plugins only through declared services."""

from __future__ import annotations

import ast
import importlib
import importlib.metadata
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PLUGINS = ROOT / "plugins"
HOST = "resalat_core"
SKIP_DIRS = {"__pycache__", "build", "dist", ".venv", "node_modules"}


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    imported: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.imported}: {self.reason}"


@dataclass(frozen=True)
class PluginInfo:
    """What the boundary depends on: the plugin's name, its top-level package and its requires."""

    name: str
    package: str
    requires: tuple[str, ...]


# --- the checker -------------------------------------------------------------------------------


def imported_names(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """Every absolute dotted name a module imports: ``from a.b import c`` gives ``a.b.c``.

    Relative imports stay inside the plugin's own package and are skipped; literal
    ``importlib.import_module("...")`` and ``__import__("...")`` calls count as imports.
    """
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            for alias in node.names:
                yield node.lineno, f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Call) and _is_dynamic_import(node.func):
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                yield node.lineno, first.value


def _is_dynamic_import(func: ast.expr) -> bool:
    if isinstance(func, ast.Name):
        return func.id in {"__import__", "import_module"}
    return isinstance(func, ast.Attribute) and func.attr == "import_module"


def _within(name: str, module: str) -> bool:
    return name == module or name.startswith(module + ".")


def check_source(
    source: str,
    *,
    plugin: PluginInfo,
    packages: dict[str, str],
    is_test: bool = False,
    path: str = "<string>",
) -> list[Violation]:
    """The imports in ``source`` that break the plugin boundary.

    ``packages`` maps every known plugin's name to its top-level package.
    """
    allowed_host = [f"{HOST}.sdk"] + ([f"{HOST}.testing"] if is_test else [])
    owner_of = {pkg: name for name, pkg in packages.items() if name != plugin.name}
    found = []
    for line, name in imported_names(ast.parse(source, filename=path)):
        top = name.split(".", 1)[0]
        if top == HOST and not any(_within(name, ok) for ok in allowed_host):
            reason = f"plugins import only {' or '.join(allowed_host)} from the host"
            found.append(Violation(path, line, name, reason))
        elif top in owner_of:
            other = owner_of[top]
            if other not in plugin.requires:
                reason = f"{plugin.name} does not declare {other!r} in requires"
                found.append(Violation(path, line, name, reason))
            elif not _within(name, f"{top}.services"):
                reason = f"only {top}.services is public; {other} may change the rest at will"
                found.append(Violation(path, line, name, reason))
    return found


# --- reading the plugins in the repository -----------------------------------------------------


def entry_point_of(plugin_dir: Path) -> tuple[str, str]:
    """(plugin name, "module:attribute") from the plugin's pyproject.toml."""
    data = tomllib.loads((plugin_dir / "pyproject.toml").read_text(encoding="utf-8"))
    eps = data.get("project", {}).get("entry-points", {}).get("resalat.plugins", {})
    assert len(eps) == 1, f"{plugin_dir.name}: expected one resalat.plugins entry point, found {eps}"
    return next(iter(eps.items()))


def requires_of(plugin_dir: Path, target: str) -> tuple[str, ...]:
    """The ``requires`` of the Plugin object ``target`` names, read from the source (no import)."""
    module, _, attr = target.partition(":")
    base = plugin_dir / Path(*module.split("."))
    source_file = base / "__init__.py" if base.is_dir() else base.with_suffix(".py")
    tree = ast.parse(source_file.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == attr for t in node.targets)
            and isinstance(node.value, ast.Call)
        ):
            for keyword in node.value.keywords:
                if keyword.arg == "requires":
                    try:
                        return tuple(ast.literal_eval(keyword.value))
                    except ValueError:
                        # Not a literal: ask the object itself (the plugin is installed).
                        return tuple(getattr(importlib.import_module(module), attr).requires)
            return ()
    raise AssertionError(f"{source_file}: no `{attr} = Plugin(...)` found")


def plugin_dirs() -> list[Path]:
    if not PLUGINS.is_dir():
        return []
    return sorted(p for p in PLUGINS.iterdir() if (p / "pyproject.toml").is_file())


def known_packages() -> dict[str, str]:
    """Every plugin's top-level package: those in plugins/ and any other installed one."""
    packages = {
        ep.name: ep.value.split(":")[0].split(".")[0]
        for ep in importlib.metadata.entry_points(group="resalat.plugins")
    }
    for plugin_dir in plugin_dirs():
        name, target = entry_point_of(plugin_dir)
        packages[name] = target.split(":")[0].split(".")[0]
    return packages


def python_files(plugin_dir: Path) -> Iterator[tuple[Path, bool]]:
    """(file, is test code) for every Python file of a plugin."""
    for path in sorted(plugin_dir.rglob("*.py")):
        rel = path.relative_to(plugin_dir)
        if any(part in SKIP_DIRS or part.endswith(".egg-info") for part in rel.parts):
            continue
        yield path, rel.parts[0] == "tests" or rel.name == "conftest.py"


def check_plugin(plugin_dir: Path) -> tuple[int, list[Violation]]:
    """(files checked, violations) for one plugin folder."""
    name, target = entry_point_of(plugin_dir)
    packages = known_packages() | {name: target.split(":")[0].split(".")[0]}
    info = PluginInfo(name, packages[name], requires_of(plugin_dir, target))
    checked, found = 0, []
    for path, is_test in python_files(plugin_dir):
        checked += 1
        source = path.read_text(encoding="utf-8")
        rel = str(path.relative_to(plugin_dir.parent))
        found += check_source(source, plugin=info, packages=packages, is_test=is_test, path=rel)
    return checked, found


# --- the tests ---------------------------------------------------------------------------------


@pytest.mark.parametrize("plugin_dir", plugin_dirs(), ids=lambda p: p.name)
def test_every_plugin_reaches_the_host_only_through_the_sdk(plugin_dir: Path) -> None:
    checked, violations = check_plugin(plugin_dir)
    assert checked > 0, f"no Python file found in {plugin_dir}"
    assert violations == [], "\n".join(map(str, violations))


BAZAAR = PluginInfo("bazaar", "resalat_bazaar", ())
LOANS = PluginInfo("loans", "resalat_loans", ("bazaar",))
PACKAGES = {"bazaar": "resalat_bazaar", "loans": "resalat_loans", "merat": "resalat_merat"}


def violations(source: str, plugin: PluginInfo = LOANS, *, is_test: bool = False) -> list[str]:
    return [v.imported for v in check_source(source, plugin=plugin, packages=PACKAGES, is_test=is_test)]


def test_a_plugin_importing_the_hosts_database_module_is_caught() -> None:
    found = check_source(
        "from resalat_core.db import Base\n", plugin=LOANS, packages=PACKAGES, path="loans/models.py"
    )
    assert [(v.line, v.imported) for v in found] == [(1, "resalat_core.db.Base")]
    assert "resalat_core.sdk" in found[0].reason


@pytest.mark.parametrize(
    "source",
    [
        "import resalat_core",
        "import resalat_core.db",
        "from resalat_core import db",
        "from resalat_core.members.models import Member",
        "from resalat_core.sdkx import thing",  # a lookalike is not the SDK
        "from resalat_core.testing import PASSWORD",  # package code is not test code
        "import importlib\nimportlib.import_module('resalat_core.wallet')",
        "def later():\n    from resalat_core.plugins.activation import is_active",
    ],
)
def test_package_code_reaching_past_the_sdk_is_caught(source: str) -> None:
    assert len(violations(source)) == 1


@pytest.mark.parametrize(
    "source",
    [
        "from resalat_core.sdk import Base, Plugin, hookimpl",
        "from resalat_core import sdk",
        "import resalat_core.sdk",
        "from . import services\nfrom .models import Loan",
        "from resalat_loans.models import Loan",  # its own package, by its absolute name
        "from resalat_bazaar.services import reserve_stock",  # loans requires bazaar
        "from resalat_bazaar import services",
        "import sqlalchemy as sa\nfrom flask import Blueprint",
    ],
)
def test_package_code_within_the_rules_passes(source: str) -> None:
    assert violations(source) == []


def test_plugin_tests_may_also_use_the_hosts_test_fixtures() -> None:
    source = "from resalat_core.testing import PASSWORD\nfrom resalat_core import testing\n"
    assert violations(source, is_test=True) == []
    assert violations("from resalat_core.db import Base", is_test=True) == ["resalat_core.db.Base"]


@pytest.mark.parametrize(
    ("source", "plugin"),
    [
        ("from resalat_bazaar.models import Booth", LOANS),  # required, but not its services
        ("import resalat_bazaar", LOANS),
        ("from resalat_bazaar import views", LOANS),
        ("from resalat_merat.services import score", LOANS),  # merat is not required
        ("from resalat_loans.services import disburse_loan", BAZAAR),  # no requirement back
    ],
)
def test_a_plugin_reaching_into_another_is_caught(source: str, plugin: PluginInfo) -> None:
    assert len(violations(source, plugin)) == 1


def test_a_plugin_folder_with_one_bad_import_fails_the_check(tmp_path: Path) -> None:
    plugin_dir = tmp_path / "loans"
    (plugin_dir / "resalat_loans").mkdir(parents=True)
    (plugin_dir / "tests").mkdir()
    (plugin_dir / "pyproject.toml").write_text(
        '[project]\nname = "resalat-loans"\n\n'
        '[project.entry-points."resalat.plugins"]\nloans = "resalat_loans:plugin"\n'
    )
    (plugin_dir / "resalat_loans" / "__init__.py").write_text(
        'from resalat_core.sdk import Plugin\n\nplugin = Plugin(name="loans", requires=("bazaar", "merat"))\n'
    )
    (plugin_dir / "resalat_loans" / "services.py").write_text("from resalat_core.db import db_session\n")
    (plugin_dir / "tests" / "test_loans.py").write_text("from resalat_core.testing import PASSWORD\n")

    assert requires_of(plugin_dir, "resalat_loans:plugin") == ("bazaar", "merat")
    checked, found = check_plugin(plugin_dir)
    assert checked == 3
    assert [str(v).split(": ")[0] for v in found] == ["loans/resalat_loans/services.py:1"]

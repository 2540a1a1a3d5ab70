"""`resalat plugin new`: write a working plugin folder from the templates in ``scaffold/template/``."""

from __future__ import annotations

import hashlib
import importlib.metadata
import io
import json
import secrets
import shutil
import string
import unicodedata
from pathlib import Path

from resalat_core.migrate import HOST_BASE_REVISION
from resalat_core.plugins.base import NAME_RE
from resalat_core.plugins.manager import NAMESPACE
from resalat_core.text import normalize_text

TEMPLATE_DIR = Path(__file__).resolve().parent / "scaffold" / "template"
# Names the host uses for its own blueprints, URL prefixes, CLI groups and tables: a plugin by one
# of these names would clash with the host or shadow one of its commands.
RESERVED_NAMES = frozenset(
    {
        "core",
        "api",
        "auth",
        "web",
        "static",
        "db",
        "demo",
        "plugins",
        "plugin",
        "modules",
        "members",
        "regions",
        "run",
        "shell",
        "routes",
    }
)
# Long enough for any real title, short enough that the generated lines stay within ruff's limit.
TITLE_MAX = 60
# Each template (under TEMPLATE_DIR) and where it is written in the plugin's folder.
FILES = {
    "pyproject.toml.tmpl": "pyproject.toml",
    "README.md.tmpl": "README.md",
    "package/__init__.py.tmpl": "{package}/__init__.py",
    "package/hookspecs.py.tmpl": "{package}/hookspecs.py",
    "package/messages.py.tmpl": "{package}/messages.py",
    "package/models.py.tmpl": "{package}/models.py",
    "package/services.py.tmpl": "{package}/services.py",
    "package/schemas.py.tmpl": "{package}/schemas.py",
    "package/views.py.tmpl": "{package}/views.py",
    "package/api.py.tmpl": "{package}/api.py",
    "package/cli.py.tmpl": "{package}/cli.py",
    "package/demo.py.tmpl": "{package}/demo.py",
    "package/hooks.py.tmpl": "{package}/hooks.py",
    "package/templates/index.html.tmpl": "{package}/templates/{name}/index.html",
    "package/translations/messages.po.tmpl": "{package}/translations/fa/LC_MESSAGES/messages.po",
    "package/migrations/versions/initial.py.tmpl": (
        "{package}/migrations/versions/{revision}_{name}_initial.py"
    ),
    "tests/test_plugin.py.tmpl": "tests/test_{name}.py",
    "tests/fixtures/probe/__init__.py.tmpl": "tests/fixtures/probe/__init__.py",
    "tests/fixtures/probe/hooks.py.tmpl": "tests/fixtures/probe/hooks.py",
}


class ScaffoldError(Exception):
    """The plugin cannot be written as asked (bad name or title, folder taken); nothing was written."""


def write_plugin(
    name: str,
    dest: Path | str = Path("plugins"),
    *,
    title_fa: str | None = None,
    title_en: str | None = None,
) -> Path:
    """Write ``dest/name/``, a plugin that installs, migrates and passes its own tests; return it.

    Everything is checked and rendered before the first byte is written, and the folder appears
    whole (renamed into place) or not at all.
    """
    check_name(name)
    target = Path(dest) / name
    if target.exists():
        raise ScaffoldError(f"{target} already exists: choose another name or move that folder away")
    files = render_plugin(name, title_fa=title_fa, title_en=title_en)
    try:
        _write_atomically(target, files)
    except OSError as exc:
        raise ScaffoldError(f"could not write {target}: {exc}") from exc
    return target


def check_name(name: str) -> None:
    """Raise ScaffoldError unless ``name`` can name a new plugin."""
    if not NAME_RE.match(name):
        raise ScaffoldError(
            f"plugin name {name!r} must be 2 to 40 characters: lower-case letters, digits and _, "
            "starting with a letter"
        )
    if name in RESERVED_NAMES:
        raise ScaffoldError(
            f"plugin name {name!r} is reserved by the host (reserved: {', '.join(sorted(RESERVED_NAMES))})"
        )
    installed = importlib.metadata.entry_points(group=NAMESPACE, name=name)
    if installed:
        where = next(iter(installed)).value
        raise ScaffoldError(f"a plugin named {name!r} is already installed ({where}); choose another name")


def render_plugin(
    name: str, *, title_fa: str | None = None, title_en: str | None = None
) -> dict[str, str | bytes]:
    """Every file of the plugin ``name``: relative path -> text. Touches nothing on disk."""
    check_name(name)
    default_title = name.replace("_", " ").strip().capitalize()
    fa = _clean_title(title_fa, default_title, "--title-fa")
    en = _clean_title(title_en, default_title, "--title-en")
    package = f"resalat_{name}"
    values = {
        "name": name,
        "package": package,
        "dist": f"resalat-{name.replace('_', '-')}",
        "item_class": "".join(part.capitalize() for part in name.split("_")) + "Item",
        "table": f"{name}_items",
        "title_fa": fa,
        "title_en": en,
        "title_fa_py": _python_string(fa),
        "title_en_py": _python_string(en),
        # For the .po file (C-style strings) and the CLI group's help (a Python literal).
        "title_fa_po": _po_string(fa),
        "title_en_po": _po_string(en),
        "help_py": _python_string(f"{en}: items members write down."),
        "name_upper": name.upper(),
        # JSON strings are valid TOML basic strings.
        "description_toml": json.dumps(f"{en}: a plugin for the Resalat super-app", ensure_ascii=False),
        "revision": revision_id(name),
        "host_revision": HOST_BASE_REVISION,
    }
    files: dict[str, str | bytes] = {}
    for source, target in FILES.items():
        text = (TEMPLATE_DIR / source).read_text(encoding="utf-8")
        path = target.format(name=name, package=package, revision=values["revision"])
        files[path] = string.Template(text).substitute(values)
        if path.endswith(".po"):
            # The compiled catalogue beside it: the plugin reads Persian from its first start.
            files[path[:-3] + ".mo"] = _compiled(str(files[path]))
    return files


def revision_id(name: str) -> str:
    """The id of the plugin's first migration: fixed by its name, so no two plugins share one."""
    return hashlib.sha256(f"resalat-plugin:{name}".encode()).hexdigest()[:12]


def _clean_title(raw: str | None, default: str, option: str) -> str:
    # Checked before normalising, which would drop them: a control character in a title is a
    # mistake to tell about, not to mend silently (tabs and line breaks included, in one line).
    if raw is not None and any(unicodedata.category(ch) == "Cc" for ch in raw.strip()):
        raise ScaffoldError(f"{option} must not contain control characters")
    title = normalize_text(raw) if raw is not None else default
    if not title:
        raise ScaffoldError(f"{option} must not be empty")
    if len(title) > TITLE_MAX:
        raise ScaffoldError(f"{option} must be at most {TITLE_MAX} characters")
    return title


def _python_string(text: str) -> str:
    """A string literal as ruff format writes it: double quotes, unless single ones escape less."""
    quote = "'" if text.count('"') > text.count("'") else '"'
    return quote + text.replace("\\", "\\\\").replace(quote, "\\" + quote) + quote


def _po_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _compiled(po_text: str) -> bytes:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    buffer = io.BytesIO()
    write_mo(buffer, read_po(io.StringIO(po_text)))
    return buffer.getvalue()


def _write_atomically(target: Path, files: dict[str, str | bytes]) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    # Built beside the target and renamed into place, so a failure never leaves half a plugin.
    staging = target.parent / f".{target.name}-{secrets.token_hex(4)}.partial"
    staging.mkdir()
    try:
        for relative, content in files.items():
            path = staging / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise

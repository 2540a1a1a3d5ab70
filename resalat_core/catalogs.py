"""The translation catalogues of the host and of each plugin: extract, update, compile, check.

``scripts/i18n`` runs this for the host and every plugin, or for the packages it is given.
Extraction fails loudly: a template that cannot be read is an error, never a silently shorter
catalogue whose missing words then show in English on Persian pages.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

LANGUAGE = "fa"
# The gettext functions the host's SDK gives plugins (and Jinja's i18n extension uses).
KEYWORDS: dict[str, Any] = {
    "_": None,
    "gettext": None,
    "_l": None,
    "lazy_gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "lazy_pgettext": ((1, "c"), 2),
}
METHODS = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
# The Jinja extensions the templates use (the pager's ``{% do %}``); without them, extraction
# of a template fails, and ``silent: false`` makes that failure an error.
OPTIONS = {"**/templates/**.html": {"extensions": "jinja2.ext.do", "silent": "false"}}
HEADER = "Persian translations of {name}."


class ExtractionError(Exception):
    """A file of the package could not be read for its messages."""


@dataclass
class Refreshed:
    """What refreshing one package's catalogue did."""

    package: Path
    messages: int = 0
    added: list[str] = field(default_factory=list)
    untranslated: list[str] = field(default_factory=list)
    obsolete: list[str] = field(default_factory=list)


def po_path(package: Path, language: str = LANGUAGE) -> Path:
    return package / "translations" / language / "LC_MESSAGES" / "messages.po"


def extract(package: Path) -> Catalog:
    """Every message the package's code and templates use, as a catalogue template."""
    template = Catalog(project=package.name, fuzzy=False)
    reading: list[str] = []
    try:
        found = list(
            extract_from_dir(
                str(package),
                METHODS,
                options_map=OPTIONS,
                keywords=KEYWORDS,
                callback=lambda filename, _method, _options: reading.append(filename),
                strip_comment_tags=True,
            )
        )
    except Exception as exc:  # a template syntax error, an unreadable file
        where = reading[-1] if reading else "?"
        raise ExtractionError(f"{package / where}: {exc}") from exc
    for filename, lineno, message, comments, context in found:
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def read_catalog(path: Path) -> Catalog:
    with path.open("rb") as fh:
        return read_po(fh)


def compile_catalog(po: Path) -> None:
    """Write ``messages.mo`` beside ``po`` (fuzzy entries left out, as gettext would)."""
    catalog = read_catalog(po)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    po.with_suffix(".mo").write_bytes(buffer.getvalue())


def refresh(
    package: Path,
    *,
    language: str = LANGUAGE,
    translations: dict[str, str] | None = None,
) -> Refreshed:
    """Bring the package's catalogue up to date with its code, then compile it.

    New messages are added (translated from ``translations`` when it has them, else empty);
    messages the code no longer uses are dropped. Returns what changed and what is untranslated.
    """
    template = extract(package)
    path = po_path(package, language)
    result = Refreshed(package=package, messages=len([m for m in template if m.id]))
    if path.is_file():
        catalog = read_catalog(path)
        before = {_key(m.id) for m in catalog if m.id}
    else:
        catalog = Catalog(
            locale=language, project=package.name, header_comment=f"# {HEADER.format(name=package.name)}"
        )
        before = set()
    catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
    result.obsolete = sorted(str(k) for k in catalog.obsolete)
    catalog.obsolete.clear()
    for message in catalog:
        if not message.id:
            continue
        key = _key(message.id)
        if key not in before:
            result.added.append(str(key))
        if translations and not _translated(message) and isinstance(message.id, str):
            wording = translations.get(message.id)
            if wording:
                message.string = wording
        if not _translated(message):
            result.untranslated.append(str(key))
    catalog.revision_date = datetime.now(UTC)
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, omit_header=False, sort_output=True, no_location=True)
    path.write_bytes(buffer.getvalue())
    compile_catalog(path)
    return result


def wordings(packages: Iterable[Path], language: str = LANGUAGE) -> dict[str, dict[str, str]]:
    """Message id (with its context) -> {package name: its wording}, over every catalogue."""
    found: dict[str, dict[str, str]] = {}
    for package in packages:
        path = po_path(package, language)
        if not path.is_file():
            continue
        for message in read_catalog(path):
            if message.id and _translated(message) and isinstance(message.id, str):
                key = f"{message.context}\x04{message.id}" if message.context else message.id
                found.setdefault(key, {})[package.name] = str(message.string)
    return found


def _key(msgid: str | tuple[str, ...] | list[str]) -> str:
    return msgid if isinstance(msgid, str) else str(msgid[0])


def _translated(message: object) -> bool:
    string = getattr(message, "string", None)
    if isinstance(string, str):
        return bool(string)
    return bool(string) and all(string or ())  # plural forms


def packages_of(root: Path) -> list[Path]:
    """The host's package and every plugin package under ``root/plugins``."""
    found = [root / "resalat_core"]
    found += sorted(
        p for p in (root / "plugins").glob("*/resalat_*") if p.is_dir() and not p.name.endswith(".egg-info")
    )
    return found


def main(argv: list[str] | None = None) -> int:
    import sys

    args = sys.argv[1:] if argv is None else argv
    root = Path.cwd()
    targets = [Path(a).resolve() for a in args] or packages_of(root)
    status = 0
    for package in targets:
        if not package.is_dir():
            print(f"error: {package} is not a package folder", file=sys.stderr)
            return 2
        try:
            result = refresh(package)
        except ExtractionError as exc:
            print(f"error: {exc}", file=sys.stderr)
            status = 1
            continue
        line = f"{package.name}: {result.messages} messages"
        if result.added:
            line += f", {len(result.added)} new"
        if result.obsolete:
            line += f", {len(result.obsolete)} dropped"
        print(line)
        for msgid in result.untranslated:
            print(f"  untranslated: {msgid}")
    return status


if __name__ == "__main__":
    raise SystemExit(main())

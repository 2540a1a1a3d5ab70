"""Backups that restore: the whole database and every stored file in one archive, and back.

An archive is a gzip'd tar holding ``manifest.json`` (what it is: format, time, backend, schema
revisions, installed plugins, counts, the database part's SHA-256), the database (SQLite's online
backup API makes ``database.sqlite`` of a live database; on PostgreSQL ``pg_dump``'s custom format
makes ``database.pgdump``) and ``files/<store>/<name>`` for every stored file's bytes: the host's
uploads under ``core``, each plugin's own storage (the ``resalat_file_stores`` hook) under its
name, read through the storage, so a folder and an object store back up alike.

A restore first checks the whole archive (manifest, checksum, schema revisions this install knows,
every file's name) and changes nothing when anything is wrong; then it replaces the database,
writes the files back and migrates forward (a backup of an older release comes up to date).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import select
from sqlalchemy.engine import make_url

from resalat_core import migrate
from resalat_core.db import get_db, is_sqlite
from resalat_core.errors import BadInput
from resalat_core.i18n import _

FORMAT = "resalat-backup/1"
MANIFEST = "manifest.json"
SQLITE_PART = "database.sqlite"
PG_PART = "database.pgdump"
FILES = "files/"
# A file store's name in the archive: "core" or a plugin's name.
STORE_RE = re.compile(r"^[a-z][a-z0-9_]{0,59}$")

# Wraps a list being worked through (a progress bar on the command line).
Progress = Callable[[list[Any]], Iterable[Any]]


@dataclass
class Summary:
    """What a backup holds or a restore wrote: for the command's output."""

    path: str
    backend: str
    created_at: str
    revisions: list[str]
    plugins: list[str]
    files: int
    database_bytes: int
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "backend": self.backend,
            "created_at": self.created_at,
            "revisions": self.revisions,
            "plugins": self.plugins,
            "files": self.files,
            "database_bytes": self.database_bytes,
            **self.extra,
        }


def _refuse(message: str, code: str) -> BadInput:
    return BadInput(message, code=code)


def _pg_command_env(url: str) -> tuple[str, dict[str, str]]:
    """A libpq address for pg_dump/pg_restore and the environment carrying its password (never
    on the command line, where other users of the machine could read it)."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(args: list[str], env: dict[str, str], what: str) -> None:
    tool = shutil.which(args[0])
    if tool is None:
        raise _refuse(
            _("%(tool)s is not installed: install the PostgreSQL client tools.", tool=args[0]), "tool_missing"
        )
    done = subprocess.run([tool, *args[1:]], env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise _refuse(
            _("%(what)s failed: %(error)s", what=what, error=done.stderr.strip()[-500:]), "tool_failed"
        )


def _host_names() -> list[str]:
    """Every name the host's file storage holds for a stored file: the bytes and the thumbnail."""
    from resalat_core.files.models import IMAGE, StoredFile

    names: set[str] = set()
    with get_db().new_session() as s:
        for kind, key, thumb in s.execute(select(StoredFile.kind, StoredFile.key, StoredFile.thumb_key)):
            ext = "jpg" if kind == IMAGE else "pdf"
            names.add(f"{key}.{ext}")
            if thumb:
                names.add(f"{thumb}.{ext}")
    return sorted(names)


def _stores(app: Flask, with_names: bool) -> dict[str, tuple[Any, list[str]]]:
    """The file storages to back up, by name: the host's uploads ("core") and each plugin's own
    (the ``resalat_file_stores`` hook), with the names each holds when ``with_names``."""
    from resalat_core.files.storage import file_storage

    stores: dict[str, tuple[Any, list[str]]] = {"core": (file_storage(), _host_names() if with_names else [])}
    hook = app.extensions["resalat"].plugins.pm.hook
    with get_db().new_session() as session:
        for answer in hook.resalat_file_stores(session=session):
            for store in answer or []:
                stores[store.name] = (store.storage, sorted(set(store.names)) if with_names else [])
    return stores


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _plugins(app: Flask) -> list[str]:
    records = app.extensions["resalat"].plugins.records
    return sorted(name for name, record in records.items() if record.status == "loaded")


def backup(app: Flask, path: str | os.PathLike[str], progress: Progress | None = None) -> Summary:
    """Write the database and every stored file into the archive ``path`` (replaced if present)."""
    db = get_db()
    db.session.remove()
    url = db.url
    target = Path(path)
    if target.is_dir():
        raise _refuse(_("%(path)s is a folder: name the archive to write.", path=str(target)), "backup_path")
    created = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    with tempfile.TemporaryDirectory(prefix="resalat-backup-") as work:
        if is_sqlite(url):
            part = Path(work) / SQLITE_PART
            source = make_url(url).database or ""
            # The online backup API copies a consistent snapshot while others keep writing.
            with sqlite3.connect(source) as live, sqlite3.connect(part) as copy:
                live.backup(copy)
            copy.close()
            backend = "sqlite"
        else:
            part = Path(work) / PG_PART
            address, env = _pg_command_env(url)
            _run(
                ["pg_dump", "--format=custom", "--no-owner", "--no-acl", "-f", str(part), address],
                env,
                "pg_dump",
            )
            backend = "postgresql"
        stores = _stores(app, with_names=True)
        listed = [(store, name) for store, (_storage, names) in stores.items() for name in names]
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "created_at": created,
            "backend": backend,
            "revisions": sorted(migrate.current(app)),
            "plugins": _plugins(app),
            "database": {"name": part.name, "sha256": _sha256(part), "bytes": part.stat().st_size},
            "files": len(listed),
            "stores": sorted(stores),
        }
        partial = target.with_name(target.name + ".partial")
        target.parent.mkdir(parents=True, exist_ok=True)
        missing = 0
        with tarfile.open(partial, "w:gz") as archive:
            data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
            _add_bytes(archive, MANIFEST, data)
            archive.add(part, arcname=part.name)
            for store, name in progress(listed) if progress else listed:
                content = stores[store][0].read(name)
                if content is None:  # listed but gone from the storage: said, not invented
                    missing += 1
                    continue
                _add_bytes(archive, f"{FILES}{store}/{name}", content)
        # Renamed only when whole: a backup cut short never passes for a good one.
        os.replace(partial, target)
    summary = Summary(
        str(target),
        backend,
        created,
        manifest["revisions"],
        manifest["plugins"],
        len(listed) - missing,
        manifest["database"]["bytes"],
    )
    summary.extra["missing_files"] = missing
    summary.extra["archive_bytes"] = target.stat().st_size
    return summary


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(dt.datetime.now(dt.UTC).timestamp())
    info.mode = 0o600
    archive.addfile(info, io.BytesIO(data))


@contextmanager
def _opened(path: str | os.PathLike[str]) -> Iterator[tarfile.TarFile]:
    source = Path(path)
    if not source.is_file():
        raise _refuse(_("No backup at %(path)s.", path=str(source)), "backup_missing")
    try:
        archive = tarfile.open(source, "r:gz")  # noqa: SIM115 (closed by the with below)
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise _refuse(
            _("%(path)s is not a backup of this app: %(error)s", path=str(source), error=str(exc)),
            "backup_unreadable",
        ) from exc
    with archive:
        yield archive


def _manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = archive.getmember(MANIFEST)
        handle = archive.extractfile(member)
        manifest = json.loads(handle.read()) if handle else None
    except (KeyError, ValueError, tarfile.TarError, OSError, EOFError):
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _refuse(
            _("This archive is not a backup of this app (its description is missing or unknown)."),
            "backup_unknown",
        )
    return manifest


def check(app: Flask, path: str | os.PathLike[str], workdir: Path) -> tuple[dict[str, Any], Path, list[str]]:
    """Read and check the whole archive into ``workdir``: its manifest, its database part (whole,
    as its checksum says), its backend and schema revisions against this install, its file
    names. Returns the manifest, the database part and the file names; changes nothing."""
    from resalat_core.files.storage import NAME_RE

    with _opened(path) as archive:
        manifest = _manifest(archive)
        ours = "sqlite" if is_sqlite(get_db().url) else "postgresql"
        if manifest["backend"] != ours:
            raise _refuse(
                _(
                    "This backup is of a %(theirs)s database and this app runs on %(ours)s:"
                    " restore it on the same kind.",
                    theirs=manifest["backend"],
                    ours=ours,
                ),
                "backup_backend",
            )
        database = manifest.get("database") or {}
        expected = SQLITE_PART if manifest.get("backend") == "sqlite" else PG_PART
        if database.get("name") != expected:
            raise _refuse(_("This backup's description does not match its contents."), "backup_unknown")
        known = migrate.known_revisions(app)
        unknown = sorted(set(manifest.get("revisions") or []) - known)
        if unknown:
            raise _refuse(
                _(
                    "This backup was made by a newer release (schema %(revisions)s): upgrade the app first.",
                    revisions=", ".join(unknown),
                ),
                "backup_newer",
            )
        names: list[str] = []
        part: Path | None = None
        for member in archive:
            if member.name == expected and member.isfile():
                archive.extract(member, workdir, filter="data")
                part = workdir / expected
            elif member.name.startswith(FILES):
                store, _slash, name = member.name[len(FILES) :].partition("/")
                if not member.isfile() or not STORE_RE.match(store) or not NAME_RE.match(name):
                    raise _refuse(
                        _("This backup holds a file it should not: %(name)s.", name=member.name),
                        "backup_unknown",
                    )
                names.append(f"{store}/{name}")
            elif member.name != MANIFEST:
                raise _refuse(
                    _("This backup holds a file it should not: %(name)s.", name=member.name), "backup_unknown"
                )
        if part is None or _sha256(part) != database.get("sha256"):
            raise _refuse(
                _("This backup's database is damaged (its checksum does not match): nothing was changed."),
                "backup_damaged",
            )
    return manifest, part, names


def restore(app: Flask, path: str | os.PathLike[str], progress: Progress | None = None) -> Summary:
    """Replace the database, migrate it forward, and write back the files of the archive ``path``."""
    from resalat_core.cli.demo import reset_database

    db = get_db()
    with tempfile.TemporaryDirectory(prefix="resalat-restore-") as work:
        manifest, part, names = check(app, path, Path(work))
        db.session.remove()
        if manifest["backend"] == "sqlite":
            target = make_url(db.url).database or ""
            db.engine.dispose()
            with sqlite3.connect(part) as source, sqlite3.connect(target) as live:
                # Page by page into the live file, in one transaction: readers see the old or the new.
                source.backup(live)
            live.close()
        else:
            address, env = _pg_command_env(db.url)
            _run(["pg_restore", "--list", str(part)], env, "pg_restore")  # readable before anything goes
            reset_database()
            db.engine.dispose()
            _run(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--no-acl",
                    "--single-transaction",
                    "--exit-on-error",
                    "-d",
                    address,
                    str(part),
                ],
                env,
                "pg_restore",
            )
        migrate.upgrade(app)
        stores = _stores(app, with_names=False)
        skipped = 0
        with _opened(path) as archive:
            wanted = set(names)
            for member in progress(archive.getmembers()) if progress else archive.getmembers():
                stored = member.name[len(FILES) :] if member.name.startswith(FILES) else ""
                if stored not in wanted:
                    continue
                store, _slash, name = stored.partition("/")
                handle = archive.extractfile(member)
                if store not in stores:  # a plugin no longer installed: its files wait in the archive
                    skipped += 1
                elif handle is not None:
                    stores[store][0].save(name, handle.read())
    summary = Summary(
        str(path),
        manifest["backend"],
        manifest["created_at"],
        sorted(migrate.current(app)),
        manifest.get("plugins") or [],
        len(names) - skipped,
        int((manifest.get("database") or {}).get("bytes") or 0),
    )
    summary.extra["skipped_files"] = skipped
    return summary

"""`resalat db backup` and `resalat db restore`: the demo world and its files round-trip, and a bad
archive is refused with everything left as it was."""

from __future__ import annotations

import io
import json
import shutil
import tarfile
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from PIL import Image
from sqlalchemy import func, select, text

from resalat_core.backup import _stores
from resalat_core.db import Base


def run(app: Flask, *args: str, **kwargs: Any) -> Any:
    return app.test_cli_runner().invoke(args=list(args), **kwargs)


def _counts(app: Flask) -> dict[str, int]:
    """Rows in every table of the app, by name."""
    with app.extensions["resalat"].db.engine.connect() as conn:
        return {
            t.name: conn.scalar(select(func.count()).select_from(t)) or 0 for t in Base.metadata.sorted_tables
        }


def _names(app: Flask) -> list[str]:
    with app.extensions["resalat"].db.engine.connect() as conn:
        return list(conn.scalars(text("SELECT name FROM members ORDER BY id")))


def _photo(colour: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(out, "PNG")
    return out.getvalue()


def _store_photo(app: Flask, member_id: int) -> Any:
    from resalat_core.files.services import store_upload
    from resalat_core.members.models import Member

    with app.app_context(), app.extensions["resalat"].db.new_session() as s:
        stored = store_upload(
            s, ("shop.png", _photo("teal")), owner=s.get(Member, member_id), purpose="test.backup"
        )
        s.flush()
        return stored.token


def test_the_demo_world_and_its_files_come_back_from_a_backup(demo_app, make_member, top_up, tmp_path):
    app = demo_app
    member = make_member()
    top_up(member, rials=120_000, key="before-backup")
    token = _store_photo(app, member)
    before = _counts(app)
    names = _names(app)
    archive = tmp_path / "nightly.tar.gz"

    made = run(app, "db", "backup", str(archive), "--json")
    assert made.exit_code == 0, made.output
    summary = json.loads(made.output[made.output.index("{") :])
    assert summary["files"] >= 2 and summary["missing_files"] == 0  # the photo and its thumbnail
    assert Path(summary["path"]) == archive and archive.stat().st_size == summary["archive_bytes"]

    with app.app_context():  # what each file store held when the backup was made
        stores = _stores(app, with_names=True)
    assert all(names for _storage, names in stores.values()), "a store with nothing to back up proves nothing"

    # A bad day: money moved after the backup, a table emptied, the file storage lost.
    top_up(member, rials=5_000, key="after-backup")
    with app.extensions["resalat"].db.engine.begin() as conn:
        conn.execute(text("DELETE FROM stored_files WHERE purpose = 'test.backup'"))
        conn.execute(text("UPDATE members SET name = 'gone'"))
    for storage, _listed in stores.values():
        shutil.rmtree(storage.root)  # every file store lost, the host's and each plugin's own

    restored = run(app, "db", "restore", str(archive), "--yes", "--json")
    assert restored.exit_code == 0, restored.output

    assert _counts(app) == before
    assert _names(app) == names
    with app.app_context():
        for storage, stored in _stores(app, with_names=True).values():
            assert all(storage.read(name) for name in stored), storage.root
    verify = run(app, "wallet", "verify", "--json")
    assert verify.exit_code == 0, verify.output
    assert json.loads(verify.output[verify.output.index("{") :])["ok"] is True
    from resalat_core.testing import ResalatClient

    app.test_client_class = ResalatClient
    signed_in = app.test_client()
    signed_in.sign_in(member)
    shown = signed_in.get(f"/files/{token}")
    assert shown.status_code == 200 and shown.data[:3] == b"\xff\xd8\xff"  # kept as a JPEG


def test_a_restore_asks_before_it_replaces_the_database(app, make_member, tmp_path):
    archive = tmp_path / "b.tar.gz"
    assert run(app, "db", "backup", str(archive)).exit_code == 0
    marker = make_member()

    answered_no = run(app, "db", "restore", str(archive), input="n\n")

    assert answered_no.exit_code == 1 and "Aborted" in answered_no.output
    assert "0 files" in answered_no.output  # it says what the archive holds before asking
    assert _member_exists(app, marker)

    # An archive that is not one is refused before any question is asked.
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not an archive at all")
    refused = run(app, "db", "restore", str(junk), input="y\n")
    assert refused.exit_code == 1 and "[y/N]" not in refused.output
    assert _member_exists(app, marker)


def _member_exists(app: Flask, member_id: int) -> bool:
    from resalat_core.members.models import Member

    with app.extensions["resalat"].db.new_session() as s:
        return s.get(Member, member_id) is not None


def _rewrite(archive: Path, out: Path, change: Any) -> Path:
    """A copy of ``archive`` with ``change(name, data) -> data | None`` applied to each member."""
    with tarfile.open(archive, "r:gz") as source, tarfile.open(out, "w:gz") as target:
        for member in source.getmembers():
            handle = source.extractfile(member)
            data = change(member.name, handle.read() if handle else b"")
            if data is None:
                continue
            info = tarfile.TarInfo(member.name)
            info.size = len(data)
            target.addfile(info, io.BytesIO(data))
    return out


def _manifest_with(**changes: Any) -> Any:
    def change(name: str, data: bytes) -> bytes:
        if name != "manifest.json":
            return data
        return json.dumps({**json.loads(data), **changes}).encode()

    return change


def _damaged_database(name: str, data: bytes) -> bytes:
    if not name.startswith("database."):
        return data
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :]


@pytest.mark.parametrize(
    ("how", "message"),
    [
        ("missing", "No backup at"),
        ("not_an_archive", "is not a backup of this app"),
        ("no_manifest", "not a backup of this app (its description"),
        ("damaged", "damaged (its checksum does not match)"),
        ("newer", "made by a newer release"),
        ("other_backend", "restore it on the same kind"),
        ("stray_file", "holds a file it should not"),
    ],
)
def test_a_bad_archive_is_refused_and_changes_nothing(app, make_member, tmp_path, how, message, backend):
    good = tmp_path / "good.tar.gz"
    assert run(app, "db", "backup", str(good)).exit_code == 0, "the backup itself failed"
    marker = make_member()  # made after the backup: a restore would take it away
    other = "sqlite" if backend == "postgresql" else "postgresql"
    bad = {
        "missing": lambda: tmp_path / "nowhere.tar.gz",
        "not_an_archive": lambda: _write(tmp_path / "x.tar.gz", b"PK\x03\x04 not a tar at all"),
        "no_manifest": lambda: _rewrite(
            good, tmp_path / "b.tar.gz", lambda n, d: None if n == "manifest.json" else d
        ),
        "damaged": lambda: _rewrite(good, tmp_path / "b.tar.gz", _damaged_database),
        "newer": lambda: _rewrite(good, tmp_path / "b.tar.gz", _manifest_with(revisions=["ffffffffffff"])),
        "other_backend": lambda: _rewrite(good, tmp_path / "b.tar.gz", _manifest_with(backend=other)),
        "stray_file": lambda: _rewrite(good, tmp_path / "b.tar.gz", lambda n, d: d),
    }[how]()
    if how == "stray_file":
        _append(bad, "../../etc/evil", b"x")

    refused = run(app, "db", "restore", str(bad), "--yes")

    assert refused.exit_code == 1, refused.output
    assert message in refused.output
    assert "Traceback" not in refused.output
    assert _member_exists(app, marker)


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _append(archive: Path, name: str, data: bytes) -> None:
    members: list[tuple[tarfile.TarInfo, bytes]] = []
    with tarfile.open(archive, "r:gz") as source:
        for member in source.getmembers():
            handle = source.extractfile(member)
            members.append((member, handle.read() if handle else b""))
    with tarfile.open(archive, "w:gz") as target:
        for member, content in [*members, (tarfile.TarInfo(name), data)]:
            member.size = len(content)
            target.addfile(member, io.BytesIO(content))


def test_a_backup_written_over_a_folder_is_refused(app, tmp_path):
    refused = run(app, "db", "backup", str(tmp_path))

    assert refused.exit_code != 0
    assert "Traceback" not in refused.output

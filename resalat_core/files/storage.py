"""Where stored files' bytes live: a folder by default, behind a seam an object store can fill."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Protocol

from flask import current_app

# Content addresses (hex of a SHA-256) with the stored kind's extension: never a path.
NAME_RE = re.compile(r"^([0-9a-f]{40})(_t|_w[0-9]{3,4})?\.(jpg|pdf)$")


class Storage(Protocol):
    """Where file bytes live. Names are plain content-addressed names (``<hex>.jpg``), never paths;
    a name's bytes never change once written."""

    def save(self, name: str, data: bytes) -> None: ...

    def read(self, name: str) -> bytes | None: ...

    def delete(self, name: str) -> None: ...


class LocalStorage:
    """Files in one folder (two-letter subfolders), written to a temporary name and renamed, so a
    reader never sees half a file. Several web machines share it as a mounted volume."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def _path(self, name: str) -> Path:
        if not NAME_RE.match(name):
            raise ValueError(f"not a stored file name: {name!r}")
        return self.root / name[:2] / name

    def save(self, name: str, data: bytes) -> None:
        path = self._path(name)
        if path.exists():
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def read(self, name: str) -> bytes | None:
        try:
            return self._path(name).read_bytes()
        except (FileNotFoundError, ValueError):
            return None

    def delete(self, name: str) -> None:
        self._path(name).unlink(missing_ok=True)


def file_storage() -> Storage:
    """The app's file storage: the folder of the ``files_dir`` setting, else ``files`` in the
    instance folder (a fresh temporary folder in tests). Set ``app.extensions["resalat_files"]``
    to another ``Storage`` to keep files elsewhere."""
    found = current_app.extensions.get("resalat_files")
    if found is None:
        root = current_app.config["RESALAT"].get("files_dir")
        if not root and current_app.testing:
            # Test runs never write into the instance folder.
            root = tempfile.mkdtemp(prefix="resalat-files-")
        root = root or os.path.join(current_app.instance_path, "files")
        found = current_app.extensions["resalat_files"] = LocalStorage(root)
    return found

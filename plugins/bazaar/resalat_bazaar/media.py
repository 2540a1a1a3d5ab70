"""Photos: checked to be real images (Pillow), resized with a thumbnail, kept behind a Storage seam.

A photo is stored as two JPEG files named by the first 40 hex digits of the SHA-256 of the resized
image: ``<key>.jpg`` (at most ``photo_max_side`` pixels on its long side) and ``<key>_t.jpg`` (the
thumbnail). Names are content addresses, so a file never changes once written and may be cached
for ever, and the same photo uploaded twice is stored once.

``Storage`` is the seam: ``LocalStorage`` (a folder, by default under the instance folder) is the
one implementation here; an object store would implement the same three methods. The app's
storage is ``current_app.extensions["bazaar_storage"]``, made on first use (tests put their own).
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from flask import current_app
from PIL import Image, ImageOps, UnidentifiedImageError

from resalat_bazaar import plugin
from resalat_core.sdk import BadInput, _

KEY_RE = re.compile(r"^[0-9a-f]{40}$")
FILE_RE = re.compile(r"^([0-9a-f]{40})(_t)?\.jpg$")
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
# A photo larger than this many pixels is refused before it is decoded (a decompression bomb).
MAX_PIXELS = 40_000_000
MEGABYTE = 1024 * 1024


class Storage(Protocol):
    """Where photo files live. Names are plain file names (``<key>.jpg``), never paths."""

    def save(self, name: str, data: bytes) -> None: ...

    def read(self, name: str) -> bytes | None: ...

    def delete(self, name: str) -> None: ...


class LocalStorage:
    """Files in one folder; written to a temporary name and renamed, so a reader never sees half."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def _path(self, name: str) -> Path:
        if not FILE_RE.match(name):
            raise ValueError(f"not a media file name: {name!r}")
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


def storage() -> Storage:
    """The app's photo storage (a LocalStorage under the instance folder unless configured)."""
    found = current_app.extensions.get("bazaar_storage")
    if found is None:
        root = plugin.setting("media_dir")
        if not root and current_app.testing:
            # Test runs (the host's too, which load the demo) never write into the instance folder.
            root = tempfile.mkdtemp(prefix="resalat-bazaar-media-")
        root = root or os.path.join(current_app.instance_path, "bazaar-media")
        found = current_app.extensions["bazaar_storage"] = LocalStorage(root)
    return found


@dataclass(frozen=True)
class Processed:
    key: str
    full: bytes
    thumb: bytes


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, optimize=True, progressive=True)
    return out.getvalue()


def process_image(
    data: bytes, *, max_bytes: int, max_side: int, thumb_side: int, field: str = "photo"
) -> Processed:
    """Check ``data`` is an image we accept and make the stored sizes; BadInput otherwise."""
    if not data:
        message = _("Choose a photo to upload.")
        raise BadInput(message, fields={field: message}, code="no_image")
    if len(data) > max_bytes:
        message = _too_large(max_bytes)
        raise BadInput(message, fields={field: message}, code="image_too_large")
    not_image = _("This file is not a photo. Upload a JPEG, PNG, WebP or GIF image.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in ACCEPTED_FORMATS:
                    raise BadInput(not_image, fields={field: not_image}, code="not_an_image")
                if probe.width * probe.height > MAX_PIXELS:
                    message = _("The photo has too many pixels; make it smaller and try again.")
                    raise BadInput(message, fields={field: message}, code="image_too_large")
                probe.verify()  # reads the whole file: a truncated or forged one fails here
            image = Image.open(io.BytesIO(data))
            image.load()
    except BadInput:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ):
        raise BadInput(not_image, fields={field: not_image}, code="not_an_image") from None
    image = ImageOps.exif_transpose(image)
    if image.mode not in ("RGB", "L"):
        # A transparent PNG lands on white, not black.
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.split()[-1])
        image = background
    elif image.mode == "L":
        image = image.convert("RGB")
    full = image.copy()
    full.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    thumb = image.copy()
    thumb.thumbnail((thumb_side, thumb_side), Image.Resampling.LANCZOS)
    full_bytes = _jpeg(full)
    return Processed(hashlib.sha256(full_bytes).hexdigest()[:40], full_bytes, _jpeg(thumb))


def _too_large(max_bytes: int) -> str:
    """The refusal of a photo over ``max_bytes``, its limit in whole megabytes (kilobytes below one)."""
    if max_bytes >= MEGABYTE:
        return _("The photo is too large: at most %(size)s MB.", size=round(max_bytes / MEGABYTE))
    return _("The photo is too large: at most %(size)s KB.", size=max(1, max_bytes // 1024))


def store(processed: Processed) -> str:
    """Write both sizes; returns the key to keep in the database."""
    target = storage()
    target.save(f"{processed.key}.jpg", processed.full)
    target.save(f"{processed.key}_t.jpg", processed.thumb)
    return processed.key

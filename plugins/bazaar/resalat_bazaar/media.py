"""Photos: checked to be real images (by the host), resized with a thumbnail, kept behind a Storage seam.

A photo is stored as two JPEG files named by the first 40 hex digits of the SHA-256 of the resized
image: ``<key>.jpg`` (at most ``photo_max_side`` pixels on its long side) and ``<key>_t.jpg`` (the
thumbnail). Names are content addresses, so a file never changes once written and may be cached
for ever, and the same photo uploaded twice is stored once.

``Storage`` is the seam: ``LocalStorage`` (a folder, by default under the instance folder) is the
one implementation here; an object store would implement the same three methods. The app's
storage is ``current_app.extensions["bazaar_storage"]``, made on first use (tests put their own).
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass

from flask import current_app

from resalat_bazaar import plugin
from resalat_core.sdk import BadInput, LocalStorage, Storage, _, check_image

KEY_RE = re.compile(r"^[0-9a-f]{40}$")
FILE_RE = re.compile(r"^([0-9a-f]{40})(_t)?\.jpg$")
MEGABYTE = 1024 * 1024


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


def process_image(
    data: bytes, *, max_bytes: int, max_side: int, thumb_side: int, field: str = "photo"
) -> Processed:
    """Check ``data`` is an image we accept and make the stored sizes; BadInput otherwise. The
    host's uploads decide what a picture is (``check_image``); M-Bazar keeps its own limits."""
    if not data:
        message = _("Choose a photo to upload.")
        raise BadInput(message, fields={field: message}, code="no_image")
    if len(data) > max_bytes:
        message = _too_large(max_bytes)
        raise BadInput(message, fields={field: message}, code="image_too_large")
    not_image = _("This file is not a photo. Upload a JPEG, PNG, WebP or GIF image.")
    try:
        checked = check_image(
            data, max_side=max_side, thumb_side=thumb_side, field=field, not_image=not_image
        )
    except BadInput as refused:
        code = "image_too_large" if refused.code == "file_too_large" else "not_an_image"
        raise BadInput(str(refused), fields={field: str(refused)}, code=code) from None
    assert checked.thumb is not None
    return Processed(checked.key, checked.data, checked.thumb)


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

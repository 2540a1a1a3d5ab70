"""Keeping an upload (checked by what it is, not what it is called) and handing it out safely.

Images (JPEG, PNG, WebP or GIF by content) are decoded with Pillow, turned upright, flattened on
white and re-encoded as JPEG at most ``files_image_side`` pixels with a thumbnail: whatever else
the upload carried (EXIF with a home's coordinates, a script appended after the picture) is not
kept. PDFs are kept as sent when they hold no script, launch action or embedded file, and are
always served as downloads. Any other content is refused, whatever its name says.
"""

from __future__ import annotations

import hashlib
import io
import re
import secrets
import unicodedata
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import quote

from flask import Response, current_app, request, url_for
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from resalat_core.db import utcnow
from resalat_core.errors import BadInput
from resalat_core.files.models import IMAGE, KINDS, PDF, StoredFile
from resalat_core.files.storage import file_storage
from resalat_core.i18n import _

ACCEPTED_IMAGES = {"JPEG", "PNG", "WEBP", "GIF"}
# A picture with more pixels than this is refused before it is decoded (a decompression bomb).
MAX_PIXELS = 40_000_000
MEGABYTE = 1024 * 1024
THUMB_SIDE = 480
# What a PDF may not carry: scripts, actions that start programs, files hidden inside.
PDF_UNSAFE = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFile|RichMedia|OpenAction|AA)\b")
NAME_MAX = 120


@dataclass(frozen=True)
class Processed:
    """What will be stored of an upload: its bytes (and thumbnail's), type and size."""

    kind: str
    content_type: str
    data: bytes
    thumb: bytes | None = None
    width: int | None = None
    height: int | None = None

    @property
    def key(self) -> str:
        return hashlib.sha256(self.data).hexdigest()[:40]


def _setting(name: str, default: int) -> int:
    return int(current_app.config["RESALAT"].get(name, default))


def max_upload_bytes() -> int:
    """The largest file a member may upload (the ``files_max_bytes`` setting, 5 MB by default)."""
    return _setting("files_max_bytes", 5 * MEGABYTE)


def too_large_message(max_bytes: int) -> str:
    """The refusal of a file over ``max_bytes``, its limit in whole megabytes (kilobytes below one)."""
    if max_bytes >= MEGABYTE:
        return _("The file is too large: at most %(size)s MB.", size=round(max_bytes / MEGABYTE))
    return _("The file is too large: at most %(size)s KB.", size=max(1, max_bytes // 1024))


def _refuse(message: str, code: str, field: str) -> BadInput:
    return BadInput(message, fields={field: message}, code=code)


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, optimize=True, progressive=True)
    return out.getvalue()


def check_image(
    data: bytes,
    *,
    max_side: int = 1600,
    thumb_side: int = THUMB_SIDE,
    field: str = "file",
    not_image: str | None = None,
) -> Processed:
    """Check ``data`` is a picture we accept and make its stored sizes; BadInput otherwise."""
    not_image = not_image or _("This file is not a photo. Upload a JPEG, PNG, WebP or GIF image.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in ACCEPTED_IMAGES:
                    raise _refuse(not_image, "file_type", field)
                if probe.width * probe.height > MAX_PIXELS:
                    message = _("The photo has too many pixels; make it smaller and try again.")
                    raise _refuse(message, "file_too_large", field)
                probe.verify()  # reads the whole file: a truncated or forged one fails here
            image: Image.Image = Image.open(io.BytesIO(data))
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
        raise _refuse(not_image, "file_type", field) from None
    image = ImageOps.exif_transpose(image)
    if image.mode not in ("RGB", "L"):
        # A transparent picture lands on white, not black.
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
    return Processed(IMAGE, "image/jpeg", _jpeg(full), _jpeg(thumb), full.width, full.height)


def _process_pdf(data: bytes, field: str) -> Processed:
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-2048:]:
        raise _refuse(_("This file is not a whole PDF document."), "file_broken", field)
    if PDF_UNSAFE.search(data):
        message = _("This PDF carries scripts, actions or attached files; save it again as a plain PDF.")
        raise _refuse(message, "file_unsafe", field)
    return Processed(PDF, "application/pdf", data)


def _what(data: bytes, kinds: Sequence[str], field: str) -> Processed:
    """Decide by the first bytes what the upload is, and process it as that kind if allowed."""
    if data.startswith(b"%PDF-"):
        if PDF in kinds:
            return _process_pdf(data, field)
    elif IMAGE in kinds:
        return check_image(
            data, max_side=_setting("files_image_side", 1600), field=field, not_image=_wrong_kind(kinds)
        )
    raise _refuse(_wrong_kind(kinds), "file_type", field)


def _wrong_kind(kinds: Sequence[str]) -> str:
    if IMAGE in kinds and PDF in kinds:
        return _("Upload a photo (JPEG, PNG, WebP or GIF) or a PDF document.")
    if PDF in kinds:
        return _("Upload a PDF document.")
    return _("This file is not a photo. Upload a JPEG, PNG, WebP or GIF image.")


def safe_name(name: str) -> str:
    """An upload's name fit to keep and to show: no folders, control characters or odd spaces."""
    name = unicodedata.normalize("NFC", str(name or "")).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] not in ("C", "Z") or c == " ")
    return name.strip(" .")[:NAME_MAX]


def _read(upload: Any, limit: int, field: str) -> tuple[str, bytes]:
    """The name and bytes of a werkzeug ``FileStorage`` or a ``(name, bytes)`` pair, reading no
    more than one byte past ``limit``."""
    if upload is None:
        name, data = "", b""
    elif isinstance(upload, tuple):
        name, data = upload
        data = bytes(data[: limit + 1])
    else:
        name, data = upload.filename or "", upload.stream.read(limit + 1)
    if not data:
        raise _refuse(_("Choose a file to upload."), "file_empty", field)
    if len(data) > limit:
        raise _refuse(too_large_message(limit), "file_too_large", field)
    return safe_name(name), data


def store_upload(
    session: Session,
    upload: Any,
    *,
    owner: Any | None,
    purpose: str,
    kinds: Sequence[str] = (IMAGE,),
    public: bool = False,
    max_bytes: int | None = None,
    field: str = "file",
) -> StoredFile:
    """Check and keep one upload; BadInput (in the reader's words, naming ``field``) when it is
    empty, too large, not of ``kinds`` by its content, broken or unsafe, and then nothing is kept.

    ``upload`` is a werkzeug ``FileStorage`` (``request.files["photo"]``) or a ``(name, bytes)``
    pair. ``purpose`` reads ``"<plugin>.<what>"``. Flushes; the caller's transaction commits."""
    unknown = [k for k in kinds if k not in KINDS]
    if unknown or not kinds:
        raise ValueError(f"file kinds must be among {KINDS}, not {kinds!r}")
    limit = min(max_bytes or max_upload_bytes(), max_upload_bytes())
    name, data = _read(upload, limit, field)
    if owner is not None:
        _check_daily(session, owner.id, field)
    processed = _what(data, kinds, field)
    storage = file_storage()
    ext = "jpg" if processed.kind == IMAGE else "pdf"
    storage.save(f"{processed.key}.{ext}", processed.data)
    thumb_key = None
    if processed.thumb is not None:
        thumb_key = f"{processed.key}_t"
        storage.save(f"{thumb_key}.{ext}", processed.thumb)
    stored = StoredFile(
        token=secrets.token_urlsafe(16),
        owner_id=owner.id if owner is not None else None,
        purpose=purpose[:60],
        kind=processed.kind,
        content_type=processed.content_type,
        key=processed.key,
        thumb_key=thumb_key,
        size=len(processed.data),
        width=processed.width,
        height=processed.height,
        name=name,
        public=public,
        created_at=utcnow(),
    )
    session.add(stored)
    session.flush()
    return stored


def _check_daily(session: Session, owner_id: int, field: str) -> None:
    """At most ``files_per_day`` uploads a member in 24 hours: a runaway script fills no disk."""
    most = _setting("files_per_day", 300)
    since = utcnow() - timedelta(days=1)
    count = session.scalar(
        select(func.count(StoredFile.id)).where(
            StoredFile.owner_id == owner_id, StoredFile.created_at >= since
        )
    )
    if (count or 0) >= most:
        message = _("You have uploaded as many files as a day allows; try again tomorrow.")
        raise _refuse(message, "file_quota", field)


def owned_files(
    session: Session,
    owner: Any,
    tokens: Iterable[Any],
    *,
    kinds: Sequence[str] = (IMAGE,),
    limit: int = 10,
    public: bool | None = None,
    field: str = "files",
) -> list[StoredFile]:
    """The files ``owner`` uploaded (``POST /api/v1/files``) named by ``tokens``, in their order;
    BadInput when one is not theirs, not of ``kinds``, or there are more than ``limit``.
    ``public`` (when given) sets who may read them: a post's photos become public as it is posted."""
    wanted = [str(t) for t in tokens]
    if len(wanted) > limit:
        raise _refuse(_("At most %(n)s files.", n=limit), "too_many_files", field)
    if len(set(wanted)) != len(wanted):
        raise _refuse(_("The same file is named twice."), "unknown_file", field)
    if not wanted:
        return []
    found = {
        f.token: f
        for f in session.scalars(
            select(StoredFile).where(StoredFile.token.in_(wanted), StoredFile.owner_id == owner.id)
        )
    }
    missing = [t for t in wanted if t not in found or found[t].kind not in kinds]
    if missing:
        raise _refuse(_("No such file of yours: upload it first."), "unknown_file", field)
    files = [found[t] for t in wanted]
    if public is not None:
        for f in files:
            f.public = public
    return files


def files_by_id(session: Session, ids: Iterable[int]) -> dict[int, StoredFile]:
    """Stored files by id, in one query (for a list page showing many)."""
    wanted = {int(i) for i in ids if i is not None}
    if not wanted:
        return {}
    return {f.id: f for f in session.scalars(select(StoredFile).where(StoredFile.id.in_(wanted)))}


# The widths a picture is served at for a phone's screen (``/files/<token>?w=480``); any other
# asked width is served at the next one up, so the variants on disk stay few.
WIDTHS = (320, 480, 800, 1200)


def file_url(file: StoredFile, *, thumb: bool = False, width: int | None = None) -> str:
    """Where the file is read: ``/files/<token>`` (``/thumb`` for an image's thumbnail,
    ``?w=<width>`` for a picture at most that wide)."""
    if thumb and file.thumb_key:
        return url_for("files.thumb", token=file.token)
    if width is not None and file.kind == IMAGE:
        return url_for("files.show", token=file.token, w=fitting_width(width))
    return url_for("files.show", token=file.token)


def file_srcset(file: StoredFile) -> str:
    """``srcset`` for an ``<img>`` of a stored picture: each width it is served at, narrower than
    the picture itself, then the picture; the browser picks by the screen and its ``sizes``."""
    if file.kind != IMAGE:
        return ""
    full = file.width or WIDTHS[-1]
    parts = [f"{file_url(file, width=w)} {w}w" for w in WIDTHS if w < full]
    parts.append(f"{file_url(file)} {full}w")
    return ", ".join(parts)


def fitting_width(asked: int) -> int:
    """The served width for an asked one: the smallest of ``WIDTHS`` at least as wide, at most the
    widest."""
    return next((w for w in WIDTHS if w >= asked), WIDTHS[-1])


def image_variant(storage: Any, key: str, width: int) -> bytes | None:
    """The JPEG stored under ``key`` at most ``width`` pixels wide, made with Pillow once and
    kept in ``storage`` beside it (``<key>_w<width>.jpg``); None when the picture is not there.
    A picture already that narrow is served as it is."""
    name = f"{key}_w{width}.jpg"
    kept = storage.read(name)
    if kept is not None:
        return bytes(kept)
    data = storage.read(f"{key}.jpg")
    if data is None:
        return None
    with Image.open(io.BytesIO(data)) as image:
        if image.width <= width:
            return bytes(data)
        image.thumbnail((width, image.height), Image.Resampling.LANCZOS)
        made = _jpeg(image.convert("RGB"))
    storage.save(name, made)
    return made


def file_response(
    file: StoredFile, *, thumb: bool = False, download: bool = False, width: int | None = None
) -> Response:
    """The file's bytes with headers that keep them inert: the stored type and no sniffing, a
    policy that runs nothing, PDFs as downloads; cached by its content address (ETag). A
    picture with ``width`` is served at most that wide (see ``fitting_width``)."""
    key = file.thumb_key if thumb and file.thumb_key else file.key
    ext = "jpg" if file.kind == IMAGE else "pdf"
    if width is not None and file.kind == IMAGE and not thumb:
        width = fitting_width(width)
        data = image_variant(file_storage(), file.key, width)
        key = f"{file.key}_w{width}"
    else:
        data = file_storage().read(f"{key}.{ext}")
    if data is None:
        from resalat_core.errors import NotFound

        raise NotFound(_("No such file."), code="unknown_file")
    response = Response(data, mimetype=file.content_type)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    disposition = "attachment" if download or file.kind != IMAGE else "inline"
    name = file.name or f"{file.token}.{ext}"
    if not name.lower().endswith(f".{ext}"):
        name = f"{name.rsplit('.', 1)[0] if '.' in name else name}.{ext}"
    ascii_name = name.encode("ascii", "ignore").decode() or f"file.{ext}"
    ascii_name = re.sub(r'["\\;]', "_", ascii_name)
    response.headers["Content-Disposition"] = (
        f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    )
    # The bytes behind a key never change: a public file may be cached anywhere for a year, a
    # private one by the reader's browser only.
    response.headers["Cache-Control"] = (
        "public, max-age=31536000, immutable" if file.public else "private, max-age=86400"
    )
    response.set_etag(key)
    response.make_conditional(request)
    return response

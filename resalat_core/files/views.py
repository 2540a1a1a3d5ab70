"""Stored files read by address (``/files/<token>``) and uploaded through the API."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request
from flask_login import current_user
from marshmallow import Schema, fields
from sqlalchemy import select

from resalat_core.access import login_required, public
from resalat_core.db import db_session
from resalat_core.errors import BadInput, NotFound
from resalat_core.files.models import IMAGE, PDF, StoredFile
from resalat_core.files.services import file_response, file_url, store_upload
from resalat_core.i18n import _
from resalat_core.rest.core import UtcDateTime, api_doc, dump

bp = Blueprint("files", __name__, url_prefix="/files")
api_bp = Blueprint("files_api", __name__, url_prefix="/api/v1/files")
TOKEN_MAX = 32


def _readable(token: str) -> StoredFile:
    """The file named ``token`` if the reader may see it here: a public file for anyone, a private
    one for its owner; anyone else reads "no such file" (404), not that it exists."""
    found = None
    if 0 < len(token) <= TOKEN_MAX:
        found = db_session().scalar(select(StoredFile).where(StoredFile.token == token))
    if found is None or not (
        found.public or (current_user.is_authenticated and found.owner_id == current_user.id)
    ):
        raise NotFound(_("No such file."), code="unknown_file")
    return found


@bp.get("/<token>")
@public
def show(token: str) -> Any:
    """A stored file: inline for an image, a download for a PDF; ``?w=480`` a picture at most
    that wide, for a phone's screen."""
    asked = request.args.get("w")
    width = None
    if asked is not None:
        if not asked.isdecimal() or not 1 <= int(asked) <= 10_000:
            raise BadInput(_("Ask for a width in pixels, from 1 to 10000."), code="bad_width")
        width = int(asked)
    return file_response(_readable(token), width=width)


@bp.get("/<token>/thumb")
@public
def thumb(token: str) -> Any:
    """An image's thumbnail (the file itself for a PDF)."""
    return file_response(_readable(token), thumb=True)


class StoredFileSchema(Schema):
    token = fields.String(metadata={"description": "name it by this in other operations"})
    url = fields.String()
    thumb_url = fields.String()
    kind = fields.String(metadata={"enum": [IMAGE, PDF]})
    content_type = fields.String()
    size = fields.Integer(metadata={"description": "bytes, as stored (an image after resizing)"})
    width = fields.Integer(allow_none=True)
    height = fields.Integer(allow_none=True)
    name = fields.String()
    public = fields.Boolean()
    created_at = UtcDateTime()


def dump_file(file: StoredFile) -> dict[str, Any]:
    return {
        "token": file.token,
        "url": file_url(file),
        "thumb_url": file_url(file, thumb=True),
        "kind": file.kind,
        "content_type": file.content_type,
        "size": file.size,
        "width": file.width,
        "height": file.height,
        "name": file.name,
        "public": file.public,
        "created_at": file.created_at,
    }


@api_bp.post("")
@api_doc(
    summary="Upload a photo or a PDF, to name by its token in another operation",
    upload={"file": "file", "public": "boolean"},
    response=StoredFileSchema,
    status=201,
    tags=["files"],
)
@login_required
def upload() -> Any:
    """A JPEG, PNG, WebP or GIF photo (re-encoded as JPEG, at most 1600 px, with a thumbnail) or
    a PDF without scripts, checked by its content. Private unless ``public`` is true; an
    operation that attaches it to something public (a post) makes it public."""
    session = db_session()
    make_public = str(request.form.get("public", "")).strip().lower() in {"1", "true", "yes", "on"}
    stored = store_upload(
        session,
        request.files.get("file"),
        owner=current_user,
        purpose="api.upload",
        kinds=(IMAGE, PDF),
        public=make_public,
    )
    session.commit()
    return dump(StoredFileSchema, dump_file(stored)), 201

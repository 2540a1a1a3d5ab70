"""A post's photos: host stored files, checked by content, re-encoded and resized by the host;
read from a page's upload or an API client's tokens, and loaded for a page of posts at once.

The photos are public files (the post shows them to its readers); a hidden post's page is
refused, and its photos' addresses are unguessable tokens."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from resalat_core.sdk import IMAGE, BadInput, Member, _, file_url, files_by_id, owned_files, store_upload

from . import plugin
from .models import PHOTOS_MAX, RasanPost

PURPOSE = f"{plugin.name}.photo"


def read_photos(session: Session, member: Member, uploads: Sequence[Any]) -> list[Any]:
    """Store the photos a page sent (empty file fields are skipped); too many, too large or not
    an image by its content: BadInput naming the field, and nothing is kept."""
    chosen = [u for u in uploads if getattr(u, "filename", "")]
    if len(chosen) > PHOTOS_MAX:
        message = _("At most %(count)s photos.", count=PHOTOS_MAX)
        raise BadInput(message, fields={"photos": message}, code="too_many_files")
    limit = int(plugin.setting("photo_max_bytes"))
    return [
        store_upload(
            session,
            upload,
            owner=member,
            purpose=PURPOSE,
            kinds=(IMAGE,),
            public=True,
            max_bytes=limit,
            field="photos",
        )
        for upload in chosen
    ]


def resolve_tokens(session: Session, member: Member, tokens: Sequence[str]) -> list[Any]:
    """The API's photos: images the member uploaded first, by token, made public with the post."""
    return owned_files(
        session, member, list(tokens), kinds=(IMAGE,), limit=PHOTOS_MAX, public=True, field="photos"
    )


def photos_for(session: Session, posts: Sequence[RasanPost]) -> dict[int, list[Any]]:
    """The stored files of a page of posts, by post id, in their order: one query for the page
    (the posts' photo rows are loaded with them)."""
    by_id = files_by_id(session, [p.file_id for post in posts for p in post.photos])
    return {post.id: [by_id[p.file_id] for p in post.photos if p.file_id in by_id] for post in posts}


def photo_urls(files: Sequence[Any]) -> list[dict[str, str]]:
    return [{"url": file_url(f), "thumb_url": file_url(f, thumb=True)} for f in files]

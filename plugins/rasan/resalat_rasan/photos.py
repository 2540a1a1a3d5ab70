"""A post's photos: host stored files, checked by content and resized by the host; read from a
page's upload or an API client's tokens, and loaded for a page of posts in one query."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from resalat_core.sdk import Member

from .models import RasanPost


def read_photos(session: Session, member: Member, uploads: Sequence[Any]) -> list[Any]:
    """Store the photos a page sent (empty file fields are skipped)."""
    return []


def photos_for(session: Session, posts: Sequence[RasanPost]) -> dict[int, list[Any]]:
    """The stored files of a page of posts, by post id, in their order."""
    return {}


def resolve_tokens(session: Session, member: Member, tokens: Sequence[str]) -> list[Any]:
    """The API's photos: files the member uploaded first, by token."""
    return []


def photo_urls(files: Sequence[Any]) -> list[dict[str, str]]:
    return []

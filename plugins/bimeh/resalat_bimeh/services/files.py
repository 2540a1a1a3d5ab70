"""A claim's photos and documents: stored through the host's files SDK (checked by content, kept
private to the claimant), served through M-Bimeh's own route after the access check."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from resalat_core.sdk import (
    IMAGE,
    PDF,
    BadInput,
    Digits,
    Member,
    NotFound,
    StoredFile,
    _,
    file_response,
    files_by_id,
    owned_files,
    store_upload,
)

from .. import setting
from ..models import Claim, ClaimFile
from .claims import claim_file

PURPOSE = "bimeh.claim"
KINDS = (IMAGE, PDF)


def _too_many(most: int) -> BadInput:
    message = _("Attach at most %(n)s photos or documents.", n=Digits(str(most)))
    return BadInput(message, fields={"photos": message})


def stored_uploads(session: Session, member: Member, uploads: list[Any]) -> list[StoredFile]:
    """The photos a page form sent, each checked by its content and stored (at most ``max_photos``);
    BadInput naming the photos field, and nothing kept, when one is refused."""
    chosen = [u for u in uploads if u is not None and bool(getattr(u, "filename", None))]
    most = int(setting("max_photos"))
    if len(chosen) > most:
        raise _too_many(most)
    return [
        store_upload(session, upload, owner=member, purpose=PURPOSE, kinds=KINDS, field="photos")
        for upload in chosen
    ]


def owned_uploads(session: Session, member: Member, tokens: list[str]) -> list[StoredFile]:
    """Files the member uploaded through the API, by token, in order (BadInput for any other)."""
    most = int(setting("max_photos"))
    if len(tokens) > most:
        raise _too_many(most)
    if not tokens:
        return []
    return owned_files(session, member, tokens, kinds=KINDS, limit=most, field="photos")


def files_of(session: Session, claim: Claim) -> list[StoredFile]:
    """The claim's stored files, in the order they were attached (two queries)."""
    ids = list(
        session.scalars(
            select(ClaimFile.file_id).where(ClaimFile.claim_id == claim.id).order_by(ClaimFile.id)
        )
    )
    found = files_by_id(session, ids)
    return [found[i] for i in ids if i in found]


def serve_file(session: Session, viewer: Member, claim_id: int, file_id: int, *, thumb: bool) -> Any:
    """The bytes of a claim's file for the claimant or an insurer of its region; NotFound for
    anyone else (checked before a byte is read)."""
    link = claim_file(session, viewer, claim_id, file_id)
    stored = session.get(StoredFile, link.file_id)
    if stored is None:
        raise NotFound(_("No such photo."), code="unknown_file")
    return file_response(stored, thumb=thumb)


def photo_counts(session: Session, claim_ids: list[int]) -> dict[int, int]:
    """How many files each claim carries: one query."""
    if not claim_ids:
        return {}
    rows = session.execute(
        select(ClaimFile.claim_id, func.count(ClaimFile.id))
        .where(ClaimFile.claim_id.in_(claim_ids))
        .group_by(ClaimFile.claim_id)
    ).all()
    return {int(c): int(n) for c, n in rows}

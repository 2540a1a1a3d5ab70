"""A claim's photos and documents: stored through the host's files SDK, served after the check."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from resalat_core.sdk import BadInput, Digits, Member, NotFound, _

from .. import setting
from ..models import Claim, ClaimFile
from .claims import claim_file

PURPOSE = "bimeh.claim"


def stored_uploads(session: Session, member: Member, uploads: list[Any]) -> list[Any]:
    """The photos a page form sent, each checked and stored (at most ``max_photos``)."""
    chosen = [u for u in uploads if u is not None and getattr(u, "filename", "")]
    most = int(setting("max_photos"))
    if len(chosen) > most:
        message = _("Attach at most %(n)s photos or documents.", n=Digits(str(most)))
        raise BadInput(message, fields={"photos": message})
    if chosen:
        # FILES-SDK: store_upload(session, upload, owner=member, purpose=PURPOSE, kinds=(IMAGE, PDF))
        message = _("Photos cannot be attached yet.")
        raise BadInput(message, fields={"photos": message})
    return []


def files_of(session: Session, claim: Claim) -> list[Any]:
    """The claim's stored files, in the order they were attached (one query)."""
    return []


def serve_file(session: Session, viewer: Member, claim_id: int, file_id: int, *, thumb: bool) -> Any:
    """The bytes of a claim's file for those who may read the claim; NotFound for anyone else."""
    claim_file(session, viewer, claim_id, file_id)
    raise NotFound(_("No such photo."), code="unknown_file")


def owned_uploads(session: Session, member: Member, tokens: list[str]) -> list[Any]:
    """Files the member uploaded through the API, by token, in order (BadInput for any other)."""
    most = int(setting("max_photos"))
    if len(tokens) > most:
        message = _("Attach at most %(n)s photos or documents.", n=Digits(str(most)))
        raise BadInput(message, fields={"photos": message})
    if tokens:
        # FILES-SDK: owned_files(session, member, tokens, kinds=(IMAGE, PDF), limit=most)
        message = _("Photos cannot be attached yet.")
        raise BadInput(message, fields={"photos": message})
    return []


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

"""The row of a stored file: who uploaded it, what it is, where its bytes are, who may read it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from resalat_core.db import Base, BigId, utcnow

IMAGE = "image"
PDF = "pdf"
KINDS = (IMAGE, PDF)


class StoredFile(Base):
    """An uploaded file. Its bytes live in the file storage under ``key`` (a content address, so
    the same photo uploaded twice is kept once); the row is what the app knows about it.

    ``token`` is the unguessable name in its address (``/files/<token>``): ids are never shown, so
    one file's address does not lead to the next. A ``public`` file is read by anyone (a post's
    photo, a course's cover); a private one only by its owner through ``/files/``, and by whoever a
    plugin lets see it through the plugin's own route (an insurer reading a claim's photo)."""

    __tablename__ = "stored_files"
    __table_args__ = (Index("ix_stored_files_owner_created", "owner_id", "created_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    token: Mapped[str] = mapped_column(String(32), unique=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    # Which plugin kept it and what for ("rasan.post", "bimeh.claim"): for audits and clean-ups.
    purpose: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(10))
    content_type: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(64))
    thumb_key: Mapped[str | None] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(120), default="")
    public: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

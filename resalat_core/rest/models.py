"""Stored answers to requests that carried an Idempotency-Key."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from resalat_core.db import Base, BigId, utcnow


class IdempotencyRecord(Base):
    """The first answer to (caller, endpoint, key); a repeat gets it back instead of acting again."""

    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("scope", "key"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    scope: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(200))
    request_hash: Mapped[str] = mapped_column(String(64))
    # None while the first request is still being served.
    status: Mapped[int | None]
    body: Mapped[dict | list | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class FormSubmission(Base):
    """The first outcome of a form sent with a one-time token (the ``csrf()`` macro's ``once``).

    A phone on a weak signal resends a form whose answer it never received; the resend finds this
    row and gets the first outcome (the same redirect, with its messages) instead of acting again.
    ``status`` is None while the first request is still being served. Rows live a day.
    """

    __tablename__ = "form_submissions"
    __table_args__ = (UniqueConstraint("scope", "token", "request_hash"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # "m:<member id>", or "s:<digest of the session>" for a form sent before signing in.
    scope: Mapped[str] = mapped_column(String(80))
    token: Mapped[str] = mapped_column(String(64))
    # The form as sent (path and fields): the same rendered form changed and sent again is new work.
    request_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[int | None]
    location: Mapped[str | None] = mapped_column(String(2000))
    body: Mapped[str | None] = mapped_column(Text)
    flashes: Mapped[list | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

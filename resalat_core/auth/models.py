"""Bearer tokens for the API, the sign-in attempts that throttling counts, password reset codes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from resalat_core.db import Base, BigId, utcnow
from resalat_core.members.models import Member


class ApiToken(Base):
    """A bearer token; only its SHA-256 is stored, the token itself is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    member: Mapped[Member] = relationship(lazy="joined")


class LoginAttempt(Base):
    """A failed sign-in, by identifier and by address; kept in the database so workers stay stateless.

    Other throttled acts count here too under keys of their own: a recovery code asked for
    (``reset:``, ``reset-ip:``) and one sent (``reset-sms:``).
    """

    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    key: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class PasswordReset(Base):
    """A one-time code sent to a member's mobile to set a new password; only its HMAC is stored.

    Live while unused, unvoided and unexpired; a new code voids the ones before it.
    """

    __tablename__ = "password_resets"
    __table_args__ = (Index("ix_password_resets_member_created", "member_id", "created_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    wrong_tries: Mapped[int] = mapped_column(default=0)
    used_at: Mapped[datetime | None]
    voided_at: Mapped[datetime | None]

    member: Mapped[Member] = relationship(lazy="joined")

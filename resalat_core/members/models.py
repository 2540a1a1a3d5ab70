"""Members and their region-scoped roles."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from resalat_core.db import Base, utcnow
from resalat_core.regions.models import Region


class Member(Base):
    """One person of the ecosystem; signs in once with mobile or national code."""

    __tablename__ = "members"

    id: Mapped[int] = mapped_column(primary_key=True)
    national_code: Mapped[str] = mapped_column(String(10), unique=True)
    mobile: Mapped[str] = mapped_column(String(11), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    language: Mapped[str] = mapped_column(String(2), default="fa")
    is_active: Mapped[bool] = mapped_column(default=True)
    # Bumped on password change so other sessions and remember-me cookies stop working.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    # When the member closed the account (the row is then anonymised and cannot sign in).
    closed_at: Mapped[datetime | None]

    region: Mapped[Region] = relationship(lazy="joined")
    # Read when asked for, not with every member a list shows: a page of orders, posts or requests
    # names many members and almost never their roles. The signed-in member's roles come with the
    # member (``reader_options``); a list that asks many members' roles loads them with selectinload.
    roles: Mapped[list[RoleGrant]] = relationship(back_populates="member", cascade="all, delete-orphan")

    # Flask-Login protocol.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def __repr__(self) -> str:
        return f"<Member {self.id} {self.mobile}>"


class RoleGrant(Base):
    """A role held by a member, nationwide (region is None) or in one region and what is under it."""

    __tablename__ = "role_grants"
    __table_args__ = (
        UniqueConstraint("member_id", "role", "region_id", "kind"),
        Index("ix_role_grants_role_region", "role", "region_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(32))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    # For roles held as a kind (a supporter is a credit, technical ... supporter).
    kind: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    member: Mapped[Member] = relationship(back_populates="roles")
    region: Mapped[Region | None] = relationship(lazy="joined")

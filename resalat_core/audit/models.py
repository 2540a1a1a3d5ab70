"""The audit log's one table: entries are only ever added (PostgreSQL refuses UPDATE and DELETE)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from resalat_core.db import Base, BigId, utcnow


class AuditEntry(Base):
    """One act: when, by whom (None: the system or the CLI), which declared action, in which
    region, on what (a reference ``kind:id``), the state before and after, and from where."""

    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_region_id_at", "region_id", "at"),
        Index("ix_audit_entries_action_at", "action", "at"),
        Index("ix_audit_entries_actor_id_at", "actor_id", "at"),
        Index("ix_audit_entries_at", "at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    action: Mapped[str] = mapped_column(String(64))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    subject: Mapped[str | None] = mapped_column(String(80))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    address: Mapped[str | None] = mapped_column(String(45))

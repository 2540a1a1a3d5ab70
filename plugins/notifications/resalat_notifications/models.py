"""The notification: one message for one member, kept as its kind and variables."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from resalat_core.sdk import Base, BigId, utcnow

TITLE_MAX = 200
BODY_MAX = 4000
URL_MAX = 500
SOURCE_MAX = 40
KIND_MAX = 60


class Notification(Base):
    """Something a plugin (``source``) told a member; unread while ``read_at`` is None.

    The sentence is not stored: ``source`` and ``kind`` name the declared ``MessageKind`` and
    ``params`` hold its variables, so each reader reads it in their language (``services.text``).
    """

    __tablename__ = "notifications"
    __table_args__ = (
        # The unread count (on every page, in the nav badge) is answered from this index alone.
        Index("ix_notifications_member_id_read_at", "member_id", "read_at"),
        # The inbox, newest first, walks this index backwards.
        Index("ix_notifications_member_id_id", "member_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(SOURCE_MAX))
    kind: Mapped[str] = mapped_column(String(KIND_MAX))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # A path on this site ("/bazaar/orders/12"); opening the notification goes there.
    url: Mapped[str | None] = mapped_column(String(URL_MAX))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    def __repr__(self) -> str:
        return f"<Notification {self.id} member={self.member_id} {self.source}/{self.kind}>"

"""The SMS outbox: every message the ``outbox`` provider was given, kept instead of being sent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from resalat_core.db import Base, BigId, utcnow


class SmsMessage(Base):
    """One text message to one mobile, as it would have reached the phone."""

    __tablename__ = "sms_outbox"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    mobile: Mapped[str] = mapped_column(String(11), index=True)
    text: Mapped[str] = mapped_column(Text)
    # Newest first on the admin page, so the index serves its ORDER BY.
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

"""Which module is switched on where."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from resalat_core.db import Base, utcnow


class ModuleActivation(Base):
    """A module on or off nationwide (region is None) or for one region.

    The most specific row wins: the member's place, then its province, then nationwide.
    No row at all means off.
    """

    __tablename__ = "module_activations"
    __table_args__ = (UniqueConstraint("module", "region_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module: Mapped[str] = mapped_column(String(64), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id", ondelete="CASCADE"))
    enabled: Mapped[bool]
    changed_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

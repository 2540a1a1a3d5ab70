"""Regions: Iran's provinces and the cities, towns and villages under them."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from resalat_core.db import Base

KINDS = ("province", "city", "town", "village")


class Region(Base):
    """A province (parent is None) or a place inside one."""

    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(80), unique=True)
    name_fa: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(16))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)

    parent: Mapped[Region | None] = relationship(remote_side=[id], lazy="joined", join_depth=1)

    @property
    def province_id(self) -> int:
        return self.parent_id if self.parent_id is not None else self.id

    def name(self, lang: str = "fa") -> str:
        return self.name_fa if lang == "fa" else self.name_en

    def __repr__(self) -> str:
        return f"<Region {self.code}>"

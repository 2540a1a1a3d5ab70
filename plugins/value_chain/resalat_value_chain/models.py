"""The value chain's tables: goods an admin adds, fields' inputs and outputs, suggestions, needs, answers."""

from __future__ import annotations

from datetime import date, datetime

from resalat_cores.services import Core
from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from resalat_core.sdk import Base, Member, Region, utcnow

CODE_MAX = 40
NAME_MAX = 80
UNIT_MAX = 30
NOTE_MAX = 1000
QUANTITY_MAX = 10_000_000

# A suggestion's life: open until a guide or social leader makes it (a guides' link) or declines it.
OPEN = "open"
MADE = "made"
DECLINED = "declined"
SUGGESTION_STATUSES = (OPEN, MADE, DECLINED)

# A need's life: open for answers until its deadline, then closed by the organisation.
CLOSED = "closed"
NEED_STATUSES = (OPEN, CLOSED)


class Good(Base):
    """A good an administrator adds (the built-in ones live in code, named by lazy texts)."""

    __tablename__ = "value_chain_goods"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(CODE_MAX), unique=True)
    name_fa: Mapped[str] = mapped_column(String(NAME_MAX))
    name_en: Mapped[str] = mapped_column(String(NAME_MAX))
    # M-Bazar category codes where booths list it.
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FieldGoods(Base):
    """A field's inputs and outputs as an administrator set them (else the built-in defaults)."""

    __tablename__ = "value_chain_field_goods"

    field_code: Mapped[str] = mapped_column(String(CODE_MAX), primary_key=True)
    inputs: Mapped[list[str]] = mapped_column(JSON, default=list)
    outputs: Mapped[list[str]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))


class Suggestion(Base):
    """A suggested link: ``source`` core's output ``good`` is ``target`` core's input."""

    __tablename__ = "value_chain_suggestions"
    __table_args__ = (
        # One suggestion per pair and good, ever: a declined one is never suggested again.
        UniqueConstraint("source_core_id", "target_core_id", "good_code"),
        Index("ix_value_chain_suggestions_status_target_region_id", "status", "target_region_id"),
        Index("ix_value_chain_suggestions_status_source_region_id", "status", "source_region_id"),
        Index("ix_value_chain_suggestions_target_core_id", "target_core_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_core_id: Mapped[int] = mapped_column(ForeignKey(f"{Core.__tablename__}.id"))
    target_core_id: Mapped[int] = mapped_column(ForeignKey(f"{Core.__tablename__}.id"))
    # Copied from the cores, so an area's list filters without joining both.
    source_region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    target_region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    good_code: Mapped[str] = mapped_column(String(CODE_MAX))
    # 0 same place, 1 same county or province, 2 same province, 3 elsewhere.
    distance: Mapped[int] = mapped_column(Integer, default=3)
    status: Mapped[str] = mapped_column(String(16), default=OPEN)
    link_id: Mapped[int | None] = mapped_column(ForeignKey("guides_core_links.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    source: Mapped[Core] = relationship(foreign_keys=[source_core_id], lazy="joined")
    target: Mapped[Core] = relationship(foreign_keys=[target_core_id], lazy="joined")


class Need(Base):
    """What an organisation needs: a good, a quantity and unit, where from, by when."""

    __tablename__ = "value_chain_needs"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        Index("ix_value_chain_needs_owner_id_id", "owner_id", "id"),
        Index("ix_value_chain_needs_status_good_code", "status", "good_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    good_code: Mapped[str] = mapped_column(String(CODE_MAX))
    quantity: Mapped[int] = mapped_column(Integer)
    unit: Mapped[str] = mapped_column(String(UNIT_MAX))
    # None: from anywhere in the country.
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    deadline: Mapped[date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default=OPEN)
    told: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]

    owner: Mapped[Member] = relationship(lazy="joined")
    region: Mapped[Region | None] = relationship(lazy="joined")


class Answer(Base):
    """A core's "we can supply": how much, and a note."""

    __tablename__ = "value_chain_answers"
    __table_args__ = (
        UniqueConstraint("need_id", "core_id"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        Index("ix_value_chain_answers_need_id_id", "need_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("value_chain_needs.id", ondelete="CASCADE"))
    core_id: Mapped[int] = mapped_column(ForeignKey(f"{Core.__tablename__}.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    core: Mapped[Core] = relationship(lazy="joined")

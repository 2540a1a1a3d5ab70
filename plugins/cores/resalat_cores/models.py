"""The cores' tables: fields of work, cores with their core ID, their members, and status history."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from resalat_core.sdk import Base, Member, Region, utcnow

CODE_MAX = 40
NAME_MAX = 120
DESCRIPTION_MAX = 2000
REASON_MAX = 500
FIELD_CODE_MAX = 30
FIELD_NAME_MAX = 80

# The life of a core: registered as a candidate, approved by a guide (and given its core ID),
# suspended and reactivated with a reason each time.
CANDIDATE = "candidate"
ACTIVE = "active"
SUSPENDED = "suspended"
STATUSES = (CANDIDATE, ACTIVE, SUSPENDED)

# How a core member is related to the core's leader; the leader's own row says "leader".
LEADER = "leader"
RELATIONS = ("leader", "spouse", "child", "parent", "sibling", "relative", "other")


class Field(Base):
    """A field of work (رشته) a core produces in: saffron, hand weaving, light livestock..."""

    __tablename__ = "cores_fields"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Lower-case letters, digits and _; upper-cased it is the middle of every core ID in the field.
    code: Mapped[str] = mapped_column(String(FIELD_CODE_MAX), unique=True)
    name_fa: Mapped[str] = mapped_column(String(FIELD_NAME_MAX))
    name_en: Mapped[str] = mapped_column(String(FIELD_NAME_MAX))

    def __repr__(self) -> str:
        return f"<Field {self.code}>"


class Core(Base):
    """A social entrepreneurship core (هسته): mostly one family around its leader, in one field and place."""

    __tablename__ = "cores"
    __table_args__ = (
        # The public search (active cores of a place, newest first) and a guide's queue
        # (candidates of their area) both filter on status and place.
        Index("ix_cores_status_region_id", "status", "region_id"),
        Index("ix_cores_field_id_status", "field_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The core ID (شناسه هسته), e.g. ZNJ-LIVESTOCK-000012; None until a guide approves the core.
    code: Mapped[str | None] = mapped_column(String(CODE_MAX), unique=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    # search_key(name): what searches compare against.
    name_search: Mapped[str] = mapped_column(String(NAME_MAX), index=True)
    leader_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    field_id: Mapped[int] = mapped_column(ForeignKey("cores_fields.id"))
    # The village or town where the core works (or its province when the place is not listed).
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    # Most cores were working before they joined (DOMAIN.md): the guide's priority.
    existed_before: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(16), default=CANDIDATE)
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    approved_at: Mapped[datetime | None]
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))

    # Joined: every page that lists cores shows the leader, field and place of each.
    leader: Mapped[Member] = relationship(foreign_keys=[leader_id], lazy="joined")
    field: Mapped[Field] = relationship(lazy="joined")
    region: Mapped[Region] = relationship(lazy="joined")
    approved_by: Mapped[Member | None] = relationship(foreign_keys=[approved_by_id], lazy="select")
    members: Mapped[list[CoreMember]] = relationship(
        back_populates="core", order_by="CoreMember.id", cascade="all, delete-orphan", lazy="select"
    )
    history: Mapped[list[CoreStatusChange]] = relationship(
        order_by="CoreStatusChange.id", cascade="all, delete-orphan", lazy="select"
    )

    @property
    def is_active(self) -> bool:
        return self.status == ACTIVE

    def __repr__(self) -> str:
        return f"<Core {self.id} {self.code or self.status}>"


class CoreMember(Base):
    """A person who works in a core: the leader, their family, relatives; a member of M-Resalat or not."""

    __tablename__ = "cores_members"
    __table_args__ = (UniqueConstraint("core_id", "national_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    core_id: Mapped[int] = mapped_column(ForeignKey("cores.id", ondelete="CASCADE"))
    # Set when the person is (or later becomes) a member of M-Resalat.
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), index=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    national_code: Mapped[str] = mapped_column(String(10), index=True)
    mobile: Mapped[str | None] = mapped_column(String(11))
    relation: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    core: Mapped[Core] = relationship(back_populates="members")

    @property
    def is_leader(self) -> bool:
        return self.relation == LEADER

    def __repr__(self) -> str:
        return f"<CoreMember {self.id} core={self.core_id} {self.relation}>"


class CoreStatusChange(Base):
    """One step in a core's life (registered, approved, suspended, reactivated): who, when, why."""

    __tablename__ = "cores_status_changes"
    __table_args__ = (Index("ix_cores_status_changes_core_id_id", "core_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    core_id: Mapped[int] = mapped_column(ForeignKey("cores.id", ondelete="CASCADE"))
    # None for the registration itself.
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)

    actor: Mapped[Member | None] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<CoreStatusChange core={self.core_id} {self.from_status}->{self.to_status}>"


# How many people work in the core, counted inside the query that loads the core: a list page of
# cores shows each one's count without a query per row.
Core.members_count = column_property(
    select(func.count(CoreMember.id))
    .where(CoreMember.core_id == Core.id)
    .correlate_except(CoreMember)
    .scalar_subquery(),
    deferred=False,
)

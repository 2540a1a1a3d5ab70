"""The guide's records: candidates and their status history, the advice log, and links between cores."""

from __future__ import annotations

from datetime import date, datetime

from resalat_cores.services import Core, Field
from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from resalat_core.sdk import Base, Member, Region, utcnow

# The pipeline of DOMAIN.md step 1: identified, advised, has a core ID, has a booth (SAT) in M-Bazar.
IDENTIFIED = "identified"
ADVISED = "advised"
CORE_REGISTERED = "core_registered"
BOOTH_OPENED = "booth_opened"
DROPPED = "dropped"
STATUSES = (IDENTIFIED, ADVISED, CORE_REGISTERED, BOOTH_OPENED, DROPPED)

# What the candidate wants: grow a business they already run, or start one.
GROW = "grow"
START = "start"
INTENTS = (GROW, START)

PENDING = "pending"
ACCEPTED = "accepted"
DECLINED = "declined"
LINK_STATUSES = (PENDING, ACCEPTED, DECLINED)

NAME_MAX = 120
NOTE_MAX = 1000
TEXT_MAX = 4000
NEXT_STEP_MAX = 500
REASON_MAX = 500
MAX_EXPERIENCE = 80


def priority_of(experience_years: int, intent: str) -> int:
    """The guide's order of work (DOMAIN.md: priority to prior experience in the field), as one number.

    Experience counts first, then growing before starting; kept in a column so the list sorts on
    an index instead of computing the order row by row.
    """
    return (2 if experience_years > 0 else 0) + (1 if intent == GROW else 0)


class Candidate(Base):
    """Someone a guide identified who wants to grow or start a business, on their way to a core."""

    __tablename__ = "guides_candidates"
    __table_args__ = (
        # The candidate list: an area's candidates in the order of work (priority, then oldest).
        Index("ix_guides_candidates_region_id_priority", "region_id", "priority", "created_at"),
        # The dashboard's count by status, and the status filter.
        Index("ix_guides_candidates_status_region_id", "status", "region_id"),
        # "Is this person already in someone's pipeline?" when a guide records them.
        Index("ix_guides_candidates_national_code", "national_code"),
        Index("ix_guides_candidates_core_id", "core_id"),
        CheckConstraint("experience_years >= 0", name="experience_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    guide_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    # search_key(name): what the list's search box compares against.
    name_key: Mapped[str] = mapped_column(String(NAME_MAX))
    national_code: Mapped[str] = mapped_column(String(10))
    mobile: Mapped[str] = mapped_column(String(11))
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    intent: Mapped[str] = mapped_column(String(8))
    field_id: Mapped[int] = mapped_column(ForeignKey(f"{Field.__tablename__}.id"))
    experience_years: Mapped[int] = mapped_column(SmallInteger, default=0)
    priority: Mapped[int] = mapped_column(SmallInteger, default=0)
    status: Mapped[str] = mapped_column(String(16), default=IDENTIFIED)
    # Set when their core is registered: the member who leads it and the core itself.
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    core_id: Mapped[int | None] = mapped_column(ForeignKey(f"{Core.__tablename__}.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    region: Mapped[Region] = relationship(lazy="joined")
    field: Mapped[Field] = relationship(lazy="joined")
    guide: Mapped[Member] = relationship(foreign_keys=[guide_id], lazy="raise")
    core: Mapped[Core | None] = relationship(lazy="raise")

    def __repr__(self) -> str:
        return f"<Candidate {self.id} {self.status}>"


class StatusChange(Base):
    """One step of a candidate through the pipeline: from what, to what, who, when and why."""

    __tablename__ = "guides_status_changes"
    __table_args__ = (Index("ix_guides_status_changes_candidate_id_id", "candidate_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("guides_candidates.id", ondelete="CASCADE"))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    actor: Mapped[Member] = relationship(lazy="joined")


class Advice(Base):
    """A guide's advice to a candidate on a day: what was said, the next step, when to follow up."""

    __tablename__ = "guides_advice"
    __table_args__ = (
        Index("ix_guides_advice_candidate_id_advised_on", "candidate_id", "advised_on"),
        # The dashboard: "follow-ups due" looks for dates up to today, "recent advice" the latest days.
        Index("ix_guides_advice_follow_up_on", "follow_up_on"),
        Index("ix_guides_advice_advised_on", "advised_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("guides_candidates.id", ondelete="CASCADE"))
    guide_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    advised_on: Mapped[date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)
    next_step: Mapped[str] = mapped_column(String(NEXT_STEP_MAX), default="")
    follow_up_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    guide: Mapped[Member] = relationship(lazy="joined")
    candidate: Mapped[Candidate] = relationship(lazy="raise")


class CoreLink(Base):
    """A value-chain link a guide suggests: the source core's output is the target core's input.

    The target core's leader accepts or declines it; until then it is pending.
    """

    __tablename__ = "guides_core_links"
    __table_args__ = (
        # The target leader's inbox and the area's pending suggestions.
        Index("ix_guides_core_links_target_core_id_status", "target_core_id", "status"),
        Index("ix_guides_core_links_source_core_id_status", "source_core_id", "status"),
        CheckConstraint("source_core_id <> target_core_id", name="not_to_itself"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_core_id: Mapped[int] = mapped_column(ForeignKey(f"{Core.__tablename__}.id"))
    target_core_id: Mapped[int] = mapped_column(ForeignKey(f"{Core.__tablename__}.id"))
    # What flows from the source to the target ("wool", "milk"...), and why the guide suggests it.
    product: Mapped[str] = mapped_column(String(NAME_MAX))
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default=PENDING)
    suggested_by_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    decided_at: Mapped[datetime | None]
    decline_reason: Mapped[str] = mapped_column(String(REASON_MAX), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    source: Mapped[Core] = relationship(foreign_keys=[source_core_id], lazy="joined")
    target: Mapped[Core] = relationship(foreign_keys=[target_core_id], lazy="joined")
    suggested_by: Mapped[Member] = relationship(foreign_keys=[suggested_by_id], lazy="joined")

"""The supporters' tables: support actions, loan introductions with their history, sponsorships."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from resalat_centers.services import Centre
from resalat_cores.services import Core
from sqlalchemy import JSON, BigInteger, CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from resalat_core.sdk import Base, BigId, Member, utcnow

KIND_MAX = 32
STATUS_MAX = 16
DESCRIPTION_MAX = 2000
PURPOSE_MAX = 300
NOTE_MAX = 500

# An introduction waits for the introduced member's answer (it stands in for the one-time code
# the real M-Hami flow sends to the member's phone); once accepted it counts, and it follows the
# loan the member asks for, as the loans plugin's events tell: scored in Merat, loan requested,
# approved or rejected, disbursed.
AWAITING = "awaiting"
INTRODUCED = "introduced"
DECLINED = "declined"
WITHDRAWN = "withdrawn"
SCORED = "scored"
REQUESTED = "requested"
APPROVED = "approved"
REJECTED = "rejected"
DISBURSED = "disbursed"
STATUSES = (AWAITING, INTRODUCED, DECLINED, WITHDRAWN, SCORED, REQUESTED, APPROVED, REJECTED, DISBURSED)


class SupportAction(Base):
    """Something a supporter did for a member or a core: advice, a sale arranged, a workshop..."""

    __tablename__ = "supporters_actions"
    __table_args__ = (
        # Exactly one beneficiary: a member or a core.
        CheckConstraint(
            "(beneficiary_member_id IS NULL) <> (beneficiary_core_id IS NULL)", name="one_beneficiary"
        ),
        CheckConstraint("minutes IS NULL OR minutes > 0", name="minutes_positive"),
        CheckConstraint("amount IS NULL OR amount > 0", name="amount_positive"),
        # The supporter's history, newest first.
        Index("ix_supporters_actions_supporter_id_id", "supporter_id", "id"),
        # What a member received, directly or through one of their cores.
        Index("ix_supporters_actions_beneficiary_member_id_id", "beneficiary_member_id", "id"),
        Index("ix_supporters_actions_beneficiary_core_id_id", "beneficiary_core_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    supporter_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    # One of the supporter kinds (credit, technical, commercial, cultural, credit_behaviour).
    kind: Mapped[str] = mapped_column(String(KIND_MAX))
    beneficiary_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    beneficiary_core_id: Mapped[int | None] = mapped_column(ForeignKey("cores.id", ondelete="CASCADE"))
    # The day it happened (Tehran), not when it was recorded.
    happened_on: Mapped[date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text)
    # Time given, in minutes (typed as hours with one decimal), and money given, in rials.
    minutes: Mapped[int | None]
    amount: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    # Joined: every list shows who gave and who received.
    supporter: Mapped[Member] = relationship(foreign_keys=[supporter_id], lazy="joined")
    beneficiary_member: Mapped[Member | None] = relationship(
        foreign_keys=[beneficiary_member_id], lazy="joined"
    )
    beneficiary_core: Mapped[Core | None] = relationship(Core, lazy="joined")

    @property
    def hours(self) -> float | None:
        return None if self.minutes is None else self.minutes / 60

    def __repr__(self) -> str:
        return f"<SupportAction {self.id} {self.kind} by={self.supporter_id}>"


class Introduction(Base):
    """A credit supporter introduces a member of an active core to the bank for a Qard al-Hasan loan."""

    __tablename__ = "supporters_introductions"
    __table_args__ = (
        CheckConstraint("estimate > 0", name="estimate_positive"),
        CheckConstraint("amount > 0 AND amount <= ceiling", name="amount_within_ceiling"),
        # "My introductions and their outcome", newest first.
        Index("ix_supporters_introductions_supporter_id_id", "supporter_id", "id"),
        # "Introductions of me", and the loans plugin's introductions_for(member).
        Index("ix_supporters_introductions_member_id_id", "member_id", "id"),
        Index("ix_supporters_introductions_core_id", "core_id"),
        # The CLI's and the dashboard's filter by status.
        Index("ix_supporters_introductions_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    supporter_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    core_id: Mapped[int] = mapped_column(ForeignKey("cores.id", ondelete="CASCADE"))
    # Rials: the business's estimated value, the loan asked for, and the ceiling it was checked
    # against (kept, because the settings may change after the introduction).
    estimate: Mapped[int] = mapped_column(BigInteger)
    amount: Mapped[int] = mapped_column(BigInteger)
    ceiling: Mapped[int] = mapped_column(BigInteger)
    # What the loan will buy.
    purpose: Mapped[str] = mapped_column(String(PURPOSE_MAX))
    status: Mapped[str] = mapped_column(String(STATUS_MAX), default=AWAITING)
    # Why it last changed: the supporter's reason for withdrawing, the bank's for rejecting...
    status_note: Mapped[str] = mapped_column(String(NOTE_MAX), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    answered_at: Mapped[datetime | None]
    status_changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    supporter: Mapped[Member] = relationship(foreign_keys=[supporter_id], lazy="joined")
    member: Mapped[Member] = relationship(foreign_keys=[member_id], lazy="joined")
    core: Mapped[Core] = relationship(Core, lazy="joined")
    events: Mapped[list[IntroductionEvent]] = relationship(
        back_populates="introduction",
        order_by="IntroductionEvent.id",
        cascade="all, delete-orphan",
        lazy="select",
    )

    def __repr__(self) -> str:
        return f"<Introduction {self.id} member={self.member_id} core={self.core_id} {self.status}>"


class IntroductionEvent(Base):
    """One step in an introduction's life: who moved it to which status, when, and why."""

    __tablename__ = "supporters_introduction_events"
    __table_args__ = (Index("ix_supporters_introduction_events_introduction_id_id", "introduction_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # Named by hand: the naming convention's name would pass PostgreSQL's 63-character limit.
    introduction_id: Mapped[int] = mapped_column(
        ForeignKey(
            "supporters_introductions.id",
            ondelete="CASCADE",
            name="fk_supporters_introduction_events_introduction_id",
        )
    )
    status: Mapped[str] = mapped_column(String(STATUS_MAX))
    # What a person wrote: the member's reason for declining, the supporter's for withdrawing,
    # the credit officer's for rejecting the loan.
    note: Mapped[str] = mapped_column(String(NOTE_MAX), default="")
    # What the loan's event told, as typed values read in the reader's language: the loan's
    # number, its Merat score and rating, whether the member cancelled the request.
    params: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # None when the loan's events moved it without naming a person.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(default=utcnow)

    introduction: Mapped[Introduction] = relationship(back_populates="events")
    actor: Mapped[Member | None] = relationship(lazy="joined")


class Sponsorship(Base):
    """A credit-behaviour supporter backs a cooperation centre for a period: its members' credit
    behaviour is vouched for, which Merat hears about as a credit signal while it runs."""

    __tablename__ = "supporters_sponsorships"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
        Index("ix_supporters_sponsorships_supporter_id_id", "supporter_id", "id"),
        # The credit signal: active sponsorships of a member's centres, by centre and period.
        Index("ix_supporters_sponsorships_centre_id_ends_on", "centre_id", "ends_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    supporter_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    centre_id: Mapped[int] = mapped_column(ForeignKey("centers.id", ondelete="CASCADE"))
    # Both days included, Tehran dates.
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(NOTE_MAX), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when the supporter ends it early; it no longer counts from then on.
    ended_at: Mapped[datetime | None]

    supporter: Mapped[Member] = relationship(lazy="joined")
    centre: Mapped[Centre] = relationship(Centre, lazy="joined")

    def is_active_on(self, day: date) -> bool:
        return self.ended_at is None and self.starts_on <= day <= self.ends_on

    def __repr__(self) -> str:
        return f"<Sponsorship {self.id} centre={self.centre_id} {self.starts_on}..{self.ends_on}>"

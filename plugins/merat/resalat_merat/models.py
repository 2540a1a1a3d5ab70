"""Merat's tables: scores with their lines, scoring requests, and members' financial profiles."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from resalat_core.sdk import Base, BigId, Member, utcnow
from resalat_merat.signals import describe

SOURCE_MAX = 40
KIND_MAX = 60
RATING_MAX = 2
REASON_MAX = 20
REFERENCE_MAX = 120
NOTE_MAX = 300

# Why a score was asked for (CONTRACT.md): the member or an officer, the periodic command, a loan.
ON_DEMAND = "on_demand"
PERIODIC = "periodic"
LOAN_REQUEST = "loan_request"
REASONS = (ON_DEMAND, PERIODIC, LOAN_REQUEST)


class Score(Base):
    """One computation of a member's credit score; kept forever, so the newest is the current one."""

    __tablename__ = "merat_scores"
    __table_args__ = (
        CheckConstraint("value >= 0 AND value <= 1000", name="value_range"),
        CheckConstraint("max_monthly_repayment >= 0", name="capacity_not_negative"),
        CheckConstraint("valid_until > computed_at", name="valid_after_computed"),
        # The member's newest score, and their history newest first.
        Index("ix_merat_scores_member_id_id", "member_id", "id"),
        # The refresh command's "older than N days" and the dashboard.
        Index("ix_merat_scores_computed_at", "computed_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    value: Mapped[int] = mapped_column(Integer)
    rating: Mapped[str] = mapped_column(String(RATING_MAX))
    # Rials a month the member can repay: (income − expenses) × the rating's share.
    max_monthly_repayment: Mapped[int] = mapped_column(BigInteger, default=0)
    # The base score the weights started from, kept because the settings may change later.
    base: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(REASON_MAX))
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)
    valid_until: Mapped[datetime]

    member: Mapped[Member] = relationship(lazy="joined")
    # Selectin: a report or a page of history loads every line in one more query.
    lines: Mapped[list[ScoreLine]] = relationship(
        back_populates="score",
        lazy="selectin",
        order_by="ScoreLine.id",
        cascade="all, delete-orphan",
    )

    @property
    def capacity(self) -> int:
        return self.max_monthly_repayment

    def is_valid_at(self, moment: datetime) -> bool:
        return self.valid_until > moment

    def __repr__(self) -> str:
        return f"<Score {self.id} member={self.member_id} {self.value} {self.rating}>"


class ScoreLine(Base):
    """One signal as it counted in a score: its kind, value and typed parameters, the weight used
    and the points it made. It reads in the reader's language from its kind's declared wording."""

    __tablename__ = "merat_score_lines"
    __table_args__ = (Index("ix_merat_score_lines_score_id", "score_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    score_id: Mapped[int] = mapped_column(BigId, ForeignKey("merat_scores.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(SOURCE_MAX))
    kind: Mapped[str] = mapped_column(String(KIND_MAX))
    value: Mapped[int] = mapped_column(BigInteger)
    # The weight as configured when the score was computed (None: no weight for this kind).
    weight_points: Mapped[int | None] = mapped_column(Integer)
    weight_per: Mapped[int | None] = mapped_column(BigInteger)
    weight_max: Mapped[int | None] = mapped_column(Integer)
    points: Mapped[int] = mapped_column(Integer, default=0)
    # The variables of the kind's description, as ``encode_params`` stores them.
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    reference: Mapped[str | None] = mapped_column(String(REFERENCE_MAX))

    score: Mapped[Score] = relationship(back_populates="lines")

    @property
    def weighted(self) -> bool:
        return self.weight_points is not None

    @property
    def weight(self) -> dict[str, int] | None:
        if self.weight_points is None:
            return None
        return {"points": self.weight_points, "per": self.weight_per or 1, "max": self.weight_max or 0}

    @property
    def description(self) -> str:
        """What the signal said, in the reader's language (never its raw code)."""
        return describe(self.source, self.kind, self.value, self.params, weighted=self.weighted)


class ScoringRequest(Base):
    """Someone asked for a member's score: the member, an officer, the periodic command or a loan."""

    __tablename__ = "merat_requests"
    __table_args__ = (
        Index("ix_merat_requests_member_id_id", "member_id", "id"),
        Index("ix_merat_requests_requested_by_id", "requested_by_id"),
        Index("ix_merat_requests_reference", "reference"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    # None: the periodic command (no person asked).
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(String(REASON_MAX))
    # What the request was for, e.g. "loan:12".
    reference: Mapped[str | None] = mapped_column(String(REFERENCE_MAX))
    score_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("merat_scores.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    member: Mapped[Member] = relationship(foreign_keys=[member_id])
    requested_by: Mapped[Member | None] = relationship(foreign_keys=[requested_by_id], lazy="joined")
    score: Mapped[Score | None] = relationship(lazy="joined", innerjoin=False)


class FinancialProfile(Base):
    """What a member declares about their month: income and expenses, in rials (one row each)."""

    __tablename__ = "merat_profiles"
    __table_args__ = (
        CheckConstraint("monthly_income >= 0", name="income_not_negative"),
        CheckConstraint("monthly_expenses >= 0", name="expenses_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), unique=True)
    monthly_income: Mapped[int] = mapped_column(BigInteger)
    monthly_expenses: Mapped[int] = mapped_column(BigInteger)
    note: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def surplus(self) -> int:
        return self.monthly_income - self.monthly_expenses


class FinancialProfileChange(Base):
    """Every version of a member's declared profile, so a later change never hides an earlier one."""

    __tablename__ = "merat_profile_changes"
    __table_args__ = (Index("ix_merat_profile_changes_member_id_id", "member_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    monthly_income: Mapped[int] = mapped_column(BigInteger)
    monthly_expenses: Mapped[int] = mapped_column(BigInteger)
    note: Mapped[str] = mapped_column(Text, default="")
    # Who changed it (the member themself, or the demo); None when unknown.
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

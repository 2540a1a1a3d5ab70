"""The loans tables: products, loans with their history, instalments, payments and guarantees."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from resalat_core.sdk import Base, BigId, Member, utcnow

CODE_MAX = 40
NAME_MAX = 200
STATUS_MAX = 16
REASON_MAX = 500
KEY_MAX = 200

# A loan's life. A request waits for the credit officer; approval disburses it at once (the
# money lands in the earmarked account in the same transaction, so "approved but not paid" never
# lasts); the member may cancel before the decision.
REQUESTED = "requested"
REJECTED = "rejected"
CANCELLED = "cancelled"
DISBURSED = "disbursed"
REPAID = "repaid"
STATUSES = (REQUESTED, REJECTED, CANCELLED, DISBURSED, REPAID)
OPEN = (REQUESTED,)
RUNNING = (DISBURSED,)

# Delinquency buckets, by days the oldest unpaid instalment is overdue (see settings).
CURRENT = "current"
BUCKETS = ("1-30", "31-60", "61-90", "90+")

# Kinds of guarantee on a loan.
GUARANTOR = "guarantor"
SOCIAL = "social"


class LoanProduct(Base):
    """A loan product or programme: the range of amount and term, the fee, what it needs, what it buys."""

    __tablename__ = "loans_products"
    __table_args__ = (
        CheckConstraint("amount_min > 0 AND amount_max >= amount_min", name="amount_range"),
        CheckConstraint(
            "instalments_min > 0 AND instalments_max >= instalments_min AND instalments_max <= 120",
            name="instalments_range",
        ),
        # The fee is a fixed percentage (کارمزد), never interest: at most 4%.
        CheckConstraint("fee_bps >= 0 AND fee_bps <= 400", name="fee_capped"),
        CheckConstraint("min_score >= 0 AND min_score <= 1000", name="score_range"),
        CheckConstraint("guarantors_required >= 0 AND guarantors_required <= 5", name="guarantors_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(CODE_MAX), unique=True)
    name_fa: Mapped[str] = mapped_column(String(NAME_MAX))
    name_en: Mapped[str] = mapped_column(String(NAME_MAX))
    # An M-Bazar programme (livestock, solar ...) or None for a general loan.
    programme: Mapped[str | None] = mapped_column(String(CODE_MAX))
    # Rials.
    amount_min: Mapped[int] = mapped_column(BigInteger)
    amount_max: Mapped[int] = mapped_column(BigInteger)
    instalments_min: Mapped[int] = mapped_column(Integer)
    instalments_max: Mapped[int] = mapped_column(Integer)
    # Basis points of the amount, charged once and fixed: 200 = 2%.
    fee_bps: Mapped[int] = mapped_column(Integer, default=200)
    # Merat's score (0..1000) the member needs at least.
    min_score: Mapped[int] = mapped_column(Integer, default=0)
    requires_note: Mapped[bool] = mapped_column(Boolean, default=True)
    guarantors_required: Mapped[int] = mapped_column(Integer, default=0)
    # A leader's active social guarantee may stand in for the guarantor members.
    social_guarantee_accepted: Mapped[bool] = mapped_column(Boolean, default=False)
    # General loans: the term is bounded by the loan-to-deposit ratio and points are used.
    uses_points: Mapped[bool] = mapped_column(Boolean, default=True)
    # Only for members a credit supporter introduced.
    introduction_required: Mapped[bool] = mapped_column(Boolean, default=False)
    # What the earmarked money may buy in M-Bazar: {"categories": [...], "programmes": [...]}.
    spend_rules: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def name(self, lang: str = "fa") -> str:
        return self.name_fa if lang == "fa" else self.name_en

    def __repr__(self) -> str:
        return f"<LoanProduct {self.code}>"


class Loan(Base):
    """One loan, from the member's request to the last instalment."""

    __tablename__ = "loans_loans"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("fee >= 0", name="fee_not_negative"),
        CheckConstraint("instalments > 0", name="instalments_positive"),
        # A request is made once per key and member: a retried form or API call finds the first.
        UniqueConstraint("member_id", "request_key", name="uq_loans_loans_member_id_request_key"),
        # "My loans", newest first.
        Index("ix_loans_loans_member_id_id", "member_id", "id"),
        # The officer's queue: by status, newest first, within their area.
        Index("ix_loans_loans_status_id", "status", "id"),
        Index("ix_loans_loans_region_id_status", "region_id", "status"),
        # The supporter's page: the loan of each introduction.
        Index("ix_loans_loans_introduction_id", "introduction_id"),
        Index("ix_loans_loans_product_id", "product_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    product_id: Mapped[int] = mapped_column(ForeignKey("loans_products.id"))
    # The member's place at request time: the officer's area is checked against it.
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    # supporters_introductions.id, if a credit supporter introduced the member (no FK: the
    # supporters plugin owns that table; the id is checked through its services).
    introduction_id: Mapped[int | None] = mapped_column(Integer)
    request_key: Mapped[str] = mapped_column(String(KEY_MAX))
    # Rials. The fee is computed once at request time and never changes: no charge grows with time.
    amount: Mapped[int] = mapped_column(BigInteger)
    fee_bps: Mapped[int] = mapped_column(Integer)
    fee: Mapped[int] = mapped_column(BigInteger)
    instalments: Mapped[int] = mapped_column(Integer)
    # Merat's score used for the decision.
    score_id: Mapped[int | None] = mapped_column(BigId)
    score_value: Mapped[int | None] = mapped_column(Integer)
    score_rating: Mapped[str | None] = mapped_column(String(4))
    max_monthly_repayment: Mapped[int | None] = mapped_column(BigInteger)
    # The pledged iCAP note (icap_notes.id), if any.
    note_id: Mapped[int | None] = mapped_column(BigId)
    # Deposit points used (general loans), and the term the deposit ratio allowed.
    points_used: Mapped[int] = mapped_column(BigInteger, default=0)
    max_term: Mapped[int | None] = mapped_column(Integer)
    purpose: Mapped[str] = mapped_column(String(REASON_MAX), default="")
    status: Mapped[str] = mapped_column(String(STATUS_MAX), default=REQUESTED)
    reason: Mapped[str] = mapped_column(String(REASON_MAX), default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    # The earmarked account the money went to.
    account_id: Mapped[int | None] = mapped_column(ForeignKey("wallet_accounts.id"))
    disbursed_on: Mapped[date | None] = mapped_column(Date)
    repaid_at: Mapped[datetime | None]
    # Delinquency: "current" or one of BUCKETS; moved by run-due.
    bucket: Mapped[str] = mapped_column(String(STATUS_MAX), default=CURRENT)
    guarantors_called_at: Mapped[datetime | None]
    note_protested_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    member: Mapped[Member] = relationship(foreign_keys=[member_id], lazy="joined")
    product: Mapped[LoanProduct] = relationship(lazy="joined")
    decided_by: Mapped[Member | None] = relationship(foreign_keys=[decided_by_id], lazy="select")
    schedule: Mapped[list[Instalment]] = relationship(
        back_populates="loan", order_by="Instalment.seq", cascade="all, delete-orphan", lazy="select"
    )
    events: Mapped[list[LoanEvent]] = relationship(
        order_by="LoanEvent.id", cascade="all, delete-orphan", lazy="select"
    )
    guarantees: Mapped[list[LoanGuarantee]] = relationship(
        order_by="LoanGuarantee.id", cascade="all, delete-orphan", lazy="select"
    )

    @property
    def total(self) -> int:
        return self.amount + self.fee

    def __repr__(self) -> str:
        return f"<Loan {self.id} member={self.member_id} {self.status}>"


class LoanEvent(Base):
    """One step in a loan's life: status or bucket changes, who did it, why."""

    __tablename__ = "loans_events"
    __table_args__ = (Index("ix_loans_events_loan_id_id", "loan_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    loan_id: Mapped[int] = mapped_column(BigId, ForeignKey("loans_loans.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(String(REASON_MAX), default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class Instalment(Base):
    """One monthly instalment: a principal part and a fee part, both fixed at disbursal."""

    __tablename__ = "loans_instalments"
    __table_args__ = (
        UniqueConstraint("loan_id", "seq", name="uq_loans_instalments_loan_id_seq"),
        CheckConstraint("principal >= 0 AND fee >= 0 AND principal + fee > 0", name="parts"),
        # run-due: unpaid instalments by due date.
        Index("ix_loans_instalments_paid_at_due_on", "paid_at", "due_on"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    loan_id: Mapped[int] = mapped_column(BigId, ForeignKey("loans_loans.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    due_on: Mapped[date] = mapped_column(Date)
    principal: Mapped[int] = mapped_column(BigInteger)
    fee: Mapped[int] = mapped_column(BigInteger)
    paid_at: Mapped[datetime | None]
    # The Tehran day it was paid (compared with due_on: on time or late).
    paid_on: Mapped[date | None] = mapped_column(Date)
    payment_id: Mapped[int | None] = mapped_column(BigId)
    # Set when the reminder went out and resalat_instalment_due fired: once each.
    reminded_on: Mapped[date | None] = mapped_column(Date)

    loan: Mapped[Loan] = relationship(back_populates="schedule")

    @property
    def amount(self) -> int:
        return self.principal + self.fee

    @property
    def late(self) -> bool:
        return self.paid_on is not None and self.paid_on > self.due_on


class Payment(Base):
    """One payment by the member (one or more instalments), once per key."""

    __tablename__ = "loans_payments"
    __table_args__ = (
        UniqueConstraint("loan_id", "key", name="uq_loans_payments_loan_id_key"),
        CheckConstraint("amount > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    loan_id: Mapped[int] = mapped_column(BigId, ForeignKey("loans_loans.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(KEY_MAX))
    amount: Mapped[int] = mapped_column(BigInteger)
    instalments: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LoanGuarantee(Base):
    """A guarantor member or a leader's social guarantee backing a loan; called when it goes bad."""

    __tablename__ = "loans_guarantees"
    __table_args__ = (
        CheckConstraint("(member_id IS NULL) <> (social_guarantee_id IS NULL)", name="one_kind"),
        Index("ix_loans_guarantees_loan_id", "loan_id"),
        Index("ix_loans_guarantees_member_id", "member_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    loan_id: Mapped[int] = mapped_column(BigId, ForeignKey("loans_loans.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    # leaders_guarantees.id (owned by the leaders plugin) and the leader who signed it.
    social_guarantee_id: Mapped[int | None] = mapped_column(Integer)
    leader_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    called_at: Mapped[datetime | None]

    member: Mapped[Member | None] = relationship(foreign_keys=[member_id], lazy="joined")
    leader: Mapped[Member | None] = relationship(foreign_keys=[leader_id], lazy="joined")

"""Insurance tables: offers made on loans and orders, policies with their insured people and
premium instalments, and claims with their photos."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from resalat_core.sdk import Base, BigId, Member, Region, utcnow

KEY_MAX = 200
REASON_MAX = 500
CODE_MAX = 24

PRODUCTS = ("loan_life", "parcel", "livestock", "solar", "accident")

# An offer: open until the member buys it, declines it or it expires.
OFFER_OPEN = "open"
OFFER_TAKEN = "taken"
OFFER_DECLINED = "declined"
OFFER_EXPIRED = "expired"
OFFER_STATUSES = (OFFER_OPEN, OFFER_TAKEN, OFFER_DECLINED, OFFER_EXPIRED)
# What an offer was made on.
ON_LOAN = "loan"
ON_ORDER = "order"

# A policy: active while its premiums are paid and its term runs; lapsed when an instalment
# stays unpaid past the grace days; expired when its term has ended.
ACTIVE = "active"
LAPSED = "lapsed"
EXPIRED = "expired"
POLICY_STATUSES = (ACTIVE, LAPSED, EXPIRED)

# A claim waits for the region's insurer, who approves it in full, in part, or rejects it.
WAITING = "waiting"
APPROVED = "approved"
PART_APPROVED = "part_approved"
REJECTED = "rejected"
CLAIM_STATUSES = (WAITING, APPROVED, PART_APPROVED, REJECTED)


class Offer(Base):
    """Insurance offered to a member for one loan or one order: a record, never a charge."""

    __tablename__ = "bimeh_offers"
    __table_args__ = (
        # One offer of a product for one loan or order, however often the hook is heard.
        UniqueConstraint("member_id", "product", "source", "source_id", name="uq_bimeh_offers_source"),
        # The member's open offers (the home card and the index page).
        Index("ix_bimeh_offers_member_id_status", "member_id", "status"),
        # run-due expires the open offers past their day.
        Index("ix_bimeh_offers_status_expires_on", "status", "expires_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    product: Mapped[str] = mapped_column(String(CODE_MAX))
    source: Mapped[str] = mapped_column(String(16))
    # loans_loans.id or bazaar_orders.id (no FK: those tables belong to other plugins).
    source_id: Mapped[int] = mapped_column(Integer)
    # The value the offer is about (an order's total), and heads of livestock bought.
    amount: Mapped[int] = mapped_column(BigInteger, default=0)
    heads: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), default=OFFER_OPEN)
    expires_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Policy(Base):
    """An insurance policy: who holds it, what it covers, for how long, and its premium."""

    __tablename__ = "bimeh_policies"
    __table_args__ = (
        CheckConstraint("premium > 0", name="premium_positive"),
        CheckConstraint("instalments > 0", name="instalments_positive"),
        CheckConstraint("ends_on > starts_on", name="term_positive"),
        # A purchase is made once per key and member: a retried form or API call finds the first.
        UniqueConstraint("member_id", "buy_key", name="uq_bimeh_policies_member_id_buy_key"),
        # "My policies", newest first.
        Index("ix_bimeh_policies_member_id_id", "member_id", "id"),
        # run-due: active policies ending; the admin figures by region.
        Index("ix_bimeh_policies_status_ends_on", "status", "ends_on"),
        Index("ix_bimeh_policies_region_id_status", "region_id", "status"),
        Index("ix_bimeh_policies_loan_id", "loan_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    # The holder's place when the policy was bought: the insurer of that region assesses claims.
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    product: Mapped[str] = mapped_column(String(CODE_MAX))
    buy_key: Mapped[str] = mapped_column(String(KEY_MAX))
    offer_id: Mapped[int | None] = mapped_column(ForeignKey("bimeh_offers.id"))
    # loans_loans.id (loan_life), bazaar_orders.id (parcel), cores.id (a family policy).
    loan_id: Mapped[int | None] = mapped_column(BigId)
    order_id: Mapped[int | None] = mapped_column(BigId)
    core_id: Mapped[int | None] = mapped_column(Integer)
    heads: Mapped[int] = mapped_column(Integer, default=0)
    # Rials. For loan_life the insured sum follows the loan (read live); this is the sum quoted.
    insured_sum: Mapped[int] = mapped_column(BigInteger)
    premium: Mapped[int] = mapped_column(BigInteger)
    instalments: Mapped[int] = mapped_column(Integer, default=1)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    status: Mapped[str] = mapped_column(String(16), default=ACTIVE)
    renews_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("bimeh_policies.id"))
    renewal_reminded_on: Mapped[date | None]
    lapsed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    member: Mapped[Member] = relationship(lazy="select")
    region: Mapped[Region] = relationship(lazy="select")
    people: Mapped[list[Insured]] = relationship(
        back_populates="policy", order_by="Insured.id", lazy="select", cascade="all, delete-orphan"
    )
    premiums: Mapped[list[Premium]] = relationship(
        back_populates="policy", order_by="Premium.seq", lazy="select", cascade="all, delete-orphan"
    )

    def covers_day(self, day: date) -> bool:
        return self.starts_on <= day < self.ends_on


class Insured(Base):
    """A person a policy covers (the holder, or each person of a family policy's core)."""

    __tablename__ = "bimeh_insured"
    __table_args__ = (Index("ix_bimeh_insured_policy_id", "policy_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    policy_id: Mapped[int] = mapped_column(BigId, ForeignKey("bimeh_policies.id", ondelete="CASCADE"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(120))
    relation: Mapped[str] = mapped_column(String(16), default="self")

    policy: Mapped[Policy] = relationship(back_populates="people")


class Premium(Base):
    """One instalment of a policy's premium: due on a day, paid once from the main account."""

    __tablename__ = "bimeh_premiums"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        UniqueConstraint("policy_id", "seq", name="uq_bimeh_premiums_policy_id_seq"),
        # run-due walks unpaid instalments by due day.
        Index("ix_bimeh_premiums_paid_at_due_on", "paid_at", "due_on"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    policy_id: Mapped[int] = mapped_column(BigId, ForeignKey("bimeh_policies.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    amount: Mapped[int] = mapped_column(BigInteger)
    due_on: Mapped[date]
    paid_at: Mapped[datetime | None]
    paid_on: Mapped[date | None]
    reminded_on: Mapped[date | None]

    policy: Mapped[Policy] = relationship(back_populates="premiums")


class Claim(Base):
    """A claim on a policy: what was lost and when, what is asked, and the insurer's decision."""

    __tablename__ = "bimeh_claims"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("paid >= 0", name="paid_not_negative"),
        UniqueConstraint("member_id", "file_key", name="uq_bimeh_claims_member_id_file_key"),
        # The insurer's queue: a region's waiting claims, oldest first.
        Index("ix_bimeh_claims_region_id_status_id", "region_id", "status", "id"),
        Index("ix_bimeh_claims_policy_id", "policy_id"),
        Index("ix_bimeh_claims_member_id_id", "member_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    policy_id: Mapped[int] = mapped_column(BigId, ForeignKey("bimeh_policies.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    file_key: Mapped[str] = mapped_column(String(KEY_MAX))
    description: Mapped[str] = mapped_column(Text)
    loss_on: Mapped[date]
    amount: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16), default=WAITING)
    paid: Mapped[int] = mapped_column(BigInteger, default=0)
    reason: Mapped[str] = mapped_column(String(REASON_MAX), default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    policy: Mapped[Policy] = relationship(lazy="joined")
    member: Mapped[Member] = relationship(foreign_keys=[member_id], lazy="select")
    photos: Mapped[list[ClaimFile]] = relationship(
        back_populates="claim", order_by="ClaimFile.id", lazy="select", cascade="all, delete-orphan"
    )


class ClaimFile(Base):
    """A photo or PDF attached to a claim: the host's stored file, kept private to its owner."""

    __tablename__ = "bimeh_claim_files"
    __table_args__ = (
        UniqueConstraint("claim_id", "file_id", name="uq_bimeh_claim_files_claim_id_file_id"),
        Index("ix_bimeh_claim_files_claim_id", "claim_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    claim_id: Mapped[int] = mapped_column(BigId, ForeignKey("bimeh_claims.id", ondelete="CASCADE"))
    file_id: Mapped[int] = mapped_column(BigId, ForeignKey("stored_files.id", ondelete="CASCADE"))

    claim: Mapped[Claim] = relationship(back_populates="photos")

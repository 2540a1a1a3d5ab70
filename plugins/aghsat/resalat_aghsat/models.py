"""M-Aghsat's tables: plans offered, booths opted in, each purchase with its schedule and payments."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from resalat_core.sdk import Base, BigId, Member, utcnow

CODE_MAX = 30
NAME_MAX = 120
KEY_MAX = 200

RUNNING = "running"
REPAID = "repaid"
CANCELLED = "cancelled"
STATUSES = (RUNNING, REPAID, CANCELLED)

CURRENT = "current"
BUCKETS = ("b1_30", "b31_60", "b61_90", "b90_plus")

# Who paid an instalment's money: the buyer (a page, the API or run-due) or a supporter.
BUYER = "buyer"
SUPPORTER = "supporter"


class AghsatPlan(Base):
    """An instalment plan the market offers: months, down payment, fee, minimum rating and where it applies.

    ``categories`` (M-Bazar category codes, a category covers everything under it), ``booths``
    (booth ids) and ``programmes`` (product programmes) narrow where it is offered; empty: anywhere.
    """

    __tablename__ = "aghsat_plans"
    __table_args__ = (
        CheckConstraint("months > 0", name="months_positive"),
        CheckConstraint("down_bps >= 0 AND down_bps <= 10000", name="down_share"),
        CheckConstraint("fee_bps >= 0", name="fee_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(CODE_MAX), unique=True)
    name_fa: Mapped[str] = mapped_column(String(NAME_MAX))
    name_en: Mapped[str] = mapped_column(String(NAME_MAX))
    months: Mapped[int] = mapped_column()
    down_bps: Mapped[int] = mapped_column()
    fee_bps: Mapped[int] = mapped_column()
    min_rating: Mapped[str] = mapped_column(String(4))
    amount_min: Mapped[int] = mapped_column(BigInteger, default=0)
    amount_max: Mapped[int] = mapped_column(BigInteger)
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    booths: Mapped[list[int]] = mapped_column(JSON, default=list)
    programmes: Mapped[list[str]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AghsatBoothOptIn(Base):
    """A seller's choice to sell in instalments at one booth (none: the booth does not)."""

    __tablename__ = "aghsat_booth_optins"

    booth_id: Mapped[int] = mapped_column(
        ForeignKey("bazaar_booths.id", ondelete="CASCADE"), primary_key=True
    )
    by_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class AghsatPurchase(Base):
    """One M-Bazar order bought in instalments: the down payment paid, the rest financed by the fund.

    The fee is computed on what is financed when the plan is taken and never grows afterwards.
    """

    __tablename__ = "aghsat_purchases"
    __table_args__ = (
        Index("ix_aghsat_purchases_buyer_id_id", "buyer_id", "id"),
        Index("ix_aghsat_purchases_status_id", "status", "id"),
        CheckConstraint("financed > 0", name="financed_positive"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    plan_id: Mapped[int] = mapped_column(ForeignKey("aghsat_plans.id"))
    order_id: Mapped[int] = mapped_column(BigId, ForeignKey("bazaar_orders.id"), unique=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    checkout_key: Mapped[str] = mapped_column(String(KEY_MAX))
    rating: Mapped[str] = mapped_column(String(4))
    price: Mapped[int] = mapped_column(BigInteger)  # what the plan paid for: the order's due
    down_payment: Mapped[int] = mapped_column(BigInteger)
    financed: Mapped[int] = mapped_column(BigInteger)
    fee: Mapped[int] = mapped_column(BigInteger)
    months: Mapped[int] = mapped_column()
    status: Mapped[str] = mapped_column(String(16), default=RUNNING)
    bucket: Mapped[str] = mapped_column(String(16), default=CURRENT)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column()

    buyer: Mapped[Member] = relationship(lazy="joined")
    plan: Mapped[AghsatPlan] = relationship(lazy="joined")
    schedule: Mapped[list[AghsatInstalment]] = relationship(
        back_populates="purchase", order_by="AghsatInstalment.seq", lazy="selectin"
    )

    @property
    def total(self) -> int:
        """What the buyer pays in all: the price and the fee."""
        return self.price + self.fee


class AghsatInstalment(Base):
    """One monthly instalment: its principal and fee parts, and what has been paid of it."""

    __tablename__ = "aghsat_instalments"
    __table_args__ = (
        UniqueConstraint("purchase_id", "seq"),
        Index("ix_aghsat_instalments_due", "paid_at", "due_on"),
        CheckConstraint("paid >= 0 AND paid <= principal + fee", name="paid_within"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    purchase_id: Mapped[int] = mapped_column(BigId, ForeignKey("aghsat_purchases.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column()
    due_on: Mapped[date] = mapped_column()
    principal: Mapped[int] = mapped_column(BigInteger)
    fee: Mapped[int] = mapped_column(BigInteger)
    paid: Mapped[int] = mapped_column(BigInteger, default=0)
    paid_at: Mapped[datetime | None] = mapped_column()
    paid_on: Mapped[date | None] = mapped_column()
    reminded_on: Mapped[date | None] = mapped_column()

    purchase: Mapped[AghsatPurchase] = relationship(back_populates="schedule", lazy="select")

    @property
    def amount(self) -> int:
        return self.principal + self.fee

    @property
    def left(self) -> int:
        return self.amount - self.paid


class AghsatPayment(Base):
    """Money paid towards a purchase's instalments, by its buyer or a supporter, once per key."""

    __tablename__ = "aghsat_payments"
    __table_args__ = (
        UniqueConstraint("purchase_id", "key"),
        Index("ix_aghsat_payments_purchase_id", "purchase_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    purchase_id: Mapped[int] = mapped_column(BigId, ForeignKey("aghsat_purchases.id", ondelete="CASCADE"))
    payer_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    payer: Mapped[str] = mapped_column(String(16), default=BUYER)
    key: Mapped[str] = mapped_column(String(KEY_MAX))
    principal: Mapped[int] = mapped_column(BigInteger)
    fee: Mapped[int] = mapped_column(BigInteger)
    # Which instalments it paid, and how much of each: {seq: rials}.
    lines: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    refunded: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    payer_member: Mapped[Member] = relationship(lazy="joined")

    @property
    def amount(self) -> int:
        return self.principal + self.fee


# The names the rest of the plugin uses. Classes are registered as ``Aghsat...``: SQLAlchemy resolves
# relationship names through one registry for every plugin, and loans has its own Instalment.
Plan = AghsatPlan
BoothOptIn = AghsatBoothOptIn
Purchase = AghsatPurchase
Instalment = AghsatInstalment
Payment = AghsatPayment

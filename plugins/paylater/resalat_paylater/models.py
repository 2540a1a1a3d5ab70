"""Pay-later tables: each member's line (what is in use, the lock two checkouts meet on) and debts."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from resalat_core.sdk import Base, BigId, Member, Region, utcnow

OPEN = "open"  # not paid yet (overdue when its due day has passed)
PAID = "paid"
CANCELLED = "cancelled"  # its order was refunded
STATUSES = (OPEN, PAID, CANCELLED)

CURRENT = "current"
BUCKETS = ("d1_30", "d31_60", "d61_90", "d90_plus")

# How a debt was paid: collected on the due day (or after, by the job) or paid by the member.
COLLECTED = "collected"
BY_MEMBER = "member"
KEY_MAX = 200


class CreditLine(Base):
    """A member's pay-later line: the rials in use now (the sum of their open debts).

    Every checkout takes its amount with one conditional UPDATE (``used + amount <= limit``), so
    two checkouts at once meet on this row and cannot go past the limit together.
    """

    __tablename__ = "paylater_lines"
    __table_args__ = (CheckConstraint("used >= 0", name="used_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), unique=True)
    used: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Debt(Base):
    """One order bought on pay later: what the buyer owes the fund, and by when. Never grows."""

    __tablename__ = "paylater_debts"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        # The member's page: their debts, newest first.
        Index("ix_paylater_debts_member_id_id", "member_id", "id"),
        # run-due walks open debts by due day; the admin page sums a region's open debts.
        Index("ix_paylater_debts_status_due_on", "status", "due_on"),
        Index("ix_paylater_debts_region_id_status", "region_id", "status"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    # The buyer's region at checkout: the admin page groups debts by it.
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    # One debt per M-Bazar order (bazaar_orders.id): a refund finds it by the order.
    order_id: Mapped[int] = mapped_column(BigId, unique=True)
    checkout_key: Mapped[str] = mapped_column(String(KEY_MAX))
    amount: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16), default=OPEN)
    bucket: Mapped[str] = mapped_column(String(16), default=CURRENT)
    due_on: Mapped[date]
    reminded_on: Mapped[date | None]
    paid_on: Mapped[date | None]
    paid_by: Mapped[str | None] = mapped_column(String(16))
    # Rials given back to the buyer when a repaid purchase was refunded.
    returned: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    paid_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]

    member: Mapped[Member] = relationship(lazy="select")
    region: Mapped[Region] = relationship(lazy="select")

    def days_overdue(self, day: date) -> int:
        return max(0, (day - self.due_on).days) if self.status == OPEN else 0

    def is_overdue(self, day: date) -> bool:
        return self.status == OPEN and self.due_on < day

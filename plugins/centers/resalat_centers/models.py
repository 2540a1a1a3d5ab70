"""Centres, their members and cores, and the outside orders they share among the cores."""

from __future__ import annotations

from datetime import date, datetime

from resalat_cores.services import Core
from sqlalchemy import BigInteger, CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from resalat_core.sdk import Base, BigId, Member, Region, utcnow

NAME_MAX = 120
TEXT_MAX = 200
UNIT_MAX = 40
NOTE_MAX = 500

# An order is open until a core accepts a share, in progress until every unit is delivered.
OPEN = "open"
IN_PROGRESS = "in_progress"
DELIVERED = "delivered"
CANCELLED = "cancelled"
ORDER_STATUSES = (OPEN, IN_PROGRESS, DELIVERED, CANCELLED)

# A share waits for its core leader's answer; a declined one frees its quantity for others.
OFFERED = "offered"
ACCEPTED = "accepted"
DECLINED = "declined"
WITHDRAWN = "withdrawn"  # its order was cancelled
SHARE_STATUSES = (OFFERED, ACCEPTED, DECLINED, WITHDRAWN)


class Centre(Base):
    """A social cooperation centre (کانون همیاری اجتماعی): a local association with a leader."""

    __tablename__ = "centers"
    __table_args__ = (
        # One name per place, compared as searched (so "الغدير" and "الغدیر" are the same centre).
        UniqueConstraint("region_id", "name_key"),
        Index("ix_centers_leader_id", "leader_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    name_key: Mapped[str] = mapped_column(String(NAME_MAX))
    description: Mapped[str] = mapped_column(Text, default="")
    leader_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    registered_by_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    leader: Mapped[Member] = relationship(foreign_keys=[leader_id])
    registered_by: Mapped[Member] = relationship(foreign_keys=[registered_by_id])
    region: Mapped[Region] = relationship()

    def __repr__(self) -> str:
        return f"<Centre {self.id} {self.name}>"


class CentreMember(Base):
    """A member of the ecosystem who belongs to a centre (the leader belongs without a row)."""

    __tablename__ = "centers_members"
    __table_args__ = (
        UniqueConstraint("centre_id", "member_id"),
        # "Which centres am I in?" (centres_of_member) starts from the member.
        Index("ix_centers_members_member_id", "member_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centers.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    member: Mapped[Member] = relationship(foreign_keys=[member_id])


class CentreCore(Base):
    """A core linked to a centre; the unique core id keeps a core in at most one centre."""

    __tablename__ = "centers_cores"
    __table_args__ = (
        UniqueConstraint("core_id"),
        Index("ix_centers_cores_centre_id_id", "centre_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centers.id", ondelete="CASCADE"))
    core_id: Mapped[int] = mapped_column(ForeignKey("cores.id", ondelete="CASCADE"))
    linked_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    linked_at: Mapped[datetime] = mapped_column(default=utcnow)

    core: Mapped[Core] = relationship(Core)


class Order(Base):
    """An order a customer outside the centre placed with it, to be shared among its cores.

    ``allocated`` (the quantity of shares not declined) and ``delivered`` are kept in step with the
    shares under a lock on this row; the CHECK constraints are the last line if code ever forgets.
    """

    __tablename__ = "centers_orders"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("allocated >= 0 AND allocated <= quantity", name="allocated_within_quantity"),
        CheckConstraint("delivered >= 0 AND delivered <= allocated", name="delivered_within_allocated"),
        CheckConstraint("unit_price IS NULL OR unit_price >= 0", name="unit_price_not_negative"),
        # A centre's orders, newest first.
        Index("ix_centers_orders_centre_id_id", "centre_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centers.id", ondelete="CASCADE"))
    customer: Mapped[str] = mapped_column(String(TEXT_MAX))
    item: Mapped[str] = mapped_column(String(TEXT_MAX))
    unit: Mapped[str] = mapped_column(String(UNIT_MAX))
    quantity: Mapped[int]
    due_date: Mapped[date] = mapped_column(Date)
    # Rials per unit; None when the leader did not give a price.
    unit_price: Mapped[int | None] = mapped_column(BigInteger)
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default=OPEN)
    allocated: Mapped[int] = mapped_column(default=0)
    delivered: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]

    centre: Mapped[Centre] = relationship()

    @property
    def remaining(self) -> int:
        """What is still to be shared among the cores."""
        return self.quantity - self.allocated

    @property
    def total_price(self) -> int | None:
        return None if self.unit_price is None else self.unit_price * self.quantity

    @property
    def percent_delivered(self) -> int:
        return self.delivered * 100 // self.quantity if self.quantity else 0

    def __repr__(self) -> str:
        return f"<Order {self.id} centre={self.centre_id} {self.quantity} {self.status}>"


class Share(Base):
    """The part of an order given to one core, with its own due date and what it delivered."""

    __tablename__ = "centers_shares"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("delivered >= 0 AND delivered <= quantity", name="delivered_within_quantity"),
        Index("ix_centers_shares_order_id_id", "order_id", "id"),
        # A core leader's shares, newest first.
        Index("ix_centers_shares_core_id_id", "core_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    order_id: Mapped[int] = mapped_column(BigId, ForeignKey("centers_orders.id", ondelete="CASCADE"))
    core_id: Mapped[int] = mapped_column(ForeignKey("cores.id"))
    quantity: Mapped[int]
    due_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default=OFFERED)
    delivered: Mapped[int] = mapped_column(default=0)
    decline_reason: Mapped[str] = mapped_column(String(NOTE_MAX), default="")
    assigned_by_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    answered_at: Mapped[datetime | None]

    # By full path: another plugin (M-Bazar) has an Order class too, in the same registry.
    order: Mapped[Order] = relationship("resalat_centers.models.Order")
    core: Mapped[Core] = relationship(Core)

    @property
    def remaining(self) -> int:
        """What the core has still to deliver."""
        return self.quantity - self.delivered

    def __repr__(self) -> str:
        return f"<Share {self.id} order={self.order_id} core={self.core_id} {self.quantity} {self.status}>"


class Delivery(Base):
    """One delivery a core leader reported against a share (partial deliveries add up)."""

    __tablename__ = "centers_deliveries"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        Index("ix_centers_deliveries_share_id_id", "share_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    share_id: Mapped[int] = mapped_column(BigId, ForeignKey("centers_shares.id", ondelete="CASCADE"))
    quantity: Mapped[int]
    note: Mapped[str] = mapped_column(String(NOTE_MAX), default="")
    reported_by_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    share: Mapped[Share] = relationship()
    reported_by: Mapped[Member] = relationship()

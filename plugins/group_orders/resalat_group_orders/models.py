"""The group orders' tables: collective purchases, each core's share, and each change of a share."""

from __future__ import annotations

from datetime import datetime

from resalat_bazaar.services import Booth, Order, Product
from resalat_cores.services import Core
from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from resalat_core.sdk import Account, Base, BigId, Member, Region, utcnow

PLACE_MAX = 300
REASON_MAX = 500
KEY_MAX = 200

# A collective purchase's life. PROPOSED waits for the supplier booth's owner to accept the group
# price (DECLINED if not); OPEN takes cores' shares until the deadline; then PLACED (the minimum
# was reached: one M-Bazar order, paid from escrow) or FAILED (every core paid back). A placed
# order DELIVERED (completed in M-Bazar) is handed over core by core, CLOSED when every core
# confirmed. CANCELLED: called off by its organiser before the deadline, or its M-Bazar order
# cancelled; every core is paid back.
PROPOSED = "proposed"
DECLINED = "declined"
OPEN = "open"
PLACED = "placed"
FAILED = "failed"
DELIVERED = "delivered"
CLOSED = "closed"
CANCELLED = "cancelled"
STATUSES = (PROPOSED, DECLINED, OPEN, PLACED, FAILED, DELIVERED, CLOSED, CANCELLED)
# Statuses where cores' money sits in this plugin's escrow.
HOLDING = (OPEN,)

# A share's life: JOINED (money in escrow, or in the placed order), LEFT (the core took its
# quantity back to nothing), REFUNDED (the purchase failed or was cancelled), HANDED (the
# organiser handed the core its part), RECEIVED (the core's leader confirmed).
JOINED = "joined"
LEFT = "left"
REFUNDED = "refunded"
HANDED = "handed"
RECEIVED = "received"
SHARE_STATUSES = (JOINED, LEFT, REFUNDED, HANDED, RECEIVED)


class GroupPurchase(Base):
    """A collective purchase (``Purchase``): one product of a supplier booth, at a group price."""

    __tablename__ = "group_orders_purchases"
    __table_args__ = (
        CheckConstraint("unit_price > 0", name="unit_price_positive"),
        CheckConstraint("unit_price <= listed_price", name="unit_price_not_above_listed"),
        CheckConstraint("min_quantity > 0 AND max_quantity >= min_quantity", name="quantities_ordered"),
        CheckConstraint("joined_quantity >= 0 AND joined_quantity <= max_quantity", name="joined_within_max"),
        # close-due walks the open purchases by deadline; lists filter a status in an area.
        Index("ix_group_orders_purchases_status_deadline", "status", "deadline"),
        Index("ix_group_orders_purchases_region_id_status", "region_id", "status"),
        Index("ix_group_orders_purchases_organiser_id_id", "organiser_id", "id"),
        Index("ix_group_orders_purchases_booth_id_status", "booth_id", "status"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    organiser_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    booth_id: Mapped[int] = mapped_column(ForeignKey("bazaar_booths.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("bazaar_products.id"), index=True)
    # The collection point: where the order is delivered and the cores collect their parts.
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    collection_point: Mapped[str] = mapped_column(String(PLACE_MAX))
    title: Mapped[str] = mapped_column(String(160))  # the product's title when it was opened
    unit: Mapped[str] = mapped_column(String(16))
    listed_price: Mapped[int] = mapped_column(BigInteger)  # rials, when it was opened
    unit_price: Mapped[int] = mapped_column(BigInteger)  # the group price, rials
    min_quantity: Mapped[int] = mapped_column()
    max_quantity: Mapped[int] = mapped_column()
    # The sum of the joined shares' quantities, kept under the purchase's row lock.
    joined_quantity: Mapped[int] = mapped_column(default=0)
    deadline: Mapped[datetime] = mapped_column()
    status: Mapped[str] = mapped_column(String(16), default=PROPOSED)
    # A reason code (not a sentence): why it was declined, failed or cancelled.
    reason: Mapped[str] = mapped_column(String(40), default="")
    order_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("bazaar_orders.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    placed_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]

    organiser: Mapped[Member] = relationship(lazy="joined")
    booth: Mapped[Booth] = relationship(lazy="joined")
    product: Mapped[Product] = relationship(lazy="select")
    region: Mapped[Region] = relationship(lazy="joined")
    order: Mapped[Order | None] = relationship(lazy="select")
    shares: Mapped[list[GroupShare]] = relationship(
        back_populates="purchase", order_by="GroupShare.id", lazy="select", cascade="all, delete-orphan"
    )

    @property
    def total(self) -> int:
        """What the joined shares pay together, in rials."""
        return self.joined_quantity * self.unit_price

    @property
    def places_left(self) -> int:
        return self.max_quantity - self.joined_quantity

    @property
    def reached_minimum(self) -> bool:
        return self.joined_quantity >= self.min_quantity

    def __repr__(self) -> str:
        return f"<Purchase {self.id} {self.status}>"


class GroupShare(Base):
    """A core's part of a collective purchase, paid by its leader from one account."""

    __tablename__ = "group_orders_shares"
    __table_args__ = (
        UniqueConstraint("purchase_id", "core_id"),
        CheckConstraint("quantity >= 0 AND paid >= 0", name="share_not_negative"),
        Index("ix_group_orders_shares_leader_id_id", "leader_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    purchase_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("group_orders_purchases.id", ondelete="CASCADE")
    )
    core_id: Mapped[int] = mapped_column(ForeignKey("cores.id"), index=True)
    leader_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    # Where the money came from, and where any refund goes back.
    account_id: Mapped[int] = mapped_column(ForeignKey("wallet_accounts.id"))
    quantity: Mapped[int] = mapped_column(default=0)
    paid: Mapped[int] = mapped_column(BigInteger, default=0)  # rials held for this share
    status: Mapped[str] = mapped_column(String(16), default=JOINED)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    handed_at: Mapped[datetime | None]
    received_at: Mapped[datetime | None]

    purchase: Mapped[GroupPurchase] = relationship(back_populates="shares", lazy="select")
    core: Mapped[Core] = relationship(lazy="joined")
    leader: Mapped[Member] = relationship(lazy="select")
    account: Mapped[Account] = relationship(lazy="select")


class GroupShareChange(Base):
    """One join or change of a share, once per the leader's key: a replay answers it again."""

    __tablename__ = "group_orders_share_changes"
    __table_args__ = (UniqueConstraint("actor_id", "key"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    share_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("group_orders_shares.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    key: Mapped[str] = mapped_column(String(KEY_MAX))
    quantity_before: Mapped[int] = mapped_column()
    quantity_after: Mapped[int] = mapped_column()
    # Rials into escrow (positive) or paid back (negative).
    amount: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    share: Mapped[GroupShare] = relationship(lazy="select")


# Registered under names of their own (SQLAlchemy resolves relationship names through one
# registry for every plugin, and centres map a ``Share`` too); the code calls them by these.
Purchase = GroupPurchase
Share = GroupShare
ShareChange = GroupShareChange


# --- bulk orders: a customer's order split among cores (the reverse of a collective purchase) ---

# A bulk order's life: OPEN from the moment it is paid (split, made, delivered part by part),
# COMPLETED when every unit was confirmed received, CANCELLED by its customer (what was not yet
# delivered went back to them; delivered parts are still paid when confirmed).
BULK_OPEN = "open"
BULK_COMPLETED = "completed"
BULK_CANCELLED = "cancelled"
BULK_STATUSES = (BULK_OPEN, BULK_COMPLETED, BULK_CANCELLED)

# A part's life: OFFERED to a core, ACCEPTED or DECLINED by its leader (a declined part's quantity
# is split again), DELIVERED by the core, CONFIRMED by the customer (the core's leader is paid),
# WITHDRAWN when the customer cancelled before it was delivered.
OFFERED = "offered"
ACCEPTED = "accepted"
PART_DECLINED = "declined"
PART_DELIVERED = "delivered"
CONFIRMED = "confirmed"
WITHDRAWN = "withdrawn"
PART_STATUSES = (OFFERED, ACCEPTED, PART_DECLINED, PART_DELIVERED, CONFIRMED, WITHDRAWN)
# Parts that hold a share of the order's quantity.
PART_LIVE = (OFFERED, ACCEPTED, PART_DELIVERED, CONFIRMED)
DESCRIPTION_MAX = 500
UNIT_MAX = 30


class BulkOrder(Base):
    """A customer's bulk order placed with an area's leaders, paid into escrow, split among cores."""

    __tablename__ = "group_orders_bulk_orders"
    __table_args__ = (
        UniqueConstraint("customer_id", "key"),
        CheckConstraint("quantity > 0 AND unit_price > 0", name="bulk_positive"),
        CheckConstraint("allocated >= 0 AND allocated <= quantity", name="bulk_allocated_within"),
        CheckConstraint("held >= 0", name="bulk_held_not_negative"),
        # Lists: a customer's orders, an area's orders by status.
        Index("ix_group_orders_bulk_orders_customer_id_id", "customer_id", "id"),
        Index("ix_group_orders_bulk_orders_region_id_status", "region_id", "status"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    # The customer's one-time key: the same key again answers the same order, paid once.
    key: Mapped[str] = mapped_column(String(KEY_MAX))
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    description: Mapped[str] = mapped_column(String(DESCRIPTION_MAX))
    product_id: Mapped[int | None] = mapped_column(ForeignKey("bazaar_products.id"), index=True)
    unit: Mapped[str] = mapped_column(String(UNIT_MAX))
    quantity: Mapped[int] = mapped_column()
    unit_price: Mapped[int] = mapped_column(BigInteger)  # rials
    deadline: Mapped[datetime] = mapped_column()  # the last day's end, naive UTC
    place: Mapped[str] = mapped_column(String(PLACE_MAX))
    # The sum of the live parts' quantities, kept under the order's row lock.
    allocated: Mapped[int] = mapped_column(default=0)
    # Rials of this order still in escrow: paid in, less what cores were paid and refunds.
    held: Mapped[int] = mapped_column(BigInteger, default=0)
    account_id: Mapped[int] = mapped_column(ForeignKey("wallet_accounts.id"))
    status: Mapped[str] = mapped_column(String(16), default=BULK_OPEN)
    refunded: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]

    customer: Mapped[Member] = relationship(lazy="joined")
    region: Mapped[Region] = relationship(lazy="joined")
    product: Mapped[Product | None] = relationship(lazy="select")
    parts: Mapped[list[BulkPart]] = relationship(
        back_populates="order", order_by="BulkPart.id", lazy="select", cascade="all, delete-orphan"
    )

    @property
    def total(self) -> int:
        return self.quantity * self.unit_price

    @property
    def remaining(self) -> int:
        """Units not yet given to a core (never split, or declined)."""
        return self.quantity - self.allocated

    def __repr__(self) -> str:
        return f"<BulkOrder {self.id} {self.status}>"


class BulkPart(Base):
    """A core's part of a bulk order: its quantity, and the core's leader who is paid for it."""

    __tablename__ = "group_orders_bulk_parts"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="bulk_part_positive"),
        Index("ix_group_orders_bulk_parts_order_id_id", "order_id", "id"),
        Index("ix_group_orders_bulk_parts_leader_id_id", "leader_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    order_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("group_orders_bulk_orders.id", ondelete="CASCADE")
    )
    core_id: Mapped[int] = mapped_column(ForeignKey("cores.id"), index=True)
    leader_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    split_by_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    quantity: Mapped[int] = mapped_column()
    status: Mapped[str] = mapped_column(String(16), default=OFFERED)
    paid: Mapped[int] = mapped_column(BigInteger, default=0)  # rials paid to the core's leader
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    answered_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
    confirmed_at: Mapped[datetime | None]

    order: Mapped[BulkOrder] = relationship(back_populates="parts", lazy="joined")
    core: Mapped[Core] = relationship(lazy="joined")
    leader: Mapped[Member] = relationship(foreign_keys=[leader_id], lazy="select")
    split_by: Mapped[Member] = relationship(foreign_keys=[split_by_id], lazy="select")

    @property
    def amount(self) -> int:
        """What the core's leader is paid for it, in rials."""
        return self.quantity * self.order.unit_price

"""M-ST's tables: operators and their service areas, parcel sizes, the tariff, shipments and their
history, and consignments (grouped shipping)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from resalat_core.sdk import Base, BigId, Member, Region, utcnow

# Operators
PENDING = "pending"
APPROVED = "approved"
SUSPENDED = "suspended"
OPERATOR_STATUSES = (PENDING, APPROVED, SUSPENDED)
VEHICLES = ("motorbike", "car", "pickup", "van", "truck")

# Parcel size classes
SIZES = ("small", "medium", "large", "bulky")

# Shipments
CREATED = "created"
ASSIGNED = "assigned"
PICKED_UP = "picked_up"
IN_TRANSIT = "in_transit"
DELIVERED = "delivered"
FAILED = "failed"
RETURNED = "returned"
CANCELLED = "cancelled"
STATUSES = (CREATED, ASSIGNED, PICKED_UP, IN_TRANSIT, DELIVERED, FAILED, RETURNED, CANCELLED)
# An operator's running jobs (theirs until they end one way or another).
ACTIVE = (ASSIGNED, PICKED_UP, IN_TRANSIT, FAILED)
ENDED = (DELIVERED, RETURNED, CANCELLED)

# Consignments
C_OPEN = "open"
C_LEFT = "left"
C_CANCELLED = "cancelled"
CONSIGNMENT_STATUSES = (C_OPEN, C_LEFT, C_CANCELLED)

NOTE_MAX = 300
CODE_LENGTH = 6


class Operator(Base):
    """A member who carries parcels: their vehicle, capacity and where they work."""

    __tablename__ = "stm_operators"
    __table_args__ = (
        CheckConstraint("capacity_kg > 0", name="capacity_positive"),
        # The approvals page: a region's applications by status.
        Index("ix_stm_operators_status_region_id", "status", "region_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), unique=True)
    # The member's region when they applied: whose guide approves them.
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    vehicle: Mapped[str] = mapped_column(String(16))
    capacity_kg: Mapped[int]
    status: Mapped[str] = mapped_column(String(16), default=PENDING)
    note: Mapped[str] = mapped_column(String(NOTE_MAX), default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    member: Mapped[Member] = relationship(foreign_keys=[member_id], lazy="select")
    region: Mapped[Region] = relationship(lazy="select")
    areas: Mapped[list[OperatorArea]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="OperatorArea.region_id"
    )


class OperatorArea(Base):
    """One region (a province covers its places) of an operator's service area."""

    __tablename__ = "stm_operator_areas"

    operator_id: Mapped[int] = mapped_column(
        ForeignKey("stm_operators.id", ondelete="CASCADE"), primary_key=True
    )
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), primary_key=True)

    region: Mapped[Region] = relationship(lazy="joined")


class ParcelProfile(Base):
    """What one unit of an M-Bazar product weighs and how big it is, as its seller said."""

    __tablename__ = "stm_parcel_profiles"
    __table_args__ = (CheckConstraint("weight_grams >= 0", name="weight_not_negative"),)

    # bazaar_products.id (M-Bazar's table; no foreign key across plugins' branches).
    product_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    weight_grams: Mapped[int]
    size: Mapped[str] = mapped_column(String(16), default="medium")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class TariffRow(Base):
    """The price of a parcel up to ``max_grams`` from one province to another."""

    __tablename__ = "stm_tariff"
    __table_args__ = (
        UniqueConstraint("origin_id", "destination_id", "max_grams"),
        CheckConstraint("max_grams > 0", name="band_positive"),
        CheckConstraint("price >= 0", name="price_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    origin_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    destination_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    max_grams: Mapped[int]
    price: Mapped[int] = mapped_column(BigInteger)

    origin: Mapped[Region] = relationship(foreign_keys=[origin_id], lazy="joined")
    destination: Mapped[Region] = relationship(foreign_keys=[destination_id], lazy="joined")


class Consignment(Base):
    """Parcels from one origin bound for one city, carried together by one operator."""

    __tablename__ = "stm_consignments"
    __table_args__ = (Index("ix_stm_consignments_status_origin_id", "status", "origin_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    opened_by_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    origin_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    destination_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    status: Mapped[str] = mapped_column(String(16), default=C_OPEN)
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("stm_operators.id"))
    note: Mapped[str] = mapped_column(String(NOTE_MAX), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    left_at: Mapped[datetime | None]

    opened_by: Mapped[Member] = relationship(lazy="select")
    origin: Mapped[Region] = relationship(foreign_keys=[origin_id], lazy="joined")
    destination: Mapped[Region] = relationship(foreign_keys=[destination_id], lazy="joined")
    operator: Mapped[Operator | None] = relationship(lazy="select")


class Shipment(Base):
    """One M-Bazar order carried from the booth to the buyer's door."""

    __tablename__ = "stm_shipments"
    __table_args__ = (
        CheckConstraint("fee >= 0", name="fee_not_negative"),
        # Open jobs of an area; an operator's jobs; each side's shipments.
        Index("ix_stm_shipments_status_pickup_region_id", "status", "pickup_region_id"),
        Index("ix_stm_shipments_operator_id_status", "operator_id", "status"),
        Index("ix_stm_shipments_buyer_id_id", "buyer_id", "id"),
        Index("ix_stm_shipments_seller_id_id", "seller_id", "id"),
        Index("ix_stm_shipments_consignment_id", "consignment_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # bazaar_orders.id: one shipment per order.
    order_id: Mapped[int] = mapped_column(BigId, unique=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    seller_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    booth_name: Mapped[str] = mapped_column(String(160))
    pickup_region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    dropoff_region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    # The provinces of both ends, kept so that "nearest first" is one indexed query.
    pickup_province_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    dropoff_province_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    dropoff_address: Mapped[str] = mapped_column(String(600), default="")
    weight_grams: Mapped[int] = mapped_column(BigInteger)
    size: Mapped[str] = mapped_column(String(16))
    fee: Mapped[int] = mapped_column(BigInteger)
    fee_account_id: Mapped[int | None] = mapped_column(ForeignKey("wallet_accounts.id"))
    consignment_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("stm_consignments.id"))
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("stm_operators.id"))
    status: Mapped[str] = mapped_column(String(16), default=CREATED)
    code: Mapped[str] = mapped_column(String(CODE_LENGTH))
    wrong_codes: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    paid: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    buyer: Mapped[Member] = relationship(foreign_keys=[buyer_id], lazy="select")
    seller: Mapped[Member] = relationship(foreign_keys=[seller_id], lazy="select")
    pickup_region: Mapped[Region] = relationship(foreign_keys=[pickup_region_id], lazy="joined")
    dropoff_region: Mapped[Region] = relationship(foreign_keys=[dropoff_region_id], lazy="joined")
    operator: Mapped[Operator | None] = relationship(lazy="select")
    consignment: Mapped[Consignment | None] = relationship(lazy="select")
    events: Mapped[list[ShipmentEvent]] = relationship(
        lazy="select", order_by="ShipmentEvent.id", cascade="all, delete-orphan"
    )


class ShipmentEvent(Base):
    """One change of a shipment's status: when, who (None: the system) and a note."""

    __tablename__ = "stm_shipment_events"
    __table_args__ = (Index("ix_stm_shipment_events_shipment_id", "shipment_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    shipment_id: Mapped[int] = mapped_column(BigId, ForeignKey("stm_shipments.id", ondelete="CASCADE"))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    note: Mapped[str] = mapped_column(String(NOTE_MAX), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    actor: Mapped[Member | None] = relationship(lazy="joined")

"""Festivals and fairs, the cores' applications for their booths, and the products each brings."""

from __future__ import annotations

from datetime import date, datetime

from resalat_bazaar.services import Product
from resalat_cores.services import Core
from sqlalchemy import BigInteger, CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from resalat_core.sdk import Base, Member, Region, utcnow

TITLE_MAX = 160
THEME_MAX = 200
ADDRESS_MAX = 300
NOTE_MAX = 1000
DESCRIPTION_MAX = 4000
# More booths than any local fair has, far from a 32-bit column's limit.
BOOTHS_MAX = 10_000

# A festival takes applications until the organiser closes them (or the deadline passes), runs,
# and finishes; it may be cancelled at any time before it finishes.
ANNOUNCED = "announced"
CLOSED = "closed"
RUNNING = "running"
FINISHED = "finished"
CANCELLED = "cancelled"
STATUSES = (ANNOUNCED, CLOSED, RUNNING, FINISHED, CANCELLED)
# Listed as upcoming: not finished, not cancelled.
UPCOMING = (ANNOUNCED, CLOSED, RUNNING)

# An application waits for the organiser's answer; the core's leader may withdraw it until then.
APPLIED = "applied"
ACCEPTED = "accepted"
DECLINED = "declined"
WITHDRAWN = "withdrawn"
APPLICATION_STATUSES = (APPLIED, ACCEPTED, DECLINED, WITHDRAWN)


class Festival(Base):
    """A local festival or fair (جشنواره، نمایشگاه) with a number of booths for the cores.

    ``accepted`` counts the accepted applications; it changes only under a lock on this row, and
    the CHECK constraint is the last line: never more accepted than there are booths.
    """

    __tablename__ = "festivals"
    __table_args__ = (
        CheckConstraint("booths > 0", name="booths_positive"),
        CheckConstraint("accepted >= 0 AND accepted <= booths", name="accepted_within_booths"),
        CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
        CheckConstraint("apply_by <= ends_on", name="apply_by_before_end"),
        # The upcoming list: by status, soonest first.
        Index("ix_festivals_status_starts_on", "status", "starts_on"),
        Index("ix_festivals_region_id_starts_on", "region_id", "starts_on"),
        Index("ix_festivals_organiser_id_id", "organiser_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    # The fields of work it welcomes, as the organiser wrote them; may be empty.
    theme: Mapped[str] = mapped_column(String(THEME_MAX), default="")
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    address: Mapped[str] = mapped_column(String(ADDRESS_MAX))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    # The last day (in Iran) an application is taken.
    apply_by: Mapped[date] = mapped_column(Date)
    booths: Mapped[int]
    accepted: Mapped[int] = mapped_column(default=0)
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default=ANNOUNCED)
    organiser_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    cancelled_at: Mapped[datetime | None]

    # Joined: every list shows the place and the organiser.
    region: Mapped[Region] = relationship(lazy="joined")
    organiser: Mapped[Member] = relationship(lazy="joined")

    @property
    def free_booths(self) -> int:
        return self.booths - self.accepted

    def __repr__(self) -> str:
        return f"<Festival {self.id} {self.status}>"


class Application(Base):
    """A core's application for a booth at a festival: one per core per festival."""

    __tablename__ = "festivals_applications"
    __table_args__ = (
        UniqueConstraint("festival_id", "core_id"),
        CheckConstraint("fair_sales IS NULL OR fair_sales >= 0", name="fair_sales_not_negative"),
        CheckConstraint("fair_items IS NULL OR fair_items >= 0", name="fair_items_not_negative"),
        # A festival's applications by status (the accepted cores of its page).
        Index("ix_festivals_applications_festival_id_status", "festival_id", "status"),
        # "My applications": the cores a leader leads, newest first.
        Index("ix_festivals_applications_core_id_id", "core_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    festival_id: Mapped[int] = mapped_column(ForeignKey("festivals.id", ondelete="CASCADE"))
    core_id: Mapped[int] = mapped_column(ForeignKey("cores.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default=APPLIED)
    applied_by_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    decided_at: Mapped[datetime | None]
    # What the core reports it sold at the fair in person: rials and items; None until reported.
    fair_sales: Mapped[int | None] = mapped_column(BigInteger)
    fair_items: Mapped[int | None]
    fair_reported_at: Mapped[datetime | None]

    festival: Mapped[Festival] = relationship(lazy="joined")
    core: Mapped[Core] = relationship(Core, lazy="joined")
    products: Mapped[list[ApplicationProduct]] = relationship(
        cascade="all, delete-orphan", order_by="ApplicationProduct.product_id", lazy="select"
    )

    def __repr__(self) -> str:
        return f"<Application {self.id} festival={self.festival_id} core={self.core_id} {self.status}>"


class ApplicationProduct(Base):
    """An M-Bazar product of the core's booth that the core will bring to the fair."""

    __tablename__ = "festivals_application_products"
    __table_args__ = (Index("ix_festivals_application_products_product_id", "product_id"),)

    application_id: Mapped[int] = mapped_column(
        ForeignKey("festivals_applications.id", ondelete="CASCADE"), primary_key=True
    )
    product_id: Mapped[int] = mapped_column(ForeignKey("bazaar_products.id"), primary_key=True)

    product: Mapped[Product] = relationship(Product, lazy="select")

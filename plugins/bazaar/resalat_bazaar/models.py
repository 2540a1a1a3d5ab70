"""M-Bazar's tables: categories, booths, products with photos and loan programmes, carts, orders.

The search index (``bazaar_products_fts``) is not here: it is kept by the database itself (an FTS5
table on SQLite, a tsvector table on PostgreSQL, both fed by triggers from ``search_title`` and
``search_text``), created by the migration and left out of the drift check by its name.
"""

from __future__ import annotations

from datetime import datetime

from resalat_cores.services import Core
from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from resalat_core.sdk import Account, Base, BigId, Member, Region, utcnow

NAME_MAX = 120
TITLE_MAX = 160
DESCRIPTION_MAX = 4000
REASON_MAX = 500
MEDIA_KEY_MAX = 80

# A booth is open for business or closed by its owner (it keeps its products and orders).
BOOTH_OPEN = "open"
BOOTH_CLOSED = "closed"
BOOTH_STATUSES = (BOOTH_OPEN, BOOTH_CLOSED)

# How a booth hands over what it sells: picked up at the booth, carried by an M-ST operator, posted.
PICKUP = "pickup"
MST = "mst"
POST = "post"
DELIVERY_OPTIONS = (PICKUP, MST, POST)

GOODS = "goods"
SERVICE = "service"
KINDS = (GOODS, SERVICE)

UNITS = ("piece", "kg", "gram", "liter", "meter", "head", "box", "set", "hour", "job")

# The loan programmes whose earmarked money may buy a product (the seller flags it).
PROGRAMMES = ("livestock", "solar", "agriculture", "textiles", "beekeeping")

# The life of an order. Money sits in escrow from PLACED until COMPLETED (paid to the seller) or
# REFUNDED (paid back to the accounts it came from); CANCELLED is recorded on the way to REFUNDED.
PLACED = "placed"
ACCEPTED = "accepted"
SHIPPED = "shipped"
DELIVERED = "delivered"
COMPLETED = "completed"
CANCELLED = "cancelled"
REFUNDED = "refunded"
ORDER_STATUSES = (PLACED, ACCEPTED, SHIPPED, DELIVERED, COMPLETED, CANCELLED, REFUNDED)
OPEN_STATUSES = (PLACED, ACCEPTED, SHIPPED, DELIVERED)
# Either side may still cancel: nothing has left the booth.
CANCELLABLE = (PLACED, ACCEPTED)
# Sold: what the seller's figures count.
SOLD_STATUSES = (PLACED, ACCEPTED, SHIPPED, DELIVERED, COMPLETED)

# Funding of a checkout: the main account, an earmarked account (a loan), or the loan first and
# the main account for the rest.
FUND_MAIN = "main"
FUND_EARMARKED = "earmarked"
FUND_BOTH = "both"
FUNDINGS = (FUND_MAIN, FUND_EARMARKED, FUND_BOTH)


class Category(Base):
    """A node of the category tree (raw materials › wool and fibre ...), so cores find suppliers."""

    __tablename__ = "bazaar_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("bazaar_categories.id"), index=True)
    name_fa: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<Category {self.code}>"


class Booth(Base):
    """A booth (ساتِ, virtual shop) of a member, possibly linked to one core the member leads."""

    __tablename__ = "bazaar_booths"
    __table_args__ = (Index("ix_bazaar_booths_owner_id_id", "owner_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    # One booth per core; the leader's own booths (not for a core) have none.
    core_id: Mapped[int | None] = mapped_column(ForeignKey("cores.id"), unique=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    description: Mapped[str] = mapped_column(Text, default="")
    photo: Mapped[str | None] = mapped_column(String(MEDIA_KEY_MAX))
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    delivery_options: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default=BOOTH_OPEN)
    # Hidden by social supervision or an administrator: gone from search and pages, except for
    # the owner, who sees why.
    hidden: Mapped[bool] = mapped_column(default=False)
    hidden_reason: Mapped[str | None] = mapped_column(String(REASON_MAX))
    hidden_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    owner: Mapped[Member] = relationship(lazy="select")
    region: Mapped[Region] = relationship(lazy="joined")
    core: Mapped[Core | None] = relationship(lazy="select")

    @property
    def is_open(self) -> bool:
        return self.status == BOOTH_OPEN

    @property
    def is_public(self) -> bool:
        """Listed in search and shown to everyone."""
        return self.status == BOOTH_OPEN and not self.hidden

    def __repr__(self) -> str:
        return f"<Booth {self.id} {self.name!r}>"


class Product(Base):
    """A product or service a booth sells, at a price in rials, with stock kept exact under races."""

    __tablename__ = "bazaar_products"
    __table_args__ = (
        CheckConstraint("price > 0", name="price_positive"),
        CheckConstraint("stock >= 0", name="stock_not_negative"),
        Index("ix_bazaar_products_booth_id_id", "booth_id", "id"),
        Index("ix_bazaar_products_category_id_price", "category_id", "price"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    booth_id: Mapped[int] = mapped_column(ForeignKey("bazaar_booths.id"))
    category_id: Mapped[int] = mapped_column(ForeignKey("bazaar_categories.id"))
    kind: Mapped[str] = mapped_column(String(16), default=GOODS)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    description: Mapped[str] = mapped_column(Text, default="")
    price: Mapped[int] = mapped_column(BigInteger)  # rials
    # Changed only by one conditional UPDATE at checkout (see services.reserve_stock).
    stock: Mapped[int] = mapped_column(default=0)
    unit: Mapped[str] = mapped_column(String(16), default="piece")
    # The seller may take a product off the shelves without deleting it (orders refer to it).
    listed: Mapped[bool] = mapped_column(default=True)
    hidden: Mapped[bool] = mapped_column(default=False)
    hidden_reason: Mapped[str | None] = mapped_column(String(REASON_MAX))
    hidden_at: Mapped[datetime | None]
    # search_key() of the title and of the rest (description, category names): what the search
    # index is fed with by the database's triggers.
    search_title: Mapped[str] = mapped_column(String(TITLE_MAX * 2), default="")
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    booth: Mapped[Booth] = relationship(lazy="select")
    category: Mapped[Category] = relationship(lazy="joined")
    photos: Mapped[list[ProductPhoto]] = relationship(
        order_by="ProductPhoto.position, ProductPhoto.id",
        cascade="all, delete-orphan",
        lazy="selectin",
    )
    programme_rows: Mapped[list[ProductProgramme]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def programmes(self) -> list[str]:
        return sorted(p.programme for p in self.programme_rows)

    @property
    def cover(self) -> ProductPhoto | None:
        return self.photos[0] if self.photos else None

    @property
    def is_public(self) -> bool:
        return self.listed and not self.hidden

    def __repr__(self) -> str:
        return f"<Product {self.id} {self.title!r}>"


class ProductProgramme(Base):
    """A loan programme (livestock, solar ...) whose earmarked money may buy the product."""

    __tablename__ = "bazaar_product_programmes"

    product_id: Mapped[int] = mapped_column(
        ForeignKey("bazaar_products.id", ondelete="CASCADE"), primary_key=True
    )
    programme: Mapped[str] = mapped_column(String(20), primary_key=True)


class ProductPhoto(Base):
    """One photo of a product: ``key`` names the resized image in storage (``key_t`` its thumbnail)."""

    __tablename__ = "bazaar_product_photos"
    __table_args__ = (Index("ix_bazaar_product_photos_product_id_position", "product_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("bazaar_products.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(MEDIA_KEY_MAX))
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CartItem(Base):
    """A line of a member's cart: one cart per member, across booths, kept between visits."""

    __tablename__ = "bazaar_cart_items"
    __table_args__ = (
        UniqueConstraint("member_id", "product_id"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    product_id: Mapped[int] = mapped_column(ForeignKey("bazaar_products.id", ondelete="CASCADE"), index=True)
    quantity: Mapped[int] = mapped_column(default=1)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    product: Mapped[Product] = relationship(lazy="select")


class Checkout(Base):
    """One press of "pay": the cart split into one order per booth, once per idempotency key."""

    __tablename__ = "bazaar_checkouts"
    __table_args__ = (UniqueConstraint("buyer_id", "key"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    key: Mapped[str] = mapped_column(String(200))
    total: Mapped[int] = mapped_column(BigInteger)
    funding: Mapped[str] = mapped_column(String(16))
    earmarked_account_id: Mapped[int | None] = mapped_column(ForeignKey("wallet_accounts.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    orders: Mapped[list[BazaarOrder]] = relationship(
        back_populates="checkout", order_by="BazaarOrder.id", lazy="select"
    )


class BazaarOrder(Base):
    """What one buyer bought from one booth in one checkout; its money waits in escrow.

    Known to the rest of the code as ``Order`` (below): the class is registered under a name of
    its own because another plugin (centers) maps an ``Order`` on the same declarative base, and
    SQLAlchemy resolves relationship names ("Order") through one registry for every plugin.
    """

    __tablename__ = "bazaar_orders"
    __table_args__ = (
        CheckConstraint("total > 0", name="total_positive"),
        CheckConstraint("delivery_fee >= 0", name="delivery_fee_not_negative"),
        CheckConstraint(
            "paid_main >= 0 AND paid_earmarked >= 0 AND paid_other >= 0 "
            "AND paid_main + paid_earmarked + paid_other = total",
            name="paid_in_full",
        ),
        Index("ix_bazaar_orders_buyer_id_id", "buyer_id", "id"),
        Index("ix_bazaar_orders_seller_id_status", "seller_id", "status"),
        Index("ix_bazaar_orders_booth_id_created_at", "booth_id", "created_at"),
        # complete-due walks shipped orders by their shipping date.
        Index("ix_bazaar_orders_status_shipped_at", "status", "shipped_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    checkout_id: Mapped[int] = mapped_column(BigId, ForeignKey("bazaar_checkouts.id"), index=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    booth_id: Mapped[int] = mapped_column(ForeignKey("bazaar_booths.id"))
    # The booth's owner when the order was placed: the one paid on completion.
    seller_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    status: Mapped[str] = mapped_column(String(16), default=PLACED)
    total: Mapped[int] = mapped_column(BigInteger)
    paid_main: Mapped[int] = mapped_column(BigInteger, default=0)
    paid_earmarked: Mapped[int] = mapped_column(BigInteger, default=0)
    # What the payment methods other plugins offer paid (vouchers, instalments, pay later): the
    # parts are in bazaar_order_payments.
    paid_other: Mapped[int] = mapped_column(BigInteger, default=0)
    earmarked_account_id: Mapped[int | None] = mapped_column(ForeignKey("wallet_accounts.id"))
    delivery: Mapped[str] = mapped_column(String(16))
    # What the delivery service charged (``resalat_delivery_quotes``), paid from the main account
    # beside the goods into the service's account: not part of ``total``, which is the seller's.
    delivery_fee: Mapped[int] = mapped_column(BigInteger, default=0)
    delivery_fee_account_id: Mapped[int | None] = mapped_column(ForeignKey("wallet_accounts.id"))
    # The delivery plugin that moves the order (sent, delivered) itself, from its quote's carrier.
    carrier: Mapped[str | None] = mapped_column(String(40))
    address: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    tracking: Mapped[str] = mapped_column(String(120), default="")
    cancel_reason: Mapped[str | None] = mapped_column(String(REASON_MAX))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    accepted_at: Mapped[datetime | None]
    shipped_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]

    checkout: Mapped[Checkout] = relationship(back_populates="orders", lazy="select")
    buyer: Mapped[Member] = relationship(foreign_keys=[buyer_id], lazy="select")
    seller: Mapped[Member] = relationship(foreign_keys=[seller_id], lazy="select")
    booth: Mapped[Booth] = relationship(lazy="select")
    earmarked_account: Mapped[Account | None] = relationship(
        foreign_keys=[earmarked_account_id], lazy="select"
    )
    items: Mapped[list[OrderItem]] = relationship(
        back_populates="order", order_by="OrderItem.id", cascade="all, delete-orphan", lazy="select"
    )
    events: Mapped[list[OrderEvent]] = relationship(
        order_by="OrderEvent.id", cascade="all, delete-orphan", lazy="select"
    )
    payments: Mapped[list[OrderPayment]] = relationship(
        order_by="OrderPayment.id", cascade="all, delete-orphan", lazy="select"
    )

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def __repr__(self) -> str:
        return f"<Order {self.id} {self.status}>"


Order = BazaarOrder


class OrderPayment(Base):
    """A part of an order paid by another plugin's payment method (``resalat_payment_take``).

    ``account_id`` is where the money came from: a refund pays it back there.
    """

    __tablename__ = "bazaar_order_payments"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    order_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("bazaar_orders.id", ondelete="CASCADE"), index=True
    )
    method: Mapped[str] = mapped_column(String(80))
    account_id: Mapped[int] = mapped_column(ForeignKey("wallet_accounts.id"))
    amount: Mapped[int] = mapped_column(BigInteger)
    purpose: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def plugin(self) -> str:
        """The plugin whose method it was (the code's first part)."""
        return self.method.split(".", 1)[0]


class OrderItem(Base):
    """A line of an order, with the title and price as they were when it was bought."""

    __tablename__ = "bazaar_order_items"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("unit_price > 0", name="unit_price_positive"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    order_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("bazaar_orders.id", ondelete="CASCADE"), index=True
    )
    product_id: Mapped[int] = mapped_column(ForeignKey("bazaar_products.id"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("bazaar_categories.id"))
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    unit: Mapped[str] = mapped_column(String(16))
    unit_price: Mapped[int] = mapped_column(BigInteger)
    quantity: Mapped[int] = mapped_column()

    order: Mapped[BazaarOrder] = relationship(back_populates="items", lazy="select")
    product: Mapped[Product] = relationship(lazy="select")

    @property
    def line_total(self) -> int:
        return self.unit_price * self.quantity


class OrderEvent(Base):
    """One step of an order's history: from which status to which, by whom, when, and why."""

    __tablename__ = "bazaar_order_events"
    __table_args__ = (Index("ix_bazaar_order_events_order_id_id", "order_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    order_id: Mapped[int] = mapped_column(BigId, ForeignKey("bazaar_orders.id", ondelete="CASCADE"))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(default=utcnow)

    actor: Mapped[Member | None] = relationship(lazy="joined")

"""The vouchers' tables: batches, vouchers, every use of a voucher, and organisations' people.

A voucher's ``balance`` is mirrored by the ledger: the float account holds the sum of every
voucher's balance, and each change of a balance is made in the same transaction as its transfer.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from resalat_core.sdk import Base, BigId, Member, today_in_iran, utcnow

TITLE_MAX = 120
CODE_LENGTH = 16  # digits, read like a card number
KEY_MAX = 200

# Who issued a batch, and so where its money came from (and returns to on expiry).
BY_ADMIN = "admin"  # the vouchers' budget
BY_SUPPORTER = "supporter"  # the supporter's main account, for members they support
BY_ORGANISATION = "organisation"  # the organisation's main account, for its people
ISSUER_KINDS = (BY_ADMIN, BY_SUPPORTER, BY_ORGANISATION)

# What happened to a voucher's balance.
USE_CHECKOUT = "checkout"  # paid part of an M-Bazar order
USE_BOOTH = "booth"  # charged by a booth that scanned it
USE_REFUND = "refund"  # an order it paid was cancelled: the value came back
USE_EXPIRED = "expired"  # what was left went back to the issuer
USE_GIFT = "gift"  # given on to another member (no money moves)
USE_KINDS = (USE_CHECKOUT, USE_BOOTH, USE_REFUND, USE_EXPIRED, USE_GIFT)


class VoucherBatch(Base):
    """Vouchers issued together: the same amount, expiry and rules, paid for in one transfer."""

    __tablename__ = "vouchers_batches"
    __table_args__ = (UniqueConstraint("issuer_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    issuer_kind: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(KEY_MAX))
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    amount: Mapped[int] = mapped_column(BigInteger)  # rials on each voucher
    count: Mapped[int] = mapped_column()
    total: Mapped[int] = mapped_column(BigInteger)
    expires_on: Mapped[date] = mapped_column(Date)  # the last day it may be spent (Tehran)
    # Where it may be spent; an empty list does not restrict.
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)  # M-Bazar category codes
    booths: Mapped[list[int]] = mapped_column(JSON, default=list)
    regions: Mapped[list[int]] = mapped_column(JSON, default=list)  # region ids (and under)
    programmes: Mapped[list[str]] = mapped_column(JSON, default=list)  # loan programme codes
    source_account_id: Mapped[int] = mapped_column(ForeignKey("wallet_accounts.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    issuer: Mapped[Member] = relationship(lazy="joined")

    @property
    def restricted_to_goods(self) -> bool:
        """Limited to some goods: only a checkout, which lists its items, can honour it."""
        return bool(self.categories or self.programmes)


class Voucher(Base):
    """One voucher, held by one member; spent in parts until its balance is gone or it expires."""

    __tablename__ = "vouchers_vouchers"
    __table_args__ = (Index("ix_vouchers_vouchers_holder_id_expires_on", "holder_id", "expires_on"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("vouchers_batches.id"), index=True)
    # What a booth types or scans: random, so that holding the code is holding the voucher.
    code: Mapped[str] = mapped_column(String(CODE_LENGTH), unique=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    amount: Mapped[int] = mapped_column(BigInteger)
    balance: Mapped[int] = mapped_column(BigInteger)
    expires_on: Mapped[date] = mapped_column(Date, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    batch: Mapped[VoucherBatch] = relationship(lazy="joined")
    holder: Mapped[Member] = relationship(lazy="joined")

    def expired(self, today: date) -> bool:
        return self.expires_on < today

    @property
    def usable(self) -> bool:
        """Value left and not past its last day (Tehran's today)."""
        return self.balance > 0 and not self.expired(today_in_iran())

    @property
    def transferable(self) -> bool:
        """An administrator's voucher may be given on; a supporter's or organisation's is personal."""
        return self.batch.issuer_kind == BY_ADMIN and self.usable


class VoucherUse(Base):
    """A change of a voucher's balance (or of its holder), once per key."""

    __tablename__ = "vouchers_uses"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    voucher_id: Mapped[int] = mapped_column(BigId, ForeignKey("vouchers_vouchers.id"), index=True)
    key: Mapped[str] = mapped_column(String(KEY_MAX), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    amount: Mapped[int] = mapped_column(BigInteger)  # rials off the balance (negative: back on it)
    order_id: Mapped[int | None] = mapped_column(BigId, index=True)
    booth_id: Mapped[int | None] = mapped_column()
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    params: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class OrganisationPerson(Base):
    """A member an organisation counts as its own, and so may give vouchers to."""

    __tablename__ = "vouchers_people"
    __table_args__ = (UniqueConstraint("organisation_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    member: Mapped[Member] = relationship(foreign_keys=[member_id], lazy="joined")

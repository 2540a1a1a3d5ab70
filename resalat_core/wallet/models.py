"""Ledger tables: accounts with cached balances, transfers, and the entries transfers post."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from resalat_core.db import Base, BigId, utcnow
from resalat_core.members.models import Member

# The account kinds the ledger itself knows; plugins declare theirs (``AccountKind``), and the
# system accounts their money moves through (``SystemAccount``), on their ``Plugin``.
from resalat_core.vocabulary import EARMARKED, MEMBER_MAIN, SYSTEM

__all__ = ["EARMARKED", "MEMBER_MAIN", "SYSTEM", "Account", "Entry", "Transfer"]


class Account(Base):
    """A ledger account. Balances are caches of the entries, kept exact by the ledger service.

    ``posted`` is the sum of the account's entries; ``pending_debits`` / ``pending_credits`` are
    the amounts reserved by open two-phase transfers. A non-negative account keeps
    ``posted - pending_debits >= 0``, enforced by the service and, as a last line, by the database.
    """

    __tablename__ = "wallet_accounts"
    __table_args__ = (
        CheckConstraint("non_negative = false OR posted - pending_debits >= 0", name="non_negative_balance"),
        CheckConstraint("pending_debits >= 0 AND pending_credits >= 0", name="pending_not_negative"),
        Index("ix_wallet_accounts_owner_kind", "owner_id", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    non_negative: Mapped[bool] = mapped_column(default=True)
    posted: Mapped[int] = mapped_column(BigInteger, default=0)
    pending_debits: Mapped[int] = mapped_column(BigInteger, default=0)
    pending_credits: Mapped[int] = mapped_column(BigInteger, default=0)
    # Earmarked funds: what they were granted for (a declared purpose code, whose wording names
    # the account with ``params``) and the rules of spending them.
    purpose: Mapped[str | None] = mapped_column(String(120))
    params: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    spend_rules: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    expires_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    # Loaded on access: the transfer hot path never needs the owner, pages that list owners
    # ask for it with selectinload.
    owner: Mapped[Member | None] = relationship(lazy="select")

    @property
    def available(self) -> int:
        """What may still be spent: posted minus what open reservations hold."""
        return self.posted - self.pending_debits

    @property
    def name(self) -> str:
        """What the account's reader calls it, in their language (see ``account_name``)."""
        from resalat_core.wallet.services import account_name

        return account_name(self)


PENDING = "pending"
POSTED = "posted"
VOIDED = "voided"


class Transfer(Base):
    """A movement of ``amount`` rials from one account to another, keyed by the caller.

    Immutable once written, except that a pending transfer is resolved exactly once (posted or
    voided). A mistake is corrected by a new transfer the other way.
    """

    __tablename__ = "wallet_transfers"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("debit_account_id <> credit_account_id", name="distinct_accounts"),
        Index("ix_wallet_transfers_debit_created", "debit_account_id", "id"),
        Index("ix_wallet_transfers_credit_created", "credit_account_id", "id"),
        Index("ix_wallet_transfers_pending_timeout", "state", "timeout_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    debit_account_id: Mapped[int] = mapped_column(ForeignKey("wallet_accounts.id"))
    credit_account_id: Mapped[int] = mapped_column(ForeignKey("wallet_accounts.id"))
    amount: Mapped[int] = mapped_column(BigInteger)
    purpose: Mapped[str] = mapped_column(String(64))
    reference: Mapped[str | None] = mapped_column(String(120), index=True)
    # The variables of the purpose's wording (``Purpose.detail``), for the statement line.
    params: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # What a member wrote on their own transfer; never text a plugin composes.
    memo: Mapped[str | None] = mapped_column(String(300))
    state: Mapped[str] = mapped_column(String(8))
    # Transfers that must succeed or fail together share a link id.
    link_id: Mapped[str | None] = mapped_column(String(64), index=True)
    timeout_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    debit_account: Mapped[Account] = relationship(foreign_keys=[debit_account_id], lazy="joined")
    credit_account: Mapped[Account] = relationship(foreign_keys=[credit_account_id], lazy="joined")


class Entry(Base):
    """One side of a posted transfer: ``amount`` is negative for the debit, positive for the credit."""

    __tablename__ = "wallet_entries"
    __table_args__ = (Index("ix_wallet_entries_account_id", "account_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    transfer_id: Mapped[int] = mapped_column(BigId, ForeignKey("wallet_transfers.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("wallet_accounts.id"))
    amount: Mapped[int] = mapped_column(BigInteger)
    # The account's posted balance right after this entry: a statement needs no running sum.
    balance_after: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    transfer: Mapped[Transfer] = relationship(lazy="joined")

"""M-Hesam's tables: card payments through a gateway, saved Sheba accounts and withdrawals.

Balances are never stored here: every rial lives in the host's ledger. These rows record the
outside world's side of a money move (the gateway's token and tracking number, the bank's
answer to a withdrawal) and point at the ledger transfer that moved the money.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from resalat_core.sdk import Base, BigId, Member, utcnow

# A card payment's life: created (the row exists), redirected (the gateway gave a token and the
# member was sent there), then verified (paid and credited), failed or cancelled.
CREATED = "created"
REDIRECTED = "redirected"
VERIFIED = "verified"
FAILED = "failed"
CANCELLED = "cancelled"
PAYMENT_STATES = (CREATED, REDIRECTED, VERIFIED, FAILED, CANCELLED)

# A withdrawal's life: requested (money held as a pending transfer), exported (sent to the bank
# in a batch), then settled (the transfer posts) or refused (it voids, the money is free again).
# Before the export the member may cancel it: cancelled (it voids, the money is free again).
REQUESTED = "requested"
EXPORTED = "exported"
SETTLED = "settled"
REFUSED = "refused"
WITHDRAWAL_CANCELLED = "cancelled"
WITHDRAWAL_STATES = (REQUESTED, EXPORTED, SETTLED, REFUSED, WITHDRAWAL_CANCELLED)

KEY_MAX = 120
REASON_MAX = 200


def _states(states: tuple[str, ...]) -> str:
    return "state IN (" + ", ".join(f"'{s}'" for s in states) + ")"


class CardPayment(Base):
    """A top-up by bank card through an internet payment gateway (Shaparak's redirect and verify).

    ``key`` is the member's idempotency key: asking twice with one key finds this row. ``token``
    is the gateway's own id for the payment (unique per gateway); ``reference`` its tracking
    number once paid. ``transfer_id`` is the ledger transfer that credited the member, set once.
    """

    __tablename__ = "hesam_card_payments"
    __table_args__ = (
        UniqueConstraint("member_id", "key", name="uq_hesam_card_payments_member_id_key"),
        UniqueConstraint("gateway", "token", name="uq_hesam_card_payments_gateway_token"),
        Index("ix_hesam_card_payments_member_id_id", "member_id", "id"),
        # The administrators' list of payments needing attention reads by state.
        Index("ix_hesam_card_payments_state_id", "state", "id"),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint(_states(PAYMENT_STATES), name="state_known"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    amount: Mapped[int] = mapped_column(BigInteger)
    state: Mapped[str] = mapped_column(String(16), default=CREATED)
    gateway: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(KEY_MAX))
    token: Mapped[str | None] = mapped_column(String(100))
    # Where the gateway said to send the member (kept, so a repeated request sends them there again).
    redirect_url: Mapped[str | None] = mapped_column(String(500))
    reference: Mapped[str | None] = mapped_column(String(100))
    # Why it failed, as a code the pages word (amount_mismatch, declined, ...). An amount mismatch
    # leaves the payment open (not credited) for an administrator to look at.
    failure: Mapped[str | None] = mapped_column(String(40))
    # What the gateway's verify said was paid, once it said paid: the reconciliation's
    # "verified" side (it differs from ``amount`` only for a mismatch).
    gateway_amount: Mapped[int | None] = mapped_column(BigInteger)
    transfer_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("wallet_transfers.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    member: Mapped[Member] = relationship(lazy="select")


class SandboxPayment(Base):
    """The sandbox gateway's own record of a payment, as a real gateway keeps it on its side.

    Only the sandbox (the embedded set-up and the tests) writes here; M-Hesam's payment flow
    reads it only through the gateway's ``verify``, exactly as it would ask a bank.
    """

    __tablename__ = "hesam_sandbox_payments"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("state IN ('waiting', 'paid', 'failed', 'cancelled')", name="state_known"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    token: Mapped[str] = mapped_column(String(100), unique=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    order_id: Mapped[int] = mapped_column(BigId)
    callback_url: Mapped[str] = mapped_column(String(500))
    state: Mapped[str] = mapped_column(String(16), default="waiting")
    reference: Mapped[str | None] = mapped_column(String(100))
    card_mask: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ShebaAccount(Base):
    """The member's own bank account (Sheba) that withdrawals are paid to; one per member."""

    __tablename__ = "hesam_sheba_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), unique=True)
    sheba: Mapped[str] = mapped_column(String(26))
    holder_name: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Withdrawal(Base):
    """Free money a member asked to receive in their bank account, held until the bank answers.

    ``sheba`` and ``holder_name`` are copied from the saved account when asked, so changing the
    saved Sheba later does not redirect money already on its way. ``transfer_id`` is the pending
    ledger transfer that holds the money; ``batch`` the bank batch it was exported in.
    """

    __tablename__ = "hesam_withdrawals"
    __table_args__ = (
        UniqueConstraint("member_id", "key", name="uq_hesam_withdrawals_member_id_key"),
        Index("ix_hesam_withdrawals_member_id_id", "member_id", "id"),
        Index("ix_hesam_withdrawals_state_id", "state", "id"),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint(_states(WITHDRAWAL_STATES), name="state_known"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    amount: Mapped[int] = mapped_column(BigInteger)
    state: Mapped[str] = mapped_column(String(16), default=REQUESTED)
    key: Mapped[str] = mapped_column(String(KEY_MAX))
    sheba: Mapped[str] = mapped_column(String(26))
    holder_name: Mapped[str] = mapped_column(String(80))
    transfer_id: Mapped[int] = mapped_column(BigId, ForeignKey("wallet_transfers.id"), unique=True)
    batch: Mapped[str | None] = mapped_column(String(40), index=True)
    bank_reference: Mapped[str | None] = mapped_column(String(100))
    reason: Mapped[str | None] = mapped_column(String(REASON_MAX))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    exported_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]

    member: Mapped[Member] = relationship(lazy="select")

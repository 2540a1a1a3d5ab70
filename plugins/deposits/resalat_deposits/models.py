"""What the deposits plugin records: the movements of loan points (the deposit itself is a ledger account)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from resalat_core.sdk import Base, BigId, Member, utcnow

# Kinds of points movements. A transfer writes two rows (given for the giver, received for the
# recipient) under one reference; a loan writes "used", and its cancellation "released".
RECEIVED = "received"
GIVEN = "given"
USED = "used"
RELEASED = "released"
KINDS = (RECEIVED, GIVEN, USED, RELEASED)

# بستگان درجه یک: spouse, parents and children. Siblings are second-degree relatives in Iranian
# banks' points-transfer rules, so they are not offered.
SPOUSE = "spouse"
FATHER = "father"
MOTHER = "mother"
CHILD = "child"
RELATIONS = (SPOUSE, FATHER, MOTHER, CHILD)

REFERENCE_MAX = 200


class PointsMovement(Base):
    """One movement of a member's loan points; ``amount`` is always positive, ``kind`` gives its sign.

    The pair (kind, reference) is unique: using points for a loan twice under one reference, or
    replaying a transfer's idempotency key, finds the first row instead of writing a second.
    """

    __tablename__ = "deposits_points_movements"
    __table_args__ = (
        UniqueConstraint("kind", "reference", name="uq_deposits_points_movements_kind_reference"),
        # A member's breakdown (sums by kind) and their history, newest first.
        Index("ix_deposits_points_movements_member_id_id", "member_id", "id"),
        Index("ix_deposits_points_movements_counterpart_id", "counterpart_id"),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("kind IN ('received', 'given', 'used', 'released')", name="kind_known"),
        CheckConstraint(
            "relation IS NULL OR relation IN ('spouse', 'father', 'mother', 'child')", name="relation_known"
        ),
        CheckConstraint("counterpart_id IS NULL OR counterpart_id <> member_id", name="not_oneself"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    # Points are rials of average balance; billions do not fit in 32 bits.
    amount: Mapped[int] = mapped_column(BigInteger)
    # The other member of a transfer (the recipient of "given", the giver of "received").
    counterpart_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    # How the recipient is related to the giver, as the giver declared it.
    relation: Mapped[str | None] = mapped_column(String(16))
    reference: Mapped[str] = mapped_column(String(REFERENCE_MAX))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    member: Mapped[Member] = relationship(foreign_keys=[member_id], lazy="raise")
    counterpart: Mapped[Member | None] = relationship(foreign_keys=[counterpart_id], lazy="raise")

    def __repr__(self) -> str:
        return f"<PointsMovement {self.id} member={self.member_id} {self.kind} {self.amount}>"

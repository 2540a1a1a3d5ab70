"""What social leaders record: talented members and rooted trades they introduce, and their guarantees."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from resalat_core.sdk import Base, Member, Region, utcnow

# Introductions move forward only: new -> followed_up -> closed (or new -> closed).
NEW = "new"
FOLLOWED_UP = "followed_up"
CLOSED = "closed"
INTRODUCTION_STATUSES = (NEW, FOLLOWED_UP, CLOSED)

# A guarantee is stored active or revoked; "expired" is computed from valid_until, never stored,
# so no scheduled job has to run for a guarantee to stop counting.
ACTIVE = "active"
REVOKED = "revoked"
EXPIRED = "expired"
GUARANTEE_STATUSES = (ACTIVE, REVOKED, EXPIRED)

TALENT_MAX = 200
NOTE_MAX = 2000
TRADE_NAME_MAX = 200
DESCRIPTION_MAX = 4000
STATEMENT_MAX = 4000
REASON_MAX = 1000
HOUSEHOLDS_MAX = 1_000_000


class TalentIntroduction(Base):
    """A leader's word that a member of their community has a talent worth building on."""

    __tablename__ = "leaders_talents"
    __table_args__ = (
        # The community list: the talents of a set of regions, newest first.
        Index("ix_leaders_talents_region_id_id", "region_id", "id"),
        Index("ix_leaders_talents_member_id", "member_id"),
        Index("ix_leaders_talents_leader_id", "leader_id"),
        CheckConstraint("status IN ('new', 'followed_up', 'closed')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    leader_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    # The member's place when introduced: the list is filtered by it without joining members.
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    talent: Mapped[str] = mapped_column(String(TALENT_MAX))
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default=NEW)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    leader: Mapped[Member] = relationship(foreign_keys=[leader_id], lazy="raise")
    member: Mapped[Member] = relationship(foreign_keys=[member_id], lazy="raise")
    region: Mapped[Region] = relationship(lazy="raise")


class TradeIntroduction(Base):
    """A rooted local trade (سوزن‌دوزی بلوچ...) a leader brings to the ecosystem's attention."""

    __tablename__ = "leaders_trades"
    __table_args__ = (
        Index("ix_leaders_trades_region_id_id", "region_id", "id"),
        Index("ix_leaders_trades_leader_id", "leader_id"),
        CheckConstraint("status IN ('new', 'followed_up', 'closed')", name="status_known"),
        CheckConstraint("households >= 0", name="households_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    leader_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    name: Mapped[str] = mapped_column(String(TRADE_NAME_MAX))
    # search_key(name): what a search compares, whatever spelling either side used.
    name_key: Mapped[str] = mapped_column(String(TRADE_NAME_MAX))
    description: Mapped[str] = mapped_column(Text, default="")
    households: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(16), default=NEW)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    leader: Mapped[Member] = relationship(lazy="raise")
    region: Mapped[Region] = relationship(lazy="raise")


class SocialGuarantee(Base):
    """ضمانت اجتماعی: a leader's signed statement vouching for a member, up to a cap in rials.

    It replaces collateral documents in the member's credit scoring: Merat hears of it through the
    ``resalat_credit_signals`` hook while it is active and not past ``valid_until``.
    """

    __tablename__ = "leaders_guarantees"
    __table_args__ = (
        # Credit signals and the member's own page: a member's guarantees by status.
        Index("ix_leaders_guarantees_member_id_status", "member_id", "status"),
        # The leader's list and the cap check: a leader's guarantees by status.
        Index("ix_leaders_guarantees_leader_id_status", "leader_id", "status"),
        # An admin's list: the guarantees of members of a set of regions, newest first.
        Index("ix_leaders_guarantees_region_id_id", "region_id", "id"),
        CheckConstraint("status IN ('active', 'revoked')", name="status_known"),
        CheckConstraint("cap_rials > 0", name="cap_positive"),
        CheckConstraint("leader_id <> member_id", name="not_oneself"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    leader_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    # The member's place when signed: an admin of that region may see the guarantee.
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    # Rials; caps of billions of tomans do not fit in 32 bits.
    cap_rials: Mapped[int] = mapped_column(BigInteger)
    statement: Mapped[str] = mapped_column(Text)
    # The last day it holds (a Tehran calendar day); None: until revoked.
    valid_until: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(16), default=ACTIVE)
    signed_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[str | None] = mapped_column(Text)

    leader: Mapped[Member] = relationship(foreign_keys=[leader_id], lazy="raise")
    member: Mapped[Member] = relationship(foreign_keys=[member_id], lazy="raise")

    def state(self, today: date) -> str:
        """active, revoked or expired on ``today``: expiry is read from the date, never stored."""
        if self.status == ACTIVE and self.valid_until is not None and self.valid_until < today:
            return EXPIRED
        return self.status

    def __repr__(self) -> str:
        return f"<SocialGuarantee {self.id} leader={self.leader_id} member={self.member_id} {self.status}>"

"""The campaigns' tables: a campaign, its donations and its organiser's updates."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from resalat_core.sdk import Base, BigId, Member, Region, StoredFile, utcnow

TITLE_MAX = 120
STORY_MAX = 4000
MESSAGE_MAX = 200
UPDATE_MAX = 1000
KEY_MAX = 200

DRAFT = "draft"  # waits for an admin of its region
OPEN = "open"  # takes donations until its deadline (or its goal)
CLOSED = "closed"  # ended: the money went to the cause
CANCELLED = "cancelled"  # ended: every donation went back
STATUSES = (DRAFT, OPEN, CLOSED, CANCELLED)

CORE = "core"  # a core's equipment: the beneficiary is its leader
PLACE = "place"  # a village's or place's need: the beneficiary is the named responsible member
CAUSES = (CORE, PLACE)


class Campaign(Base):
    """A social-responsibility campaign: a goal in rials, a deadline, a cause and its beneficiary.

    ``raised`` mirrors the pool's share of this campaign (moved in the same transaction as each
    donation), so a page reads progress without summing the ledger.
    """

    __tablename__ = "campaigns"
    __table_args__ = (Index("ix_campaigns_status_region", "status", "region_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    story: Mapped[str] = mapped_column(Text, default="")
    goal: Mapped[int] = mapped_column(BigInteger)
    deadline: Mapped[date] = mapped_column(index=True)
    cause: Mapped[str] = mapped_column(String(8))
    core_id: Mapped[int | None] = mapped_column(ForeignKey("cores.id"), index=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    organiser_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    photo_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("stored_files.id"))
    status: Mapped[str] = mapped_column(String(16), default=DRAFT)
    raised: Mapped[int] = mapped_column(BigInteger, default=0)
    donations: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    approved_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    # The beneficiary's earmarked account the money went to (closed campaigns with money).
    account_id: Mapped[int | None] = mapped_column(ForeignKey("wallet_accounts.id"))
    delivered: Mapped[int] = mapped_column(BigInteger, default=0)
    refunded: Mapped[int] = mapped_column(BigInteger, default=0)

    region: Mapped[Region] = relationship(lazy="joined")
    beneficiary: Mapped[Member] = relationship(foreign_keys=[beneficiary_id], lazy="joined")
    organiser: Mapped[Member] = relationship(foreign_keys=[organiser_id], lazy="joined")
    photo: Mapped[StoredFile | None] = relationship(lazy="joined")


class Donation(Base):
    """One donation: from the donor's main account into the pool, once per the donor's key."""

    __tablename__ = "campaigns_donations"
    __table_args__ = (
        UniqueConstraint("donor_id", "key"),
        Index("ix_campaigns_donations_campaign_id_id", "campaign_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    donor_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    key: Mapped[str] = mapped_column(String(KEY_MAX))
    amount: Mapped[int] = mapped_column(BigInteger)
    anonymous: Mapped[bool] = mapped_column(default=False)
    message: Mapped[str] = mapped_column(String(MESSAGE_MAX), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    refunded_at: Mapped[datetime | None]

    donor: Mapped[Member] = relationship(lazy="joined")
    campaign: Mapped[Campaign] = relationship(lazy="joined")


class CampaignUpdate(Base):
    """What the organiser tells donors along the way (a member's own words, shown as written)."""

    __tablename__ = "campaigns_updates"
    __table_args__ = (Index("ix_campaigns_updates_campaign_id_id", "campaign_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[Member] = relationship(lazy="joined")

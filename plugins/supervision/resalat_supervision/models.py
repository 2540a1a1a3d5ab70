"""What social supervision keeps: buyers' reviews, members' reports, and what handlers did about them.

M-Bazar's booths, products and orders are referred to by plain integer ids (indexed), not by
foreign keys: this plugin's migration branch then depends on the host's alone, so bazaar may
reshape its own tables without a coordinated migration here. Bazaar's services are the only way
this plugin reads or changes them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from resalat_core.sdk import Base, BigId, Member, Region, utcnow

# What a review or a report is about.
BOOTH = "booth"
PRODUCT = "product"
KINDS = (BOOTH, PRODUCT)

# What a report is about.
PRICE = "price"
QUALITY = "quality"
CATEGORIES = (PRICE, QUALITY)

# A report moves forward only: open -> under_review -> resolved (with an outcome) -> closed;
# open or under_review may also go straight to resolved or closed.
OPEN = "open"
UNDER_REVIEW = "under_review"
RESOLVED = "resolved"
CLOSED = "closed"
STATUSES = (OPEN, UNDER_REVIEW, RESOLVED, CLOSED)
PENDING = (OPEN, UNDER_REVIEW)  # still waiting for a decision: counted as "open" reports

WARNED = "warned"
HIDDEN = "hidden"
DISMISSED = "dismissed"
OUTCOMES = (WARNED, HIDDEN, DISMISSED)

# What can happen to a report; "opened" is its filing, the rest are a handler's acts.
OPENED = "opened"
TAKE = "review"
WARN = "warn"
HIDE = "hide"
UNHIDE = "unhide"
DISMISS = "dismiss"
CLOSE = "close"
ACTIONS = (TAKE, WARN, HIDE, UNHIDE, DISMISS, CLOSE)

STARS_MIN, STARS_MAX = 1, 5
REVIEW_TEXT_MAX = 2000
REPLY_MAX = 2000
DESCRIPTION_MAX = 2000
# A hiding's note is M-Bazar's reason, which keeps 500 characters.
NOTE_MAX = 500


def _sql_list(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


class Review(Base):
    """A buyer's stars (and words) about a product of a completed order, or about its booth.

    One per order and subject: a buyer who bought the product twice may review each purchase.
    """

    __tablename__ = "supervision_reviews"
    __table_args__ = (
        UniqueConstraint("order_id", "kind", "subject_id"),
        CheckConstraint(f"stars BETWEEN {STARS_MIN} AND {STARS_MAX}", name="stars_range"),
        CheckConstraint(f"kind IN ({_sql_list(KINDS)})", name="kind_known"),
        # A product's reviews, newest first, and its average, from this index.
        Index("ix_supervision_reviews_kind_subject_id_id", "kind", "subject_id", "id"),
        # A booth's page sums the booth's own reviews and its products'.
        Index("ix_supervision_reviews_booth_id_id", "booth_id", "id"),
        Index("ix_supervision_reviews_author_id", "author_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    subject_id: Mapped[int]
    # The booth itself, or the product's booth.
    booth_id: Mapped[int]
    order_id: Mapped[int] = mapped_column(BigId)
    author_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    stars: Mapped[int]
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None]
    # The seller's one answer.
    reply: Mapped[str | None] = mapped_column(Text)
    replied_at: Mapped[datetime | None]

    author: Mapped[Member] = relationship(lazy="raise")

    def __repr__(self) -> str:
        return f"<Review {self.id} {self.kind}:{self.subject_id} {self.stars}*>"


class Report(Base):
    """A member's word that a product or booth has a price or quality problem, and its handling."""

    __tablename__ = "supervision_reports"
    __table_args__ = (
        CheckConstraint(f"kind IN ({_sql_list(KINDS)})", name="kind_known"),
        CheckConstraint(f"category IN ({_sql_list(CATEGORIES)})", name="category_known"),
        CheckConstraint(f"status IN ({_sql_list(STATUSES)})", name="status_known"),
        CheckConstraint(f"outcome IS NULL OR outcome IN ({_sql_list(OUTCOMES)})", name="outcome_known"),
        CheckConstraint(
            "(seen_price IS NULL OR seen_price > 0) AND (reference_price IS NULL OR reference_price > 0)",
            name="prices_positive",
        ),
        # A member has at most one undecided report about a thing; the database keeps it so
        # under concurrency too.
        Index(
            "uq_supervision_reports_pending_per_reporter",
            "reporter_id",
            "kind",
            "subject_id",
            unique=True,
            sqlite_where=text(f"status IN ({_sql_list(PENDING)})"),
            postgresql_where=text(f"status IN ({_sql_list(PENDING)})"),
        ),
        # The handlers' queue: undecided reports of a set of regions, oldest first.
        Index("ix_supervision_reports_status_region_id_id", "status", "region_id", "id"),
        Index("ix_supervision_reports_kind_subject_id_id", "kind", "subject_id", "id"),
        Index("ix_supervision_reports_booth_id_id", "booth_id", "id"),
        Index("ix_supervision_reports_reporter_id_id", "reporter_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    subject_id: Mapped[int]
    booth_id: Mapped[int]
    # The booth's region when the report was filed: handlers' areas are matched against it
    # without asking bazaar for every row of the queue.
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    reporter_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    category: Mapped[str] = mapped_column(String(10))
    # Integer rials: the price the member saw, and what it usually costs (price reports only).
    seen_price: Mapped[int | None] = mapped_column(BigInteger)
    reference_price: Mapped[int | None] = mapped_column(BigInteger)
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=OPEN)
    outcome: Mapped[str | None] = mapped_column(String(16))
    # True while the hiding this report decided is in force (an unhide clears it).
    subject_hidden: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    reporter: Mapped[Member] = relationship(lazy="raise")
    region: Mapped[Region] = relationship(lazy="raise")
    actions: Mapped[list[ReportAction]] = relationship(
        back_populates="report", lazy="raise", order_by="ReportAction.id"
    )

    @property
    def is_pending(self) -> bool:
        return self.status in PENDING

    def __repr__(self) -> str:
        return f"<Report {self.id} {self.category} {self.kind}:{self.subject_id} {self.status}>"


class ReportAction(Base):
    """One step in a report's history: who did what, with the note they gave."""

    __tablename__ = "supervision_report_actions"
    __table_args__ = (Index("ix_supervision_report_actions_report_id_id", "report_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    report_id: Mapped[int] = mapped_column(BigId, ForeignKey("supervision_reports.id", ondelete="CASCADE"))
    actor_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    action: Mapped[str] = mapped_column(String(16))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    report: Mapped[Report] = relationship(back_populates="actions", lazy="raise")
    actor: Mapped[Member] = relationship(lazy="raise")

    def __repr__(self) -> str:
        return f"<ReportAction {self.id} report={self.report_id} {self.action}>"

"""Rasan's tables: posts (with photos, hashtags, likes, comments), follows, groups, the experts
an "ask me" question was shown to, and reports of abusive posts.

Like and comment counts are kept on the post, changed by one conditional UPDATE, so a feed page
reads them with its posts instead of counting per post.
"""

from __future__ import annotations

from datetime import datetime

from resalat_cores import services as cores
from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    select,
)
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from resalat_core.sdk import Base, BigId, Member, Region, utcnow

TEXT_MAX = 2000
COMMENT_MAX = 1000
TITLE_MAX = 120
REASON_MAX = 500
TAG_MAX = 60
PHOTOS_MAX = 4

# What a post is: a plain post, or an "ask me" question shown to the experts.
POST = "post"
QUESTION = "question"
KINDS = (POST, QUESTION)

# A report's states.
OPEN = "open"
HIDDEN = "hidden"  # the moderator hid the post
RESTORED = "restored"  # the moderator found nothing wrong, or showed the post again
REPORT_STATUSES = (OPEN, HIDDEN, RESTORED)


class RasanGroup(Base):
    """A group (a centre's members, a field's producers): a title, an optional field, a place."""

    __tablename__ = "rasan_groups"
    __table_args__ = (Index("ix_rasan_groups_region_id_id", "region_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    title_search: Mapped[str] = mapped_column(String(TITLE_MAX * 2), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    field_code: Mapped[str | None] = mapped_column(String(40))
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    member_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    region: Mapped[Region] = relationship(lazy="joined")


class RasanGroupMember(Base):
    __tablename__ = "rasan_group_members"
    __table_args__ = (
        UniqueConstraint("group_id", "member_id"),
        Index("ix_rasan_group_members_member_id", "member_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("rasan_groups.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)


class RasanPost(Base):
    """A post: text, photos, a product card, hashtags; by a member, or by a core its leader runs."""

    __tablename__ = "rasan_posts"
    __table_args__ = (
        # The feed's three sources, each newest first by (created_at, id): keyset pages.
        Index("ix_rasan_posts_author_id_created_at_id", "author_id", "created_at", "id"),
        Index("ix_rasan_posts_core_id_created_at_id", "core_id", "created_at", "id"),
        Index("ix_rasan_posts_region_id_created_at_id", "region_id", "created_at", "id"),
        Index("ix_rasan_posts_group_id_created_at_id", "group_id", "created_at", "id"),
        Index("ix_rasan_posts_created_at_id", "created_at", "id"),
        CheckConstraint("like_count >= 0", name="like_count_not_negative"),
        CheckConstraint("comment_count >= 0", name="comment_count_not_negative"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    # Posted as a core (its leader writes); the cores plugin's table.
    core_id: Mapped[int | None] = mapped_column(ForeignKey("cores.id"))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("rasan_groups.id"))
    # The author's place when posting: the feed of a region and its social leader's queue.
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    kind: Mapped[str] = mapped_column(String(12), default=POST)
    field_code: Mapped[str | None] = mapped_column(String(40))  # a question's field
    text: Mapped[str] = mapped_column(Text)
    # search_key(text): what search compares against.
    text_search: Mapped[str] = mapped_column(Text, default="")
    product_id: Mapped[int | None] = mapped_column(ForeignKey("bazaar_products.id"))
    like_count: Mapped[int] = mapped_column(default=0)
    comment_count: Mapped[int] = mapped_column(default=0)
    hidden: Mapped[bool] = mapped_column(default=False)
    hidden_note: Mapped[str | None] = mapped_column(String(REASON_MAX))
    hidden_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime | None]

    author: Mapped[Member] = relationship(lazy="joined")
    photos: Mapped[list[RasanPostPhoto]] = relationship(
        order_by="RasanPostPhoto.position", cascade="all, delete-orphan", lazy="selectin"
    )
    # The name of the core it was written as, read in the post's own query: a page of posts costs
    # the same whether a core's post is on it or not (a look-up of the page's cores was one query
    # more, and their leaders' roles another, as soon as one was).
    core_name: Mapped[str | None] = column_property(
        select(cores.Core.name).where(cores.Core.id == core_id).correlate_except(cores.Core).scalar_subquery()
    )


class RasanPostPhoto(Base):
    """One of a post's photos: a host stored file."""

    __tablename__ = "rasan_post_photos"
    __table_args__ = (UniqueConstraint("post_id", "position"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    post_id: Mapped[int] = mapped_column(BigId, ForeignKey("rasan_posts.id", ondelete="CASCADE"))
    file_id: Mapped[int] = mapped_column(BigId, ForeignKey("stored_files.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)


class RasanHashtag(Base):
    """A hashtag of a post, kept folded (search_key) so that ي/ی and ك/ک spellings meet."""

    __tablename__ = "rasan_hashtags"
    __table_args__ = (
        UniqueConstraint("post_id", "tag"),
        Index("ix_rasan_hashtags_tag_post_id", "tag", "post_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    post_id: Mapped[int] = mapped_column(BigId, ForeignKey("rasan_posts.id", ondelete="CASCADE"))
    tag: Mapped[str] = mapped_column(String(TAG_MAX * 2))


class RasanLike(Base):
    __tablename__ = "rasan_likes"
    __table_args__ = (
        UniqueConstraint("post_id", "member_id"),
        Index("ix_rasan_likes_member_id_post_id", "member_id", "post_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    post_id: Mapped[int] = mapped_column(BigId, ForeignKey("rasan_posts.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RasanComment(Base):
    """A comment; on a question, an expert's comment is an answer."""

    __tablename__ = "rasan_comments"
    __table_args__ = (Index("ix_rasan_comments_post_id_id", "post_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    post_id: Mapped[int] = mapped_column(BigId, ForeignKey("rasan_posts.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    text: Mapped[str] = mapped_column(Text)
    is_answer: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[Member] = relationship(lazy="joined")


class RasanFollow(Base):
    """A member follows another member or a core (exactly one of the two)."""

    __tablename__ = "rasan_follows"
    __table_args__ = (
        UniqueConstraint("follower_id", "member_id"),
        UniqueConstraint("follower_id", "core_id"),
        CheckConstraint("(member_id IS NULL) <> (core_id IS NULL)", name="one_target"),
        Index("ix_rasan_follows_member_id", "member_id"),
        Index("ix_rasan_follows_core_id", "core_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    follower_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    core_id: Mapped[int | None] = mapped_column(ForeignKey("cores.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    follower: Mapped[Member] = relationship(foreign_keys=[follower_id], lazy="joined")


class RasanExpert(Base):
    """A member an "ask me" question was shown to (what the hook answered), with their title."""

    __tablename__ = "rasan_experts"
    __table_args__ = (
        UniqueConstraint("post_id", "member_id"),
        Index("ix_rasan_experts_member_id_post_id", "member_id", "post_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(BigId, ForeignKey("rasan_posts.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    title: Mapped[str] = mapped_column(String(TITLE_MAX * 2), default="")
    answered: Mapped[bool] = mapped_column(default=False)


class RasanReport(Base):
    """A member's report of a post, for the social leader of the post's region."""

    __tablename__ = "rasan_reports"
    __table_args__ = (
        UniqueConstraint("post_id", "reporter_id"),
        Index("ix_rasan_reports_status_region_id", "status", "region_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    post_id: Mapped[int] = mapped_column(BigId, ForeignKey("rasan_posts.id", ondelete="CASCADE"))
    reporter_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    reason: Mapped[str] = mapped_column(String(REASON_MAX))
    status: Mapped[str] = mapped_column(String(12), default=OPEN)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    post: Mapped[RasanPost] = relationship(lazy="joined")
    reporter: Mapped[Member] = relationship(foreign_keys=[reporter_id], lazy="joined")

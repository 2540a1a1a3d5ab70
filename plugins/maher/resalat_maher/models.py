"""M-Maher's tables: skills, courses, lessons, enrolments and certificates, mentoring, recommendations."""

from __future__ import annotations

from datetime import datetime

from resalat_cores.services import Field
from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from resalat_core.sdk import Base, BigId, Member, Region, StoredFile, utcnow

NAME_MAX = 120
TITLE_MAX = 150
SUMMARY_MAX = 1000
DESCRIPTION_MAX = 500
BODY_MAX = 20000
NOTE_MAX = 500
YEARS_MAX = 70

# A skill's level, lowest first.
LEVELS = ("beginner", "skilled", "master")
# How a mentor meets a learner.
MODES = ("in_person", "online", "both")
# A course is seen by learners only once published.
DRAFT = "draft"
PUBLISHED = "published"
COURSE_STATUSES = (DRAFT, PUBLISHED)
# A mentoring request waits for the mentor's answer.
WAITING = "waiting"
ACCEPTED = "accepted"
DECLINED = "declined"
REQUEST_STATUSES = (WAITING, ACCEPTED, DECLINED)


class Skill(Base):
    """A skill a member lists: in a field of work, at a level, perhaps offered for mentoring."""

    __tablename__ = "maher_skills"
    __table_args__ = (
        # Find a coach and Rasan's experts filter on the field and the place.
        Index("ix_maher_skills_field_id_region_id", "field_id", "region_id"),
        Index("ix_maher_skills_region_id", "region_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    field_id: Mapped[int] = mapped_column(ForeignKey("cores_fields.id"))
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    # search_key(name): what find a coach compares against.
    name_search: Mapped[str] = mapped_column(String(NAME_MAX), index=True)
    level: Mapped[str] = mapped_column(String(16))
    years: Mapped[int] = mapped_column(default=0)
    description: Mapped[str] = mapped_column(Text, default="")
    # Mentoring offered in this skill, how, and where (a place or province; the member's own by default).
    mentoring: Mapped[bool] = mapped_column(default=False)
    mode: Mapped[str] = mapped_column(String(16), default="in_person")
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    # Joined: every list of skills shows the member, the field and the place.
    member: Mapped[Member] = relationship(lazy="joined")
    field: Mapped[Field] = relationship(lazy="joined")
    region: Mapped[Region] = relationship(lazy="joined")


class Course(Base):
    """A course a member teaches: lessons in order, a draft until published."""

    __tablename__ = "maher_courses"
    __table_args__ = (Index("ix_maher_courses_status_field_id", "status", "field_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    field_id: Mapped[int] = mapped_column(ForeignKey("cores_fields.id"))
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    title_search: Mapped[str] = mapped_column(String(TITLE_MAX), index=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    level: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default=DRAFT)
    # A public picture (the host's stored files): the catalogue shows it to anyone.
    cover_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("stored_files.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]

    author: Mapped[Member] = relationship(lazy="joined")
    field: Mapped[Field] = relationship(lazy="joined")
    cover: Mapped[StoredFile | None] = relationship(lazy="joined")
    lessons: Mapped[list[Lesson]] = relationship(
        back_populates="course", order_by="Lesson.position", cascade="all, delete-orphan", lazy="select"
    )

    @property
    def is_published(self) -> bool:
        return self.status == PUBLISHED


class Lesson(Base):
    """One lesson of a course: plain text in paragraphs, perhaps an image and a file, at a position."""

    __tablename__ = "maher_lessons"
    __table_args__ = (Index("ix_maher_lessons_course_id_position", "course_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("maher_courses.id", ondelete="CASCADE"))
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    body: Mapped[str] = mapped_column(Text, default="")
    # Private stored files, served by M-Maher's own routes to the author and the course's learners.
    image_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("stored_files.id"))
    attachment_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("stored_files.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    course: Mapped[Course] = relationship(back_populates="lessons")
    image: Mapped[StoredFile | None] = relationship(foreign_keys=[image_id], lazy="joined")
    attachment: Mapped[StoredFile | None] = relationship(foreign_keys=[attachment_id], lazy="joined")

    @property
    def paragraphs(self) -> list[str]:
        """The text's paragraphs (blank lines between them): shown as escaped ``<p>`` each."""
        return [p.strip() for p in self.body.replace("\r\n", "\n").split("\n\n") if p.strip()]


class Enrolment(Base):
    """A learner in a course; completed (with a certificate's code) when every lesson is done."""

    __tablename__ = "maher_enrolments"
    __table_args__ = (UniqueConstraint("course_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("maher_courses.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]
    # Twelve random digits, the certificate's public verification code.
    certificate_code: Mapped[str | None] = mapped_column(String(16), unique=True)

    course: Mapped[Course] = relationship(lazy="joined")
    member: Mapped[Member] = relationship(lazy="joined")


class LessonDone(Base):
    """A lesson a learner marked done."""

    __tablename__ = "maher_lessons_done"

    enrolment_id: Mapped[int] = mapped_column(
        ForeignKey("maher_enrolments.id", ondelete="CASCADE"), primary_key=True
    )
    lesson_id: Mapped[int] = mapped_column(
        ForeignKey("maher_lessons.id", ondelete="CASCADE"), primary_key=True
    )
    done_at: Mapped[datetime] = mapped_column(default=utcnow)


class MentoringRequest(Base):
    """A learner asks a mentor for mentoring in one of the mentor's skills; the mentor answers."""

    __tablename__ = "maher_mentoring_requests"
    __table_args__ = (Index("ix_maher_mentoring_requests_mentor_id_status", "mentor_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("maher_skills.id", ondelete="CASCADE"), index=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    learner_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    message: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default=WAITING)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    answered_at: Mapped[datetime | None]

    skill: Mapped[Skill] = relationship(lazy="joined")
    mentor: Mapped[Member] = relationship(foreign_keys=[mentor_id], lazy="joined")
    learner: Mapped[Member] = relationship(foreign_keys=[learner_id], lazy="joined")


class Recommendation(Base):
    """A guide recommends a course to a member of their area, with a note."""

    __tablename__ = "maher_recommendations"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("maher_courses.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    guide_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    course: Mapped[Course] = relationship(lazy="joined")
    member: Mapped[Member] = relationship(foreign_keys=[member_id], lazy="joined")
    guide: Mapped[Member] = relationship(foreign_keys=[guide_id], lazy="joined")

"""maher: skills, courses, lessons, enrolments and certificates, lessons done, mentoring, recommendations

Revision ID: ma4e00000001
Revises:
Create Date: 2026-12-06 17:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "ma4e00000001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("maher",)
# The host's stored files (after its members and regions), and the cores' fields of work.
depends_on: str | Sequence[str] | None = ("c0de0000a005", "c0e500000001")


def upgrade() -> None:
    op.create_table(
        "maher_courses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("field_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=150), nullable=False),
        sa.Column("title_search", sa.String(length=150), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("cover_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"], ["members.id"], name=op.f("fk_maher_courses_author_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["cover_id"], ["stored_files.id"], name=op.f("fk_maher_courses_cover_id_stored_files")
        ),
        sa.ForeignKeyConstraint(
            ["field_id"], ["cores_fields.id"], name=op.f("fk_maher_courses_field_id_cores_fields")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_maher_courses")),
    )
    with op.batch_alter_table("maher_courses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_maher_courses_author_id"), ["author_id"], unique=False)
        batch_op.create_index("ix_maher_courses_status_field_id", ["status", "field_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_maher_courses_title_search"), ["title_search"], unique=False)

    op.create_table(
        "maher_skills",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("field_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("name_search", sa.String(length=120), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("years", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("mentoring", sa.Boolean(), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["field_id"], ["cores_fields.id"], name=op.f("fk_maher_skills_field_id_cores_fields")
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_maher_skills_member_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["regions.id"], name=op.f("fk_maher_skills_region_id_regions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_maher_skills")),
    )
    with op.batch_alter_table("maher_skills", schema=None) as batch_op:
        batch_op.create_index("ix_maher_skills_field_id_region_id", ["field_id", "region_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_maher_skills_member_id"), ["member_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_maher_skills_name_search"), ["name_search"], unique=False)
        batch_op.create_index("ix_maher_skills_region_id", ["region_id"], unique=False)

    op.create_table(
        "maher_enrolments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("completed_at", sa.DateTime(), nullable=True),
        sa.Column("certificate_code", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["maher_courses.id"],
            name=op.f("fk_maher_enrolments_course_id_maher_courses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_maher_enrolments_member_id_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_maher_enrolments")),
        sa.UniqueConstraint("certificate_code", name=op.f("uq_maher_enrolments_certificate_code")),
        sa.UniqueConstraint("course_id", "member_id", name=op.f("uq_maher_enrolments_course_id_member_id")),
    )
    with op.batch_alter_table("maher_enrolments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_maher_enrolments_course_id"), ["course_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_maher_enrolments_member_id"), ["member_id"], unique=False)

    op.create_table(
        "maher_lessons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=150), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("image_id", sa.Integer(), nullable=True),
        sa.Column("attachment_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["image_id"], ["stored_files.id"], name=op.f("fk_maher_lessons_image_id_stored_files")
        ),
        sa.ForeignKeyConstraint(
            ["attachment_id"], ["stored_files.id"], name=op.f("fk_maher_lessons_attachment_id_stored_files")
        ),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["maher_courses.id"],
            name=op.f("fk_maher_lessons_course_id_maher_courses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_maher_lessons")),
    )
    with op.batch_alter_table("maher_lessons", schema=None) as batch_op:
        batch_op.create_index("ix_maher_lessons_course_id_position", ["course_id", "position"], unique=False)

    op.create_table(
        "maher_mentoring_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("skill_id", sa.Integer(), nullable=False),
        sa.Column("mentor_id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["members.id"], name=op.f("fk_maher_mentoring_requests_learner_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["mentor_id"], ["members.id"], name=op.f("fk_maher_mentoring_requests_mentor_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["skill_id"],
            ["maher_skills.id"],
            name=op.f("fk_maher_mentoring_requests_skill_id_maher_skills"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_maher_mentoring_requests")),
    )
    with op.batch_alter_table("maher_mentoring_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_maher_mentoring_requests_learner_id"), ["learner_id"], unique=False
        )
        batch_op.create_index(
            "ix_maher_mentoring_requests_mentor_id_status", ["mentor_id", "status"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_maher_mentoring_requests_skill_id"), ["skill_id"], unique=False)

    op.create_table(
        "maher_recommendations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("guide_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["maher_courses.id"],
            name=op.f("fk_maher_recommendations_course_id_maher_courses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["guide_id"], ["members.id"], name=op.f("fk_maher_recommendations_guide_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_maher_recommendations_member_id_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_maher_recommendations")),
    )
    with op.batch_alter_table("maher_recommendations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_maher_recommendations_course_id"), ["course_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_maher_recommendations_guide_id"), ["guide_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_maher_recommendations_member_id"), ["member_id"], unique=False)

    op.create_table(
        "maher_lessons_done",
        sa.Column("enrolment_id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.Integer(), nullable=False),
        sa.Column("done_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enrolment_id"],
            ["maher_enrolments.id"],
            name=op.f("fk_maher_lessons_done_enrolment_id_maher_enrolments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["lesson_id"],
            ["maher_lessons.id"],
            name=op.f("fk_maher_lessons_done_lesson_id_maher_lessons"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("enrolment_id", "lesson_id", name=op.f("pk_maher_lessons_done")),
    )


def downgrade() -> None:
    op.drop_table("maher_lessons_done")
    with op.batch_alter_table("maher_recommendations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_maher_recommendations_member_id"))
        batch_op.drop_index(batch_op.f("ix_maher_recommendations_guide_id"))
        batch_op.drop_index(batch_op.f("ix_maher_recommendations_course_id"))

    op.drop_table("maher_recommendations")
    with op.batch_alter_table("maher_mentoring_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_maher_mentoring_requests_skill_id"))
        batch_op.drop_index("ix_maher_mentoring_requests_mentor_id_status")
        batch_op.drop_index(batch_op.f("ix_maher_mentoring_requests_learner_id"))

    op.drop_table("maher_mentoring_requests")
    with op.batch_alter_table("maher_lessons", schema=None) as batch_op:
        batch_op.drop_index("ix_maher_lessons_course_id_position")

    op.drop_table("maher_lessons")
    with op.batch_alter_table("maher_enrolments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_maher_enrolments_member_id"))
        batch_op.drop_index(batch_op.f("ix_maher_enrolments_course_id"))

    op.drop_table("maher_enrolments")
    with op.batch_alter_table("maher_skills", schema=None) as batch_op:
        batch_op.drop_index("ix_maher_skills_region_id")
        batch_op.drop_index(batch_op.f("ix_maher_skills_name_search"))
        batch_op.drop_index(batch_op.f("ix_maher_skills_member_id"))
        batch_op.drop_index("ix_maher_skills_field_id_region_id")

    op.drop_table("maher_skills")
    with op.batch_alter_table("maher_courses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_maher_courses_title_search"))
        batch_op.drop_index("ix_maher_courses_status_field_id")
        batch_op.drop_index(batch_op.f("ix_maher_courses_author_id"))

    op.drop_table("maher_courses")

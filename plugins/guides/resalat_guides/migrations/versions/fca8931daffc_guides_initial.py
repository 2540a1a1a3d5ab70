"""guides: candidates and their status history, the advice log, links between cores

Revision ID: fca8931daffc
Revises:
Create Date: 2026-11-29 14:51:59
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "fca8931daffc"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("guides",)
# Members and regions (the host), and the cores and fields of work that candidates and links name.
depends_on: str | Sequence[str] | None = ("c0de00000001", "c0e500000001")


def upgrade() -> None:
    op.create_table(
        "guides_candidates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guide_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("name_key", sa.String(length=120), nullable=False),
        sa.Column("national_code", sa.String(length=10), nullable=False),
        sa.Column("mobile", sa.String(length=11), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("intent", sa.String(length=8), nullable=False),
        sa.Column("field_id", sa.Integer(), nullable=False),
        sa.Column("experience_years", sa.SmallInteger(), nullable=False),
        sa.Column("priority", sa.SmallInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("core_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "experience_years >= 0", name=op.f("ck_guides_candidates_experience_not_negative")
        ),
        sa.ForeignKeyConstraint(["core_id"], ["cores.id"], name=op.f("fk_guides_candidates_core_id_cores")),
        sa.ForeignKeyConstraint(
            ["field_id"], ["cores_fields.id"], name=op.f("fk_guides_candidates_field_id_cores_fields")
        ),
        sa.ForeignKeyConstraint(
            ["guide_id"], ["members.id"], name=op.f("fk_guides_candidates_guide_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_guides_candidates_member_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["regions.id"], name=op.f("fk_guides_candidates_region_id_regions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guides_candidates")),
    )
    with op.batch_alter_table("guides_candidates", schema=None) as batch_op:
        batch_op.create_index("ix_guides_candidates_core_id", ["core_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_guides_candidates_guide_id"), ["guide_id"], unique=False)
        batch_op.create_index("ix_guides_candidates_national_code", ["national_code"], unique=False)
        batch_op.create_index(
            "ix_guides_candidates_region_id_priority", ["region_id", "priority", "created_at"], unique=False
        )
        batch_op.create_index("ix_guides_candidates_status_region_id", ["status", "region_id"], unique=False)

    op.create_table(
        "guides_core_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_core_id", sa.Integer(), nullable=False),
        sa.Column("target_core_id", sa.Integer(), nullable=False),
        sa.Column("product", sa.String(length=120), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("suggested_by_id", sa.Integer(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decline_reason", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "source_core_id <> target_core_id", name=op.f("ck_guides_core_links_not_to_itself")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["members.id"], name=op.f("fk_guides_core_links_decided_by_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["source_core_id"], ["cores.id"], name=op.f("fk_guides_core_links_source_core_id_cores")
        ),
        sa.ForeignKeyConstraint(
            ["suggested_by_id"], ["members.id"], name=op.f("fk_guides_core_links_suggested_by_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["target_core_id"], ["cores.id"], name=op.f("fk_guides_core_links_target_core_id_cores")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guides_core_links")),
    )
    with op.batch_alter_table("guides_core_links", schema=None) as batch_op:
        batch_op.create_index(
            "ix_guides_core_links_source_core_id_status", ["source_core_id", "status"], unique=False
        )
        batch_op.create_index(
            "ix_guides_core_links_target_core_id_status", ["target_core_id", "status"], unique=False
        )

    op.create_table(
        "guides_advice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("guide_id", sa.Integer(), nullable=False),
        sa.Column("advised_on", sa.Date(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("next_step", sa.String(length=500), nullable=False),
        sa.Column("follow_up_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["guides_candidates.id"],
            name=op.f("fk_guides_advice_candidate_id_guides_candidates"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["guide_id"], ["members.id"], name=op.f("fk_guides_advice_guide_id_members")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guides_advice")),
    )
    with op.batch_alter_table("guides_advice", schema=None) as batch_op:
        batch_op.create_index(
            "ix_guides_advice_candidate_id_advised_on", ["candidate_id", "advised_on"], unique=False
        )
        batch_op.create_index("ix_guides_advice_follow_up_on", ["follow_up_on"], unique=False)
        batch_op.create_index("ix_guides_advice_advised_on", ["advised_on"], unique=False)

    op.create_table(
        "guides_status_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("from_status", sa.String(length=16), nullable=True),
        sa.Column("to_status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["members.id"], name=op.f("fk_guides_status_changes_actor_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["guides_candidates.id"],
            name=op.f("fk_guides_status_changes_candidate_id_guides_candidates"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guides_status_changes")),
    )
    with op.batch_alter_table("guides_status_changes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_guides_status_changes_candidate_id_id", ["candidate_id", "id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("guides_status_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_guides_status_changes_candidate_id_id")

    op.drop_table("guides_status_changes")
    with op.batch_alter_table("guides_advice", schema=None) as batch_op:
        batch_op.drop_index("ix_guides_advice_advised_on")
        batch_op.drop_index("ix_guides_advice_follow_up_on")
        batch_op.drop_index("ix_guides_advice_candidate_id_advised_on")

    op.drop_table("guides_advice")
    with op.batch_alter_table("guides_core_links", schema=None) as batch_op:
        batch_op.drop_index("ix_guides_core_links_target_core_id_status")
        batch_op.drop_index("ix_guides_core_links_source_core_id_status")

    op.drop_table("guides_core_links")
    with op.batch_alter_table("guides_candidates", schema=None) as batch_op:
        batch_op.drop_index("ix_guides_candidates_status_region_id")
        batch_op.drop_index("ix_guides_candidates_region_id_priority")
        batch_op.drop_index("ix_guides_candidates_national_code")
        batch_op.drop_index(batch_op.f("ix_guides_candidates_guide_id"))
        batch_op.drop_index("ix_guides_candidates_core_id")

    op.drop_table("guides_candidates")

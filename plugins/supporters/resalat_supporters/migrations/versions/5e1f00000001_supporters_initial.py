"""supporters: support actions, loan introductions with their history, centre sponsorships

Revision ID: 5e1f00000001
Revises:
Create Date: 2026-11-29 14:53:13
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5e1f00000001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("supporters",)
# On the host's first revision (members), the cores plugin's (cores) and the centers plugin's.
depends_on: str | Sequence[str] | None = ("c0de00000001", "c0e500000001", "ce7e00000001")


def upgrade() -> None:
    op.create_table(
        "supporters_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("supporter_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("beneficiary_member_id", sa.Integer(), nullable=True),
        sa.Column("beneficiary_core_id", sa.Integer(), nullable=True),
        sa.Column("happened_on", sa.Date(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=True),
        sa.Column("amount", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "(beneficiary_member_id IS NULL) <> (beneficiary_core_id IS NULL)",
            name=op.f("ck_supporters_actions_one_beneficiary"),
        ),
        sa.CheckConstraint(
            "amount IS NULL OR amount > 0", name=op.f("ck_supporters_actions_amount_positive")
        ),
        sa.CheckConstraint(
            "minutes IS NULL OR minutes > 0", name=op.f("ck_supporters_actions_minutes_positive")
        ),
        sa.ForeignKeyConstraint(
            ["beneficiary_core_id"],
            ["cores.id"],
            name=op.f("fk_supporters_actions_beneficiary_core_id_cores"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["beneficiary_member_id"],
            ["members.id"],
            name=op.f("fk_supporters_actions_beneficiary_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["supporter_id"],
            ["members.id"],
            name=op.f("fk_supporters_actions_supporter_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supporters_actions")),
    )
    with op.batch_alter_table("supporters_actions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_supporters_actions_beneficiary_core_id_id", ["beneficiary_core_id", "id"], unique=False
        )
        batch_op.create_index(
            "ix_supporters_actions_beneficiary_member_id_id", ["beneficiary_member_id", "id"], unique=False
        )
        batch_op.create_index("ix_supporters_actions_supporter_id_id", ["supporter_id", "id"], unique=False)

    op.create_table(
        "supporters_introductions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("supporter_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("core_id", sa.Integer(), nullable=False),
        sa.Column("estimate", sa.BigInteger(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("ceiling", sa.BigInteger(), nullable=False),
        sa.Column("purpose", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("status_note", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.Column("status_changed_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "amount > 0 AND amount <= ceiling", name=op.f("ck_supporters_introductions_amount_within_ceiling")
        ),
        sa.CheckConstraint("estimate > 0", name=op.f("ck_supporters_introductions_estimate_positive")),
        sa.ForeignKeyConstraint(
            ["core_id"],
            ["cores.id"],
            name=op.f("fk_supporters_introductions_core_id_cores"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_supporters_introductions_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["supporter_id"],
            ["members.id"],
            name=op.f("fk_supporters_introductions_supporter_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supporters_introductions")),
    )
    with op.batch_alter_table("supporters_introductions", schema=None) as batch_op:
        batch_op.create_index("ix_supporters_introductions_core_id", ["core_id"], unique=False)
        batch_op.create_index("ix_supporters_introductions_member_id_id", ["member_id", "id"], unique=False)
        batch_op.create_index("ix_supporters_introductions_status", ["status"], unique=False)
        batch_op.create_index(
            "ix_supporters_introductions_supporter_id_id", ["supporter_id", "id"], unique=False
        )

    op.create_table(
        "supporters_sponsorships",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("supporter_id", sa.Integer(), nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_supporters_sponsorships_ends_after_start")),
        sa.ForeignKeyConstraint(
            ["centre_id"],
            ["centers.id"],
            name=op.f("fk_supporters_sponsorships_centre_id_centers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["supporter_id"],
            ["members.id"],
            name=op.f("fk_supporters_sponsorships_supporter_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supporters_sponsorships")),
    )
    with op.batch_alter_table("supporters_sponsorships", schema=None) as batch_op:
        batch_op.create_index(
            "ix_supporters_sponsorships_centre_id_ends_on", ["centre_id", "ends_on"], unique=False
        )
        batch_op.create_index(
            "ix_supporters_sponsorships_supporter_id_id", ["supporter_id", "id"], unique=False
        )

    op.create_table(
        "supporters_introduction_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("introduction_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["members.id"],
            name=op.f("fk_supporters_introduction_events_actor_id_members"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["introduction_id"],
            ["supporters_introductions.id"],
            name="fk_supporters_introduction_events_introduction_id",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supporters_introduction_events")),
    )
    with op.batch_alter_table("supporters_introduction_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_supporters_introduction_events_introduction_id_id", ["introduction_id", "id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("supporters_introduction_events", schema=None) as batch_op:
        batch_op.drop_index("ix_supporters_introduction_events_introduction_id_id")

    op.drop_table("supporters_introduction_events")
    with op.batch_alter_table("supporters_sponsorships", schema=None) as batch_op:
        batch_op.drop_index("ix_supporters_sponsorships_supporter_id_id")
        batch_op.drop_index("ix_supporters_sponsorships_centre_id_ends_on")

    op.drop_table("supporters_sponsorships")
    with op.batch_alter_table("supporters_introductions", schema=None) as batch_op:
        batch_op.drop_index("ix_supporters_introductions_supporter_id_id")
        batch_op.drop_index("ix_supporters_introductions_status")
        batch_op.drop_index("ix_supporters_introductions_member_id_id")
        batch_op.drop_index("ix_supporters_introductions_core_id")

    op.drop_table("supporters_introductions")
    with op.batch_alter_table("supporters_actions", schema=None) as batch_op:
        batch_op.drop_index("ix_supporters_actions_supporter_id_id")
        batch_op.drop_index("ix_supporters_actions_beneficiary_member_id_id")
        batch_op.drop_index("ix_supporters_actions_beneficiary_core_id_id")

    op.drop_table("supporters_actions")

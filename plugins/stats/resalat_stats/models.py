"""The plugin's one table: a figure's value on a day, nationwide or in a province."""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Date, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from resalat_core.sdk import Base

NAME_MAX = 64
TEXT_MAX = 200
# The scope of a nationwide row. A province's rows carry its region id; no region has id 0, and
# a real value (not NULL) lets the unique constraint hold for nationwide rows too.
NATIONWIDE = 0


class Snapshot(Base):
    """One keyed figure of one plugin, counted on ``day`` within ``scope_id`` (0: nationwide).

    The label and unit are kept in both languages as they read that day, so the figure still reads
    in its reader's language when the plugin that counted it is gone.
    """

    __tablename__ = "stats_snapshots"
    __table_args__ = (
        UniqueConstraint("scope_id", "day", "plugin", "key"),
        # The pages ask "the last day with rows in this scope up to a date".
        Index("ix_stats_snapshots_scope_day", "scope_id", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    scope_id: Mapped[int] = mapped_column(default=NATIONWIDE)
    plugin: Mapped[str] = mapped_column(String(NAME_MAX))
    key: Mapped[str] = mapped_column(String(NAME_MAX))
    value: Mapped[int] = mapped_column(BigInteger)
    money: Mapped[bool] = mapped_column(default=False)
    label_fa: Mapped[str] = mapped_column(String(TEXT_MAX))
    label_en: Mapped[str] = mapped_column(String(TEXT_MAX))
    unit_fa: Mapped[str] = mapped_column(String(TEXT_MAX), default="")
    unit_en: Mapped[str] = mapped_column(String(TEXT_MAX), default="")

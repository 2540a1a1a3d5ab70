"""The online counselling plugin (مشاوره‌ی آنلاین): counsellors' availability, booking, sessions."""

from __future__ import annotations

from typing import Any

from resalat_core.sdk import Persona, Plugin, Role, _l

NAME = "counseling"
COUNSELOR = "counselor"
# Who may give counsel (publish topics and availability, write summaries).
COUNSEL = f"{NAME}.counsel"
# Who may book a session for a member of their area.
BOOK_FOR = f"{NAME}.book_for"

plugin = Plugin(
    name=NAME,
    title=_l("Online counselling"),
    package=__name__,
    sdk=">=1.8,<2",  # BigId and widen_ids; add_demo_members
    requires=(),
    description=_l("Book a session with a counsellor, exchange messages before and after, keep the summary."),
    icon="chat-heart",
    roles=(
        Role(
            COUNSELOR,
            _l("Counsellor"),
            description=_l("Publishes topics and weekly hours; members anywhere book sessions online."),
            personas=(
                Persona(
                    "counselor", "زهرا مشاور اردکانی", "09120000016", "001000016", "yazd/ardakan", "yazd"
                ),
            ),
        ),
    ),
    settings={
        # Free slots are offered this many days ahead (today included).
        "days_ahead": 14,
        # A booking is cancelled or moved no later than this many hours before it starts.
        "cancel_hours": 12,
        # `resalat counseling remind` tells both sides this many hours before a session.
        "remind_hours": 24,
        # A slot must start at least this many minutes from now to be booked.
        "notice_minutes": 60,
    },
)


def setting(key: str) -> Any:
    """A setting of this plugin: ``[plugins.counseling]`` in the config file, else its default."""
    return plugin.setting(key)

"""The notifications this plugin sends itself: the welcome, and administrators' announcements."""

from resalat_core.sdk import MessageKind, _l

WELCOME = MessageKind(
    "welcome",
    _l("Welcome to M-Resalat"),
    _l("From now on, whatever the services of M-Resalat have to tell you arrives here, in your inbox."),
)
# An administrator's own words, written in Persian and English (title_fa, title_en, body_fa, body_en).
ANNOUNCEMENT = MessageKind("announcement", "", authored=True)

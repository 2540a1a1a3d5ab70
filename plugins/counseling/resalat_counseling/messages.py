"""The notifications counselling sends: each kind declared once, its words in the catalogue."""

from resalat_core.sdk import MessageKind, _l

BOOKED = MessageKind(
    "booked",
    _l("A counselling session is booked"),
    _l("%(member)s with %(counselor)s on %(when)s, about %(topic)s."),
)
BOOKED_FOR_YOU = MessageKind(
    "booked_for_you",
    _l("Your guide booked a counselling session for you"),
    _l("%(guide)s booked a session with %(counselor)s on %(when)s, about %(topic)s."),
)
CANCELLED = MessageKind(
    "cancelled",
    _l("A counselling session was cancelled"),
    _l("The session of %(when)s was cancelled by %(by)s. Reason: %(reason)s"),
)
MOVED = MessageKind(
    "moved",
    _l("A counselling session was moved"),
    _l("%(by)s moved the session of %(was)s to %(when)s."),
)
REMINDER = MessageKind(
    "reminder",
    _l("A counselling session is coming up"),
    _l("Your session with %(other)s starts on %(when)s."),
)
NEW_NOTE = MessageKind(
    "note",
    _l("A new message about your counselling session"),
    _l("%(author)s wrote about the session of %(when)s."),
)
SUMMARY = MessageKind(
    "summary",
    _l("Your counsellor wrote the session's summary"),
    _l("%(counselor)s wrote the summary of the session of %(when)s. It stays on your booking's page."),
)

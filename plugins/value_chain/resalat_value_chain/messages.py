"""The notifications the value chain sends: a need told to matching cores, an answer told to its owner."""

from resalat_core.sdk import MessageKind, _l

# To a core leader whose core's field makes what an organisation needs. Variables: ``owner``
# (the organisation's name), ``good`` (Words), ``quantity`` (Number), ``unit`` (as typed), ``due`` (Day).
NEED_POSTED = MessageKind(
    "need.posted",
    _l("%(owner)s needs %(quantity)s %(unit)s of %(good)s"),
    _l("Your core makes this. Answer by %(due)s if you can supply it."),
)

# To the organisation when a core answers its need. Variables: ``core``, ``good`` (Words),
# ``quantity`` (Number) and ``unit``.
NEED_ANSWERED = MessageKind(
    "need.answered",
    _l("%(core)s can supply %(quantity)s %(unit)s of %(good)s"),
    _l("Read the answers to your need and close it when you have enough."),
)

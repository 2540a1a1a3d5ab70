"""The notifications the cores plugin sends a core's leader: registered for them, approved, suspended."""

from resalat_core.sdk import MessageKind, _l

# A guide registered a core in the leader's name (variables: core, the core's name).
CORE_REGISTERED = MessageKind(
    "core.registered",
    _l("The core %(core)s was registered in your name"),
    _l("Your area's guide registered it; its core ID is issued once it is approved."),
)
# Variables: core (its name), code (the core ID just issued).
CORE_APPROVED = MessageKind(
    "core.approved",
    _l("The core %(core)s was approved"),
    _l("Core ID: %(code)s"),
)
# Variables: core (its name), reason (what the guide wrote).
CORE_SUSPENDED = MessageKind(
    "core.suspended",
    _l("The core %(core)s was suspended"),
    _l("Reason: %(reason)s"),
)
CORE_REACTIVATED = MessageKind(
    "core.reactivated",
    _l("The core %(core)s was reactivated"),
    _l("Reason: %(reason)s"),
)

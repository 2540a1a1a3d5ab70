"""The notification the guides plugin sends: a link suggested to a core's leader."""

from resalat_core.sdk import MessageKind, _l

# Variables: target (the leader's core), source (the supplying core), product (what flows).
LINK_SUGGESTED = MessageKind(
    "link.suggested",
    _l("A suggested link for the core %(target)s"),
    _l("A guide suggests the core %(source)s supplies your core with %(product)s."),
)

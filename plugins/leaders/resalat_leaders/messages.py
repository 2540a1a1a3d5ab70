"""The notifications the leaders plugin sends the member a social guarantee is about."""

from resalat_core.sdk import MessageKind, _l

# Variables: leader (the leader's name), cap (Money, the most the guarantee covers).
GUARANTEE_SIGNED = MessageKind(
    "guarantee.signed",
    _l("%(leader)s signed a social guarantee for you"),
    _l("Up to %(cap)s; it stands in for collateral in your credit score."),
)
# Variables: reason (what the leader or administrator wrote).
GUARANTEE_REVOKED = MessageKind(
    "guarantee.revoked",
    _l("A social guarantee for you was revoked"),
    _l("Reason: %(reason)s"),
)

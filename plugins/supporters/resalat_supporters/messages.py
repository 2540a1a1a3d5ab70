"""What the supporters plugin tells members: an introduction made, answered, withdrawn, its loan's steps."""

from resalat_core.sdk import MessageKind, _l

# To the introduced member.
INTRODUCED_YOU = MessageKind(
    "introduction.new",
    _l("You were introduced for a Qard al-Hasan loan"),
    _l(
        "%(supporter)s introduced you for a loan of %(amount)s for “%(purpose)s”. "
        "Accept or decline the introduction."
    ),
)
WITHDRAWN = MessageKind(
    "introduction.withdrawn",
    _l("Your loan introduction was withdrawn"),
    _l("%(supporter)s withdrew the introduction: %(reason)s"),
)

# To the supporter: the member's answer.
ACCEPTED = MessageKind(
    "introduction.accepted",
    _l("%(member)s accepted your introduction"),
    _l("The introduction for %(core)s now counts; the member can ask for the loan."),
)
DECLINED = MessageKind(
    "introduction.declined",
    _l("%(member)s declined your introduction"),
    _l("Their reason: %(reason)s"),
)

# To both, as the loan goes on (the loans plugin's events, or an operator recording the bank's answer).
SCORED = MessageKind(
    "introduction.scored",
    _l("Loan introduction: credit-scored"),
    _l("%(member)s, %(core)s: credit-scored in Merat."),
)
REQUESTED = MessageKind(
    "introduction.requested",
    _l("Loan introduction: loan requested"),
    _l("%(member)s, %(core)s: the loan was requested from the credit officer."),
)
APPROVED = MessageKind(
    "introduction.approved",
    _l("Loan introduction: loan approved"),
    _l("%(member)s, %(core)s: the loan was approved."),
)
REJECTED = MessageKind(
    "introduction.rejected",
    _l("Loan introduction: loan rejected"),
    _l("%(member)s, %(core)s: the loan was not granted. %(reason)s"),
)
# The member cancelled their request: the introduction is open again for a new request.
CANCELLED = MessageKind(
    "introduction.cancelled",
    _l("Loan introduction: request cancelled"),
    _l(
        "%(member)s, %(core)s: the member cancelled the loan request. The introduction stays open "
        "for a new request."
    ),
)
DISBURSED = MessageKind(
    "introduction.disbursed",
    _l("Loan introduction: loan paid"),
    _l("%(member)s, %(core)s: the loan was paid into the member's account for buying in M-Bazar."),
)

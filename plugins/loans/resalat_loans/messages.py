"""What the loans plugin tells: a request received, cancelled or to decide, paid out, rejected, repaid."""

from resalat_core.sdk import MessageKind, _l

REQUESTED = MessageKind(
    "loan.requested",
    _l("Your loan request was received"),
    _l("Loan request no. %(loan)s for %(amount)s: a credit officer will decide soon."),
)
# To the member who cancelled: never "rejected".
CANCELLED = MessageKind(
    "loan.cancelled",
    _l("Your loan request was cancelled"),
    _l("You cancelled loan request no. %(loan)s; its note and points were released."),
)
# To each credit officer of the member's area: a request waits for their decision.
TO_DECIDE = MessageKind(
    "loan.to_decide",
    _l("A loan request waits for your decision"),
    _l("%(member)s asks for %(amount)s in %(count)s monthly instalments: %(first)s each, the last %(last)s."),
)
DISBURSED = MessageKind(
    "loan.disbursed",
    _l("Your loan was paid"),
    _l(
        "%(amount)s of loan no. %(loan)s is in your loan account, to spend in M-Bazar only. "
        "First instalment: %(first_due)s."
    ),
)
REJECTED = MessageKind(
    "loan.rejected",
    _l("Your loan request was rejected"),
    _l("The credit officer's reason: %(reason)s"),
)
REPAID = MessageKind(
    "loan.repaid",
    _l("Your loan is repaid"),
    _l("Every instalment of loan no. %(loan)s is paid and your note is released. Thank you."),
)
DUE = MessageKind(
    "loan.due",
    _l("Instalment %(seq)s of your loan: %(due)s"),
    _l("The instalment is %(amount)s; pay it from your main account."),
)
OVERDUE = MessageKind(
    "loan.overdue",
    _l("Loan no. %(loan)s: %(bucket)s"),
    _l("%(amount)s is overdue. No late fee is ever charged; please pay as soon as you can."),
)
# To a guarantor member, or to the leader who signed a social guarantee.
GUARANTEE_CALLED = MessageKind(
    "loan.guarantee_called",
    _l("Your guarantee for a loan was called"),
    _l("The instalments of loan no. %(loan)s of %(member)s are %(bucket)s. Please help them repay."),
)

"""The notifications M-Bimeh sends: each kind declared once, its words in the catalogue."""

from resalat_core.sdk import MessageKind, _l

OFFERED_LOAN = MessageKind(
    "offered_loan",
    _l("Insurance offered: %(product)s"),
    _l(
        "For your loan no. %(loan)s. See the price and the terms before you decide; nothing is "
        "charged unless you buy it."
    ),
)
OFFERED_ORDER = MessageKind(
    "offered_order",
    _l("Insurance offered: %(product)s"),
    _l(
        "For your order no. %(order)s. See the price and the terms before you decide; nothing is "
        "charged unless you buy it."
    ),
)
ISSUED = MessageKind(
    "issued",
    _l("Your policy is issued"),
    _l("Policy no. %(policy)s (%(product)s) covers you until %(day)s."),
)
PREMIUM_DUE = MessageKind(
    "premium_due",
    _l("An insurance instalment is due soon"),
    _l("%(amount)s of policy no. %(policy)s is due on %(day)s. Pay it on the policy's page to stay covered."),
)
LAPSED = MessageKind(
    "lapsed",
    _l("Your policy has lapsed"),
    _l("An instalment of policy no. %(policy)s was not paid in time, so it no longer covers you."),
)
RENEW = MessageKind(
    "renew",
    _l("Your policy ends soon"),
    _l("Policy no. %(policy)s (%(product)s) ends on %(day)s. Renew it to stay covered."),
)
CLAIM_PAID = MessageKind(
    "claim_paid",
    _l("Your insurance claim is approved"),
    _l("Claim no. %(claim)s was approved: %(amount)s was paid into your main account."),
)
CLAIM_LOAN_PAID = MessageKind(
    "claim_loan_paid",
    _l("Your insurance claim repaid your loan"),
    _l("Claim no. %(claim)s was approved: the insurance paid the %(amount)s left of loan no. %(loan)s."),
)
CLAIM_REJECTED = MessageKind(
    "claim_rejected",
    _l("Your insurance claim is rejected"),
    _l("Claim no. %(claim)s was rejected. The insurer's reason: %(reason)s"),
)
PARCEL_LOST = MessageKind(
    "parcel_lost",
    _l("Your insured parcel did not arrive"),
    _l(
        "The parcel of order no. %(order)s %(what)s. Policy no. %(policy)s covers it: "
        "file a claim on the policy's page."
    ),
)

"""The notifications social supervision sends: the invitation to review, and what came of a report."""

from resalat_core.sdk import MessageKind, _l

# To the buyer, when M-Bazar completes their order. Variables: ``order`` (its number).
REVIEW_INVITE = MessageKind(
    "review.invite",
    _l("Your order arrived: how was it?"),
    _l(
        "Give stars to the products of order %(order)s and its booth, and tell how it went: your review "
        "helps other members buy well."
    ),
)

# To the seller, when a handler warns them. Variables: ``subject`` (the product's or booth's
# title), ``category`` (Words: price or quality) and ``note`` (the handler's own words).
REPORT_WARNED = MessageKind(
    "report.warned",
    _l("A social supervision warning about “%(subject)s”"),
    _l("After looking into a member's report about %(category)s, your area's supervisor warns: %(note)s"),
)

# To the reporter, when their report is decided. Variables: ``subject`` and ``outcome`` (Words).
REPORT_HANDLED = MessageKind(
    "report.handled",
    _l("Your report about “%(subject)s” was handled"),
    _l("Outcome: %(outcome)s. Thank you for taking part in social supervision."),
)

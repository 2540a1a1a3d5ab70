"""M-Bimeh's rules, one face for pages, the API, the CLI, the hooks and the demo. No Flask here
(but for building links), and nothing commits: the caller's transaction decides.

- ``catalogue``: the products, their words and price rules;
- ``policies``: quotes, buying, paying an instalment, renewing, offers;
- ``claims``: filing, the insurer's queue and decision, the payout;
- ``due``: the daily job, the pool's funding and figures;
- ``parcels``: an insured parcel M-ST could not deliver.
"""

from resalat_core.sdk import Digits, _l

from ..models import (
    ACTIVE,
    APPROVED,
    EXPIRED,
    LAPSED,
    OFFER_DECLINED,
    OFFER_EXPIRED,
    OFFER_OPEN,
    OFFER_TAKEN,
    PART_APPROVED,
    REJECTED,
    WAITING,
)
from .catalogue import Product, product, products
from .claims import (
    DECISIONS,
    assess_area,
    claim_file,
    claim_for,
    claim_url,
    claims_of_policies,
    claims_query,
    decide,
    file_claim,
    may_assess,
    may_claim,
    own_claim,
    paid_on_policy,
    policy_claims_query,
    queue_count,
    queue_query,
)
from .due import DueResult, PoolFigures, due_count, figures, fund, pool_balance, run_due
from .files import PURPOSE as FILE_PURPOSE
from .files import files_of, owned_uploads, photo_counts, serve_file, stored_uploads
from .parcels import shipment_changed
from .policies import (
    Quote,
    add_months,
    buy,
    count_open_offers,
    decline_offer,
    due_soon,
    insured_sum,
    insured_sums,
    make_offer,
    next_unpaid,
    open_offers,
    own_offer,
    own_policy,
    page_url,
    pay_premium,
    plan_for,
    policies_query,
    policy_url,
    premiums_of,
    quote,
    quote_url,
    remaining_debts,
    renewable,
    status_now,
    today,
)

POLICY_STATUS_LABELS = {
    ACTIVE: _l("Active"),
    LAPSED: _l("Lapsed"),
    EXPIRED: _l("Expired"),
}
CLAIM_STATUS_LABELS = {
    WAITING: _l("Waiting for the insurer"),
    APPROVED: _l("Approved"),
    PART_APPROVED: _l("Part-approved"),
    REJECTED: _l("Rejected"),
}
OFFER_STATUS_LABELS = {
    OFFER_OPEN: _l("Open"),
    OFFER_TAKEN: _l("Bought"),
    OFFER_DECLINED: _l("Declined"),
    OFFER_EXPIRED: _l("Expired"),
}

__all__ = [
    "shipment_changed",
    "CLAIM_STATUS_LABELS",
    "DECISIONS",
    "OFFER_STATUS_LABELS",
    "POLICY_STATUS_LABELS",
    "FILE_PURPOSE",
    "DueResult",
    "PoolFigures",
    "Product",
    "Quote",
    "add_months",
    "assess_area",
    "buy",
    "claim_file",
    "claim_for",
    "claim_url",
    "claims_of_policies",
    "claims_query",
    "policy_claims_query",
    "count_open_offers",
    "decide",
    "decline_offer",
    "digits",
    "due_count",
    "due_soon",
    "figures",
    "files_of",
    "file_claim",
    "fund",
    "insured_sum",
    "insured_sums",
    "make_offer",
    "may_assess",
    "may_claim",
    "next_unpaid",
    "open_offers",
    "own_claim",
    "owned_uploads",
    "own_offer",
    "own_policy",
    "page_url",
    "paid_on_policy",
    "pay_premium",
    "photo_counts",
    "plan_for",
    "policies_query",
    "policy_url",
    "pool_balance",
    "premiums_of",
    "product",
    "products",
    "queue_count",
    "queue_query",
    "queue_url",
    "quote",
    "quote_url",
    "remaining_debts",
    "renewable",
    "run_due",
    "serve_file",
    "status_now",
    "stored_uploads",
    "today",
]


def digits(n: int) -> Digits:
    """An id as a sentence's variable (written in the reader's digits)."""
    return Digits(str(n))


def queue_url() -> str:
    from flask import has_request_context, url_for

    return url_for("bimeh.queue") if has_request_context() else "/bimeh/queue"

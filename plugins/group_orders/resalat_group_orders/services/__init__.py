"""Group orders' rules, one face for pages, the API, the CLI and the hooks.

- ``purchases``: a collective purchase's life (opened, accepted by the supplier, joined by cores,
  closed at its deadline into one M-Bazar order or refunds, handed over core by core);
- ``bulk``: a customer's bulk order (paid into escrow, split among cores, confirmed part by part,
  each core's leader paid at once; cancelling pays back what was not delivered);
- ``labels``: what a person reads for each code.

No Flask here, and nothing commits: the caller's transaction decides. Money moves only through
the host's ledger, with a key derived from the row it belongs to, so no step moves money twice.
"""

from resalat_group_orders.services import bulk
from resalat_group_orders.services.labels import (
    BULK_STATUS_LABELS,
    PART_STATUS_LABELS,
    REASON_LABELS,
    SHARE_STATUS_LABELS,
    STATUS_LABELS,
)
from resalat_group_orders.services.purchases import (
    REFERENCE_KIND,
    Draft,
    Figures,
    JoinPlan,
    accounts_to_pay_from,
    cancel,
    close,
    close_due,
    confirm_receipt,
    decide,
    due_query,
    figures,
    hand_over,
    join,
    leader_cores,
    manages,
    mine_query,
    open_purchase,
    open_query,
    order_completed,
    order_refunded,
    organised_query,
    preview_join,
    products_to_choose,
    share_of,
    spend_allowed,
    supplier_query,
    visible_purchase,
)

__all__ = [
    "BULK_STATUS_LABELS",
    "PART_STATUS_LABELS",
    "bulk",
    "REFERENCE_KIND",
    "REASON_LABELS",
    "SHARE_STATUS_LABELS",
    "STATUS_LABELS",
    "Draft",
    "Figures",
    "JoinPlan",
    "accounts_to_pay_from",
    "cancel",
    "close",
    "close_due",
    "confirm_receipt",
    "decide",
    "due_query",
    "figures",
    "hand_over",
    "join",
    "leader_cores",
    "manages",
    "mine_query",
    "open_purchase",
    "open_query",
    "order_completed",
    "order_refunded",
    "organised_query",
    "preview_join",
    "products_to_choose",
    "share_of",
    "spend_allowed",
    "supplier_query",
    "visible_purchase",
]

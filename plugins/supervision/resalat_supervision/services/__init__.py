"""Social supervision's rules, one face for pages, the API, the CLI, the hooks and other plugins.

No Flask here. The rooms, by responsibility:

- ``reviews``: a buyer reviews what a completed order brought, once per purchase; the seller replies;
- ``reports``: any member reports a price or quality problem, once while it is undecided;
- ``handling``: the handlers of an area (``supervision.handle``) decide on its reports, with a note;
- ``reputation``: a booth's or product's rating and reports, a seller's stars, the figures;
- ``subjects``, ``text`` and ``labels``: what they share (M-Bazar's booths and products, members'
  words, what statuses and acts read as).

M-Bazar is reached only through ``resalat_bazaar.services`` (declared in ``requires``).
"""

from __future__ import annotations

from resalat_supervision.services.handling import (
    HANDLE,
    TRANSITIONS,
    act,
    allowed_actions,
    get_report,
    handled_report,
    handler_area,
    handles,
    is_handler,
    pending_in_area,
    queue,
)
from resalat_supervision.services.labels import (
    act_title,
    action_label,
    category_label,
    outcome_label,
    status_label,
)
from resalat_supervision.services.reports import REPORT, file_report, reports_about, reports_by
from resalat_supervision.services.reputation import (
    Reputation,
    SellerStars,
    Stats,
    reputation,
    seller_stars,
    seller_stars_many,
    stats,
)
from resalat_supervision.services.reviews import (
    REVIEW,
    OrderToReview,
    can_edit,
    check_stars,
    create_review,
    edit_review,
    edit_window,
    get_review,
    invite_review,
    may_review,
    order_to_review,
    reply_to_review,
    reviews_by,
    reviews_of,
)
from resalat_supervision.services.subjects import (
    PREFIX,
    Subject,
    booth_names,
    check_kind,
    get_subject,
    history_path,
    product_titles,
    subject_titles,
)
from resalat_supervision.services.text import clean_paragraphs

__all__ = [
    "HANDLE",
    "PREFIX",
    "REPORT",
    "REVIEW",
    "TRANSITIONS",
    "OrderToReview",
    "Reputation",
    "SellerStars",
    "Stats",
    "Subject",
    "act",
    "act_title",
    "action_label",
    "allowed_actions",
    "booth_names",
    "can_edit",
    "category_label",
    "check_kind",
    "check_stars",
    "clean_paragraphs",
    "create_review",
    "edit_review",
    "edit_window",
    "file_report",
    "get_report",
    "get_review",
    "get_subject",
    "handled_report",
    "handler_area",
    "handles",
    "history_path",
    "invite_review",
    "is_handler",
    "may_review",
    "order_to_review",
    "outcome_label",
    "pending_in_area",
    "product_titles",
    "queue",
    "reply_to_review",
    "reports_about",
    "reports_by",
    "reputation",
    "reviews_by",
    "reviews_of",
    "seller_stars",
    "seller_stars_many",
    "stats",
    "status_label",
    "subject_titles",
]

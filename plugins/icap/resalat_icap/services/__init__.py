"""iCAP's rules, room by room: issuing promissory notes and paying their stamp duty, reading them,
guarantors' signatures and endorsements, pledges to loans. No Flask here.

Pages, the API, the CLI, the hooks and the loans plugin call these, so each rule lives once:

- A note is **issued** by a member with the fields a paper promissory note has. Its stamp duty
  (0.05% of the face value, rounded up to a rial) moves from the issuer's main account to the
  system account ``stamp_duty`` in the same transaction; the same key issues one note, once.
- Every **guarantor** is a member (found by mobile and national code) who signs the note in their
  own session by re-entering their password. A note with an unsigned guarantor cannot be pledged.
- While issued, the issuer may **endorse** it to a new payee; endorsements are kept in order.
- A note is **pledged** to one reference (``loan:12``), then **released** (the loan repaid),
  **freed** back to issued (the request cancelled or rejected: it secured nothing and can be
  pledged to a new request, no new note or stamp duty needed) or **protested** (the loan
  defaulted). Each step is kept in the note's history. A pledge needs the note payable to the
  fund (not endorsed away), not past its due date, signed by every guarantor, large enough.

Amounts are integer rials: pages and the API read what people type (``read_money``).
"""

from resalat_icap.models import Note
from resalat_icap.services.issuing import DUTY_PURPOSE, issue_note, jalali_year
from resalat_icap.services.notes import (
    STATUS_LABELS,
    awaiting_signature,
    get_by_serial,
    get_note,
    history_of,
    may_see,
    note_url,
    notes_query,
    status_label,
    to_guarantee_query,
    totals,
    usable_notes,
    visible_note,
)
from resalat_icap.services.pledges import (
    free_note,
    fund_payee_code,
    pledge_note,
    protest_note,
    protest_notes,
    release_note,
    settle_note,
)
from resalat_icap.services.reading import (
    ON_DEMAND_WORDS,
    amount_in_words,
    check_amount,
    is_valid_legal_id,
    read_due_date,
    read_guarantors,
    read_payee,
    stamp_duty,
    today,
)
from resalat_icap.services.signing import BAD_SIGNATURE, endorse_note, sign_as_guarantor

__all__ = [
    "protest_notes",
    "BAD_SIGNATURE",
    "DUTY_PURPOSE",
    "ON_DEMAND_WORDS",
    "STATUS_LABELS",
    "Note",
    "amount_in_words",
    "awaiting_signature",
    "check_amount",
    "endorse_note",
    "get_by_serial",
    "get_note",
    "history_of",
    "is_valid_legal_id",
    "issue_note",
    "jalali_year",
    "may_see",
    "note_url",
    "notes_query",
    "free_note",
    "fund_payee_code",
    "pledge_note",
    "protest_note",
    "read_due_date",
    "read_guarantors",
    "read_payee",
    "release_note",
    "settle_note",
    "sign_as_guarantor",
    "stamp_duty",
    "status_label",
    "to_guarantee_query",
    "totals",
    "today",
    "usable_notes",
    "visible_note",
]

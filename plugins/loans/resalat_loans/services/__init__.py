"""Qard al-Hasan loans' rules: products, requests, decisions, disbursal, schedules, repayment, delinquency.

No Flask here: pages, the API, the CLI and the hooks all call these, so each rule lives once.
Nothing commits (the caller's transaction decides); every act that can fail runs in a savepoint,
so a refusal leaves rows and balances exactly as they were. Services take typed values (integer
rials, whole numbers, ids); the pages, the API and the CLI read what people typed.

The rooms: ``products``, ``requests`` (asking and cancelling), ``decisions`` (the credit officer,
disbursal, the loan fund), ``repayment``, ``delinquency`` (reminders, buckets, guarantees, the
protested note), ``schedules`` (the arithmetic), ``reports`` (what is read back), ``credit``
(Merat's signals), ``status`` (how statuses read, the loan's history), ``checklist`` (what a
request needs, with the member's standing, before it is sent) and ``checks``.

Public for other plugins: ``Loan``, ``LoanProduct``, ``Instalment``, ``credit_signals``,
``fee_for``, ``get_loan``, ``loans_of_introductions`` and ``schedule_for``.
"""

from resalat_supporters.services import OPEN_FOR_A_LOAN

from resalat_loans.models import Instalment, Loan, LoanProduct, Payment
from resalat_loans.services.checklist import Item, Standing, standing
from resalat_loans.services.credit import SIGNAL_KINDS, credit_signals, credit_signals_many
from resalat_loans.services.decisions import (
    DISBURSAL,
    FUNDING,
    LOAN_MONEY,
    PURCHASE,
    decide,
    disburse,
    for_officer,
    fund,
    may_decide,
    officer_area,
    officer_report,
    queue,
    queue_query,
)
from resalat_loans.services.delinquency import (
    DueResult,
    bucket_for,
    plan_run_due,
    rebucket,
    run_due,
    run_due_chunk,
)
from resalat_loans.services.products import (
    DEFAULT_FEE_BPS,
    MAX_INSTALMENTS,
    get_product,
    products,
    save_product,
)
from resalat_loans.services.repayment import FEE, REPAYMENT, pay, unpaid
from resalat_loans.services.reports import (
    Progress,
    balance_of,
    figures,
    introductions_page,
    lent_by_product,
    loans_of,
    loans_of_introductions,
    notes_for,
    pledged_note,
    progress_of,
)
from resalat_loans.services.requests import (
    cancel,
    get_loan,
    officers_for,
    open_introductions,
    own_loan,
    product_for_introduction,
    request_loan,
    social_guarantee_of,
)
from resalat_loans.services.schedules import (
    Line,
    Run,
    add_months,
    fee_for,
    monthly_instalment,
    runs_of,
    schedule_for,
    summary,
)
from resalat_loans.services.status import BUCKET_LABELS, STATUS_LABELS, today

__all__ = [
    "credit_signals_many",
    "plan_run_due",
    "run_due_chunk",
    "OPEN_FOR_A_LOAN",
    "pledged_note",
    "social_guarantee_of",
    "summary",
    "standing",
    "runs_of",
    "product_for_introduction",
    "officers_for",
    "Standing",
    "Run",
    "Item",
    "BUCKET_LABELS",
    "DEFAULT_FEE_BPS",
    "DISBURSAL",
    "FEE",
    "FUNDING",
    "LOAN_MONEY",
    "MAX_INSTALMENTS",
    "PURCHASE",
    "REPAYMENT",
    "SIGNAL_KINDS",
    "STATUS_LABELS",
    "DueResult",
    "Instalment",
    "Line",
    "Loan",
    "LoanProduct",
    "Payment",
    "Progress",
    "add_months",
    "balance_of",
    "bucket_for",
    "cancel",
    "credit_signals",
    "decide",
    "disburse",
    "fee_for",
    "figures",
    "lent_by_product",
    "for_officer",
    "fund",
    "get_loan",
    "get_product",
    "introductions_page",
    "loans_of",
    "loans_of_introductions",
    "may_decide",
    "monthly_instalment",
    "notes_for",
    "officer_area",
    "officer_report",
    "open_introductions",
    "own_loan",
    "pay",
    "products",
    "progress_of",
    "queue",
    "queue_query",
    "rebucket",
    "request_loan",
    "run_due",
    "save_product",
    "schedule_for",
    "today",
    "unpaid",
]

"""The hooks the loans plugin offers: what happens to a loan, for others to follow.

Each is called only for plugins active in the borrower's region (``region_hook``). A plugin that
follows loans without requiring this one marks its answers ``@hookimpl(optionalhook=True)``. The
``loan`` every event carries is a ``resalat_loans.models.Loan``; a follower that does not require
this plugin reads only the attributes named here (its id, ``status``, ``introduction_id`` ...).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from resalat_core.sdk import awaiting, hookspec

if TYPE_CHECKING:
    from resalat_loans.models import Instalment, Loan


@hookspec
def resalat_loan_requested(loan: Loan) -> None:
    """A member asked for a loan, and the request waits for the credit officer.

    When: as the request is made (its page, the API, a script), once every check passed: the
    Merat score it was asked with is on the loan (``score_value``, ``score_rating``), the note is
    pledged, the guarantees recorded. Arguments: ``loan``, flushed, ``status`` ``"requested"``;
    ``loan.introduction_id`` is the id of the supporters' introduction the member asked from, or
    None. Transaction: the request's savepoint, not yet committed: write through
    ``object_session(loan)`` so that a refused request leaves nothing. An exception refuses the
    request (nothing of it is kept, not even the score).

    Example::

        @hookimpl(optionalhook=True)
        def resalat_loan_requested(loan):
            services.loan_requested(object_session(loan), loan)
    """


@hookspec
def resalat_loan_decided(loan: Loan) -> None:
    """A credit officer decided a request: approved, and so paid out at once, or rejected.

    When: as the officer decides (the decision page, the API). Arguments: ``loan``, with
    ``status`` ``"disbursed"`` (approved: the money is in the earmarked account and the schedule
    written) or ``"rejected"`` (``loan.reason`` holds the officer's reason, for the member to
    read); ``loan.decided_by`` is the officer; ``loan.introduction_id`` as for a request.
    Transaction: the decision's savepoint, not yet committed. An exception undoes the decision
    (no money moves, the request waits again).
    """


@hookspec
def resalat_loan_cancelled(loan: Loan) -> None:
    """The member cancelled their request before the decision; its note and points are released.

    When: as the member cancels (the loan's page, the API). Arguments: ``loan``, ``status``
    ``"cancelled"``; ``loan.member`` cancelled it; ``loan.introduction_id`` as for a request.
    Transaction: the cancellation's savepoint, not yet committed. An exception refuses the
    cancellation (the request still waits).
    """


@hookspec
def resalat_loan_disbursed(loan: Loan) -> None:
    """A loan was approved and its money credited to the borrower's earmarked account.

    When: as the credit officer approves, after ``resalat_loan_decided``. Arguments: ``loan``,
    disbursed, with its schedule. Transaction: the approval's, not yet committed. An exception
    undoes the approval.
    """


@hookspec
@awaiting("instalment reminders by SMS, and M-Aghsat's own schedules")
def resalat_instalment_due(item: Instalment) -> None:
    """An instalment falls due within the reminder days (once per instalment).

    When: by ``resalat loans run-due``, in its batch. Arguments: ``item``, the instalment, with
    its loan. Transaction: the batch's, committed after the batch. An exception fails the batch.
    """

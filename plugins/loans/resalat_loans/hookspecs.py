"""The hooks the loans plugin offers: what happens to a loan, for others to follow.

Each is called only for plugins active in the borrower's region. A plugin that follows loans
without requiring this one marks its answers ``@hookimpl(optionalhook=True)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from resalat_core.sdk import awaiting, hookspec

if TYPE_CHECKING:
    from resalat_loans.models import Instalment, Loan


@hookspec
@awaiting("insurance (bimeh), which will insure what a livestock loan buys")
def resalat_loan_disbursed(loan: Loan) -> None:
    """A loan was approved and its money credited to the borrower's earmarked account.

    When: as the credit officer approves. Arguments: ``loan``, disbursed, with its schedule.
    Transaction: the approval's, not yet committed. An exception undoes the approval.
    """


@hookspec
@awaiting("instalment reminders by SMS, and M-Aghsat's own schedules")
def resalat_instalment_due(item: Instalment) -> None:
    """An instalment falls due within the reminder days (once per instalment).

    When: by ``resalat loans run-due``, in its batch. Arguments: ``item``, the instalment, with
    its loan. Transaction: the batch's, committed after the batch. An exception fails the batch.
    """

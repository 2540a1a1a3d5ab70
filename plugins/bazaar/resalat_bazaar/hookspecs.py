"""The hooks M-Bazar offers other plugins: its orders' events, payment methods and reputation.

Plugins that answer them without requiring M-Bazar mark their answers
``@hookimpl(optionalhook=True)``. Each hook is called only for plugins active in the region of
the member it concerns.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from resalat_core.sdk import awaiting, hookspec

if TYPE_CHECKING:
    from resalat_bazaar.models import BazaarOrder as Order  # noqa: F401


@dataclass(frozen=True)
class Reputation:
    """Reviews and reports about a booth or product, as social supervision sums them up."""

    rating: float | None  # average stars 1..5, None before the first review
    reviews: int
    open_reports: int
    url: str | None = None
    hidden: bool = False  # hidden by a supervisor's decision


@hookspec
@awaiting("M-ST, which will create a shipment for an order paid with M-ST delivery")
def resalat_order_paid(order: Order) -> None:
    """An M-Bazar order has been paid into escrow.

    When: at checkout, once for each order of the checkout, after its money moved into escrow;
    only plugins active in the buyer's region hear it. Arguments: ``order``, flushed, with its
    items, booth and buyer. Transaction: the checkout's, not yet committed: write through
    ``object_session(order)`` so that a checkout that fails leaves nothing. An exception fails
    the whole checkout (nothing is paid).
    """


@hookspec
def resalat_order_completed(order: Order) -> None:
    """The buyer confirmed receipt (or the waiting days ran out) and the seller has been paid.

    When: as the order completes, by the buyer or by ``resalat bazaar complete-due``; only
    plugins active in the buyer's region hear it. Arguments: ``order``, completed, its money
    released to the seller. Transaction: the completion's, not yet committed. An exception
    leaves the order as it was (the release is rolled back too).
    """


@hookspec(firstresult=True)
def resalat_reputation(kind: str, subject_id: int) -> Reputation | None:
    """What the community says about a booth or a product.

    When: on booth and product pages and their API, once per page. Arguments: ``kind``,
    ``"booth"`` or ``"product"``; ``subject_id``, its id. Transaction: the request's, read only.
    Return a ``Reputation`` or None; the first answer wins. An exception is a 500 of the page.
    """


@hookspec
@awaiting("the instalment (aghsat), pay-later (paylater) and voucher plugins")
def resalat_payment_methods(checkout: Any) -> list[Any]:
    """Ways to pay this checkout besides the main account and loan money.

    When: on the checkout page, to list the choices before the buyer pays. Arguments:
    ``checkout``, the cart's groups and totals. Transaction: the request's, read only.
    Return a list of payment methods (none yet). An exception is a 500 of the checkout page.
    """

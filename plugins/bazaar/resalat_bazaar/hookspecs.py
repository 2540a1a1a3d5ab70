"""The hooks M-Bazar offers other plugins: its orders' events, payment methods and reputation.

Plugins that answer them without requiring M-Bazar mark their answers
``@hookimpl(optionalhook=True)``. Each hook is called only for plugins active in the region of
the member it concerns (``region_hook``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from resalat_core.sdk import Text, awaiting, hookspec

if TYPE_CHECKING:
    from resalat_bazaar.models import BazaarOrder as Order
    from resalat_bazaar.services.cart import Cart
    from resalat_core.sdk import Member

METHOD_CODE_RE = re.compile(r"^[a-z][a-z0-9_]*\.[a-z0-9_.\-]{1,60}$")


@dataclass(frozen=True)
class Reputation:
    """Reviews and reports about a booth or product, as social supervision sums them up."""

    rating: float | None  # average stars 1..5, None before the first review
    reviews: int
    open_reports: int
    url: str | None = None
    hidden: bool = False  # hidden by a supervisor's decision


@dataclass(frozen=True)
class PaymentMethod:
    """A way to pay a checkout that a plugin offers besides the main account and loan money.

    What an instalment (aghsat), pay-later or voucher plugin returns from
    ``resalat_payment_methods``; the checkout shows every field to the buyer before they pay.

    - ``code``: ``"<plugin>.<method>"`` (``"aghsat.six_months"``), what the buyer will choose by;
    - ``title`` and ``description``: lazy texts (``_l(...)``) in the offering plugin's catalogue;
    - ``pay_now``: the rials the buyer pays at checkout; ``total``: the rials they pay in all, now
      and later, every fee included (a voucher may make it less than the cart's total);
    - ``terms``: anything else the buyer must read before choosing, one line each, such as
      "6 monthly instalments of 1,200,000 tomans", the fee, the first due date (lazy texts,
      their amounts typed as ``Money``);
    - ``url``: the offering plugin's page with the full conditions, if it has one.
    """

    code: str
    title: Text
    pay_now: int
    total: int
    description: Text = ""
    terms: tuple[Text, ...] = ()
    url: str | None = None

    def __post_init__(self) -> None:
        if not METHOD_CODE_RE.match(self.code):
            raise ValueError(f"payment method code {self.code!r} must read '<plugin>.<method>'")
        for name in ("pay_now", "total"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"payment method {self.code}: {name} must be whole rials, not {value!r}")
        if self.pay_now > self.total:
            raise ValueError(f"payment method {self.code}: pays more now than in total")
        object.__setattr__(self, "terms", tuple(self.terms))

    @property
    def later(self) -> int:
        """The rials left to pay after the checkout."""
        return self.total - self.pay_now


@hookspec
@awaiting("M-ST, which will create a shipment for an order paid with M-ST delivery")
def resalat_order_paid(order: Order) -> None:
    """An M-Bazar order has been paid into escrow.

    When: at checkout, once for each order of the checkout, after its money moved into escrow;
    only plugins active in the buyer's region hear it. Arguments: ``order``, flushed, with its
    items, booth and buyer. Transaction: the checkout's, not yet committed: write through
    ``object_session(order)`` so that a checkout that fails leaves nothing. An exception fails
    the whole checkout (nothing is paid).

    Example::

        @hookimpl(optionalhook=True)
        def resalat_order_paid(order):
            if order.delivery == "mst":
                services.plan_shipment(object_session(order), order)
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

    When: on booth and product pages and their API, once per page; only plugins active in the
    viewer's region (or the booth's, for a visitor) are asked. Arguments: ``kind``, ``"booth"``
    or ``"product"``; ``subject_id``, its id. Transaction: the request's, read only. Return a
    ``Reputation`` or None; the first answer wins. An exception is a 500 of the page.
    """


@hookspec
@awaiting("the instalment (aghsat), pay-later (paylater) and voucher plugins")
def resalat_payment_methods(buyer: Member, cart: Cart) -> list[PaymentMethod]:
    """Ways to pay this cart besides the main account and loan money, shown before the buyer pays.

    When: each time the checkout page (the cart) is shown, and in the API's cart (the checkout's
    preview); only plugins active in the buyer's region are asked. Arguments: ``buyer``, the
    signed-in member; ``cart``, their cart: ``cart.groups`` (one per booth, each with its
    ``lines``: product, quantity, total in rials) and ``cart.total`` in rials. Transaction: the
    request's, read only; keep it to a query or two. Return a list of ``PaymentMethod`` (empty
    when the plugin offers nothing for this buyer or cart). An exception is a 500 of the page.

    Choosing a method to pay with is not part of the checkout yet: the page lists them.

    Example::

        @hookimpl(optionalhook=True)
        def resalat_payment_methods(buyer, cart):
            if cart.total < MINIMUM:
                return []
            part = cart.total // 6
            return [
                PaymentMethod(
                    "aghsat.six_months",
                    _l("Six monthly instalments"),
                    pay_now=part,
                    total=cart.total,
                    description=_l("Pay a sixth now and the rest over five months, without a fee."),
                    terms=(_l("5 instalments of %(amount)s", amount=Money(part)),),
                )
            ]
    """

"""The hooks M-Bazar offers other plugins: its orders' events, payment methods and reputation.

Plugins that answer them without requiring M-Bazar mark their answers
``@hookimpl(optionalhook=True)``. Each hook is called only for plugins active in the region of
the member it concerns (``region_hook``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from resalat_core.sdk import Text, hookspec

if TYPE_CHECKING:
    from resalat_bazaar.models import BazaarOrder as Order
    from resalat_bazaar.models import OrderPayment
    from resalat_bazaar.services.cart import Cart, CartGroup
    from resalat_core.sdk import Account, BadInput, Member

METHOD_CODE_RE = re.compile(r"^[a-z][a-z0-9_]*\.[a-z0-9_.\-]{1,60}$")

# When a chosen method pays, relative to the buyer's loan money (see ``PaymentMethod.stage``).
FIRST = "first"  # before loan money, part of the cart or all of it: a voucher
REST = "rest"  # after loan money, whatever is left instead of the main account: instalments, pay later
STAGES = (FIRST, REST)


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
    - ``url``: the offering plugin's page with the full conditions, if it has one;
    - ``stage``: when it pays if the buyer chooses it. ``FIRST`` (a voucher) pays before loan
      money and may pay only part of the cart; the buyer may choose several. ``REST`` (an
      instalment plan, pay later) pays whatever is left after loan money, instead of the main
      account; the buyer chooses at most one.

    The buyer chooses methods by ``code`` at checkout; M-Bazar then asks the offering plugin to
    pay through ``resalat_payment_take``.
    """

    code: str
    title: Text
    pay_now: int
    total: int
    description: Text = ""
    terms: tuple[Text, ...] = ()
    url: str | None = None
    stage: str = REST

    def __post_init__(self) -> None:
        if not METHOD_CODE_RE.match(self.code):
            raise ValueError(f"payment method code {self.code!r} must read '<plugin>.<method>'")
        if self.stage not in STAGES:
            raise ValueError(f"payment method {self.code}: stage must be one of {STAGES}, not {self.stage!r}")
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

    @property
    def plugin(self) -> str:
        """The plugin that offers it (the code's first part), the one asked to pay with it."""
        return self.code.split(".", 1)[0]


@dataclass(frozen=True)
class Due:
    """One order of a checkout and what it still owes when a payment method is asked to pay.

    ``order`` is flushed (it has its id), with its ``items`` (each with ``product_id``,
    ``category_id``, ``quantity``, ``unit_price``), ``booth_id``, ``seller_id`` and ``buyer_id``;
    ``due`` is the rials no earlier method or loan money has covered.
    """

    order: Order
    due: int


@dataclass(frozen=True)
class PaymentPart:
    """Money a payment method moves into M-Bazar's escrow for one order.

    - ``order_id``: one of the orders it was asked to pay;
    - ``account``: where the money comes from (a voucher float, an instalment fund, the buyer's
      main account for a down payment); a refund pays it back to this account;
    - ``amount``: whole rials, more than 0, and all parts for an order at most its ``due``;
    - ``purpose``: the ledger purpose of the transfer into escrow (one the plugin declared, so that
      the statement line reads in its words); ``params``: that purpose's parameters.

    M-Bazar posts every part of a checkout, with the loan and main account parts, as one group of
    linked transfers: all of them move or none does.
    """

    order_id: int
    account: Account
    amount: int
    purpose: str
    params: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        if isinstance(self.amount, bool) or not isinstance(self.amount, int) or self.amount <= 0:
            raise ValueError(f"a payment part must be whole rials above 0, not {self.amount!r}")


@dataclass(frozen=True)
class DeliveryQuote:
    """What a delivery service charges to carry one booth's order, shown before the buyer pays.

    - ``fee``: whole rials the buyer pays at checkout besides the goods, from the main account;
    - ``account``: the code of a system account the delivery plugin declared, which holds the fee
      until the plugin pays whoever carried the order (a cancelled order gets it back from there);
    - ``purpose``: the ledger purpose of the fee's transfer, one the plugin declared;
    - ``terms``: what else the buyer reads beside the fee (lazy texts: "Zanjan to Tehran, up to
      5 kg", "delivered within 3 days").
    - ``carrier``: the delivery plugin's name when it moves the order itself (its operator marks
      it sent and delivered through ``services.transition`` with the system as actor); the seller's
      own "sent" and "delivered" buttons are then not offered. None: the seller moves it.
    """

    fee: int
    account: str
    purpose: str
    terms: tuple[Text, ...] = ()
    carrier: str | None = None

    def __post_init__(self) -> None:
        if isinstance(self.fee, bool) or not isinstance(self.fee, int) or self.fee < 0:
            raise ValueError(f"a delivery fee must be whole rials, not {self.fee!r}")
        object.__setattr__(self, "terms", tuple(self.terms))


@hookspec
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
def resalat_payment_methods(buyer: Member, cart: Cart) -> list[PaymentMethod]:
    """Ways to pay this cart besides the main account and loan money, shown before the buyer pays.

    When: each time the checkout page (the cart) is shown, and in the API's cart (the checkout's
    preview); only plugins active in the buyer's region are asked. Arguments: ``buyer``, the
    signed-in member; ``cart``, their cart: ``cart.groups`` (one per booth, each with its
    ``lines``: product, quantity, total in rials) and ``cart.total`` in rials. Transaction: the
    request's, read only; keep it to a query or two. Return a list of ``PaymentMethod`` (empty
    when the plugin offers nothing for this buyer or cart). An exception is a 500 of the page.

    The buyer may choose any of them at checkout (see ``PaymentMethod.stage``); M-Bazar then calls
    ``resalat_payment_take`` on the offering plugin.

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


@hookspec(firstresult=True)
def resalat_payment_take(buyer: Member, code: str, dues: list[Due], key: str) -> list[PaymentPart] | None:
    """Pay with a method this plugin offered and the buyer chose at checkout.

    When: during the checkout, once per chosen method, after the orders are placed (they have
    ids) and before any money moves; ``FIRST`` methods in the order the buyer chose them, then
    loan money, then the ``REST`` method. Only the plugin named by the code's first part is asked
    (``"vouchers.v12"`` asks ``vouchers``). Arguments: ``buyer``; ``code``, the chosen method's
    code, as the plugin offered it; ``dues``, each order with something left to pay (``Due``);
    ``key``, the checkout's idempotency key (unique per buyer), for the plugin's own records.
    Transaction: the checkout's, not yet committed: write through ``object_session(buyer)``.

    Return the ``PaymentPart`` list that pays some or all of the dues (a voucher pays what its
    balance and rules allow; a ``REST`` method must pay every due in full). Raise ``BadInput``
    (its message in the buyer's words, naming why: an expired voucher, a limit exceeded) to
    refuse: the whole checkout is refused and nothing changes. Record what was taken (a
    redemption, an instalment schedule) in the same transaction, keyed by order id, so that
    ``resalat_payment_refunded`` can find it. Any other exception is a bug: the checkout fails
    with a 500 and nothing is paid.
    """


@hookspec
def resalat_payment_refunded(order: Order, payments: list[OrderPayment]) -> None:
    """Money a method paid for an order went back to where it came from (the order was cancelled).

    When: as M-Bazar cancels an order that a method helped pay, right after the refund's
    transfers (escrow back to each ``payment.account_id``); every plugin hears it, active in the
    region or not, because its records of the payment must follow the money. Arguments: ``order``;
    ``payments``, the order's ``OrderPayment`` rows (``method`` code, ``account_id``, ``amount``).
    Answer only for codes that start with your plugin's name. Transaction: the cancellation's,
    not yet committed. An exception leaves the order as it was.
    """


@hookspec
def resalat_delivery_quotes(
    buyer: Member, groups: list[CartGroup], option: str
) -> dict[int, DeliveryQuote | BadInput | None] | None:
    """The fee for delivering each booth's part of the cart by ``option`` (``"mst"``, ``"post"``).

    When: on the checkout page and in the API's cart, once per delivery option but pickup, with
    every booth of the cart that offers it; at checkout, once per option chosen, with the booths
    it was chosen for. Only plugins active in the buyer's region are asked. Arguments:
    ``buyer``; ``groups``, the booths' parts of the cart (each ``group.booth``, ``group.lines``
    with each ``product`` and ``item.quantity``, ``group.total``); ``option``. Transaction: the
    request's (the checkout's at checkout); read what you need for all the groups at once, a
    few queries whatever their number.

    Return None for an option your plugin does not carry; else a dict by ``group.booth.id``:
    a ``DeliveryQuote``, or a ``BadInput`` (returned, not raised, its message in the buyer's
    words) when you cannot carry that booth's order (too heavy, outside your area), or None
    (or no entry) for a booth you do not price. For each booth the first plugin's answer wins,
    and an option no plugin prices costs nothing. A refused booth's page shows why and the
    checkout refuses that option for it, while the other booths keep their quotes. Raising
    ``BadInput`` refuses the option for every group given; any other exception is a 500 of the
    page (and fails the checkout, nothing paid).

    Example::

        @hookimpl
        def resalat_delivery_quotes(buyer, groups, option):
            if option != "post":
                return None
            answers = {}
            for group in groups:
                items = sum(line.item.quantity for line in group.lines)
                if items > 10:
                    answers[group.booth.id] = BadInput(_("The post carries at most ten items."))
                else:
                    answers[group.booth.id] = DeliveryQuote(items * 50_000, "post_fees", "post_fee")
            return answers
    """


@hookspec
def resalat_order_cancelled(order: Order) -> None:
    """An M-Bazar order was cancelled and its money paid back (the delivery fee too).

    When: as the buyer, the seller or an administrator cancels it; every plugin hears it,
    switched on in the region or not, because a shipment or a policy made for it must follow.
    Arguments: ``order``, cancelled, with its ``delivery`` and ``delivery_fee``. Transaction:
    the cancellation's, not yet committed. An exception leaves the order as it was.
    """

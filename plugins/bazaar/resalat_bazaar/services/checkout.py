"""Paying the cart: one order per booth, stock taken, money posted into escrow, all or nothing,
once per key; and the other ways to pay that plugins offer, shown before the buyer pays.

Stock. A checkout takes stock with one conditional UPDATE per product (``stock >= quantity``, in
product id order), inside the same transaction as the orders and the money: two buyers can never
both take the last item, and a failure anywhere leaves stock, orders and balances as they were.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from resalat_bazaar.hookspecs import PaymentMethod
from resalat_bazaar.models import (
    FUND_BOTH,
    FUND_EARMARKED,
    FUND_MAIN,
    FUNDINGS,
    PICKUP,
    PLACED,
    Checkout,
    Order,
    OrderEvent,
    OrderItem,
    Product,
)
from resalat_bazaar.services.cart import Cart, CartGroup, cart
from resalat_bazaar.services.catalogue import CategoryTree, category_tree
from resalat_bazaar.services.fields import clean_text, invalid
from resalat_bazaar.services.money import PURCHASE, escrow_account, pay_into_escrow, spend_details
from resalat_bazaar.services.orders import tell
from resalat_core.sdk import (
    EARMARKED,
    Account,
    BadInput,
    Member,
    NotAllowed,
    Spend,
    _,
    check_spend,
    region_hook,
)

ADDRESS_MAX = 500
NOTE_MAX = 500
KEY_MAX = 200


@dataclass(frozen=True)
class CheckoutRequest:
    """What the buyer chose on the checkout form (or sent to the API)."""

    key: str
    funding: str = FUND_MAIN
    earmarked_account_id: int | None = None
    delivery: Mapping[int, str] = field(default_factory=dict)
    address: str = ""
    note: str = ""


@dataclass
class CheckoutResult:
    checkout: Checkout
    orders: list[Order]
    replayed: bool = False


@dataclass
class _Plan:
    """One booth's part of the checkout: how much of it the loan pays and how much the main account."""

    group: CartGroup
    from_earmarked: int
    from_main: int


@dataclass
class _Choices:
    """The buyer's choices, checked: the loan account, each booth's delivery, address and note."""

    account: Account | None
    deliveries: dict[int, str]
    address: str
    note: str


def payment_methods(buyer: Member, current: Cart) -> list[PaymentMethod]:
    """The other ways to pay ``current`` that plugins active in the buyer's region offer.

    Shown on the checkout page and in the API's cart before the buyer pays; choosing one to pay
    with is not part of the checkout yet.
    """
    if not current.groups:
        return []
    answers = region_hook("resalat_payment_methods", buyer)(buyer=buyer, cart=current)
    found: list[PaymentMethod] = []
    for answer in answers:
        for method in answer or []:
            if not isinstance(method, PaymentMethod):
                raise TypeError(f"resalat_payment_methods answered {method!r}, not a PaymentMethod")
            found.append(method)
    return found


def checkout(session: Session, buyer: Member, request: CheckoutRequest) -> CheckoutResult:
    """Pay the whole cart at once: one order per booth, money posted into escrow, stock taken.

    All or nothing: a refusal anywhere (stock, funds, the spend policy) leaves stock, orders,
    balances and the cart as they were. Once per ``request.key``: the same key again answers the
    first checkout (``replayed``) and moves nothing.
    """
    key = _checkout_key(request.key)
    existing = _existing_checkout(session, buyer, key)
    if existing is not None:
        return _replay(existing)
    current = cart(session, buyer)
    if not current.groups:
        raise BadInput(_("Your cart is empty."), code="empty_cart")
    if current.problems:
        raise BadInput(" ".join(current.problems), code="cart_problem")
    tree = category_tree(session)
    choices = _check_choices(session, buyer, current, request)
    plans = _plan(session, current, request.funding, choices.account, tree)
    try:
        with session.begin_nested():
            record = Checkout(
                buyer_id=buyer.id,
                key=key,
                total=current.total,
                funding=request.funding,
                earmarked_account_id=choices.account.id if choices.account is not None else None,
            )
            session.add(record)
            session.flush()  # a concurrent checkout with this key fails here
            orders = _take_stock_and_place(session, buyer, current, record, plans, choices)
            # The money moves last: every checkout credits the one escrow account, so its row
            # lock is held only from here to the commit, not through the work above.
            pay_into_escrow(session, buyer, orders, choices.account, tree)
            for order in orders:
                region_hook("resalat_order_paid", buyer)(order=order)
    except IntegrityError:
        existing = _existing_checkout(session, buyer, key)
        if existing is None:
            raise
        return _replay(existing)
    return CheckoutResult(record, orders)


def _checkout_key(key: Any) -> str:
    clean = str(key or "").strip()
    if not clean or len(clean) > KEY_MAX:
        raise BadInput(
            _("The checkout form is missing its one-time key; reload the cart and try again."),
            code="bad_key",
        )
    return clean


def _existing_checkout(session: Session, buyer: Member, key: str) -> Checkout | None:
    return session.scalar(select(Checkout).where(Checkout.buyer_id == buyer.id, Checkout.key == key))


def _replay(checkout: Checkout) -> CheckoutResult:
    return CheckoutResult(checkout, list(checkout.orders), replayed=True)


def _check_choices(session: Session, buyer: Member, current: Cart, request: CheckoutRequest) -> _Choices:
    """Check what the buyer chose before anything moves; every wrong choice is reported at once."""
    errors: dict[str, Any] = {}
    if request.funding not in FUNDINGS:
        errors["funding"] = _("Choose how to pay.")
    account = None
    if request.funding in (FUND_EARMARKED, FUND_BOTH):
        account_id = request.earmarked_account_id
        account = session.get(Account, account_id) if isinstance(account_id, int) else None
        if account is None or account.owner_id != buyer.id or account.kind != EARMARKED:
            errors["earmarked_account"] = _("Choose one of your loan accounts.")
            account = None
    deliveries: dict[int, str] = {}
    for group in current.groups:
        chosen = request.delivery.get(group.booth.id)
        options = group.booth.delivery_options or []
        if not chosen and options:
            chosen = options[0]  # the booth's first way, as the cart page pre-selects it
        if chosen not in options:
            errors[f"delivery_{group.booth.id}"] = _("Choose how %(booth)s delivers.", booth=group.booth.name)
        else:
            deliveries[group.booth.id] = chosen
    address = clean_text(request.address, multiline=True)
    if any(d != PICKUP for d in deliveries.values()) and len(address) < 5:
        errors["address"] = _("Enter the address to deliver to.")
    if len(address) > ADDRESS_MAX:
        errors["address"] = _("At most %(n)s characters.", n=ADDRESS_MAX)
    note = clean_text(request.note, multiline=True)
    if len(note) > NOTE_MAX:
        errors["note"] = _("At most %(n)s characters.", n=NOTE_MAX)
    if errors:
        raise invalid(errors)
    return _Choices(account, deliveries, address, note)


def _plan(
    session: Session, current: Cart, funding: str, account: Account | None, tree: CategoryTree
) -> list[_Plan]:
    """Split each booth's total between the loan and the main account, as the buyer chose and
    the spend policy allows: only loan money refuses (naming the rule), "both" falls back."""
    escrow = escrow_account(session)
    plans = []
    left = account.available if account is not None else 0
    for group in current.groups:
        total = group.total
        from_earmarked = 0
        if account is not None:
            products = [line.product for line in group.lines]
            spend = Spend(total, PURCHASE, None, escrow, spend_details(tree, group.booth.id, products))
            if funding == FUND_EARMARKED:
                check_spend(account, spend)  # NotAllowed naming the rule
                if total > left:
                    message = _("Your loan account does not hold enough for this purchase.")
                    raise BadInput(message, fields={"earmarked_account": message}, code="insufficient_funds")
                from_earmarked = total
            else:
                try:
                    check_spend(account, spend)
                except NotAllowed:
                    from_earmarked = 0  # the policy refuses these items: the main account pays
                else:
                    from_earmarked = min(left, total)
            left -= from_earmarked
        plans.append(_Plan(group, from_earmarked, total - from_earmarked))
    return plans


def reserve_stock(session: Session, product: Product, quantity: int, price: int) -> int:
    """Take ``quantity`` from stock in one conditional UPDATE; returns what is left.

    The condition (enough stock, still listed, same price) is checked by the database at the
    moment of the update, so concurrent checkouts can never sell more than there is.
    """
    row = session.execute(
        update(Product)
        .where(
            Product.id == product.id,
            Product.stock >= quantity,
            Product.listed.is_(True),
            Product.hidden.is_(False),
            Product.price == price,
        )
        .values(stock=Product.stock - quantity)
        .returning(Product.stock)
        .execution_options(synchronize_session=False)
    ).first()
    if row is None:
        session.expire(product, ["stock", "price", "listed", "hidden"])
        if product.price != price:
            message = _("The price of %(title)s has changed; check your cart again.", title=product.title)
        elif product.stock < quantity:
            message = (
                _("%(title)s is out of stock.", title=product.title)
                if product.stock == 0
                else _("Only %(n)s of %(title)s are left.", n=product.stock, title=product.title)
            )
        else:
            message = _("%(title)s is no longer for sale; remove it from your cart.", title=product.title)
        raise BadInput(message, fields={f"product_{product.id}": message}, code="out_of_stock")
    session.expire(product, ["stock"])
    return row[0]


def _take_stock_and_place(
    session: Session, buyer: Member, current: Cart, record: Checkout, plans: list[_Plan], choices: _Choices
) -> list[Order]:
    """Take the stock (in product id order: a fixed lock order), place the orders, empty the cart."""
    for line in sorted(current.lines, key=lambda line: line.product.id):
        reserve_stock(session, line.product, line.item.quantity, line.product.price)
    orders = [_order(buyer, record, plan, choices) for plan in plans]
    session.add_all(orders)
    for line in current.lines:
        session.delete(line.item)
    session.flush()
    for order in orders:
        tell(order, PLACED)
    return orders


def _order(buyer: Member, record: Checkout, plan: _Plan, choices: _Choices) -> Order:
    booth = plan.group.booth
    delivery = choices.deliveries[booth.id]
    order = Order(
        checkout_id=record.id,
        buyer_id=buyer.id,
        booth_id=booth.id,
        seller_id=booth.owner_id,
        status=PLACED,
        total=plan.group.total,
        paid_main=plan.from_main,
        paid_earmarked=plan.from_earmarked,
        earmarked_account_id=choices.account.id
        if plan.from_earmarked and choices.account is not None
        else None,
        delivery=delivery,
        address="" if delivery == PICKUP else choices.address,
        note=choices.note,
    )
    order.items = [
        OrderItem(
            product_id=line.product.id,
            category_id=line.product.category_id,
            title=line.product.title,
            unit=line.product.unit,
            unit_price=line.product.price,
            quantity=line.item.quantity,
        )
        for line in plan.group.lines
    ]
    order.events = [OrderEvent(from_status=None, to_status=PLACED, actor_id=buyer.id)]
    return order

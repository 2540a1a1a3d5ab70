"""Paying the cart: one order per booth, stock taken, money posted into escrow, all or nothing,
once per key; with the buyer's accounts and the other ways to pay that plugins offer.

Paying, in order: the ``FIRST`` methods the buyer chose (vouchers), each paying what it can;
then loan money, as the buyer chose and its spend rules allow; then the ``REST`` method if one
was chosen (instalments, pay later), which must pay everything left; else the main account pays
what is left. Every part moves into escrow in one group of linked transfers.

Stock. A checkout takes stock with one conditional UPDATE per product (``stock >= quantity``, in
product id order), inside the same transaction as the orders and the money: two buyers can never
both take the last item, and a failure anywhere leaves stock, orders and balances as they were.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from resalat_bazaar.hookspecs import FIRST, REST, DeliveryQuote, Due, PaymentMethod, PaymentPart
from resalat_bazaar.models import (
    FUND_BOTH,
    FUND_EARMARKED,
    FUND_MAIN,
    FUNDINGS,
    PICKUP,
    PLACED,
    Booth,
    Checkout,
    Order,
    OrderEvent,
    OrderItem,
    OrderPayment,
    Product,
)
from resalat_bazaar.services.cart import Cart, CartGroup, cart
from resalat_bazaar.services.catalogue import CategoryTree, category_tree
from resalat_bazaar.services.fields import clean_text, invalid
from resalat_bazaar.services.money import PURCHASE, escrow_account, pay_into_escrow, spend_details
from resalat_bazaar.services.orders import tell
from resalat_bazaar.services.seller import MAX_STOCK
from resalat_core.sdk import (
    EARMARKED,
    Account,
    BadInput,
    Member,
    NotAllowed,
    Spend,
    _,
    check_spend,
    join_words,
    region_hook,
    system_account,
    transfer,
)

ADDRESS_MAX = 500
NOTE_MAX = 500
KEY_MAX = 200
METHODS_MAX = 10  # ways to pay chosen at once: a few vouchers and a plan


@dataclass(frozen=True)
class CheckoutRequest:
    """What the buyer chose on the checkout form (or sent to the API)."""

    key: str
    funding: str = FUND_MAIN
    earmarked_account_id: int | None = None
    delivery: Mapping[int, str] = field(default_factory=dict)
    address: str = ""
    note: str = ""
    # Codes of the other ways to pay the buyer chose (``PaymentMethod.code``), in their order.
    methods: tuple[str, ...] = ()


@dataclass
class CheckoutResult:
    checkout: Checkout
    orders: list[Order]
    replayed: bool = False


@dataclass
class _Choices:
    """The buyer's choices, checked: the loan account, each booth's delivery, address and note."""

    account: Account | None
    deliveries: dict[int, str]
    address: str
    note: str
    first: list[PaymentMethod] = field(default_factory=list)
    rest: PaymentMethod | None = None
    fees: dict[int, DeliveryQuote] = field(default_factory=dict)  # by booth id


@dataclass(frozen=True)
class DeliveryOffer:
    """One delivery option of one booth as the checkout page shows it: its fee, or why not."""

    option: str
    quote: DeliveryQuote | None = None
    refused: str | None = None

    @property
    def fee(self) -> int:
        return self.quote.fee if self.quote is not None else 0


def payment_methods(buyer: Member, current: Cart) -> list[PaymentMethod]:
    """The other ways to pay ``current`` that plugins active in the buyer's region offer.

    Shown on the checkout page and in the API's cart before the buyer pays, who may choose them
    (``CheckoutRequest.methods``).
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


def delivery_quotes(
    buyer: Member, groups: Sequence[CartGroup], option: str
) -> dict[int, DeliveryQuote | BadInput | None]:
    """What the delivery plugins active in the buyer's region charge to carry each of ``groups``
    by ``option``, by booth id, in one call of ``resalat_delivery_quotes``: a ``DeliveryQuote``,
    the ``BadInput`` that says why a booth's order cannot go that way, or None (free, as pickup
    is, or no plugin prices it)."""
    found: dict[int, DeliveryQuote | BadInput | None] = {group.booth.id: None for group in groups}
    if option == PICKUP or not groups:
        return found
    try:
        answers = region_hook("resalat_delivery_quotes", buyer)(
            buyer=buyer, groups=list(groups), option=option
        )
    except BadInput as refused:
        return dict.fromkeys(found, refused)
    for answer in answers:  # in the hook's order: for each booth, the first answer wins
        if not isinstance(answer, Mapping):
            raise TypeError(f"resalat_delivery_quotes answered {answer!r}, not a dict by booth id")
        for booth_id, quote in answer.items():
            if quote is None or booth_id not in found or found[booth_id] is not None:
                continue  # not priced, a booth it was not asked about, or priced already
            if not isinstance(quote, DeliveryQuote | BadInput):
                raise TypeError(
                    f"resalat_delivery_quotes answered {quote!r}, not a DeliveryQuote or BadInput"
                )
            found[booth_id] = quote
    return found


def delivery_quote(buyer: Member, group: CartGroup, option: str) -> DeliveryQuote | None:
    """What the delivery plugin active in the buyer's region charges for ``option`` (None: free,
    as pickup is, or no plugin prices it). ``BadInput`` when it cannot carry this order."""
    quote = delivery_quotes(buyer, [group], option)[group.booth.id]
    if isinstance(quote, BadInput):
        raise quote
    return quote


def delivery_offers(buyer: Member, current: Cart) -> dict[int, list[DeliveryOffer]]:
    """Each booth's delivery options with their fees (or why an option cannot be had), by booth id:
    each delivery plugin asked once per option, whatever the number of booths."""
    offering: dict[str, list[CartGroup]] = {}
    for group in current.groups:
        for option in group.booth.delivery_options or []:
            offering.setdefault(option, []).append(group)
    quotes = {option: delivery_quotes(buyer, groups, option) for option, groups in offering.items()}
    offers: dict[int, list[DeliveryOffer]] = {}
    for group in current.groups:
        found = []
        for option in group.booth.delivery_options or []:
            quote = quotes[option][group.booth.id]
            if isinstance(quote, BadInput):
                found.append(DeliveryOffer(option, refused=str(quote)))
            else:
                found.append(DeliveryOffer(option, quote))
        offers[group.booth.id] = found
    return offers


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
            orders = _take_stock_and_place(session, buyer, current, record, choices)
            fees = _charge_delivery(session, orders, choices.fees)
            parts = _pay_with_methods(session, buyer, orders, choices.first, key)
            _plan(session, orders, request.funding, choices.account, tree)
            if choices.rest is not None:
                parts += _pay_with_methods(session, buyer, orders, [choices.rest], key)
            # The money moves last: every checkout credits the one escrow account, so its row
            # lock is held only from here to the commit, not through the work above.
            pay_into_escrow(session, buyer, orders, choices.account, tree, parts, fees)
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
    fees: dict[int, DeliveryQuote] = {}
    choosing: dict[str, list[CartGroup]] = {}
    for group in current.groups:
        chosen = deliveries.get(group.booth.id)
        if chosen is not None:
            choosing.setdefault(chosen, []).append(group)
    quotes = {chosen: delivery_quotes(buyer, groups, chosen) for chosen, groups in choosing.items()}
    for booth_id, chosen in deliveries.items():
        quote = quotes[chosen][booth_id]
        if isinstance(quote, BadInput):
            errors[f"delivery_{booth_id}"] = str(quote)
        elif quote is not None and quote.fee:
            fees[booth_id] = quote
    address = clean_text(request.address, multiline=True)
    if any(d != PICKUP for d in deliveries.values()) and len(address) < 5:
        errors["address"] = _("Enter the address to deliver to.")
    if len(address) > ADDRESS_MAX:
        errors["address"] = _("At most %(n)s characters.", n=ADDRESS_MAX)
    note = clean_text(request.note, multiline=True)
    if len(note) > NOTE_MAX:
        errors["note"] = _("At most %(n)s characters.", n=NOTE_MAX)
    first, rest = _chosen_methods(buyer, current, request.methods, errors)
    if errors:
        raise invalid(errors)
    return _Choices(account, deliveries, address, note, first, rest, fees)


def _chosen_methods(
    buyer: Member, current: Cart, codes: tuple[str, ...], errors: dict[str, Any]
) -> tuple[list[PaymentMethod], PaymentMethod | None]:
    """The methods chosen, each one offered for this cart now; at most one that pays the rest."""
    if not codes:
        return [], None
    unique = list(dict.fromkeys(str(code) for code in codes))
    if len(unique) > METHODS_MAX:
        errors["methods"] = _("Choose at most %(n)s ways to pay.", n=METHODS_MAX)
        return [], None
    offered = {method.code: method for method in payment_methods(buyer, current)}
    chosen = [offered.get(code) for code in unique]
    if any(method is None for method in chosen):
        errors["methods"] = _(
            "A way to pay you chose is not offered for this cart now; check your cart again."
        )
        return [], None
    first = [m for m in chosen if m is not None and m.stage == FIRST]
    rest = [m for m in chosen if m is not None and m.stage == REST]
    if len(rest) > 1:
        errors["methods"] = _(
            "Choose one way to pay the rest: %(ways)s.", ways=join_words(str(m.title) for m in rest)
        )
        return [], None
    return first, rest[0] if rest else None


def _charge_delivery(
    session: Session, orders: list[Order], quotes: dict[int, DeliveryQuote]
) -> dict[int, DeliveryQuote]:
    """Put each order's delivery fee on it, with the delivery service's account; by order id."""
    fees = {}
    for order in orders:
        quote = quotes.get(order.booth_id)
        if quote is None:
            continue
        order.delivery_fee = quote.fee
        order.delivery_fee_account_id = system_account(session, quote.account).id
        order.carrier = quote.carrier
        fees[order.id] = quote
    return fees


def _plan(
    session: Session, orders: list[Order], funding: str, account: Account | None, tree: CategoryTree
) -> None:
    """Let loan money pay what the methods chosen first left of each order, as the buyer chose and
    the spend policy allows: only loan money refuses (naming the rule), "both" falls back; the
    main account keeps the rest (until a method that pays the rest takes it)."""
    if account is None:
        return
    escrow = escrow_account(session)
    left = account.available
    for order in orders:
        due = order.paid_main
        if not due:
            continue
        products = [item.product for item in order.items]
        spend = Spend(due, PURCHASE, None, escrow, spend_details(tree, order.booth_id, products))
        if funding == FUND_EARMARKED:
            check_spend(account, spend)  # NotAllowed naming the rule
            if due > left:
                message = _("Your loan account does not hold enough for this purchase.")
                raise BadInput(message, fields={"earmarked_account": message}, code="insufficient_funds")
            from_earmarked = due
        else:
            try:
                check_spend(account, spend)
            except NotAllowed:
                continue  # the policy refuses these items: the main account pays
            from_earmarked = min(left, due)
        if from_earmarked:
            order.paid_earmarked = from_earmarked
            order.paid_main = due - from_earmarked
            order.earmarked_account_id = account.id
            left -= from_earmarked


def _pay_with_methods(
    session: Session, buyer: Member, orders: list[Order], methods: list[PaymentMethod], key: str
) -> list[PaymentPart]:
    """Ask each chosen method's plugin to pay what is still due; record and count its parts.

    What is due is what the main account would otherwise pay (``paid_main``): a part moves from
    there to ``paid_other``, so the order stays paid in full at every step.
    """
    taken: list[PaymentPart] = []
    by_id = {order.id: order for order in orders}
    for method in methods:
        dues = [Due(order, order.paid_main) for order in orders if order.paid_main > 0]
        if not dues:
            break
        parts = _take(buyer, method, dues, key)
        paid: dict[int, int] = {}
        for part in parts:
            if not isinstance(part, PaymentPart) or part.order_id not in by_id:
                raise TypeError(
                    f"{method.code} paid {part!r}, not a PaymentPart of an order it was asked to pay"
                )
            paid[part.order_id] = paid.get(part.order_id, 0) + part.amount
        for order_id, amount in paid.items():
            order = by_id[order_id]
            if amount > order.paid_main:
                raise ValueError(
                    f"{method.code} paid {amount} for order {order_id}, which owed {order.paid_main}"
                )
            order.paid_main -= amount
            order.paid_other += amount
        if method.stage == REST and any(order.paid_main for order in orders):
            raise ValueError(f"{method.code} pays the rest but left part of the checkout unpaid")
        for part in parts:
            session.add(
                OrderPayment(
                    order_id=part.order_id,
                    method=method.code,
                    account_id=part.account.id,
                    amount=part.amount,
                    purpose=part.purpose,
                )
            )
        taken += parts
    session.flush()
    return taken


def _take(buyer: Member, method: PaymentMethod, dues: list[Due], key: str) -> list[PaymentPart]:
    """The parts the plugin that offered ``method`` pays (it alone is asked)."""
    caller = region_hook("resalat_payment_take", buyer)
    for impl in caller.get_hookimpls():
        if impl.plugin_name == method.plugin:
            parts = impl.function(
                **{
                    name: value
                    for name, value in {"buyer": buyer, "code": method.code, "dues": dues, "key": key}.items()
                    if name in impl.argnames
                }
            )
            return list(parts or [])
    message = _("%(way)s cannot take payments now; choose another way to pay.", way=method.title)
    raise BadInput(message, fields={"methods": message}, code="method_unavailable")


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
    session: Session, buyer: Member, current: Cart, record: Checkout, choices: _Choices
) -> list[Order]:
    """Take the stock (in product id order: a fixed lock order), place the orders, empty the cart."""
    for line in sorted(current.lines, key=lambda line: line.product.id):
        reserve_stock(session, line.product, line.item.quantity, line.product.price)
    orders = [_order(buyer, record, group, choices) for group in current.groups]
    session.add_all(orders)
    for line in current.lines:
        session.delete(line.item)
    session.flush()
    for order in orders:
        tell(order, PLACED)
    return orders


def _order(buyer: Member, record: Checkout, group: CartGroup, choices: _Choices) -> Order:
    """A placed order that the main account pays in full, until methods and loan money take parts."""
    booth = group.booth
    delivery = choices.deliveries[booth.id]
    order = Order(
        checkout_id=record.id,
        buyer_id=buyer.id,
        booth_id=booth.id,
        seller_id=booth.owner_id,
        status=PLACED,
        total=group.total,
        paid_main=group.total,
        paid_earmarked=0,
        paid_other=0,
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
        for line in group.lines
    ]
    order.events = [OrderEvent(from_status=None, to_status=PLACED, actor_id=buyer.id)]
    return order


# --- an order another plugin places --------------------------------------------------------------

ORDER_KEY_PREFIX = "place:"  # keeps a placed order's keys apart from the buyer's own checkouts
PLACED_METHOD = "place_order"  # the OrderPayment method of an order another plugin paid for


def place_order(
    session: Session,
    buyer: Member,
    booth: Booth,
    lines: Sequence[tuple[Product, int, int]],
    *,
    key: str,
    pay_from: Account,
    delivery: str = PICKUP,
    address: str = "",
    note: str = "",
    method: str = PLACED_METHOD,
) -> Order:
    """Place one order of ``booth`` for ``buyer`` that is not their cart, paid from ``pay_from``.

    For another plugin that buys on someone's behalf (a group purchase paid from its pooled
    account). ``lines`` are ``(product, quantity, unit_price)`` with the unit price in rials,
    never above the product's listed price (a price agreed with the seller may be lower). As at
    checkout: the stock is taken with the conditional UPDATE, one ``Order`` is placed with its
    items at the given prices, the whole total moves from ``pay_from`` into escrow (recorded as
    an ``OrderPayment`` of ``method``, so that a cancellation pays it back to ``pay_from``, and
    ``resalat_payment_refunded`` tells the plugin whose code ``method`` starts with), the seller
    is told and ``resalat_order_paid`` fires. The buyer's cart is not touched, and no delivery
    fee is charged (``delivery`` must be one of the booth's options; an address is needed for
    any but pickup). Once per ``key`` for this buyer: the same key again returns the first order
    and moves nothing. A refusal (``BadInput``: stock, price, funds, the spend policy of an
    earmarked ``pay_from``) changes nothing.
    """
    clean_key = ORDER_KEY_PREFIX + _checkout_key(key)
    existing = _existing_checkout(session, buyer, clean_key)
    if existing is not None:
        return existing.orders[0]
    delivery, address, note = _check_placed(booth, lines, delivery, address, note)
    total = sum(quantity * unit_price for _product, quantity, unit_price in lines)
    tree = category_tree(session)
    try:
        with session.begin_nested():
            record = Checkout(buyer_id=buyer.id, key=clean_key, total=total, funding=FUND_MAIN)
            session.add(record)
            session.flush()  # a concurrent call with this key fails here
            for product, quantity, _price in sorted(lines, key=lambda line: line[0].id):
                reserve_stock(session, product, quantity, product.price)
            order = Order(
                checkout_id=record.id,
                buyer_id=buyer.id,
                booth_id=booth.id,
                seller_id=booth.owner_id,
                status=PLACED,
                total=total,
                paid_main=0,
                paid_earmarked=0,
                paid_other=total,
                delivery=delivery,
                address=address,
                note=note,
            )
            order.items = [
                OrderItem(
                    product_id=product.id,
                    category_id=product.category_id,
                    title=product.title,
                    unit=product.unit,
                    unit_price=unit_price,
                    quantity=quantity,
                )
                for product, quantity, unit_price in lines
            ]
            order.events = [OrderEvent(from_status=None, to_status=PLACED, actor_id=buyer.id)]
            session.add(order)
            session.flush()
            session.add(
                OrderPayment(
                    order_id=order.id, method=method, account_id=pay_from.id, amount=total, purpose=PURCHASE
                )
            )
            reference = f"bazaar:order:{order.id}"
            details = spend_details(tree, booth.id, [product for product, _q, _p in lines])
            transfer(
                session,
                f"{reference}:pay:placed",
                pay_from,
                escrow_account(session),
                total,
                PURCHASE,
                reference,
                spend_details=details if pay_from.kind == EARMARKED else None,
                params={"order": order.id, "booth": booth.name},
                actor=buyer,
            )
            tell(order, PLACED)
            region_hook("resalat_order_paid", buyer)(order=order)
    except IntegrityError:
        existing = _existing_checkout(session, buyer, clean_key)
        if existing is None:
            raise
        return existing.orders[0]
    return order


def _check_placed(
    booth: Booth, lines: Sequence[tuple[Product, int, int]], delivery: str, address: str, note: str
) -> tuple[str, str, str]:
    """Check a placed order's lines and delivery before anything moves; all wrongs at once."""
    errors: dict[str, Any] = {}
    if not lines:
        errors["lines"] = _("Choose at least one product.")
    if not booth.is_open or booth.hidden:
        errors["booth"] = _("This booth is not selling now.")
    seen: set[int] = set()
    for product, quantity, unit_price in lines:
        field_name = f"product_{product.id}"
        if product.booth_id != booth.id:
            errors[field_name] = _("%(title)s is not sold by this booth.", title=product.title)
        elif product.id in seen:
            errors[field_name] = _("%(title)s is listed twice.", title=product.title)
        elif not isinstance(quantity, int) or isinstance(quantity, bool) or not 0 < quantity <= MAX_STOCK:
            errors[field_name] = _("Enter a whole number between 1 and %(n)s.", n=MAX_STOCK)
        elif not isinstance(unit_price, int) or isinstance(unit_price, bool) or unit_price <= 0:
            errors[field_name] = _("Enter a price above zero.")
        elif unit_price > product.price:
            errors[field_name] = _(
                "The price of %(title)s may not be above its listed price.", title=product.title
            )
        seen.add(product.id)
    if delivery not in (booth.delivery_options or []):
        errors["delivery"] = _("Choose how %(booth)s delivers.", booth=booth.name)
    address = clean_text(address, multiline=True)
    if delivery != PICKUP and len(address) < 5:
        errors["address"] = _("Enter the address to deliver to.")
    if len(address) > ADDRESS_MAX:
        errors["address"] = _("At most %(n)s characters.", n=ADDRESS_MAX)
    note = clean_text(note, multiline=True)
    if len(note) > NOTE_MAX:
        errors["note"] = _("At most %(n)s characters.", n=NOTE_MAX)
    if errors:
        raise invalid(errors)
    return delivery, address, note

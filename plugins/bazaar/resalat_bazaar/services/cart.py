"""The member's cart: one across booths, kept between visits, grouped into one order per booth."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from resalat_bazaar.models import Booth, CartItem, Product
from resalat_bazaar.services.catalogue import visible_product
from resalat_bazaar.services.fields import invalid, whole
from resalat_core.sdk import BadInput, Member, NotFound, _

MAX_QUANTITY = 10_000
# Different products one cart holds: a cart is what one checkout prices, checks against every
# spend rule and pays in one request, and every page shows it whole. A member buying more buys in
# two checkouts. (Two tabs adding at the same moment may pass it by one: harmless.)
CART_LINES_MAX = 100


@dataclass
class CartLine:
    item: CartItem
    product: Product
    problem: str | None = None

    @property
    def total(self) -> int:
        return self.product.price * self.item.quantity


@dataclass
class CartGroup:
    """The part of the cart one booth will sell: one order at checkout."""

    booth: Booth
    lines: list[CartLine] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(line.total for line in self.lines)


@dataclass
class Cart:
    groups: list[CartGroup]

    @property
    def total(self) -> int:
        return sum(g.total for g in self.groups)

    @property
    def count(self) -> int:
        return sum(line.item.quantity for g in self.groups for line in g.lines)

    @property
    def lines(self) -> list[CartLine]:
        return [line for g in self.groups for line in g.lines]

    @property
    def problems(self) -> list[str]:
        return [line.problem for line in self.lines if line.problem]

    @property
    def full(self) -> bool:
        """No other product may be added (``CART_LINES_MAX``): the page says so before a product
        page's button would refuse."""
        return len(self.lines) >= CART_LINES_MAX

    @property
    def most(self) -> int:
        return CART_LINES_MAX


def line_problem(member: Member, product: Product, quantity: int) -> str | None:
    """Why ``quantity`` of ``product`` cannot be bought by ``member`` now, or None."""
    booth = product.booth
    if not product.is_public or not booth.is_public:
        return _("%(title)s is no longer for sale; remove it from your cart.", title=product.title)
    if booth.owner_id == member.id:
        return _("%(title)s is from your own booth.", title=product.title)
    if product.stock < quantity:
        if product.stock == 0:
            return _("%(title)s is out of stock.", title=product.title)
        return _("Only %(n)s of %(title)s are left.", n=product.stock, title=product.title)
    return None


def cart(session: Session, member: Member) -> Cart:
    """The member's cart grouped by booth (three queries, whatever its size)."""
    items = list(
        session.scalars(
            select(CartItem)
            .where(CartItem.member_id == member.id)
            .options(joinedload(CartItem.product).joinedload(Product.booth).joinedload(Booth.region))
            .order_by(CartItem.id)
        ).unique()
    )
    groups: dict[int, CartGroup] = {}
    for item in items:
        product = item.product
        group = groups.setdefault(product.booth_id, CartGroup(product.booth))
        group.lines.append(CartLine(item, product, line_problem(member, product, item.quantity)))
    return Cart(list(groups.values()))


def cart_count(session: Session, member: Member) -> int:
    """How many items the cart holds (the top bar's badge): one query."""
    return (
        session.scalar(
            select(func.coalesce(func.sum(CartItem.quantity), 0)).where(CartItem.member_id == member.id)
        )
        or 0
    )


def _cart_item(session: Session, member: Member, product_id: int) -> CartItem | None:
    return session.scalar(
        select(CartItem).where(CartItem.member_id == member.id, CartItem.product_id == product_id)
    )


def set_cart_quantity(
    session: Session, member: Member, product_id: int, quantity: int, *, add: bool = False
) -> CartItem | None:
    """Put ``quantity`` (a whole number) of a product in the cart, or add it to what is there;
    0 removes it."""
    errors: dict[str, Any] = {}
    wanted = whole(quantity, "quantity", errors, low=0, high=MAX_QUANTITY)
    if wanted is None:
        raise invalid(errors)
    product = visible_product(session, member, product_id)
    item = _cart_item(session, member, product.id)
    if wanted == 0 and not add:
        if item is not None:
            session.delete(item)
            session.flush()
        return None
    total = wanted + (item.quantity if item is not None and add else 0)
    if total == 0:
        raise invalid({"quantity": _("It must be at least %(n)s.", n=1)})
    problem = line_problem(member, product, total)
    if problem:
        raise BadInput(problem, fields={"quantity": problem}, code="not_available")
    if item is None:
        lines = session.scalar(select(func.count()).where(CartItem.member_id == member.id)) or 0
        if lines >= CART_LINES_MAX:
            refused = _(
                "Your cart holds at most %(n)s different products: buy these first, or remove some.",
                n=CART_LINES_MAX,
            )
            raise BadInput(refused, fields={"quantity": refused}, code="cart_full")
        item = CartItem(member_id=member.id, product_id=product.id, quantity=total)
        try:
            with session.begin_nested():
                session.add(item)
                session.flush()
        except IntegrityError:
            # The same member added it from another tab a moment ago.
            item = _cart_item(session, member, product.id)
            assert item is not None
            item.quantity = total
    else:
        item.quantity = total
    session.flush()
    return item


def add_to_cart(session: Session, member: Member, product_id: int, quantity: int = 1) -> CartItem:
    item = set_cart_quantity(session, member, product_id, quantity, add=True)
    assert item is not None
    return item


def remove_from_cart(session: Session, member: Member, product_id: int) -> None:
    item = _cart_item(session, member, product_id)
    if item is None:
        raise NotFound(_("This product is not in your cart."), code="not_in_cart")
    session.delete(item)
    session.flush()

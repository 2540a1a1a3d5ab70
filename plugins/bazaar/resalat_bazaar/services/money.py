"""M-Bazar's money: escrow, the ledger transfers of an order's life, and the spend policy for loan money.

A checkout posts the whole price of every order into the system account ``escrow`` as one group
of linked transfers: from the buyer's main account, from an earmarked account (a loan) where the
spend policy allows the items, and from the accounts of the other ways to pay that plugins offer
(a voucher's float, an instalment fund), each part recorded with its account. Completion pays
the order's total from escrow to the seller; a cancellation pays each part back to the account
it came from. Every transfer key is derived from the order id, so no step can move money twice;
every statement line carries the order's number and booth as ``params`` for its purpose's wording.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, object_session

from resalat_bazaar.hookspecs import DeliveryQuote, PaymentPart
from resalat_bazaar.models import OPEN_STATUSES, Booth, Order
from resalat_bazaar.services.catalogue import CategoryTree, category_name, category_tree
from resalat_bazaar.services.labels import programme_list
from resalat_core.sdk import (
    EARMARKED,
    Account,
    Member,
    Spend,
    SpendDecision,
    TransferSpec,
    _,
    accounts_of,
    every_plugin_hook,
    join_words,
    main_account,
    system_account,
    transfer,
    transfer_linked,
)

ESCROW = "escrow"
PURCHASE = "bazaar_purchase"  # the ledger purpose of a payment into escrow
SALE = "bazaar_sale"  # escrow to the seller
REFUND = "bazaar_refund"  # escrow back to the buyer


def escrow_account(session: Session) -> Account:
    return system_account(session, ESCROW)


def _reference(order: Order) -> str:
    return f"bazaar:order:{order.id}"


def _line(order: Order) -> dict[str, Any]:
    """What a statement line says about the order: its number and its booth."""
    return {"order": order.id, "booth": order.booth.name}


# --- loan money ----------------------------------------------------------------------------------


def earmarked_accounts(session: Session, member: Member) -> list[Account]:
    """The member's earmarked accounts that may pay in M-Bazar (by their purposes)."""
    return [
        a
        for a in accounts_of(session, member)
        if a.kind == EARMARKED
        and a.closed_at is None
        and PURCHASE in (a.spend_rules or {}).get("purposes", [])
    ]


def spend_details(tree: CategoryTree, booth_id: int, products: Iterable[Any]) -> dict[str, Any]:
    """What a payment for one booth's part buys, for the spend policy (``spend_allowed``)."""
    items = []
    for product in products:
        category = tree.by_id.get(product.category_id)
        items.append(
            {
                "product_id": product.id,
                "title": product.title,
                "category": category.code if category else None,
                "category_path": [c.code for c in tree.chain(category)] if category else [],
                "programmes": product.programmes,
            }
        )
    return {"booth_id": booth_id, "items": items}


def spend_allowed(account: Account, spend: Spend) -> SpendDecision | None:
    """The spend policy for M-Bazar purchases (the ``resalat_spend_allowed`` answer).

    Allows when every item's category is within ``spend_rules["categories"]`` (a category allows
    everything under it), the booth is within ``spend_rules["booths"]``, and every item carries
    one of ``spend_rules["programmes"]`` — each rule only when the account has it. Abstains for
    other purposes and for payments that do not list their items (not an M-Bazar checkout). The
    refusal names the rule in the buyer's words (category, booth and programme names).
    """
    if spend.purpose != PURCHASE:
        return None
    details = spend.details or {}
    items = details.get("items")
    if not isinstance(items, list) or not items:
        # Not a checkout of ours: another policy may know it, and with none answering the host
        # keeps the money closed.
        return None
    rules = account.spend_rules or {}
    session = object_session(account)
    refusal = (
        _refused_category(session, rules.get("categories"), items)
        or _refused_booth(session, rules.get("booths"), details.get("booth_id"))
        or _refused_programme(rules.get("programmes"), items)
    )
    if refusal is not None:
        return SpendDecision(False, refusal)
    return SpendDecision(True, _("M-Bazar: every item is within this money's rules."))


def _refused_category(session: Session | None, allowed: Any, items: list[dict[str, Any]]) -> str | None:
    if not allowed or session is None:
        return None
    codes = {str(c) for c in allowed}
    for item in items:
        if not codes & set(item.get("category_path") or []):
            by_code = category_tree(session).by_code
            # A rule's code the catalogue does not know names nothing a buyer could find: left out.
            names = sorted(category_name(by_code[c]) for c in codes if c in by_code)
            found = by_code.get(item.get("category") or "")
            return _(
                "This money may buy only in the categories %(allowed)s; %(title)s is in %(category)s.",
                allowed=join_words(names),
                title=item.get("title", ""),
                category=category_name(found) if found is not None else "-",
            )
    return None


def _refused_booth(session: Session | None, allowed: Any, booth_id: Any) -> str | None:
    if not allowed or session is None:
        return None
    ids = {int(b) for b in allowed if str(b).isdecimal()}
    if booth_id in ids:
        return None
    names = session.scalars(select(Booth.name).where(Booth.id.in_(ids)).order_by(Booth.name)) if ids else []
    return _("This money may buy only from the booths %(booths)s.", booths=join_words(names))


def _refused_programme(allowed: Any, items: list[dict[str, Any]]) -> str | None:
    if not allowed:
        return None
    programmes = sorted({str(p) for p in allowed})
    for item in items:
        if not set(programmes) & set(item.get("programmes") or []):
            return _(
                "This money may buy only products flagged for the programmes %(programmes)s; "
                "%(title)s is not.",
                programmes=programme_list(programmes),
                title=item.get("title", ""),
            )
    return None


# --- escrow --------------------------------------------------------------------------------------


def pay_into_escrow(
    session: Session,
    buyer: Member,
    orders: list[Order],
    account: Account | None,
    tree: CategoryTree,
    parts: Iterable[PaymentPart] = (),
    fees: dict[int, DeliveryQuote] | None = None,
) -> None:
    """Post every order's price into escrow, the loan's part, the main account's part and the
    parts other ways to pay took, and each delivery fee from the main account into the delivery
    service's account, as one group of linked transfers: all move or none does."""
    escrow = escrow_account(session)
    main = main_account(session, buyer)
    specs = []
    by_id = {order.id: order for order in orders}
    for order_id, quote in (fees or {}).items():
        order = by_id[order_id]
        reference = _reference(order)
        specs.append(
            TransferSpec(
                key=f"{reference}:delivery_fee",
                debit=main,
                credit=order.delivery_fee_account_id,
                amount=quote.fee,
                purpose=quote.purpose,
                reference=reference,
                params=_line(order),
            )
        )
    for n, part in enumerate(parts):
        order = by_id[part.order_id]
        reference = _reference(order)
        details = None
        if part.account.kind == EARMARKED:  # money with rules: they see what it buys
            details = spend_details(tree, order.booth_id, [item.product for item in order.items])
        specs.append(
            TransferSpec(
                key=f"{reference}:pay:other:{n}",
                debit=part.account,
                credit=escrow,
                amount=part.amount,
                purpose=part.purpose,
                reference=reference,
                spend_details=details,
                params=part.params if part.params is not None else _line(order),
            )
        )
    for order in orders:
        reference = _reference(order)
        if order.paid_earmarked:
            assert account is not None
            products = [item.product for item in order.items]
            specs.append(
                TransferSpec(
                    key=f"{reference}:pay:earmarked",
                    debit=account,
                    credit=escrow,
                    amount=order.paid_earmarked,
                    purpose=PURCHASE,
                    reference=reference,
                    spend_details=spend_details(tree, order.booth_id, products),
                    params=_line(order),
                )
            )
        if order.paid_main:
            specs.append(
                TransferSpec(
                    key=f"{reference}:pay:main",
                    debit=main,
                    credit=escrow,
                    amount=order.paid_main,
                    purpose=PURCHASE,
                    reference=reference,
                    params=_line(order),
                )
            )
    transfer_linked(session, specs, actor=buyer)


def pay_seller(session: Session, order: Order, actor: Member | None) -> None:
    """Release the order's total from escrow to the seller's main account (once per order)."""
    seller = session.get(Member, order.seller_id)
    reference = _reference(order)
    transfer(
        session,
        f"{reference}:payout",
        escrow_account(session),
        main_account(session, seller),
        order.total,
        SALE,
        reference,
        params=_line(order),
        actor=actor,
    )


def refund(session: Session, order: Order, actor: Member | None, *, delivery_fee: bool = True) -> None:
    """Pay each part of the order back to the account it came from: loan money to the loan, a
    voucher's part to its float, an instalment fund's part to the fund, and the delivery fee
    from the delivery service's account when ``delivery_fee`` (the order had not left yet); then
    tell the plugins whose methods paid, so that their records follow the money."""
    escrow = escrow_account(session)
    reference = _reference(order)
    specs = []
    if delivery_fee and order.delivery_fee and order.delivery_fee_account_id is not None:
        buyer_main = main_account(session, session.get(Member, order.buyer_id))
        specs.append(
            TransferSpec(
                f"{reference}:refund:delivery_fee",
                order.delivery_fee_account_id,
                buyer_main,
                order.delivery_fee,
                REFUND,
                reference,
                params=_line(order),
            )
        )
    payments = list(order.payments)
    for payment in payments:
        specs.append(
            TransferSpec(
                f"{reference}:refund:other:{payment.id}",
                escrow,
                payment.account_id,
                payment.amount,
                REFUND,
                reference,
                params=_line(order),
            )
        )
    if order.paid_earmarked:
        specs.append(
            TransferSpec(
                f"{reference}:refund:earmarked",
                escrow,
                order.earmarked_account_id,
                order.paid_earmarked,
                REFUND,
                reference,
                params=_line(order),
            )
        )
    if order.paid_main:
        buyer_main = main_account(session, session.get(Member, order.buyer_id))
        specs.append(
            TransferSpec(
                f"{reference}:refund:main",
                escrow,
                buyer_main,
                order.paid_main,
                REFUND,
                reference,
                params=_line(order),
            )
        )
    transfer_linked(session, specs, actor=actor)
    if payments:
        every_plugin_hook("resalat_payment_refunded")(order=order, payments=payments)


def escrow_balance(session: Session) -> int:
    return escrow_account(session).posted


def open_orders_total(session: Session) -> int:
    """What open orders hold; equals escrow's balance (minus) when nothing else uses escrow."""
    return (
        session.scalar(select(func.coalesce(func.sum(Order.total), 0)).where(Order.status.in_(OPEN_STATUSES)))
        or 0
    )

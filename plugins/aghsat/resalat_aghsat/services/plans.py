"""Plans: what an administrator offers, which booths opted in, and who may take which plan for what.

One rule decides eligibility (``refusal``), for the checkout's offers, for taking a plan and for the
member's plans page alike: the Merat rating, the booth's opt-in, the plan's booths, categories and
programmes, its amounts, the member's limit and the fund.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from resalat_bazaar import services as bazaar
from resalat_merat import services as merat
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from resalat_aghsat import FUND, setting
from resalat_aghsat.models import CODE_MAX, NAME_MAX, RUNNING, BoothOptIn, Instalment, Plan, Purchase
from resalat_aghsat.services.schedules import Quote, quote
from resalat_core.sdk import (
    BadInput,
    Member,
    Money,
    NotFound,
    _,
    current_language,
    normalize_text,
    system_account,
    today_in_iran,
    utcnow,
)

CODE_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789_")


def plan_name(plan: Plan) -> str:
    """The plan's name in the reader's language."""
    return plan.name_en if current_language() == "en" else plan.name_fa


def method_code(plan: Plan) -> str:
    """The code M-Bazar's checkout knows the plan by."""
    return f"aghsat.{plan.code}"


# --- administration -------------------------------------------------------------------------------


def plans(session: Session, *, active_only: bool = True) -> list[Plan]:
    stmt = select(Plan).order_by(Plan.months, Plan.id)
    if active_only:
        stmt = stmt.where(Plan.active.is_(True))
    return list(session.scalars(stmt))


def get_plan(session: Session, plan_id: int) -> Plan:
    plan = session.get(Plan, plan_id) if isinstance(plan_id, int) else None
    if plan is None:
        raise NotFound(_("No such instalment plan."), code="unknown_plan")
    return plan


def plan_by_code(session: Session, code: str) -> Plan | None:
    return session.scalar(select(Plan).where(Plan.code == code))


def _whole(value: Any, name: str, errors: dict[str, Any], low: int, high: int) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        errors[name] = _("Enter a whole number.")
        return None
    if not low <= value <= high:
        errors[name] = _("Enter a number from %(low)s to %(high)s.", low=low, high=high)
        return None
    return value


def save_plan(session: Session, data: dict[str, Any], plan: Plan | None = None) -> Plan:
    """Create a plan (``plan`` None) or change one; only the keys given change.

    Every rule of the norms is checked here for every caller: months within the settings, the down
    payment's share within a quarter to 30% (the settings), the fee at most ``max_fee_bps`` (like
    loans), a known minimum rating, sensible amounts. Every wrong field is reported at once.
    """
    errors: dict[str, Any] = {}
    creating = plan is None
    values: dict[str, Any] = {}
    if creating or "code" in data:
        code = str(data.get("code") or "").strip().lower()
        if not code or len(code) > CODE_MAX or not set(code) <= CODE_CHARS:
            errors["code"] = _("A code of Latin letters, digits and _ (at most %(n)s).", n=CODE_MAX)
        elif (other := plan_by_code(session, code)) is not None and other is not plan:
            errors["code"] = _("Another plan has this code.")
        else:
            values["code"] = code
    for name in ("name_fa", "name_en"):
        if creating or name in data:
            text = normalize_text(str(data.get(name) or ""))
            if not text or len(text) > NAME_MAX:
                errors[name] = _("Write a name of at most %(n)s characters.", n=NAME_MAX)
            else:
                values[name] = text
    limits = {
        "months": (int(setting("months_min")), int(setting("months_max"))),
        "down_bps": (int(setting("down_bps_min")), int(setting("down_bps_max"))),
        "fee_bps": (0, int(setting("max_fee_bps"))),
        "amount_min": (0, 10**13),
        "amount_max": (1, 10**13),
    }
    for name, (least, most) in limits.items():
        if creating or name in data:
            if name == "amount_min" and creating and name not in data:
                values[name] = 0
                continue
            found = _whole(data.get(name), name, errors, least, most)
            if found is not None:
                values[name] = found
    if creating or "min_rating" in data:
        rating = str(data.get("min_rating") or "")
        if rating not in merat.RATINGS:
            errors["min_rating"] = _("Choose a rating.")
        else:
            values["min_rating"] = rating
    for name in ("categories", "programmes"):
        if name in data:
            items = data.get(name) or []
            if not isinstance(items, (list, tuple)) or not all(isinstance(i, str) for i in items):
                errors[name] = _("A list of codes.")
            else:
                values[name] = sorted({i.strip() for i in items if i.strip()})
    if "categories" in values:
        known = bazaar.category_tree(session).by_code
        unknown = [c for c in values["categories"] if c not in known]
        if unknown:
            errors["categories"] = _("Unknown categories: %(codes)s.", codes=", ".join(unknown))
    if "programmes" in values:
        unknown = [p for p in values["programmes"] if p not in bazaar.PROGRAMMES]
        if unknown:
            errors["programmes"] = _("Unknown programmes: %(codes)s.", codes=", ".join(unknown))
    if "booths" in data:
        booths = data.get("booths") or []
        if not isinstance(booths, (list, tuple)) or not all(
            isinstance(b, int) and not isinstance(b, bool) for b in booths
        ):
            errors["booths"] = _("A list of booth numbers.")
        else:
            values["booths"] = sorted(set(booths))
    if "active" in data:
        values["active"] = bool(data["active"])
    low = values.get("amount_min", plan.amount_min if plan else 0)
    high = values.get("amount_max", plan.amount_max if plan else None)
    if high is not None and low is not None and low > high and "amount_max" not in errors:
        errors["amount_max"] = _("The largest amount must not be below the smallest.")
    if errors:
        raise BadInput(_("Check the plan's fields."), fields=errors, code="invalid")
    if plan is None:
        plan = Plan(categories=[], booths=[], programmes=[], active=True, created_at=utcnow())
        session.add(plan)
    for name, value in values.items():
        setattr(plan, name, value)
    session.flush()
    return plan


# --- the seller's opt-in --------------------------------------------------------------------------


def opted_in(session: Session, booth_ids: list[int]) -> set[int]:
    """Which of these booths sell in instalments (one query)."""
    if not booth_ids:
        return set()
    return set(session.scalars(select(BoothOptIn.booth_id).where(BoothOptIn.booth_id.in_(booth_ids))))


def set_opt_in(session: Session, seller: Member, booth_id: int, on: bool) -> bool:
    """The seller lets buyers pay their booth in instalments, or stops (future checkouts only)."""
    booth = bazaar.owned_booth(session, seller, booth_id)
    found = session.get(BoothOptIn, booth.id)
    if on and found is None:
        session.add(BoothOptIn(booth_id=booth.id, by_id=seller.id, at=utcnow()))
    elif not on and found is not None:
        session.delete(found)
    session.flush()
    return on


# --- eligibility ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    title: str
    category_id: int
    programmes: tuple[str, ...]


@dataclass(frozen=True)
class Part:
    """One booth's part of a purchase: what it sells and what is left to pay for it."""

    booth_id: int
    booth_name: str
    amount: int
    items: tuple[Item, ...] = field(default_factory=tuple)


def parts_of_cart(cart: Any) -> list[Part]:
    return [
        Part(
            g.booth.id,
            g.booth.name,
            g.total,
            tuple(
                Item(line.product.title, line.product.category_id, tuple(line.product.programmes))
                for line in g.lines
            ),
        )
        for g in cart.groups
    ]


def parts_of_dues(dues: list[Any]) -> list[Part]:
    return [
        Part(
            d.order.booth_id,
            d.order.booth.name,
            d.due,
            tuple(Item(i.title, i.category_id, tuple(i.product.programmes)) for i in d.order.items),
        )
        for d in dues
    ]


def owed(session: Session, member: Member) -> int:
    """What the member still owes the fund (principal not yet repaid), in one query."""
    left = case((Instalment.paid < Instalment.principal, Instalment.principal - Instalment.paid), else_=0)
    return int(
        session.scalar(
            select(func.coalesce(func.sum(left), 0))
            .join(Purchase, Purchase.id == Instalment.purchase_id)
            .where(Purchase.buyer_id == member.id, Purchase.status == RUNNING)
        )
        or 0
    )


def limit_for(rating: str) -> int:
    return int((setting("limit_by_rating") or {}).get(rating, 0))


@dataclass
class Standing:
    """What eligibility needs to know about the buyer, read once for every plan."""

    rating: str | None
    owed: int
    fund: int
    opted_in: set[int]


def standing(session: Session, buyer: Member, parts: list[Part]) -> Standing:
    score = merat.current_score(session, buyer)
    return Standing(
        score.rating if score is not None else None,
        owed(session, buyer),
        system_account(session, FUND).available,
        opted_in(session, [p.booth_id for p in parts]),
    )


def refusal(session: Session, plan: Plan, parts: list[Part], known: Standing) -> str | None:
    """Why ``plan`` cannot pay these parts for this buyer now, in the buyer's words; None if it can."""
    name = plan_name(plan)
    if not plan.active:
        return _("The plan %(plan)s is not offered now.", plan=name)
    if known.rating is None:
        return _("Instalments need a current Merat score: ask for your score in Merat first.")
    if not merat.rating_at_least(known.rating, plan.min_rating):
        return _(
            "The plan %(plan)s needs a Merat rating of %(needed)s or better; yours is %(rating)s.",
            plan=name,
            needed=merat.rating_name(plan.min_rating),
            rating=merat.rating_name(known.rating),
        )
    tree = bazaar.category_tree(session) if plan.categories else None
    for part in parts:
        if part.booth_id not in known.opted_in:
            return _("%(booth)s does not sell in instalments.", booth=part.booth_name)
        if plan.booths and part.booth_id not in plan.booths:
            return _("The plan %(plan)s is not offered at %(booth)s.", plan=name, booth=part.booth_name)
        for item in part.items:
            if tree is not None:
                category = tree.by_id.get(item.category_id)
                path = {c.code for c in tree.chain(category)} if category is not None else set()
                if not path & set(plan.categories):
                    return _("The plan %(plan)s is not offered for %(title)s.", plan=name, title=item.title)
            if plan.programmes and not set(plan.programmes) & set(item.programmes):
                return _("The plan %(plan)s is not offered for %(title)s.", plan=name, title=item.title)
    total = sum(p.amount for p in parts)
    if not plan.amount_min <= total <= plan.amount_max:
        return _(
            "The plan %(plan)s is for purchases of %(low)s to %(high)s.",
            plan=name,
            low=Money(plan.amount_min),
            high=Money(plan.amount_max),
        )
    financed = sum(
        quote(p.amount, plan.months, plan.down_bps, plan.fee_bps, date.today()).financed for p in parts
    )
    limit = limit_for(known.rating)
    if known.owed + financed > limit:
        return _(
            "With this purchase you would owe %(owed)s in instalments, "
            "above the %(limit)s your rating allows.",
            owed=Money(known.owed + financed),
            limit=Money(limit),
        )
    if financed > known.fund:
        return _("The instalment fund cannot finance this purchase now; try again later.")
    return None


def quotes(plan: Plan, parts: list[Part], start: date | None = None) -> list[Quote]:
    day = start or today_in_iran()
    return [quote(p.amount, plan.months, plan.down_bps, plan.fee_bps, day) for p in parts]


@dataclass(frozen=True)
class Offer:
    """A plan as one buyer sees it for one purchase: its sums, and why not if it cannot be taken."""

    plan: Plan
    down_payment: int
    later: int
    total: int
    instalments: tuple[int, ...]  # each month's amount, the parts of every booth together
    refused: str | None

    @property
    def instalment(self) -> int:
        return self.instalments[0] if self.instalments else 0


def offer(plan: Plan, parts: list[Part], refused: str | None) -> Offer:
    found = quotes(plan, parts)
    months = [sum(q.lines[i].amount for q in found) for i in range(plan.months)] if found else []
    return Offer(
        plan,
        sum(q.down_payment for q in found),
        sum(q.later for q in found),
        sum(q.total for q in found),
        tuple(months),
        refused,
    )


def offers(session: Session, buyer: Member, parts: list[Part]) -> list[Offer]:
    """Every active plan for these parts, each with its sums and its refusal (None: it may be taken)."""
    active = plans(session)
    if not active or not parts:
        return []
    known = standing(session, buyer, parts)
    return [offer(plan, parts, refusal(session, plan, parts, known)) for plan in active]

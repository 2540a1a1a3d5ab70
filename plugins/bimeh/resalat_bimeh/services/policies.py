"""Quotes, buying a policy (at once or in instalments), paying an instalment, renewing, offers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from resalat_cores import services as cores
from resalat_loans import services as loans
from sqlalchemy import Select, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from resalat_core.sdk import (
    BadInput,
    Conflict,
    Day,
    Digits,
    Member,
    Money,
    NotFound,
    Words,
    _,
    main_account,
    notify,
    system_account,
    today_in_iran,
    transfer,
    utcnow,
)

from .. import POOL, PREMIUM, messages, setting
from ..models import (
    ACTIVE,
    EXPIRED,
    KEY_MAX,
    LAPSED,
    OFFER_DECLINED,
    OFFER_OPEN,
    OFFER_TAKEN,
    ON_LOAN,
    ON_ORDER,
    PRODUCTS,
    Insured,
    Offer,
    Policy,
    Premium,
)
from .catalogue import product as product_of

# A loan's status while it is being repaid (the loans plugin's word).
LOAN_RUNNING = "disbursed"


def today() -> date:
    return today_in_iran()


def add_months(day: date, months: int) -> date:
    """Jalali months after ``day`` (the loans plugin's calendar, so dues fall alike)."""
    return loans.add_months(day, months)


def check_key(key: Any) -> str:
    clean = str(key or "").strip()
    if not clean or len(clean) > KEY_MAX:
        message = _("Give a key of 1 to 200 characters, so this happens once.")
        raise BadInput(message, fields={"key": message}, code="bad_key")
    return clean


# --- a loan's remaining debt ---------------------------------------------------------------------


def remaining_debts(session: Session, loan_ids: list[int]) -> dict[int, int]:
    """What is left to repay of each loan (instalments not paid yet, principal and fee): two
    queries for any number of loans. A loan that is not running owes nothing."""
    ids = sorted({i for i in loan_ids if i})
    if not ids:
        return {}
    found = {loan.id: loan for loan in session.scalars(select(loans.Loan).where(loans.Loan.id.in_(ids)))}
    progress = loans.progress_of(session, ids)
    out: dict[int, int] = {}
    for loan_id in ids:
        loan = found.get(loan_id)
        if loan is None or loan.status != LOAN_RUNNING:
            out[loan_id] = 0
            continue
        paid = progress[loan_id].paid_rials if loan_id in progress else 0
        out[loan_id] = max(0, loan.amount + loan.fee - paid)
    return out


def insured_sums(session: Session, policies: list[Policy]) -> dict[int, int]:
    """Each policy's insured sum now: a loan policy's follows the loan's balance, live."""
    debts = remaining_debts(session, [p.loan_id for p in policies if p.product == "loan_life" and p.loan_id])
    return {
        p.id: (debts.get(p.loan_id or 0, 0) if p.product == "loan_life" else p.insured_sum) for p in policies
    }


def insured_sum(session: Session, policy: Policy) -> int:
    return insured_sums(session, [policy])[policy.id]


# --- quotes --------------------------------------------------------------------------------------


@dataclass
class Quote:
    """What a policy would be: the sum, the premium, its instalments, the term. Nothing is kept."""

    product: str
    insured_sum: int
    premium: int
    term_months: int
    starts_on: date
    ends_on: date
    plan: list[tuple[int, date, int]]
    heads: int = 0
    loan_id: int | None = None
    order_id: int | None = None
    offer_id: int | None = None
    core_id: int | None = None
    renews_id: int | None = None
    people: list[tuple[int | None, str, str]] = field(default_factory=list)

    @property
    def instalments(self) -> int:
        return len(self.plan)

    @property
    def first(self) -> int:
        return self.plan[0][2]


def _whole(value: Any, name: str, errors: dict[str, str], low: int, high: int, message: str) -> int:
    if value is None or value == "":
        errors[name] = message
        return 0
    try:
        number = int(value)
    except (TypeError, ValueError):
        errors[name] = message
        return 0
    if isinstance(value, bool) or number < low or number > high:
        errors[name] = message
        return 0
    return number


def _premium(insured: int, rule: dict[str, Any], months: int, *, yearly: bool = True) -> int:
    bps = int(rule["bps"])
    raw = insured * bps * months // (10_000 * 12) if yearly else insured * bps // 10_000
    return max(int(rule.get("min_premium", 0)), raw)


def plan_for(premium: int, count: int, start: date) -> list[tuple[int, date, int]]:
    """``count`` monthly instalments of the premium; the first, paid at purchase, takes the rest
    of the division so every instalment after it is equal."""
    base = premium // count
    first = premium - base * (count - 1)
    return [(seq, add_months(start, seq - 1), first if seq == 1 else base) for seq in range(1, count + 1)]


def own_offer(session: Session, member: Member, offer_id: int) -> Offer:
    offer = session.get(Offer, offer_id)
    if offer is None or offer.member_id != member.id:
        raise NotFound(_("No such offer of yours."), code="unknown_offer")
    return offer


def own_policy(session: Session, member: Member, policy_id: int) -> Policy:
    policy = session.get(Policy, policy_id)
    if policy is None or policy.member_id != member.id:
        raise NotFound(_("No such policy of yours."), code="unknown_policy")
    return policy


def _live_policy_on(session: Session, product: str, column: Any, ident: int) -> Policy | None:
    return session.scalar(
        select(Policy).where(Policy.product == product, column == ident, Policy.status == ACTIVE).limit(1)
    )


def quote(
    session: Session,
    member: Member,
    product: Any,
    *,
    offer: Any = None,
    loan: Any = None,
    amount: Any = None,
    heads: Any = None,
    choice: Any = None,
    core: Any = None,
    instalments: Any = 1,
    renews: Any = None,
) -> Quote:
    """The quote for ``member``: every field checked at once (BadInput names each one wrong)."""
    errors: dict[str, str] = {}
    if product not in PRODUCTS:
        message = _("Choose one of the insurance products.")
        raise BadInput(message, fields={"product": message}, code="unknown_product")
    info = product_of(str(product))
    rule = info.rule
    months = info.term_months
    start = today()
    old: Policy | None = None
    if renews not in (None, ""):
        old = _renewable(session, member, renews, str(product))
        start = max(start, old.ends_on)
        loan = loan or old.loan_id
        heads = heads or old.heads or None
        core = core or old.core_id
        if product == "solar":
            amount = amount or old.insured_sum
        if product == "accident":
            choice = choice or old.insured_sum
    found_offer: Offer | None = None
    if offer not in (None, ""):
        try:
            found_offer = own_offer(session, member, int(offer))
        except (TypeError, ValueError, NotFound):
            errors["offer"] = _("No such offer of yours.")
        else:
            if found_offer.product != product:
                errors["offer"] = _("This offer is for another product.")
            elif found_offer.status != OFFER_OPEN or found_offer.expires_on < start:
                errors["offer"] = _("This offer is no longer open.")
    q = Quote(
        str(product), 0, 0, months, start, add_months(start, months), [], renews_id=old.id if old else None
    )
    q.offer_id = found_offer.id if found_offer and "offer" not in errors else None

    if product == "loan_life":
        if found_offer is not None and found_offer.source == ON_LOAN:
            loan = found_offer.source_id
        the_loan = None
        try:
            the_loan = loans.own_loan(session, member, int(loan))
        except (TypeError, ValueError, NotFound):
            errors["loan"] = _("Choose one of your loans.")
        if the_loan is not None:
            debt = remaining_debts(session, [the_loan.id])[the_loan.id]
            if debt <= 0:
                errors["loan"] = _("This loan has nothing left to repay, so there is nothing to insure.")
            elif old is None and _live_policy_on(session, "loan_life", Policy.loan_id, the_loan.id):
                errors["loan"] = _("This loan is already insured.")
            q.loan_id, q.insured_sum = the_loan.id, debt
            q.premium = _premium(debt, rule, months)
    elif product == "parcel":
        if found_offer is None or found_offer.source != ON_ORDER:
            errors.setdefault(
                "offer", _("Parcel insurance is offered with an order that is delivered to you.")
            )
        else:
            if _live_policy_on(session, "parcel", Policy.order_id, found_offer.source_id):
                errors["offer"] = _("This order is already insured.")
            q.order_id, q.insured_sum = found_offer.source_id, found_offer.amount
            q.premium = _premium(found_offer.amount, rule, months, yearly=False)
    elif product == "livestock":
        if (heads in (None, "")) and found_offer is not None:
            heads = found_offer.heads or None
        most = int(rule["max_heads"])
        q.heads = _whole(
            heads, "heads", errors, 1, most, _("Give the heads insured, 1 to %(n)s.", n=Digits(most))
        )
        q.insured_sum = q.heads * int(rule["head_value"])
        q.premium = _premium(q.insured_sum, rule, months) if q.heads else 0
        if found_offer is not None and found_offer.source == ON_ORDER:
            q.order_id = found_offer.source_id
        if found_offer is not None and found_offer.source == ON_LOAN:
            q.loan_id = found_offer.source_id
    elif product == "solar":
        low, high = int(rule["min_sum"]), int(rule["max_sum"])
        q.insured_sum = _whole(
            amount,
            "amount",
            errors,
            low,
            high,
            _("Declare the equipment's value, from %(low)s to %(high)s.", low=Money(low), high=Money(high)),
        )
        q.premium = _premium(q.insured_sum, rule, months) if q.insured_sum else 0
    elif product == "accident":
        sums = [int(s) for s in rule["sums"]]
        try:
            chosen = int(choice)
        except (TypeError, ValueError):
            chosen = 0
        if chosen not in sums:
            errors["choice"] = _("Choose one of the insured sums offered.")
        q.insured_sum = chosen if chosen in sums else 0
        q.premium = _premium(q.insured_sum, rule, months) if q.insured_sum else 0

    q.people = [(member.id, member.name, "self")]
    if core not in (None, ""):
        if not rule.get("family"):
            errors["core"] = _("This product is not sold for a family.")
        else:
            q.people = _family(session, member, core, errors)
            q.core_id = int(core) if "core" not in errors else None
    if q.premium and len(q.people) > 1:
        q.premium *= len(q.people)

    most = max(1, min(int(setting("max_instalments")), months))
    count = _whole(
        instalments if instalments not in (None, "") else 1,
        "instalments",
        errors,
        1,
        most,
        _("Pay at once or in up to %(n)s monthly instalments.", n=Digits(most)),
    )
    if errors:
        raise BadInput(next(iter(errors.values())), fields=errors)
    q.plan = plan_for(q.premium, count, start)
    return q


def _family(
    session: Session, member: Member, core: Any, errors: dict[str, str]
) -> list[tuple[int | None, str, str]]:
    """The people of the member's core: the holder must lead it or be one of its people."""
    try:
        found = cores.get_core(session, int(core))
    except (TypeError, ValueError, NotFound):
        errors["core"] = _("Choose a core you lead or belong to.")
        return [(member.id, member.name, "self")]
    people = list(session.scalars(cores.core_members_query(found)))
    if found.leader_id != member.id and all(p.member_id != member.id for p in people):
        errors["core"] = _("Choose a core you lead or belong to.")
        return [(member.id, member.name, "self")]
    out: list[tuple[int | None, str, str]] = [(member.id, member.name, "self")]
    for p in people:
        if p.member_id != member.id:
            out.append((p.member_id, p.name, p.relation))
    return out


def _renewable(session: Session, member: Member, policy_id: Any, product: str) -> Policy:
    try:
        old = own_policy(session, member, int(policy_id))
    except (TypeError, ValueError):
        raise NotFound(_("No such policy of yours."), code="unknown_policy") from None
    if old.product != product or old.product == "parcel":
        raise BadInput(
            _("This policy cannot be renewed."), fields={"renews": _("This policy cannot be renewed.")}
        )
    if old.status == LAPSED:
        raise BadInput(
            _("A lapsed policy cannot be renewed: buy a new one."),
            fields={"renews": _("A lapsed policy cannot be renewed: buy a new one.")},
        )
    if session.scalar(select(Policy.id).where(Policy.renews_id == old.id).limit(1)) is not None:
        raise Conflict(_("This policy was renewed already."), code="already_renewed")
    return old


def renewable(session: Session, policy: Policy) -> bool:
    """May the holder renew this policy now (its last month, or after it ended)?"""
    if policy.product == "parcel" or policy.status == LAPSED:
        return False
    if policy.ends_on - timedelta(days=int(setting("renewal_days"))) > today():
        return False
    return session.scalar(select(Policy.id).where(Policy.renews_id == policy.id).limit(1)) is None


# --- buying --------------------------------------------------------------------------------------


def _short(balance: int, needed: int) -> BadInput:
    return BadInput(
        _(
            "Your main account holds %(balance)s; this needs %(amount)s. Top it up first.",
            balance=Money(balance),
            amount=Money(needed),
        ),
        code="insufficient_funds",
    )


def buy(session: Session, member: Member, *, key: Any, product: Any, **params: Any) -> Policy:
    """Issue the quoted policy and pay its first instalment (all of it, at once) into the pool.

    Once per ``key``: a repeat returns the first policy and moves nothing. Not enough money, or
    any field wrong, is a BadInput and nothing is written.
    """
    clean = check_key(key)
    existing = session.scalar(select(Policy).where(Policy.member_id == member.id, Policy.buy_key == clean))
    if existing is not None:
        return existing
    q = quote(session, member, product, **params)
    balance = main_account(session, member).available
    if balance < q.first:
        raise _short(balance, q.first)
    try:
        with session.begin_nested():
            policy = Policy(
                member_id=member.id,
                region_id=member.region_id,
                product=q.product,
                buy_key=clean,
                offer_id=q.offer_id,
                loan_id=q.loan_id,
                order_id=q.order_id,
                core_id=q.core_id,
                heads=q.heads,
                insured_sum=q.insured_sum,
                premium=q.premium,
                instalments=q.instalments,
                starts_on=q.starts_on,
                ends_on=q.ends_on,
                status=ACTIVE,
                renews_id=q.renews_id,
            )
            session.add(policy)
            for member_id, name, relation in q.people:
                policy.people.append(Insured(member_id=member_id, name=name[:120], relation=relation))
            for seq, due_on, rials in q.plan:
                policy.premiums.append(Premium(seq=seq, amount=rials, due_on=due_on))
            session.flush()
            _pay(session, member, policy, policy.premiums[0])
            if q.offer_id is not None:
                session.execute(
                    update(Offer)
                    .where(Offer.id == q.offer_id, Offer.status == OFFER_OPEN)
                    .values(status=OFFER_TAKEN)
                )
    except IntegrityError:
        # The same key bought at the same moment by another request: theirs is the policy.
        found = session.scalar(select(Policy).where(Policy.member_id == member.id, Policy.buy_key == clean))
        if found is None:
            raise
        return found
    notify(
        member,
        messages.ISSUED(
            policy=Digits(str(policy.id)),
            product=Words(product_of(policy.product).words.name),
            day=Day(policy.ends_on),
            url=policy_url(policy.id),
        ),
    )
    return policy


def _pay(session: Session, member: Member, policy: Policy, item: Premium) -> None:
    """Claim the instalment (a conditional update: racing payments pay it once), then move it."""
    claimed: Any = session.execute(
        update(Premium)
        .where(Premium.id == item.id, Premium.paid_at.is_(None))
        .values(paid_at=utcnow(), paid_on=today())
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise Conflict(_("This instalment was already paid."), code="already_paid")
    session.refresh(item)
    transfer(
        session,
        f"bimeh:premium:{policy.id}:{item.seq}",
        main_account(session, member),
        system_account(session, POOL),
        item.amount,
        PREMIUM,
        f"bimeh_policy:{policy.id}",
        params={"policy": Digits(str(policy.id)), "seq": Digits(str(item.seq))},
        actor=member,
    )


def next_unpaid(policy: Policy) -> Premium | None:
    return next((p for p in policy.premiums if p.paid_at is None), None)


def pay_premium(session: Session, member: Member, policy_id: int, seq: Any = None) -> Premium:
    """Pay the policy's next instalment from the main account. ``seq`` (what the page showed)
    guards against paying the one after it when someone paid it meanwhile."""
    policy = own_policy(session, member, policy_id)
    if policy.status != ACTIVE:
        raise Conflict(_("This policy is no longer active."), code="not_active")
    item = next_unpaid(policy)
    if item is None:
        raise Conflict(_("Every instalment of this policy is paid."), code="already_paid")
    if seq not in (None, "") and str(seq) != str(item.seq):
        raise Conflict(_("This instalment was already paid."), code="already_paid")
    balance = main_account(session, member).available
    if balance < item.amount:
        raise _short(balance, item.amount)
    with session.begin_nested():
        _pay(session, member, policy, item)
    return item


def policies_query(member: Member) -> Select[Any]:
    return select(Policy).where(Policy.member_id == member.id).order_by(Policy.id.desc())


def premiums_of(session: Session, policy_ids: list[int]) -> dict[int, list[Premium]]:
    """The instalments of several policies in one query."""
    out: dict[int, list[Premium]] = {i: [] for i in policy_ids}
    if policy_ids:
        for item in session.scalars(
            select(Premium).where(Premium.policy_id.in_(policy_ids)).order_by(Premium.policy_id, Premium.seq)
        ):
            out[item.policy_id].append(item)
    return out


def status_now(policy: Policy, day: date | None = None) -> str:
    """The status as a reader should see it: an active policy past its end has expired."""
    day = day or today()
    if policy.status == ACTIVE and policy.ends_on <= day:
        return EXPIRED
    return policy.status


# --- offers --------------------------------------------------------------------------------------


def make_offer(
    session: Session,
    member: Member,
    product: str,
    source: str,
    source_id: int,
    *,
    amount: int = 0,
    heads: int = 0,
) -> Offer | None:
    """Offer ``product`` to ``member`` for a loan or an order (once), and tell them."""
    found = session.scalar(
        select(Offer).where(
            Offer.member_id == member.id,
            Offer.product == product,
            Offer.source == source,
            Offer.source_id == source_id,
        )
    )
    if found is not None:
        return None
    offer = Offer(
        member_id=member.id,
        product=product,
        source=source,
        source_id=source_id,
        amount=amount,
        heads=heads,
        status=OFFER_OPEN,
        expires_on=today() + timedelta(days=int(setting("offer_days"))),
    )
    session.add(offer)
    session.flush()
    name = Words(product_of(product).words.name)
    url = quote_url(product, offer.id)
    if source == ON_LOAN:
        notify(member, messages.OFFERED_LOAN(product=name, loan=Digits(str(source_id)), url=url))
    else:
        notify(member, messages.OFFERED_ORDER(product=name, order=Digits(str(source_id)), url=url))
    return offer


def open_offers(session: Session, member: Member) -> list[Offer]:
    return list(
        session.scalars(
            select(Offer)
            .where(Offer.member_id == member.id, Offer.status == OFFER_OPEN, Offer.expires_on >= today())
            .order_by(Offer.id.desc())
            .limit(20)
        )
    )


def count_open_offers(session: Session, member: Member) -> int:
    return int(
        session.scalar(
            select(func.count(Offer.id)).where(
                Offer.member_id == member.id, Offer.status == OFFER_OPEN, Offer.expires_on >= today()
            )
        )
        or 0
    )


def decline_offer(session: Session, member: Member, offer_id: int) -> Offer:
    offer = own_offer(session, member, offer_id)
    if offer.status != OFFER_OPEN:
        raise Conflict(_("This offer is no longer open."), code="not_open")
    offer.status = OFFER_DECLINED
    return offer


def due_soon(session: Session, member: Member) -> tuple[int, int]:
    """(rials, of which overdue) of the member's unpaid instalments due within the reminder days."""
    day = today()
    horizon = day + timedelta(days=int(setting("reminder_days")))
    rows = session.execute(
        select(Premium.amount, Premium.due_on)
        .join(Policy, Policy.id == Premium.policy_id)
        .where(
            Policy.member_id == member.id,
            Policy.status == ACTIVE,
            Premium.paid_at.is_(None),
            Premium.due_on <= horizon,
        )
    ).all()
    total = sum(int(a) for a, _d in rows)
    late = sum(int(a) for a, d in rows if d < day)
    return total, late


# --- urls (plain paths where no request is on: the CLI, the demo) -------------------------------


def policy_url(policy_id: int) -> str:
    from flask import has_request_context, url_for

    if has_request_context():
        return url_for("bimeh.policy", policy_id=policy_id)
    return f"/bimeh/policies/{policy_id}"


def quote_url(product: str, offer_id: int | None = None) -> str:
    from flask import has_request_context, url_for

    if has_request_context():
        return url_for("bimeh.quote", product=product, offer=offer_id)
    return f"/bimeh/quote/{product}" + (f"?offer={offer_id}" if offer_id else "")


def page_url() -> str:
    from flask import has_request_context, url_for

    return url_for("bimeh.index") if has_request_context() else "/bimeh/"

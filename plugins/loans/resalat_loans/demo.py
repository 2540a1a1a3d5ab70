"""The loans demo: four products, a funded loan fund, Jafar's light-livestock loan, a request in Zanjan
and the other example cores' loans: one repaid, one overdue, one rejected, one cancelled.

Products are data: the demo seeds them (a deployment adds or edits its own with
``resalat loans product CODE ...``). Everything goes through the real services, so the demo obeys
the same rules as a member would; where another plugin's demo did not leave what is needed (no
introduction, no score), that part is skipped and said on stderr.
"""

from __future__ import annotations

import sys
import uuid
from datetime import timedelta
from typing import Any

from resalat_bazaar import services as bazaar
from resalat_icap import services as icap
from resalat_merat import services as merat
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from resalat_core.sdk import (
    DEMO_SEED,
    Member,
    ResalatError,
    main_account,
    seed_demo_rows,
    system_account,
    transfer,
)
from resalat_loans import services
from resalat_loans.models import CURRENT, REQUESTED, Instalment, Loan, LoanEvent, LoanProduct

TOMAN = 10
PRODUCTS: tuple[dict[str, Any], ...] = (
    {
        "code": "general",
        "name_fa": "وام عمومی کسب‌وکار",
        "name_en": "General business loan",
        "amount_min": 5_000_000 * TOMAN,
        "amount_max": 300_000_000 * TOMAN,
        "instalments_min": 6,
        "instalments_max": 36,
        "fee_bps": 200,
        "min_score": 400,
        "requires_note": True,
        "guarantors_required": 1,
        "social_guarantee_accepted": True,
        "uses_points": True,
        "categories": [
            "raw_materials",
            "equipment",
            "livestock",
            "feed",
            "textiles",
            "honey",
            "solar_kits",
            "services",
        ],
    },
    {
        "code": "livestock",
        "name_fa": "برنامه‌ی دام سبک",
        "name_en": "Light livestock programme",
        "programme": "livestock",
        "amount_min": 20_000_000 * TOMAN,
        "amount_max": 500_000_000 * TOMAN,
        "instalments_min": 12,
        "instalments_max": 36,
        "fee_bps": 200,
        "min_score": 300,
        "requires_note": True,
        "uses_points": False,
        "introduction_required": True,
        "categories": ["livestock", "feed", "husbandry_equipment", "veterinary"],
        "programmes": [],
    },
    {
        "code": "solar",
        "name_fa": "برنامه‌ی نیروگاه خورشیدی خانگی",
        "name_en": "Home solar programme",
        "programme": "solar",
        "amount_min": 30_000_000 * TOMAN,
        "amount_max": 300_000_000 * TOMAN,
        "instalments_min": 12,
        "instalments_max": 48,
        "fee_bps": 200,
        "min_score": 300,
        "requires_note": True,
        "uses_points": False,
        "categories": ["solar_kits", "repair"],
        "programmes": ["solar"],
    },
)
# The family-business loan the other example cores ask for: no introduction, no deposit points.
CORES_PRODUCT: dict[str, Any] = {
    "code": "family_business",
    "name_fa": "وام کسب‌وکار خانوادگی هسته‌ها",
    "name_en": "Family business loan for cores",
    "amount_min": 5_000_000 * TOMAN,
    "amount_max": 200_000_000 * TOMAN,
    "instalments_min": 6,
    "instalments_max": 36,
    "fee_bps": 200,
    "min_score": 300,
    "requires_note": True,
    "uses_points": False,
    "categories": [
        "raw_materials",
        "equipment",
        "textiles",
        "saffron",
        "honey",
        "feed",
        "livestock",
        "food",
        "handicrafts",
    ],
}
FUND = 20_000_000_000 * TOMAN

# The other example cores' loans, one in each state a loan can end in or wait in (approval pays
# out at once, so "approved" is "disbursed"): (core key, income, expenses in tomans, amount in
# tomans, instalments, days since paid out, instalments paid, what happens, purpose).
STORY = (
    (
        "asipour",
        40_000_000,
        22_000_000,
        30_000_000,
        6,
        200,
        6,
        "repaid",
        "خرید نخ پنبه و تعمیر دو دستگاه کاربافی",
    ),
    (
        "safarnia",
        45_000_000,
        27_000_000,
        60_000_000,
        12,
        100,
        1,
        "overdue",
        "خرید یونجه و جو برای زمستان گله",
    ),
    ("sharifinia", 35_000_000, 20_000_000, 50_000_000, 12, 0, 0, "rejected", "خرید بیست کندوی لانگستروت"),
    (
        "samiei",
        70_000_000,
        40_000_000,
        80_000_000,
        18,
        0,
        0,
        "cancelled",
        "خرید پیاز زعفران برای یک هکتار زمین",
    ),
)
REJECTION = "هسته‌ی زنبورداری شریفی‌نیا هنوز تأیید نشده است؛ پس از تأیید هسته دوباره درخواست دهید."


def _say(text: str) -> None:
    print(f"loans demo: {text}", file=sys.stderr)


def _top_up(session: Session, member: Member, tomans: int, key: str) -> None:
    """Money the member brought in (the host's cash in), so the demo can pay stamp duty and instalments."""
    transfer(
        session,
        key,
        system_account(session, "cash_in"),
        main_account(session, member),
        tomans * TOMAN,
        "admin_adjustment",
    )


def _note(session: Session, member: Member, amount: int, key: str) -> Any:
    return icap.issue_note(
        session,
        member,
        amount=amount,
        due_date=None,
        payee_name="",
        payee_code="",
        purpose="تضمین وام قرض‌الحسنه",
        place_of_payment="زنجان",
        guarantors=[],
        key=key,
    )


def _jafar(session: Session, world: Any, officer: Member | None) -> Any:
    jafar = world.members.get("core_leader")
    intro = (world.extras.get("supporters") or {}).get("introduction")
    if jafar is None or intro is None or officer is None:
        _say("no introduction of the core leader, so no livestock loan")
        return None
    amount = intro.amount
    fee = services.fee_for(amount, 200)
    _top_up(session, jafar, 30_000_000, "demo:loans:jafar:topup")
    # The officer scores him afresh for the request, as a real one would: the score Merat's demo
    # kept may have been made before other plugins' demos gave their signals (the order the
    # demos run in follows what each plugin requires, not what Merat reads).
    merat.score_member(session, jafar, requested_by=officer, reason=merat.LOAN_REQUEST)
    try:
        with session.begin_nested():
            note = _note(session, jafar, amount + fee, "demo:loans:jafar:note")
            loan = services.request_loan(
                session,
                jafar,
                product="livestock",
                amount=amount,
                instalments=24,
                key="demo:loans:jafar",
                introduction=intro.id,
                note=note.id,
            )
            services.decide(
                session, officer, loan.id, approve=True, reason="طرح دام سبک هسته‌ی قراجه‌لو تأیید شد"
            )
    except ResalatError as exc:
        _say(f"the livestock loan was refused: {exc.message}")
        return None
    # The loan was paid out three months ago and three instalments were paid.
    _paid_out_ago(session, loan, 92)
    _pay_on_due_days(session, jafar, loan, 3, "demo:loans:jafar:pay")
    return loan


def _paid_out_ago(session: Session, loan: Any, days: int) -> None:
    """The demo moves the calendar, never the money (every rial still went through the ledger):
    the loan was paid out ``days`` ago, its instalments due from then on."""
    start = services.today() - timedelta(days=days)
    for line in services.schedule_for(loan.amount, loan.fee, loan.instalments, start):
        session.execute(
            update(Instalment)
            .where(Instalment.loan_id == loan.id, Instalment.seq == line.seq)
            .values(due_on=line.due_on)
        )
    loan.disbursed_on = start
    session.expire(loan, ["schedule"])


def _pay_on_due_days(session: Session, member: Member, loan: Any, count: int, key: str) -> None:
    """Pay the first ``count`` instalments from the member's main account, each on its due day."""
    services.pay(session, member, loan.id, key=key, count=count)
    session.execute(
        update(Instalment)
        .where(Instalment.loan_id == loan.id, Instalment.paid_at.is_not(None))
        .values(paid_on=Instalment.due_on)
    )
    session.expire(loan, ["schedule"])


def _story(session: Session, world: Any, spec: tuple[Any, ...]) -> Any:
    """One example core's loan, through the real request, decision and repayment services."""
    core_key, income, expenses, tomans, count, days, paid, end, purpose = spec
    core = (world.extras.get("cores") or {}).get(core_key)
    admin = world.members.get("admin")
    if core is None or admin is None:
        _say(f"no {core_key} core, so no {end} loan")
        return None
    member = core.leader
    key = f"demo:loans:{core_key}"
    amount = tomans * TOMAN
    merat.save_profile(
        session, member, monthly_income=income * TOMAN, monthly_expenses=expenses * TOMAN, note=purpose
    )
    # Stamp duty for the note, and (for the loans repaid) the instalments.
    _top_up(session, member, 2_000_000 + (tomans * 11 // 10 if paid else 0), f"{key}:topup")
    try:
        with session.begin_nested():
            note = _note(session, member, amount + services.fee_for(amount, 200), f"{key}:note")
            loan = services.request_loan(
                session,
                member,
                product=CORES_PRODUCT["code"],
                amount=amount,
                instalments=count,
                key=key,
                note=note.id,
                purpose=purpose,
            )
            if end == "cancelled":
                return services.cancel(session, member, loan.id)
            if end == "rejected":
                return services.decide(session, admin, loan.id, approve=False, reason=REJECTION)
            services.decide(session, admin, loan.id, approve=True, reason="طرح هسته تأیید شد")
            _paid_out_ago(session, loan, days)
            _pay_on_due_days(session, member, loan, paid, f"{key}:pay")
            if end == "overdue":
                services.rebucket(session, loan, services.today())
            return loan
    except ResalatError as exc:
        _say(f"the {end} loan of {core_key} was refused: {exc.message}")
        return None


def _shop(session: Session, world: Any, loan: Any) -> Any:
    """Step 6: Jafar spends part of the loan in M-Bazar on ten fattening lambs and 400 kg of hay
    from the Safarnia farm (the loan's categories allow them); the seller accepts the order."""
    goods = ((world.extras.get("bazaar") or {}).get("products") or {}).get("safarnia")
    if loan is None or not goods:
        return None
    hay, lamb = goods[0], goods[-1]
    try:
        with session.begin_nested():
            for product, quantity in ((hay, 400), (lamb, 10)):
                bazaar.set_cart_quantity(session, loan.member, product.id, quantity)
            request = bazaar.CheckoutRequest(
                key="demo:loans:jafar:shop",
                funding=bazaar.FUND_EARMARKED,
                earmarked_account_id=loan.account_id,
                delivery={hay.booth_id: hay.booth.delivery_options[0]},
                address="زنجان، گرگ‌تپه، دامداری قراجه‌لو",
            )
            order = bazaar.checkout(session, loan.member, request).orders[0]
            bazaar.transition(session, order, "accept", order.booth.owner)
            return order
    except ResalatError as exc:
        _say(f"the loan's purchase in M-Bazar was refused: {exc.message}")
        return None


def _pending(session: Session, world: Any) -> Any:
    """A home-solar request of a Gorg Tappeh member waiting in the Zanjan credit officer's queue."""
    member = world.members.get("member")
    if member is None:
        return None
    amount = 40_000_000 * TOMAN
    try:
        with session.begin_nested():
            _top_up(session, member, 2_000_000, "demo:loans:pending:topup")
            note = _note(session, member, amount + services.fee_for(amount, 200), "demo:loans:pending:note")
            return services.request_loan(
                session,
                member,
                product="solar",
                amount=amount,
                instalments=24,
                key="demo:loans:pending",
                note=note.id,
                purpose="پنل خورشیدی ۱ کیلوواتی و نصب روی بام خانه در گرگ‌تپه",
            )
    except ResalatError as exc:
        _say(f"the pending request was refused: {exc.message}")
        return None


def load_demo(session: Session, world: Any) -> None:
    made: dict[str, Any] = {
        "products": {p["code"]: services.save_product(session, dict(p)) for p in (*PRODUCTS, CORES_PRODUCT)}
    }
    services.fund(session, FUND, key="demo:loans:fund")
    officer = world.members.get("credit_officer")
    made["jafar_loan"] = _jafar(session, world, officer)
    made["jafar_order"] = _shop(session, world, made["jafar_loan"])
    made["pending"] = _pending(session, world)
    for spec in STORY:
        made[spec[7]] = _story(session, world, spec)
    world.extras["loans"] = made
    seed(session, world)


def seed(session: Session, world: Any) -> None:
    """One entry of each list for every persona in the demo world itself, once (``seed_demo_rows``)."""
    seeded = select(Loan.id).where(Loan.request_key == f"demo:rows:{DEMO_SEED}:0")
    seed_demo_rows(session, world, add_rows, seeded)


def add_rows(session: Session, world: Any, rows: int, run: str | None = None) -> None:
    """``rows`` more requests of each persona, newest: everyone's loans page and each credit
    officer's queue grow by as many, each as a real request is (its product, Merat's score, its
    first event). A request moves no money until it is approved."""
    product = session.scalar(select(LoanProduct).where(LoanProduct.code == "solar"))
    if product is None:
        return
    # Each run's keys are new, so ``--rows`` may be given more than once.
    run = run or uuid.uuid4().hex[:12]
    for key in sorted(world.members):
        _requests(session, world.members[key], product, rows, run)


def _requests(session: Session, member: Member, product: LoanProduct, rows: int, run: str) -> None:
    # As a request does: Merat's valid score, else one computed now; each request is recorded
    # with Merat as asked for by the loan.
    score = merat.current_score(session, member) or merat.score_member(
        session, member, requested_by=member, reason=merat.LOAN_REQUEST
    )
    amount = 40_000_000 * TOMAN
    ids = list(
        session.scalars(
            insert(Loan).returning(Loan.id, sort_by_parameter_order=True),
            [
                {
                    "member_id": member.id,
                    "product_id": product.id,
                    "region_id": member.region_id,
                    "request_key": f"demo:rows:{run}:{n}",
                    "amount": amount,
                    "fee_bps": product.fee_bps,
                    "fee": services.fee_for(amount, product.fee_bps),
                    "instalments": 24,
                    "score_id": score.id,
                    "score_value": score.value,
                    "score_rating": score.rating,
                    "max_monthly_repayment": score.max_monthly_repayment,
                    "purpose": "پنل خورشیدی ۱ کیلوواتی و نصب روی بام خانه در گرگ‌تپه",
                    "status": REQUESTED,
                    "bucket": CURRENT,
                }
                for n in range(rows)
            ],
        )
    )
    session.execute(
        insert(LoanEvent), [{"loan_id": i, "kind": REQUESTED, "note": "", "actor_id": member.id} for i in ids]
    )
    session.execute(
        insert(merat.ScoringRequest),
        [
            {
                "member_id": member.id,
                "requested_by_id": member.id,
                "reason": merat.LOAN_REQUEST,
                "reference": f"loan:{i}",
                "score_id": score.id,
            }
            for i in ids
        ],
    )

"""Qard al-Hasan loans' rules: products, requests, decisions, disbursal, schedules, repayment, delinquency.

No Flask here: pages, the API, the CLI and the hooks all call these, so each rule lives once.
Nothing commits (the caller's transaction decides); every act that can fail runs in a savepoint,
so a refusal leaves rows and balances exactly as they were.

Money. Disbursal moves the loan's amount from the system account ``loan_fund`` into an earmarked
account that can only pay for M-Bazar purchases the product's rules allow: it is never cash. An
instalment is paid from the member's main account as two linked transfers (principal back to
``loan_fund``, fee to ``fee_income``) whose keys are derived from the instalment, so an
instalment can be paid once whatever keys callers send. The fee (کارمزد) is fixed at request
time and split over the instalments; nothing ever grows with time, late payment included.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import jdatetime
from resalat_bazaar import services as bazaar
from resalat_deposits import services as deposits
from resalat_icap import services as icap
from resalat_leaders import services as leaders
from resalat_merat import services as merat
from resalat_supporters import services as supporters
from sqlalchemy import Select, case, func, select, update
from sqlalchemy.orm import Session, selectinload

from resalat_core.sdk import (
    BadInput,
    Conflict,
    CreditSignal,
    Member,
    Message,
    NotAllowed,
    NotFound,
    Page,
    TransferSpec,
    _,
    _l,
    area_of,
    find_member,
    format_date,
    format_money,
    is_active,
    ledger,
    notify,
    paginate,
    parse_money,
    region_hook,
    to_latin_digits,
    to_persian_digits,
    today_in_iran,
    utcnow,
)
from resalat_loans import plugin, setting
from resalat_loans.models import (
    BUCKETS,
    CANCELLED,
    CODE_MAX,
    CURRENT,
    DISBURSED,
    GUARANTOR,
    KEY_MAX,
    NAME_MAX,
    REASON_MAX,
    REJECTED,
    REPAID,
    REQUESTED,
    SOCIAL,
    STATUSES,
    Instalment,
    Loan,
    LoanEvent,
    LoanGuarantee,
    LoanProduct,
    Payment,
)

__all__ = [
    "Loan",
    "LoanProduct",
    "Instalment",
    "credit_signals",
    "fee_for",
    "get_loan",
    "loans_of_introductions",
    "schedule_for",
]

OFFICER_ROLES = ("credit_officer", "admin")
PURCHASE = bazaar.PURCHASE
DEFAULT_FEE_BPS = 200
MAX_RIALS = 10**15
MAX_INSTALMENTS = 120
DISBURSAL = "loan_disbursal"
REPAYMENT = "loan_repayment"
FEE = "loan_fee"
FUNDING = "loan_funding"

STATUS_LABELS = {
    REQUESTED: _l("Waiting for the credit officer"),
    REJECTED: _l("Rejected"),
    CANCELLED: _l("Cancelled"),
    DISBURSED: _l("Paid out, being repaid"),
    REPAID: _l("Repaid"),
}
BUCKET_LABELS = {
    CURRENT: _l("On time"),
    "1-30": _l("1 to 30 days overdue"),
    "31-60": _l("31 to 60 days overdue"),
    "61-90": _l("61 to 90 days overdue"),
    "90+": _l("More than 90 days overdue"),
}
# Notifications are stored in both languages, whatever the reader's language is now.
BUCKET_FA = {
    CURRENT: "بدون معوقه",
    "1-30": "۱ تا ۳۰ روز معوق",
    "31-60": "۳۱ تا ۶۰ روز معوق",
    "61-90": "۶۱ تا ۹۰ روز معوق",
    "90+": "بیش از ۹۰ روز معوق",
}


# Iranian calendar days (due dates, validity, advice days) end at Tehran's midnight.
today = today_in_iran


def _invalid(errors: dict[str, Any], code: str = "invalid") -> BadInput:
    return BadInput(next(iter(errors.values())), fields=errors, code=code)


def _money(rials: int, lang: str = "fa") -> str:
    return format_money(rials, lang=lang)


def _num(n: int) -> str:
    return to_persian_digits(str(n))


# --- the arithmetic ----------------------------------------------------------------------------


def fee_for(amount: int, fee_bps: int) -> int:
    """The fee (کارمزد) on ``amount``: ``fee_bps`` basis points, rounded half up to a rial. Fixed."""
    return (amount * fee_bps + 5000) // 10000


def add_months(day: date, months: int) -> date:
    """``months`` Jalali months after ``day``, on the same day of the month or the month's last day.

    Jalali months are 31, 30 or 29/30 days: the 31st of Shahrivar plus one month is the 30th of Mehr.
    """
    j = jdatetime.date.fromgregorian(date=day)
    index = j.month - 1 + months
    year, month = j.year + index // 12, index % 12 + 1
    last = 31 if month <= 6 else 30 if month <= 11 else (30 if jdatetime.date(year, 1, 1).isleap() else 29)
    return jdatetime.date(year, month, min(j.day, last)).togregorian()


@dataclass(frozen=True)
class Line:
    seq: int
    due_on: date
    principal: int
    fee: int

    @property
    def amount(self) -> int:
        return self.principal + self.fee


def _unit(total: int, instalments: int, unit: int) -> int:
    # Round parts to ``unit`` rials only when a part is at least that big; tiny loans stay exact.
    return unit if unit > 1 and total // instalments >= unit else 1


def schedule_for(
    amount: int, fee: int, instalments: int, start: date, *, unit: int | None = None
) -> list[Line]:
    """Equal monthly instalments of (amount + fee) / n, monthly from ``start``; remainders on the last.

    Each instalment is split into a principal part (amount / n) and a fee part (fee / n), each
    rounded down to ``unit`` rials (the ``instalment_rounding`` setting: round tomans on the
    member's page); the last instalment carries what rounding left, so the principal parts sum to
    the amount and the fee parts to the fee, exactly.
    """
    unit = int(setting("instalment_rounding")) if unit is None else unit
    pu, fu = _unit(amount, instalments, unit), _unit(fee, instalments, unit)
    p = amount // instalments // pu * pu
    f = fee // instalments // fu * fu
    lines = []
    for seq in range(1, instalments + 1):
        last = seq == instalments
        principal = amount - p * (instalments - 1) if last else p
        fee_part = fee - f * (instalments - 1) if last else f
        lines.append(Line(seq, add_months(start, seq), principal, fee_part))
    return lines


def monthly_instalment(amount: int, fee: int, instalments: int) -> int:
    """The largest instalment (the last, which carries the remainders)."""
    return schedule_for(amount, fee, instalments, date(2000, 1, 1))[-1].amount


# --- products ----------------------------------------------------------------------------------


def _int(value: Any, field: str, errors: dict[str, Any], *, low: int, high: int) -> int | None:
    if isinstance(value, bool):
        value = None
    try:
        number = int(to_latin_digits(str(value)).strip()) if value not in (None, "") else None
    except ValueError:
        number = None
    if number is None:
        errors[field] = _("Enter a whole number.")
        return None
    if not low <= number <= high:
        errors[field] = _("Enter a number from %(low)s to %(high)s.", low=_num(low), high=_num(high))
        return None
    return number


def _rials(value: Any, field: str, errors: dict[str, Any]) -> int | None:
    """Ints are rials; strings are tomans as typed on a form."""
    if isinstance(value, bool):
        errors[field] = _("Enter an amount.")
        return None
    if isinstance(value, int):
        rials = value
    else:
        text = str(value or "").strip()
        if not text:
            errors[field] = _("Enter an amount.")
            return None
        try:
            rials = parse_money(text, field=field)
        except BadInput as exc:
            errors[field] = exc.fields.get(field) or exc.message
            return None
    if not 0 < rials <= MAX_RIALS:
        errors[field] = _("The amount must be more than zero.")
        return None
    return rials


def _codes(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    items = value.split(",") if isinstance(value, str) else list(value)
    return sorted({str(x).strip() for x in items if str(x).strip()})


def save_product(session: Session, data: dict[str, Any]) -> LoanProduct:
    """Create or update (by ``code``) a loan product; BadInput naming every bad field.

    The fee is in basis points (200 = 2%) and may not pass the ``max_fee_bps`` setting (4%).
    Spend rules name M-Bazar category codes and programmes; a programme must be one M-Bazar knows.
    """
    errors: dict[str, Any] = {}
    code = str(data.get("code") or "").strip().lower()
    if not code or len(code) > CODE_MAX or not code.replace("_", "").replace("-", "").isalnum():
        errors["code"] = _("A code of letters, digits, - and _ (up to %(n)s).", n=CODE_MAX)
    existing = session.scalar(select(LoanProduct).where(LoanProduct.code == code)) if code else None

    def current(name: str, default: Any = None) -> Any:
        if name in data and data[name] is not None:
            return data[name]
        return getattr(existing, name) if existing is not None else default

    names = {}
    for name in ("name_fa", "name_en"):
        text = str(current(name, "") or "").strip()
        if not text or len(text) > NAME_MAX:
            errors[name] = _("Give a name of up to %(n)s characters.", n=NAME_MAX)
        names[name] = text
    programme = current("programme") or None
    if programme is not None and programme not in bazaar.PROGRAMMES:
        errors["programme"] = _("Choose one of: %(values)s.", values=", ".join(bazaar.PROGRAMMES))
    amount_min = _rials(current("amount_min"), "amount_min", errors)
    amount_max = _rials(current("amount_max"), "amount_max", errors)
    if amount_min is not None and amount_max is not None and amount_max < amount_min:
        errors["amount_max"] = _("The largest amount must not be below the smallest.")
    n_min = _int(current("instalments_min"), "instalments_min", errors, low=1, high=MAX_INSTALMENTS)
    n_max = _int(current("instalments_max"), "instalments_max", errors, low=1, high=MAX_INSTALMENTS)
    if n_min is not None and n_max is not None and n_max < n_min:
        errors["instalments_max"] = _("The most instalments must not be below the fewest.")
    cap = int(setting("max_fee_bps"))
    fee_bps = _int(current("fee_bps", DEFAULT_FEE_BPS), "fee_bps", errors, low=0, high=10_000)
    if fee_bps is not None and fee_bps > cap:
        errors["fee_bps"] = _(
            "The fee may be at most %(cap)s basis points (%(percent)s%%): it is a fee, never interest.",
            cap=cap,
            percent=cap / 100,
        )
    min_score = _int(current("min_score", 0), "min_score", errors, low=0, high=1000)
    guarantors = _int(current("guarantors_required", 0), "guarantors_required", errors, low=0, high=5)
    old_rules = (existing.spend_rules or {}) if existing is not None else {}
    rules = {
        name: _codes(data[name] if data.get(name) is not None else old_rules.get(name, []))
        for name in ("categories", "programmes")
    }
    if programme and programme not in rules["programmes"] and "programmes" not in data:
        rules["programmes"] = [programme]
    bad = [p for p in rules["programmes"] if p not in bazaar.PROGRAMMES]
    if bad:
        errors["programmes"] = _("Choose from: %(values)s.", values=", ".join(bazaar.PROGRAMMES))
    if not rules["categories"] and not rules["programmes"]:
        errors["categories"] = _("Say what the loan may buy: categories or programmes.")
    if errors:
        raise _invalid(errors)
    product = existing or LoanProduct(code=code)
    product.name_fa, product.name_en = names["name_fa"], names["name_en"]
    product.programme = programme
    product.amount_min, product.amount_max = amount_min, amount_max
    product.instalments_min, product.instalments_max = n_min, n_max
    product.fee_bps, product.min_score, product.guarantors_required = fee_bps, min_score, guarantors
    for flag, default in (
        ("requires_note", True),
        ("social_guarantee_accepted", False),
        ("uses_points", True),
        ("introduction_required", False),
        ("active", True),
    ):
        setattr(product, flag, bool(current(flag, default)))
    product.spend_rules = {k: v for k, v in rules.items() if v}
    if existing is None:
        session.add(product)
    session.flush()
    return product


def products(session: Session, *, active_only: bool = True) -> list[LoanProduct]:
    stmt = select(LoanProduct).order_by(LoanProduct.id)
    if active_only:
        stmt = stmt.where(LoanProduct.active.is_(True))
    return list(session.scalars(stmt))


def get_product(session: Session, ref: int | str) -> LoanProduct:
    product = (
        session.get(LoanProduct, ref)
        if isinstance(ref, int)
        else session.scalar(select(LoanProduct).where(LoanProduct.code == str(ref)))
    )
    if product is None:
        raise NotFound(_("No such loan product."), code="unknown_product")
    return product


# --- requests ----------------------------------------------------------------------------------


def _event(session: Session, loan: Loan, kind: str, note: str = "", actor: Member | None = None) -> None:
    session.add(
        LoanEvent(loan_id=loan.id, kind=kind, note=note[:REASON_MAX], actor_id=actor.id if actor else None)
    )


def _tell(
    member: Member,
    loan: Loan,
    title_fa: str,
    title_en: str,
    body_fa: str = "",
    body_en: str = "",
    kind: str = "",
) -> None:
    notify(
        member,
        Message(
            title_fa=title_fa,
            title_en=title_en,
            body_fa=body_fa,
            body_en=body_en,
            url=f"/loans/{loan.id}",
            source=plugin.name,
            kind=f"loan.{kind}",
        ),
    )


def open_introductions(session: Session, member: Member) -> list[Any]:
    """The member's accepted introductions still waiting for a loan request."""
    return [
        i
        for i in supporters.introductions_for(session, member)
        if i.status in (supporters.INTRODUCED, supporters.SCORED)
    ]


def _guarantor_members(session: Session, member: Member, raw: Any, errors: dict[str, Any]) -> list[Member]:
    found: list[Member] = []
    for text in _codes(raw):
        person = find_member(session, text)
        if person is None or person.id == member.id:
            errors["guarantors"] = _("%(who)s is not a member who can be a guarantor.", who=text)
            continue
        if person.id not in {p.id for p in found}:
            found.append(person)
    return found


def _active_social_guarantee(session: Session, member: Member) -> Any:
    return session.scalars(leaders.about_query(member, state="active").limit(1)).first()


def request_loan(
    session: Session,
    member: Member,
    *,
    product: Any,
    amount: Any,
    instalments: Any,
    key: str,
    introduction: Any = None,
    note: Any = None,
    guarantors: Any = (),
    purpose: str = "",
) -> Loan:
    """The member asks for a loan; on any refusal nothing is written (not even the Merat score).

    Checks, each with a field message: the product is open; the amount is in its range and within
    the introduction's; the instalments are in range and, for products using deposit points, no
    longer than the loan-to-deposit ratio allows (``deposits.max_term_for``); the member's Merat
    score (a valid one, else a new one) reaches the product's minimum and the monthly instalment
    fits its repayment capacity; the guarantees the product needs; the iCAP note is pledged to the
    loan (``loan:<id>``) for amount + fee. Once per ``key``: the same key returns the same request.
    """
    key = str(key or "").strip()
    if not key or len(key) > KEY_MAX:
        raise BadInput(_("A request needs a key of 1 to 200 characters."), code="bad_key")
    existing = session.scalar(select(Loan).where(Loan.member_id == member.id, Loan.request_key == key))
    if existing is not None:
        return existing
    if not is_active(plugin.name, member):
        raise NotAllowed(_("Qard al-Hasan loans are not offered in your region yet."), code="not_active")
    errors: dict[str, Any] = {}
    found: LoanProduct | None = None
    try:
        found = get_product(session, int(product) if str(product).isdigit() else str(product))
    except (NotFound, ValueError):
        found = None
    if found is None or not found.active:
        errors["product"] = _("Choose one of the open loan products.")
    rials = _rials(amount, "amount", errors)
    n = _int(instalments, "instalments", errors, low=1, high=MAX_INSTALMENTS)
    intro = None
    if introduction not in (None, ""):
        try:
            intro = supporters.get_introduction(session, int(introduction))
        except (NotFound, ValueError):
            intro = None
        if intro is None or intro.member_id != member.id:
            errors["introduction"] = _("No such introduction of yours.")
            intro = None
        elif intro.status not in (supporters.INTRODUCED, supporters.SCORED):
            errors["introduction"] = _("This introduction is no longer open for a loan request.")
    if found is not None:
        if found.introduction_required and intro is None and "introduction" not in errors:
            errors["introduction"] = _("This programme needs a credit supporter's introduction.")
        if rials is not None and not found.amount_min <= rials <= found.amount_max:
            errors["amount"] = _(
                "This product lends from %(low)s to %(high)s.",
                low=_money(found.amount_min),
                high=_money(found.amount_max),
            )
        if n is not None and not found.instalments_min <= n <= found.instalments_max:
            errors["instalments"] = _(
                "This product is repaid in %(low)s to %(high)s monthly instalments.",
                low=_num(found.instalments_min),
                high=_num(found.instalments_max),
            )
    if intro is not None and rials is not None and rials > intro.amount and "amount" not in errors:
        errors["amount"] = _("Your introduction is for at most %(amount)s.", amount=_money(intro.amount))
    people = _guarantor_members(session, member, guarantors, errors)
    social = None
    if found is not None and found.guarantors_required and len(people) < found.guarantors_required:
        social = _active_social_guarantee(session, member) if found.social_guarantee_accepted else None
        if social is None and "guarantors" not in errors:
            errors["guarantors"] = _(
                "This product needs %(n)s guarantor members (give their mobiles).",
                n=_num(found.guarantors_required),
            )
    note_id = None
    if found is not None and found.requires_note:
        try:
            note_id = int(to_latin_digits(str(note))) if note not in (None, "") else None
        except ValueError:
            note_id = None
        if note_id is None:
            errors["note"] = _("Choose the iCAP note you pledge for this loan.")
    text = str(purpose or (intro.purpose if intro is not None else "")).strip()[:REASON_MAX]
    if errors:
        raise _invalid(errors)
    assert found is not None and rials is not None and n is not None
    fee = fee_for(rials, found.fee_bps)
    with session.begin_nested():
        max_term = None
        if found.uses_points:
            max_term = deposits.max_term_for(session, member, rials)
            if max_term is None:
                message = _(
                    "Your Qard al-Hasan deposit points do not cover this amount: save more, or ask for less."
                )
                raise BadInput(message, fields={"amount": message}, code="deposit_ratio")
            if n > max_term:
                message = _(
                    "With your deposit points this amount may be repaid in at most %(n)s months.",
                    n=_num(max_term),
                )
                raise BadInput(message, fields={"instalments": message}, code="term_over_deposit_ratio")
        loan = Loan(
            member_id=member.id,
            product_id=found.id,
            region_id=member.region_id,
            introduction_id=intro.id if intro is not None else None,
            request_key=key,
            amount=rials,
            fee_bps=found.fee_bps,
            fee=fee,
            instalments=n,
            max_term=max_term,
            purpose=text,
            status=REQUESTED,
            bucket=CURRENT,
        )
        session.add(loan)
        session.flush()
        reference = f"loan:{loan.id}"
        score = merat.current_score(session, member)
        if score is None:
            score = merat.score_member(
                session, member, requested_by=member, reason="loan_request", reference=reference
            )
        else:
            merat.record_request(
                session, member, requested_by=member, reason="loan_request", reference=reference, score=score
            )
        loan.score_id, loan.score_value, loan.score_rating = score.id, score.value, score.rating
        loan.max_monthly_repayment = score.max_monthly_repayment
        if score.value < found.min_score:
            message = _(
                "Your Merat score is %(score)s; this product needs at least %(minimum)s.",
                score=_num(score.value),
                minimum=_num(found.min_score),
            )
            raise BadInput(message, fields={"score": message}, code="score_below_threshold")
        # What the member already owes each month on other loans counts against the same capacity.
        others = session.execute(
            select(Loan.amount, Loan.fee, Loan.instalments).where(
                Loan.member_id == member.id, Loan.id != loan.id, Loan.status.in_((REQUESTED, DISBURSED))
            )
        ).all()
        monthly = monthly_instalment(rials, fee, n)
        if score.max_monthly_repayment <= 0:
            # Merat sets no capacity before the member declares income and expenses: say where.
            message = _(
                "Merat has no monthly repayment capacity for you yet: declare your monthly income and "
                "expenses on your Merat credit report, then ask again."
            )
            raise BadInput(message, fields={"instalments": message}, code="over_capacity")
        if monthly + sum(monthly_instalment(*row) for row in others) > score.max_monthly_repayment:
            message = _(
                "The monthly instalment would be %(monthly)s which, with your other loans, is over "
                "the %(capacity)s a month Merat finds you can repay: ask for less or for more instalments.",
                monthly=_money(monthly),
                capacity=_money(score.max_monthly_repayment),
            )
            raise BadInput(message, fields={"instalments": message}, code="over_capacity")
        if note_id is not None:
            try:
                icap.pledge_note(session, note_id, member, reference=reference, amount=rials + fee)
            except (BadInput, Conflict, NotFound, NotAllowed) as exc:
                # icap's own message, under the form's field for the note.
                exc.fields = {"note": exc.message}
                raise
            loan.note_id = note_id
        if found.uses_points:
            deposits.use_points(session, member, rials, reference=reference)
            loan.points_used = rials
        for person in people:
            session.add(LoanGuarantee(loan_id=loan.id, kind=GUARANTOR, member_id=person.id))
        if social is not None:
            session.add(
                LoanGuarantee(
                    loan_id=loan.id, kind=SOCIAL, social_guarantee_id=social.id, leader_id=social.leader_id
                )
            )
        if intro is not None:
            if intro.status == supporters.INTRODUCED:
                supporters.mark_introduction(
                    session, intro, supporters.SCORED, note=f"Merat {score.value} ({score.rating})"
                )
            supporters.mark_introduction(session, intro, supporters.REQUESTED, note=f"loan:{loan.id}")
        _event(session, loan, REQUESTED, "", member)
        session.flush()
    _tell(
        member,
        loan,
        "درخواست وام شما ثبت شد",
        "Your loan request was received",
        f"{found.name_fa}، {_money(rials)}؛ کارشناس اعتباری به‌زودی تصمیم می‌گیرد.",
        f"{found.name_en}, {_money(rials, 'en')}; a credit officer will decide soon.",
        kind="requested",
    )
    return loan


def get_loan(session: Session, loan_id: int) -> Loan:
    loan = session.get(Loan, loan_id)
    if loan is None:
        raise NotFound(_("No such loan."), code="unknown_loan")
    return loan


def own_loan(session: Session, member: Member, loan_id: int) -> Loan:
    """The member's own loan; NotFound for anyone else's, so ids reveal nothing."""
    loan = session.get(Loan, loan_id)
    if loan is None or loan.member_id != member.id:
        raise NotFound(_("No such loan of yours."), code="unknown_loan")
    return loan


def _release(session: Session, loan: Loan) -> None:
    """Give back what a request held: the note's pledge and the deposit points."""
    reference = f"loan:{loan.id}"
    if loan.note_id is not None:
        icap.release_note(session, reference=reference)
    if loan.points_used:
        deposits.release_points(session, reference=reference)


def cancel(session: Session, member: Member, loan_id: int) -> Loan:
    """The member withdraws their request before the decision; the note and points are released."""
    loan = own_loan(session, member, loan_id)
    if loan.status != REQUESTED:
        raise Conflict(_("Only a request still waiting for a decision can be cancelled."), code="not_open")
    with session.begin_nested():
        loan.status = CANCELLED
        _release(session, loan)
        _intro_move(session, loan, supporters.REJECTED, "cancelled by the member", member)
        _event(session, loan, CANCELLED, "", member)
        session.flush()
    return loan


def _intro_move(session: Session, loan: Loan, status: str, note: str, actor: Member | None) -> None:
    if loan.introduction_id is None:
        return
    intro = supporters.get_introduction(session, loan.introduction_id)
    if status in supporters.TRANSITIONS.get(intro.status, frozenset()):
        supporters.mark_introduction(session, intro, status, note=note, actor=actor)


# --- the credit officer ------------------------------------------------------------------------


def officer_area(session: Session, officer: Member) -> list[int] | None:
    """Region ids where ``officer`` decides loans (None: everywhere, as an admin)."""
    return area_of(session, officer, OFFICER_ROLES)


def may_decide(session: Session, officer: Member, loan: Loan) -> bool:
    area = officer_area(session, officer)
    return area is None or loan.region_id in area


def queue_query(
    session: Session, officer: Member, *, status: str | None = REQUESTED, product: str | None = None
) -> Select[Any]:
    """The loans in ``officer``'s area, newest first, of one status and product if given."""
    if status and status not in STATUSES:
        message = _("Choose one of: %(values)s.", values=", ".join(STATUSES))
        raise BadInput(message, fields={"status": message})
    stmt = select(Loan)
    area = officer_area(session, officer)
    if area is not None:
        stmt = stmt.where(Loan.region_id.in_(area))
    if status:
        stmt = stmt.where(Loan.status == status)
    if product:
        stmt = stmt.join(LoanProduct, LoanProduct.id == Loan.product_id).where(LoanProduct.code == product)
    return stmt.order_by(Loan.id.desc())


def queue(
    session: Session,
    officer: Member,
    *,
    status: str | None = REQUESTED,
    product: str | None = None,
    page: int = 1,
    per_page: int = 20,
) -> Page[Loan]:
    return paginate(session, queue_query(session, officer, status=status, product=product), page, per_page)


def for_officer(session: Session, officer: Member, loan_id: int) -> Loan:
    """A loan the officer may see: in their area (403 outside it, 404 if there is none)."""
    loan = get_loan(session, loan_id)
    if not may_decide(session, officer, loan):
        raise NotAllowed(_("This member is outside the area where you decide loans."), code="outside_area")
    return loan


def decide(session: Session, officer: Member, loan_id: int, *, approve: bool, reason: str = "") -> Loan:
    """Approve (and at once disburse) or reject (a reason is required) a waiting request."""
    loan = for_officer(session, officer, loan_id)
    text = str(reason or "").strip()
    if len(text) > REASON_MAX:
        message = _("Keep the reason under %(n)s characters.", n=REASON_MAX)
        raise BadInput(message, fields={"reason": message})
    if not approve and not text:
        message = _("Say why the request is rejected: the member will read it.")
        raise BadInput(message, fields={"reason": message}, code="reason_required")
    if loan.status != REQUESTED:
        raise Conflict(
            _("This request was already decided: %(status)s.", status=STATUS_LABELS[loan.status]),
            code="already_decided",
        )
    with session.begin_nested():
        loan.decided_by_id = officer.id
        loan.decided_at = utcnow()
        loan.reason = text
        if not approve:
            loan.status = REJECTED
            _release(session, loan)
            _intro_move(session, loan, supporters.REJECTED, text, officer)
            _event(session, loan, REJECTED, text, officer)
        else:
            _event(session, loan, "approved", text, officer)
            _disburse(session, loan, officer)
        session.flush()
    if approve:
        region_hook("resalat_loan_disbursed", loan.member)(loan=loan)
        _tell(
            loan.member,
            loan,
            "وام شما پرداخت شد",
            "Your loan was paid",
            f"{_money(loan.amount)} به حساب اعتباری «{loan.product.name_fa}» واریز شد و فقط برای خرید "
            f"از بازار قابل مصرف است. قسط اول: {format_date(loan.schedule[0].due_on, lang='fa')}.",
            f"{_money(loan.amount, 'en')} is in your earmarked account for {loan.product.name_en}, to "
            f"spend in M-Bazar only. First instalment: {format_date(loan.schedule[0].due_on, lang='en')}.",
            kind="disbursed",
        )
    else:
        _tell(
            loan.member,
            loan,
            "درخواست وام شما رد شد",
            "Your loan request was rejected",
            text,
            text,
            kind="rejected",
        )
    return loan


def _disburse(session: Session, loan: Loan, actor: Member | None, on: date | None = None) -> None:
    """Credit the earmarked account from the loan fund and write the schedule; never cash."""
    product = loan.product
    account = ledger.open_earmarked(
        session,
        loan.member,
        code=f"loan:{loan.id}",
        purpose="loan",
        purposes=[PURCHASE],
        rules=dict(product.spend_rules or {}),
        name_fa=f"وام {product.name_fa}",
        name_en=f"Loan: {product.name_en}",
    )
    fund = ledger.system_account(session, "loan_fund")
    try:
        ledger.transfer(
            session,
            f"loans:disburse:{loan.id}",
            fund,
            account,
            loan.amount,
            DISBURSAL,
            f"loan:{loan.id}",
            actor=actor,
        )
    except BadInput as exc:
        if exc.code != "insufficient_funds":
            raise
        raise Conflict(
            _(
                "The loan fund holds only %(balance)s; fund it before approving.",
                balance=_money(fund.available),
            ),
            code="fund_empty",
        ) from None
    loan.account_id = account.id
    loan.status = DISBURSED
    loan.disbursed_on = on or today()
    for line in schedule_for(loan.amount, loan.fee, loan.instalments, loan.disbursed_on):
        session.add(
            Instalment(
                loan_id=loan.id, seq=line.seq, due_on=line.due_on, principal=line.principal, fee=line.fee
            )
        )
    session.flush()
    session.expire(loan, ["schedule"])
    _intro_move(session, loan, supporters.APPROVED, f"loan:{loan.id}", actor)
    _intro_move(session, loan, supporters.DISBURSED, f"loan:{loan.id}", actor)
    _event(session, loan, DISBURSED, "", actor)


def fund(session: Session, amount: Any, *, key: str, actor: Member | None = None) -> int:
    """Bring money into the loan fund (from ``cash_in``), once per key; the fund's balance after."""
    errors: dict[str, Any] = {}
    rials = _rials(amount, "amount", errors)
    if errors:
        raise _invalid(errors)
    fund_account = ledger.system_account(session, "loan_fund")
    ledger.transfer(
        session,
        f"loans:fund:{key}",
        ledger.system_account(session, "cash_in"),
        fund_account,
        rials,
        FUNDING,
        actor=actor,
    )
    return fund_account.posted


# --- repayment ---------------------------------------------------------------------------------


def unpaid(loan: Loan) -> list[Instalment]:
    return [i for i in loan.schedule if i.paid_at is None]


def pay(
    session: Session,
    member: Member,
    loan_id: int,
    *,
    key: str,
    count: Any = 1,
    everything: bool = False,
    first: int | None = None,
) -> Payment:
    """Pay the next ``count`` instalments (or ``everything`` left: early repayment, no discount, no
    extra charge) from the member's main account; once per ``key``.

    ``first``, when given, is the instalment the caller means to start from (what the page showed):
    if it is paid already the payment is refused rather than paying the one after it. Each
    instalment is claimed with a conditional update and its money moves under keys derived
    from it, so racing payments pay it once; the loser gets a Conflict and pays nothing.
    """
    loan = own_loan(session, member, loan_id)
    key = str(key or "").strip()
    if not key or len(key) > KEY_MAX:
        raise BadInput(_("A payment needs a key of 1 to 200 characters."), code="bad_key")
    existing = session.scalar(select(Payment).where(Payment.loan_id == loan.id, Payment.key == key))
    if existing is not None:
        return existing
    if loan.status != DISBURSED:
        raise Conflict(
            _("This loan has nothing to pay: %(status)s.", status=STATUS_LABELS[loan.status]),
            code="not_running",
        )
    left = unpaid(loan)
    if everything:
        n = len(left)
    else:
        errors: dict[str, Any] = {}
        n = _int(count, "count", errors, low=1, high=max(1, len(left)))
        if errors:
            raise _invalid(errors)
    chosen = left[:n]
    if first is not None and (not chosen or chosen[0].seq != int(first)):
        # The page showed instalment ``first`` as the next to pay: someone paid it meanwhile.
        raise Conflict(_("This instalment was already paid."), code="already_paid")
    now, day = utcnow(), today()
    main = ledger.main_account(session, member)
    fund_account = ledger.system_account(session, "loan_fund")
    fee_income = ledger.system_account(session, "fee_income")
    total = sum(i.amount for i in chosen)
    with session.begin_nested():
        record = Payment(loan_id=loan.id, key=key, amount=total, instalments=len(chosen), created_at=now)
        session.add(record)
        session.flush()
        specs = []
        for item in chosen:
            claimed = session.execute(
                update(Instalment)
                .where(Instalment.id == item.id, Instalment.paid_at.is_(None))
                .values(paid_at=now, paid_on=day, payment_id=record.id)
                .execution_options(synchronize_session=False)
            ).rowcount
            if not claimed:
                raise Conflict(_("This instalment was just paid."), code="already_paid")
            reference = f"loan:{loan.id}:{item.seq}"
            if item.principal:
                specs.append(
                    TransferSpec(
                        f"loans:pay:{item.id}:principal",
                        main,
                        fund_account,
                        item.principal,
                        REPAYMENT,
                        reference,
                    )
                )
            if item.fee:
                specs.append(
                    TransferSpec(f"loans:pay:{item.id}:fee", main, fee_income, item.fee, FEE, reference)
                )
        ledger.transfer_linked(session, specs, actor=member)
        for item in chosen:
            session.expire(item)
        _event(session, loan, "paid", f"{len(chosen)} × {total}", member)
        session.flush()
        if not unpaid(loan):
            _repaid(session, loan)
        else:
            _rebucket(session, loan, day, notify_member=False)
    return record


def _repaid(session: Session, loan: Loan) -> None:
    loan.status = REPAID
    loan.repaid_at = utcnow()
    loan.bucket = CURRENT
    if loan.note_id is not None:
        # A protested note is settled: it goes back to the member too, its protest kept in iCAP.
        if loan.note_protested_at is None:
            icap.release_note(session, reference=f"loan:{loan.id}")
        else:
            icap.settle_note(session, reference=f"loan:{loan.id}")
    _event(session, loan, REPAID)
    _tell(
        loan.member,
        loan,
        "وام شما تسویه شد",
        "Your loan is repaid",
        "همه‌ی اقساط پرداخت شد و سفته‌ی شما آزاد شد. سپاس از خوش‌حسابی شما.",
        "Every instalment is paid and your note is released. Thank you.",
        kind="repaid",
    )


# --- delinquency -------------------------------------------------------------------------------


def bucket_for(days_overdue: int) -> str:
    """The delinquency bucket of a loan whose oldest unpaid instalment is ``days_overdue`` late."""
    if days_overdue <= 0:
        return CURRENT
    starts = list(setting("bucket_starts"))
    name = CURRENT
    for index, start in enumerate(starts):
        if days_overdue >= int(start):
            name = BUCKETS[min(index, len(BUCKETS) - 1)]
    return name


def _rebucket(session: Session, loan: Loan, day: date, *, notify_member: bool = True) -> bool:
    """Move the loan to the bucket its oldest overdue instalment says; True if it moved."""
    oldest = next((i for i in loan.schedule if i.paid_at is None), None)
    days = (day - oldest.due_on).days if oldest is not None else 0
    bucket = bucket_for(days)
    if bucket == loan.bucket:
        return False
    before, loan.bucket = loan.bucket, bucket
    _event(session, loan, "bucket", f"{before} -> {bucket}")
    if notify_member and bucket != CURRENT:
        owed = sum(i.amount for i in loan.schedule if i.paid_at is None and i.due_on < day)
        _tell(
            loan.member,
            loan,
            f"قسط وام شما معوق است: {BUCKET_FA[bucket]}",
            f"Your loan instalment is overdue: {bucket} days",
            f"مبلغ معوق {_money(owed)}. جریمه‌ی دیرکرد گرفته نمی‌شود؛ لطفاً هر چه زودتر پرداخت کنید.",
            f"{_money(owed, 'en')} is overdue. No late fee is ever charged; please pay as soon as you can.",
            kind="overdue",
        )
    return True


def _call_guarantees(session: Session, loan: Loan, now: datetime) -> int:
    """Tell every guarantor (and the leader of a social guarantee) that the loan went bad."""
    called = 0
    for guarantee in loan.guarantees:
        if guarantee.called_at is not None:
            continue
        guarantee.called_at = now
        person = guarantee.member if guarantee.kind == GUARANTOR else guarantee.leader
        if person is not None:
            notify(
                person,
                Message(
                    title_fa="ضمانت شما برای یک وام فراخوانده شد",
                    title_en="Your guarantee for a loan was called",
                    body_fa=(
                        f"اقساط وام {loan.member.name} ({loan.product.name_fa}) "
                        f"{BUCKET_FA[loan.bucket]} است. "
                        "لطفاً با او برای بازپرداخت همراهی کنید."
                    ),
                    body_en=(
                        f"{loan.member.name}'s loan ({loan.product.name_en}) is {loan.bucket} days overdue. "
                        "Please help them repay."
                    ),
                    source=plugin.name,
                    kind="loan.guarantee_called",
                ),
            )
        called += 1
    loan.guarantors_called_at = now
    _event(session, loan, "guarantees_called", str(called))
    return called


@dataclass
class DueResult:
    reminded: int = 0
    moved: int = 0
    guarantees_called: int = 0
    protested: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "reminded": self.reminded,
            "moved": self.moved,
            "guarantees_called": self.guarantees_called,
            "protested": self.protested,
        }


def run_due(
    session: Session,
    on: date | None = None,
    *,
    actor: Member | None = None,
    progress: Callable[[int], None] | None = None,
    batch_size: int = 500,
    commit: Callable[[], None] | None = None,
) -> DueResult:
    """The periodic job: remind and fire ``resalat_instalment_due`` for instalments due within the
    reminder days (once each), move overdue loans through the buckets (telling the member), call
    the guarantees at the configured bucket and protest the note at the last. Never a late fee.
    Idempotent: a second run on the same day changes nothing more.

    Works through ``batch_size`` rows at a time (keyset by id) and calls ``commit`` after each
    batch when given, so a million running loans never sit in one session or one transaction; a
    run cut short is finished by the next one.
    """
    day = on or today()
    result = DueResult()
    now = utcnow()
    soon = timedelta(days=int(setting("reminder_days")))
    size = max(1, int(batch_size))
    last = 0
    while True:
        due = list(
            session.scalars(
                select(Instalment)
                .join(Loan, Loan.id == Instalment.loan_id)
                .where(
                    Loan.status == DISBURSED,
                    Instalment.paid_at.is_(None),
                    Instalment.reminded_on.is_(None),
                    Instalment.due_on <= day + soon,
                    Instalment.id > last,
                )
                .order_by(Instalment.id)
                .limit(size)
                # The loans (with their members) of the whole batch in one more query, not one each.
                .options(selectinload(Instalment.loan))
            )
        )
        if not due:
            break
        for item in due:
            item.reminded_on = day
            loan = item.loan
            region_hook("resalat_instalment_due", loan.member)(item=item)
            _tell(
                loan.member,
                loan,
                f"قسط {_num(item.seq)} وام شما: {format_date(item.due_on, lang='fa')}",
                f"Instalment {item.seq} of your loan: {format_date(item.due_on, lang='en')}",
                f"مبلغ قسط {_money(item.amount)}؛ از حساب اصلی پرداخت کنید.",
                f"The instalment is {_money(item.amount, 'en')}; pay it from your main account.",
                kind="due",
            )
            result.reminded += 1
        last = due[-1].id
        session.flush()
        if commit is not None:
            commit()
    call_at = int(setting("call_guarantors_bucket"))
    protest_at = int(setting("protest_bucket"))
    last = 0
    while True:
        # Each batch's schedules and guarantees in two more queries, whatever its size.
        running = list(
            session.scalars(
                select(Loan)
                .where(Loan.status == DISBURSED, Loan.id > last)
                .options(selectinload(Loan.schedule), selectinload(Loan.guarantees))
                .order_by(Loan.id)
                .limit(size)
            )
        )
        if not running:
            break
        for loan in running:
            if _rebucket(session, loan, day):
                result.moved += 1
            level = BUCKETS.index(loan.bucket) if loan.bucket in BUCKETS else -1
            if level >= call_at >= 0 and loan.guarantors_called_at is None:
                result.guarantees_called += _call_guarantees(session, loan, now)
            if level >= protest_at >= 0 and loan.note_id is not None and loan.note_protested_at is None:
                icap.protest_note(
                    session,
                    reference=f"loan:{loan.id}",
                    reason=f"loan {loan.id}: {loan.bucket} days overdue",
                    actor=actor,
                )
                loan.note_protested_at = now
                _event(session, loan, "note_protested")
                result.protested += 1
            if progress:
                progress(1)
        last = running[-1].id
        session.flush()
        if commit is not None:
            commit()
    return result


# --- reading -----------------------------------------------------------------------------------


def loans_of(session: Session, member: Member, page: int = 1, per_page: int = 20) -> Page[Loan]:
    stmt = select(Loan).where(Loan.member_id == member.id).order_by(Loan.id.desc())
    return paginate(session, stmt, page, per_page)


@dataclass(frozen=True)
class Progress:
    paid: int
    total: int
    paid_rials: int
    next_due: date | None
    next_amount: int | None


def progress_of(session: Session, loan_ids: Sequence[int]) -> dict[int, Progress]:
    """Instalments paid, rials paid and the next due instalment of each loan: one query."""
    if not loan_ids:
        return {}
    unpaid_due = case((Instalment.paid_at.is_(None), Instalment.due_on))
    rows = session.execute(
        select(
            Instalment.loan_id,
            func.count(Instalment.paid_at),
            func.count(Instalment.id),
            func.coalesce(
                func.sum(case((Instalment.paid_at.is_not(None), Instalment.principal + Instalment.fee))), 0
            ),
            func.min(unpaid_due),
        )
        .where(Instalment.loan_id.in_(list(loan_ids)))
        .group_by(Instalment.loan_id)
    ).all()
    found = {}
    for loan_id, paid, total, paid_rials, next_due in rows:
        if isinstance(next_due, str):  # SQLite returns the MIN of a CASE as text
            next_due = date.fromisoformat(next_due)
        found[loan_id] = Progress(int(paid), int(total), int(paid_rials), next_due, None)
    return found


def loans_of_introductions(session: Session, introduction_ids: Iterable[int]) -> dict[int, Loan]:
    """The newest loan of each introduction (for the supporter's page): one query."""
    ids = list(introduction_ids)
    if not ids:
        return {}
    found: dict[int, Loan] = {}
    for loan in session.scalars(select(Loan).where(Loan.introduction_id.in_(ids)).order_by(Loan.id)):
        found[loan.introduction_id] = loan
    return found


def introductions_page(
    session: Session, supporter: Member, page: int = 1, per_page: int = 20
) -> tuple[Page[Any], dict[int, Loan], dict[int, Progress]]:
    """The credit supporter's introductions, each with its loan and repayment: four queries in all."""
    intros = supporters.introductions_by(session, supporter, page=page, per_page=per_page)
    loans = loans_of_introductions(session, [i.id for i in intros.items])
    return intros, loans, progress_of(session, [loan.id for loan in loans.values()])


def notes_for(session: Session, member: Member) -> list[Any]:
    """The member's iCAP notes that could be pledged (issued, unpledged, signed)."""
    return icap.usable_notes(session, member, 1)


def officer_report(session: Session, loan: Loan) -> dict[str, Any]:
    """What the officer reads before deciding: the score, the note, guarantees, points, introduction."""
    score = session.get(merat.Score, loan.score_id) if loan.score_id else None
    note = icap.get_note(session, loan.note_id) if loan.note_id else None
    intro = supporters.get_introduction(session, loan.introduction_id) if loan.introduction_id else None
    return {
        "score": score,
        "note": note,
        "introduction": intro,
        "points": deposits.points_of(session, loan.member),
        "guarantees": loan.guarantees,
        "monthly": monthly_instalment(loan.amount, loan.fee, loan.instalments),
    }


def balance_of(session: Session, loan: Loan) -> int:
    """What is left unspent in the loan's earmarked account."""
    if loan.account_id is None:
        return 0
    return ledger.get_account(session, loan.account_id).available


# --- Merat's signals ---------------------------------------------------------------------------


def credit_signals(session: Session, member: Member, on: date | None = None) -> list[CreditSignal]:
    """Repayment history for Merat: instalments paid on time, paid late, overdue now; loans repaid.

    Two queries: one over the member's instalments, one counting repaid loans.
    """
    day = on or today()
    on_time, late, overdue = session.execute(
        select(
            func.count(case((Instalment.paid_on <= Instalment.due_on, 1))),
            func.count(case((Instalment.paid_on > Instalment.due_on, 1))),
            func.count(case(((Instalment.paid_at.is_(None)) & (Instalment.due_on < day), 1))),
        )
        .join(Loan, Loan.id == Instalment.loan_id)
        .where(Loan.member_id == member.id)
    ).one()
    repaid = (
        session.scalar(select(func.count(Loan.id)).where(Loan.member_id == member.id, Loan.status == REPAID))
        or 0
    )
    texts = {
        "instalments_on_time": ("قسط وام قرض‌الحسنه به‌موقع پرداخت شد", "Loan instalments paid on time"),
        "instalments_late": ("قسط وام قرض‌الحسنه با تأخیر پرداخت شد", "Loan instalments paid late"),
        "instalments_overdue": ("قسط وام قرض‌الحسنه‌ی معوق", "Loan instalments overdue now"),
        "loans_repaid": ("وام قرض‌الحسنه‌ی تسویه‌شده", "Qard al-Hasan loans repaid"),
    }
    values = {
        "instalments_on_time": int(on_time or 0),
        "instalments_late": int(late or 0),
        "instalments_overdue": int(overdue or 0),
        "loans_repaid": int(repaid),
    }
    return [
        CreditSignal(
            source=plugin.name,
            kind=kind,
            value=value,
            description_fa=f"{texts[kind][0]}: {_num(value)}",
            description_en=f"{texts[kind][1]}: {value}",
        )
        for kind, value in values.items()
        if value
    ]


def figures(session: Session) -> tuple[int, int, int]:
    """(loans paid out, rials lent, loans repaid)."""
    lent, total, repaid = session.execute(
        select(
            func.count(Loan.id),
            func.coalesce(func.sum(Loan.amount), 0),
            func.count(case((Loan.status == REPAID, 1))),
        ).where(Loan.status.in_((DISBURSED, REPAID)))
    ).one()
    return int(lent or 0), int(total or 0), int(repaid or 0)

"""Asking for a loan: every check at once, the Merat score, the pledged note, points, guarantees; cancelling.

On any refusal nothing is written, not even the Merat score: the request runs in a savepoint.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from resalat_deposits import services as deposits
from resalat_icap import services as icap
from resalat_leaders import services as leaders
from resalat_merat import services as merat
from resalat_supporters import services as supporters
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from resalat_core.sdk import (
    BadInput,
    Conflict,
    Member,
    Money,
    NotAllowed,
    NotFound,
    Region,
    RoleGrant,
    _,
    find_member,
    module_active,
    notify,
    region_hook,
)
from resalat_loans import messages, plugin
from resalat_loans.models import (
    CANCELLED,
    CURRENT,
    GUARANTOR,
    KEY_MAX,
    REASON_MAX,
    REQUESTED,
    SOCIAL,
    Loan,
    LoanGuarantee,
    LoanProduct,
)
from resalat_loans.services.checklist import other_monthly
from resalat_loans.services.checks import check_rials, check_whole, invalid
from resalat_loans.services.products import MAX_INSTALMENTS, get_product, products
from resalat_loans.services.schedules import fee_for, monthly_instalment, summary
from resalat_loans.services.status import record_event, reference_of


def url_of(loan: Loan) -> str:
    """The member's page of the loan, for a notification."""
    return f"/loans/{loan.id}"


OFFICER = "credit_officer"


def officers_for(session: Session, loan: Loan) -> list[Member]:
    """The credit officers who decide ``loan``: a grant in its place, its province or nationwide.

    One query on the role grants' (role, region) index; never the borrower themself.
    """
    region = session.get(Region, loan.region_id)
    places = [r for r in (loan.region_id, region.parent_id if region is not None else None) if r]
    stmt = (
        select(Member)
        .join(RoleGrant, RoleGrant.member_id == Member.id)
        .where(
            RoleGrant.role == OFFICER,
            or_(RoleGrant.region_id.is_(None), RoleGrant.region_id.in_(places)),
            Member.is_active.is_(True),
            Member.id != loan.member_id,
        )
        .distinct()
        .order_by(Member.id)
    )
    return list(session.scalars(stmt))


def _tell_officers(session: Session, loan: Loan) -> None:
    """Each officer of the area hears of the new request, with its exact instalments."""
    runs = summary(loan.amount, loan.fee, loan.instalments)
    for officer in officers_for(session, loan):
        notify(
            officer,
            messages.TO_DECIDE(
                url=f"/loans/officer/{loan.id}",
                member=loan.member.name,
                amount=Money(loan.amount),
                count=loan.instalments,
                first=Money(runs[0].amount),
                last=Money(runs[-1].amount),
            ),
        )


def open_introductions(session: Session, member: Member) -> list[Any]:
    """The member's accepted introductions still waiting for a loan request."""
    return supporters.introductions_for(session, member, supporters.OPEN_FOR_A_LOAN)


def product_for_introduction(session: Session, introduction: Any) -> LoanProduct | None:
    """The open product an introduction is for: the programme of its core's field (a light-livestock
    core's introduction is for the light-livestock programme), else the one general product (with
    no programme of its own); None when that is not clear, so the member chooses, never the first."""
    offered = products(session)
    field = getattr(getattr(introduction.core, "field", None), "code", None)
    for product in offered:
        if field and product.programme == field:
            return product
    general = [p for p in offered if not p.programme and not p.introduction_required]
    return general[0] if len(general) == 1 else None


def get_loan(session: Session, loan_id: int) -> Loan:
    """Any loan by id; NotFound if there is none."""
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


# --- the checks --------------------------------------------------------------------------------


@dataclass
class _Request:
    """A request whose fields all passed: what the loan will be made of."""

    product: LoanProduct
    amount: int
    instalments: int
    introduction: Any
    guarantors: list[Member]
    social: Any
    note_id: int | None
    purpose: str


def _product(session: Session, product: Any, errors: dict[str, Any]) -> LoanProduct | None:
    try:
        found = get_product(session, product) if product not in (None, "") else None
    except NotFound:
        found = None
    if found is None or not found.active:
        errors["product"] = _("Choose one of the open loan products.")
        return None
    return found


def _introduction(session: Session, member: Member, introduction: int | None, errors: dict[str, Any]) -> Any:
    if introduction is None:
        return None
    try:
        intro = supporters.get_introduction(session, introduction)
    except NotFound:
        intro = None
    if intro is None or intro.member_id != member.id:
        errors["introduction"] = _("No such introduction of yours.")
        return None
    if intro.status not in supporters.OPEN_FOR_A_LOAN:
        errors["introduction"] = _("This introduction is no longer open for a loan request.")
    return intro


def _guarantor_members(
    session: Session, member: Member, identifiers: Iterable[str], errors: dict[str, Any]
) -> list[Member]:
    found: list[Member] = []
    for text in sorted({str(x).strip() for x in identifiers if str(x).strip()}):
        person = find_member(session, text)
        if person is None or person.id == member.id:
            errors["guarantors"] = _("%(who)s is not a member who can be a guarantor.", who=text)
            continue
        if person.id not in {p.id for p in found}:
            found.append(person)
    return found


def social_guarantee_of(session: Session, member: Member) -> Any:
    """A leader's active social guarantee for the member, which may stand in for guarantors."""
    return session.scalars(leaders.about_query(member, state="active").limit(1)).first()


def _within_product(found: LoanProduct, amount: int | None, n: int | None, errors: dict[str, Any]) -> None:
    if amount is not None and not found.amount_min <= amount <= found.amount_max:
        errors["amount"] = _(
            "This product lends from %(low)s to %(high)s.",
            low=Money(found.amount_min),
            high=Money(found.amount_max),
        )
    if n is not None and not found.instalments_min <= n <= found.instalments_max:
        errors["instalments"] = _(
            "This product is repaid in %(low)s to %(high)s monthly instalments.",
            low=found.instalments_min,
            high=found.instalments_max,
        )


def _check_request(
    session: Session,
    member: Member,
    *,
    product: Any,
    amount: int | None,
    instalments: int | None,
    introduction: int | None,
    note: int | None,
    guarantors: Iterable[str],
    purpose: str,
) -> tuple[_Request | None, dict[str, Any]]:
    """Every field of the request checked at once: the request (None when the product, amount or
    instalments cannot be read) and a message for each bad field."""
    errors: dict[str, Any] = {}
    found = _product(session, product, errors)
    rials = check_rials(amount, "amount", errors)
    n = check_whole(instalments, "instalments", errors, low=1, high=MAX_INSTALMENTS)
    intro = _introduction(session, member, introduction, errors)
    if found is not None:
        if found.introduction_required and intro is None and "introduction" not in errors:
            errors["introduction"] = _("This programme needs a credit supporter's introduction.")
        _within_product(found, rials, n, errors)
    if intro is not None and rials is not None and rials > intro.amount and "amount" not in errors:
        errors["amount"] = _("Your introduction is for at most %(amount)s.", amount=Money(intro.amount))
    people = _guarantor_members(session, member, guarantors, errors)
    social = None
    if found is not None and found.guarantors_required and len(people) < found.guarantors_required:
        social = social_guarantee_of(session, member) if found.social_guarantee_accepted else None
        if social is None and "guarantors" not in errors:
            errors["guarantors"] = _(
                "This product needs %(n)s guarantor members (give their mobiles).",
                n=found.guarantors_required,
            )
    if found is not None and found.requires_note and note is None:
        errors["note"] = _("Choose the iCAP note you pledge for this loan.")
    text = str(purpose or (intro.purpose if intro is not None else "")).strip()[:REASON_MAX]
    if found is None or rials is None or n is None:
        return None, errors
    note_id = note if found.requires_note else None
    return _Request(found, rials, n, intro, people, social, note_id, text), errors


class _Refusals:
    """The refusals of one request, collected so that the member reads them all at once."""

    def __init__(self, errors: dict[str, Any]) -> None:
        self.errors = dict(errors)
        self.codes: list[str] = ["invalid"] if errors else []

    def add(self, field: str, message: str, code: str) -> None:
        # Two refusals of one field (the term over the deposit ratio and over the capacity) read
        # one after the other.
        self.errors[field] = f"{self.errors[field]} {message}" if field in self.errors else message
        self.codes.append(code)

    def raise_any(self) -> None:
        if self.errors:
            # One refusal keeps its own code; several are "requirements_unmet", each under its field.
            codes = set(self.codes)
            raise invalid(self.errors, code=self.codes[0] if len(codes) == 1 else "requirements_unmet")


# --- what the request holds --------------------------------------------------------------------


def _term_within_points(
    session: Session, member: Member, request: _Request, refusals: _Refusals
) -> int | None:
    """For products using deposit points: the longest term the loan-to-deposit ratio allows."""
    if not request.product.uses_points:
        return None
    max_term = deposits.max_term_for(session, member, request.amount)
    if max_term is None:
        message = _("Your Qard al-Hasan deposit points do not cover this amount: save more, or ask for less.")
        refusals.add("amount", message, "deposit_ratio")
    elif request.instalments > max_term:
        message = _("With your deposit points this amount may be repaid in at most %(n)s months.", n=max_term)
        refusals.add("instalments", message, "term_over_deposit_ratio")
    return max_term


def _score(session: Session, member: Member, loan: Loan, product: LoanProduct, refusals: _Refusals) -> None:
    """Merat's score (a valid one, else a new one) must reach the product's minimum, and the
    monthly instalment, with those of the member's other open loans, fit its repayment capacity."""
    reference = reference_of(loan)
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
    if score.value < product.min_score:
        message = _(
            "Your Merat score is %(score)s; this product needs at least %(minimum)s.",
            score=score.value,
            minimum=product.min_score,
        )
        refusals.add("score", message, "score_below_threshold")
    monthly = monthly_instalment(loan.amount, loan.fee, loan.instalments)
    others = other_monthly(session, member, besides=loan.id)
    if score.max_monthly_repayment <= 0:
        # Merat sets no capacity before the member declares income and expenses: say where.
        message = _(
            "Merat has no monthly repayment capacity for you yet: declare your monthly income and "
            "expenses on your Merat credit report, then ask again."
        )
        refusals.add("instalments", message, "over_capacity")
    elif monthly + others > score.max_monthly_repayment:
        message = _(
            "The monthly instalment would be %(monthly)s which, with your other loans, is over "
            "the %(capacity)s a month Merat finds you can repay: ask for less or for more instalments.",
            monthly=Money(monthly),
            capacity=Money(score.max_monthly_repayment),
        )
        refusals.add("instalments", message, "over_capacity")


def _hold(session: Session, member: Member, loan: Loan, request: _Request, refusals: _Refusals) -> None:
    """Pledge the iCAP note (amount + fee), use the deposit points, record the guarantees."""
    reference = reference_of(loan)
    if request.note_id is not None and "note" not in refusals.errors:
        try:
            icap.pledge_note(
                session,
                request.note_id,
                member,
                reference=reference,
                amount=loan.total,
                payee_code=icap.fund_payee_code(),
            )
        except (BadInput, Conflict, NotFound, NotAllowed) as exc:
            # icap's own message, under the form's field for the note.
            refusals.add("note", str(exc.message), exc.code or "note")
        else:
            loan.note_id = request.note_id
    if refusals.errors:
        # Refused already: nothing more is held (the savepoint is rolled back anyway).
        return
    if request.product.uses_points:
        deposits.use_points(session, member, loan.amount, reference=reference)
        loan.points_used = loan.amount
    for person in request.guarantors:
        session.add(LoanGuarantee(loan_id=loan.id, kind=GUARANTOR, member_id=person.id))
    if request.social is not None:
        session.add(
            LoanGuarantee(
                loan_id=loan.id,
                kind=SOCIAL,
                social_guarantee_id=request.social.id,
                leader_id=request.social.leader_id,
            )
        )


def request_loan(
    session: Session,
    member: Member,
    *,
    product: int | str,
    amount: int | None,
    instalments: int | None,
    key: str,
    introduction: int | None = None,
    note: int | None = None,
    guarantors: Iterable[str] = (),
    purpose: str = "",
) -> Loan:
    """The member asks for a loan; on any refusal nothing is written (not even the Merat score).

    Checks, each with a field message: the product (a code or an id) is open; the amount (rials)
    is in its range and within the introduction's; the instalments are in range and, for
    products using deposit points, no longer than the loan-to-deposit ratio allows
    (``deposits.max_term_for``); the member's Merat score (a valid one, else a new one) reaches the
    product's minimum and the monthly instalment fits its repayment capacity; the guarantees the
    product needs (``guarantors``: mobiles or national codes); the iCAP note (``note``, its id) is
    pledged to the loan for amount + fee. Once per ``key``: the same key returns the same request.
    Plugins following loans hear ``resalat_loan_requested``.
    """
    key = str(key or "").strip()
    if not key or len(key) > KEY_MAX:
        raise BadInput(_("A request needs a key of 1 to 200 characters."), code="bad_key")
    existing = session.scalar(select(Loan).where(Loan.member_id == member.id, Loan.request_key == key))
    if existing is not None:
        return existing
    if not module_active(plugin.name, member):
        raise NotAllowed(_("Qard al-Hasan loans are not offered in your region yet."), code="not_active")
    request, errors = _check_request(
        session,
        member,
        product=product,
        amount=amount,
        instalments=instalments,
        introduction=introduction,
        note=note,
        guarantors=guarantors,
        purpose=purpose,
    )
    refusals = _Refusals(errors)
    if request is None:
        refusals.raise_any()
    assert request is not None
    # Every rule is checked, and every refusal said together; on any, the savepoint is rolled
    # back, so nothing is kept (not even the Merat score or the pledge).
    with session.begin_nested():
        max_term = _term_within_points(session, member, request, refusals)
        loan = Loan(
            member_id=member.id,
            product_id=request.product.id,
            region_id=member.region_id,
            introduction_id=request.introduction.id if request.introduction is not None else None,
            request_key=key,
            amount=request.amount,
            fee_bps=request.product.fee_bps,
            fee=fee_for(request.amount, request.product.fee_bps),
            instalments=request.instalments,
            max_term=max_term,
            purpose=request.purpose,
            status=REQUESTED,
            bucket=CURRENT,
        )
        session.add(loan)
        session.flush()
        _score(session, member, loan, request.product, refusals)
        _hold(session, member, loan, request, refusals)
        refusals.raise_any()
        record_event(session, loan, REQUESTED, "", member)
        session.flush()
        region_hook("resalat_loan_requested", member)(loan=loan)
    notify(member, messages.REQUESTED(url=url_of(loan), loan=loan.id, amount=Money(loan.amount)))
    _tell_officers(session, loan)
    return loan


def release(session: Session, loan: Loan) -> None:
    """Give back what a request that ended without a loan (cancelled, rejected) held: the note
    (freed back to issued, so the member can pledge it to a new request without issuing, and
    paying stamp duty for, another) and the deposit points."""
    reference = reference_of(loan)
    if loan.note_id is not None:
        icap.free_note(session, reference=reference)
    if loan.points_used:
        deposits.release_points(session, reference=reference)


def cancel(session: Session, member: Member, loan_id: int) -> Loan:
    """The member withdraws their request before the decision; the note and points are released.

    Plugins following loans hear ``resalat_loan_cancelled``.
    """
    loan = own_loan(session, member, loan_id)
    if loan.status != REQUESTED:
        raise Conflict(_("Only a request still waiting for a decision can be cancelled."), code="not_open")
    with session.begin_nested():
        loan.status = CANCELLED
        release(session, loan)
        record_event(session, loan, CANCELLED, "", member)
        session.flush()
        region_hook("resalat_loan_cancelled", member)(loan=loan)
    notify(member, messages.CANCELLED(url=url_of(loan), loan=loan.id))
    return loan

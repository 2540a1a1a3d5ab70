"""What a request needs, said before it is sent: every requirement with the member's standing.

The request form shows this checklist as the member fills it in (and again on each change): the
Merat score and the monthly capacity against the instalment, the deposit points and the longest
term they allow, guarantors or a social guarantee, and the iCAP note needed (principal + fee),
each met or not with what to do next, and the exact schedule. It only reads: nothing here writes,
so showing it costs the member nothing (the score is estimated when there is no valid one, and
computed and kept only when the request is sent). The request itself checks the same rules in
``requests`` and refuses all the unmet ones together.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from resalat_deposits import services as deposits
from resalat_icap import services as icap
from resalat_merat import services as merat
from sqlalchemy import select
from sqlalchemy.orm import Session

from resalat_core.sdk import Member, Money, NotFound, _, find_member, utcnow
from resalat_loans.models import DISBURSED, REQUESTED, Loan, LoanProduct
from resalat_loans.services.products import MAX_INSTALMENTS
from resalat_loans.services.schedules import Run, fee_for, monthly_instalment, summary

# The requirements, in the order the member reads them.
INTRODUCTION = "introduction"
AMOUNT = "amount"
TERM = "instalments"
SCORE = "score"
CAPACITY = "capacity"
POINTS = "points"
GUARANTEE = "guarantors"
NOTE = "note"


@dataclass(frozen=True)
class Item:
    """One requirement: what it is, the member's standing, met or not (None: not known yet), what next."""

    key: str
    title: str
    standing: str
    met: bool | None
    todo: str = ""
    # A page where the member can do what is missing, and the words of its button.
    link: str = ""
    link_text: str = ""


@dataclass
class Standing:
    """The checklist of a request as filled in so far, and its exact instalments."""

    items: list[Item] = field(default_factory=list)
    amount: int | None = None
    fee: int | None = None
    instalments: int | None = None
    runs: list[Run] = field(default_factory=list)
    # The note the member must pledge: the principal plus the fee, in rials.
    note_amount: int | None = None

    @property
    def total(self) -> int | None:
        return None if self.amount is None or self.fee is None else self.amount + self.fee

    @property
    def ready(self) -> bool:
        """Every requirement is met: the request would pass."""
        return bool(self.items) and all(item.met for item in self.items)

    @property
    def unmet(self) -> list[Item]:
        return [item for item in self.items if item.met is False]


@dataclass(frozen=True)
class Score:
    """A Merat score as the checklist reads it: the valid one, or an estimate made now."""

    value: int
    rating: str
    capacity: int
    estimated: bool


def score_of(session: Session, member: Member) -> Score:
    """The member's valid Merat score, else an estimate from their signals now (nothing kept)."""
    found = merat.current_score(session, member)
    if found is not None:
        return Score(found.value, found.rating, found.max_monthly_repayment, False)
    profile = merat.profile_of(session, member)
    computed = merat.compute_for(session, member, profile, utcnow())
    return Score(computed.value, computed.rating, merat.capacity_for(computed.rating, profile), True)


def other_monthly(session: Session, member: Member, *, besides: int | None = None) -> int:
    """What the member's other open loans (waiting or being repaid) take each month, at most."""
    stmt = select(Loan.amount, Loan.fee, Loan.instalments).where(
        Loan.member_id == member.id, Loan.status.in_((REQUESTED, DISBURSED))
    )
    if besides is not None:
        stmt = stmt.where(Loan.id != besides)
    return sum(monthly_instalment(*row) for row in session.execute(stmt).all())


def _note_item(
    session: Session, member: Member, product: LoanProduct, total: int | None, note_id: int | None, links: Any
) -> Item:
    title = _("A promissory note (iCAP) for the loan and its fee")
    if total is None:
        return Item(NOTE, title, _("Enter the amount to see the note you need."), None)
    needed = _("You need an issued note of at least %(amount)s (the loan plus its fee).", amount=Money(total))
    issue = {
        "link": links.issue_note(total),
        "link_text": _("Issue a note of %(amount)s", amount=Money(total)),
    }
    note = None
    if note_id is not None:
        try:
            note = icap.get_note(session, note_id)
        except NotFound:
            note = None
    if note is None or note.issuer_id != member.id:
        usable = icap.usable_notes(session, member, total)
        if usable:
            return Item(NOTE, title, needed, False, _("Choose one of your notes below."))
        return Item(
            NOTE, title, needed, False, _("Issue a note of exactly this amount, then come back."), **issue
        )
    if note.status != "issued":
        todo = _("This note is already pledged or closed: choose another, or issue a new one.")
        return Item(NOTE, title, needed, False, todo, **issue)
    if note.amount < total:
        todo = _(
            "The chosen note is for %(face)s, less than %(amount)s: issue a note of the right amount.",
            face=Money(note.amount),
            amount=Money(total),
        )
        return Item(NOTE, title, needed, False, todo, **issue)
    if not note.all_signed:
        return Item(NOTE, title, needed, False, _("The chosen note waits for its guarantors' signatures."))
    return Item(NOTE, title, needed, True)


def _guarantee_item(
    session: Session, member: Member, product: LoanProduct, guarantors: Iterable[str], social: Any
) -> Item:
    need = product.guarantors_required
    title = (
        _("%(n)s guarantor members, or a social guarantee by a social leader", n=need)
        if product.social_guarantee_accepted
        else _("%(n)s guarantor members", n=need)
    )
    found, unknown = 0, []
    for text in sorted({str(x).strip() for x in guarantors if str(x).strip()}):
        person = find_member(session, text)
        if person is None or person.id == member.id:
            unknown.append(text)
        else:
            found += 1
    if unknown:
        standing = _("%(who)s is not a member who can be a guarantor.", who=", ".join(unknown))
        return Item(GUARANTEE, title, standing, False, _("Correct the guarantors' mobiles."))
    if found >= need:
        return Item(GUARANTEE, title, _("%(n)s guarantors named.", n=found), True)
    if social is not None:
        return Item(GUARANTEE, title, _("A social leader's social guarantee stands for you."), True)
    todo = _("Give the mobiles of %(n)s members who agree to be your guarantors.", n=need)
    if product.social_guarantee_accepted:
        todo = _(
            "Give the mobiles of %(n)s members who agree to be your guarantors, or ask your "
            "community's social leader for a social guarantee.",
            n=need,
        )
    return Item(GUARANTEE, title, _("%(n)s guarantors named.", n=found), False, todo)


def standing(
    session: Session,
    member: Member,
    *,
    product: LoanProduct | None,
    amount: int | None,
    instalments: int | None,
    introduction: Any = None,
    note: int | None = None,
    guarantors: Iterable[str] = (),
    social: Any = None,
    links: Any = None,
) -> Standing:
    """The checklist of a request with these values (each may still be missing), read only.

    ``links`` gives the pages where the member does what is missing (``issue_note(rials)``,
    ``merat``, ``deposits``, ``guarantees``); the pages pass their urls, the services none.
    """
    links = links or _NoLinks()
    result = Standing()
    if product is None:
        return result
    if introduction is not None and introduction.member_id != member.id:
        introduction = None
    if product.introduction_required:
        ok = introduction is not None
        result.items.append(
            Item(
                INTRODUCTION,
                _("A credit supporter's introduction"),
                _("Introduced for %(amount)s.", amount=Money(introduction.amount))
                if ok
                else _("No introduction chosen."),
                ok,
                "" if ok else _("This programme needs a credit supporter's introduction."),
            )
        )
    ceiling = product.amount_max if introduction is None else min(product.amount_max, introduction.amount)
    if amount is None:
        result.items.append(Item(AMOUNT, _("The amount"), _("Enter the amount."), None))
    else:
        ok = product.amount_min <= amount <= ceiling
        result.items.append(
            Item(
                AMOUNT,
                _("From %(low)s to %(high)s", low=Money(product.amount_min), high=Money(ceiling)),
                _("You ask for %(amount)s.", amount=Money(amount)),
                ok,
                "" if ok else _("Change the amount to fit."),
            )
        )
    longest = product.instalments_max
    if product.uses_points:
        available = deposits.points_of(session, member).available
        max_term = deposits.max_term_for(session, member, amount) if amount else None
        title = _("Qard al-Hasan deposit points for the amount")
        points_text = _("You have %(points)s of points.", points=Money(available))
        if amount is None:
            result.items.append(Item(POINTS, title, points_text, None))
        elif max_term is None:
            result.items.append(
                Item(
                    POINTS,
                    title,
                    points_text,
                    False,
                    _("Your points do not cover this amount: save more in your deposit, or ask for less."),
                    links.deposits,
                    _("My deposit"),
                )
            )
        else:
            longest = min(longest, max_term)
            standing_text = _(
                "%(points)s of points: this amount may be repaid in at most %(n)s months.",
                points=Money(available),
                n=max_term,
            )
            result.items.append(Item(POINTS, title, standing_text, True))
    term_title = _("From %(low)s to %(high)s monthly instalments", low=product.instalments_min, high=longest)
    if instalments is None:
        result.items.append(Item(TERM, term_title, _("Enter the number of instalments."), None))
    else:
        ok = product.instalments_min <= instalments <= longest
        result.items.append(
            Item(
                TERM,
                term_title,
                _("You ask for %(n)s instalments.", n=instalments),
                ok,
                "" if ok else _("Change the number of instalments to fit."),
            )
        )
    score = score_of(session, member)
    score_text = _(
        "Your Merat score is %(score)s (rating %(rating)s).",
        score=score.value,
        rating=merat.rating_name(score.rating),
    )
    if score.estimated:
        score_text = _(
            "Your Merat score would be %(score)s (rating %(rating)s) now; it is computed and kept "
            "when you send the request.",
            score=score.value,
            rating=merat.rating_name(score.rating),
        )
    ok = score.value >= product.min_score
    result.items.append(
        Item(
            SCORE,
            _("A Merat score of at least %(minimum)s", minimum=product.min_score),
            score_text,
            ok,
            ""
            if ok
            else _("Your score grows with repayments, deposits, sales and guarantees; see your report."),
            "" if ok else links.merat,
            "" if ok else _("My Merat report"),
        )
    )
    if amount is not None and amount > 0:
        result.amount, result.fee = amount, fee_for(amount, product.fee_bps)
    if (
        result.amount is not None
        and result.fee is not None
        and instalments is not None
        and 1 <= instalments <= MAX_INSTALMENTS
    ):
        result.instalments = instalments
        result.runs = summary(result.amount, result.fee, instalments)
        monthly = max(run.amount for run in result.runs)
        others = other_monthly(session, member)
        title = _("The monthly instalment within what Merat finds you can repay")
        if score.capacity <= 0:
            result.items.append(
                Item(
                    CAPACITY,
                    title,
                    _("Merat has no monthly repayment capacity for you yet."),
                    False,
                    _("Declare your monthly income and expenses on your Merat credit report."),
                    links.merat,
                    _("My Merat report"),
                )
            )
        else:
            ok = monthly + others <= score.capacity
            standing_text = _(
                "Up to %(monthly)s a month, with your other loans %(all)s, of the %(capacity)s "
                "you can repay.",
                monthly=Money(monthly),
                all=Money(monthly + others),
                capacity=Money(score.capacity),
            )
            result.items.append(
                Item(
                    CAPACITY,
                    title,
                    standing_text,
                    ok,
                    "" if ok else _("Ask for less, or for more instalments."),
                )
            )
    else:
        result.items.append(
            Item(
                CAPACITY,
                _("The monthly instalment within what Merat finds you can repay"),
                _("Merat finds you can repay %(capacity)s a month.", capacity=Money(score.capacity)),
                None,
            )
        )
    if product.guarantors_required:
        result.items.append(_guarantee_item(session, member, product, guarantors, social))
    if product.requires_note:
        result.note_amount = result.total
        result.items.append(_note_item(session, member, product, result.total, note, links))
    return result


class _NoLinks:
    """No pages (a script's or a test's checklist): the items still say what to do."""

    merat = ""
    deposits = ""

    def issue_note(self, rials: int) -> str:
        return ""

"""Claims: the insured files one on an active policy; the region's insurer approves, part-approves
or rejects it; the pool pays (a loan policy's claim repays the loan)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from resalat_loans import services as loans
from sqlalchemy import Select, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from resalat_core.sdk import (
    BadInput,
    Conflict,
    Digits,
    Member,
    Money,
    NotFound,
    _,
    area_of,
    audit,
    main_account,
    normalize_text,
    notify,
    system_account,
    transfer,
    utcnow,
)

from .. import ASSESS, PAYOUT, POOL, messages, setting
from ..models import (
    ACTIVE,
    APPROVED,
    PART_APPROVED,
    REASON_MAX,
    REJECTED,
    WAITING,
    Claim,
    ClaimFile,
    Policy,
)
from .policies import check_key, insured_sum, own_policy, today

DESCRIPTION_MIN = 10
DESCRIPTION_MAX = 2000
DECISIONS = ("approve", "part", "reject")


def claim_url(claim_id: int) -> str:
    from flask import has_request_context, url_for

    return url_for("bimeh.claim", claim_id=claim_id) if has_request_context() else f"/bimeh/claims/{claim_id}"


def paid_on_policy(session: Session, policy_id: int) -> int:
    return int(
        session.scalar(select(func.coalesce(func.sum(Claim.paid), 0)).where(Claim.policy_id == policy_id))
        or 0
    )


def may_claim(policy: Policy, day: date | None = None) -> str | None:
    """Why no claim may be filed on the policy now, or None when one may."""
    day = day or today()
    if policy.status != ACTIVE:
        return _("This policy has lapsed or ended: it covers nothing now.")
    if day < policy.starts_on:
        return _("This policy has not started yet: its cover begins on its first day.")
    if day >= policy.ends_on:
        return _("This policy has expired: its cover has ended.")
    return None


def file_claim(
    session: Session,
    member: Member,
    policy_id: int,
    *,
    key: Any,
    description: Any,
    loss_on: Any,
    amount: Any = None,
    files: list[Any] | Callable[[], list[Any]] | None = None,
) -> Claim:
    """File a claim (once per key). Refused, with nothing written: a policy that does not cover
    today, a loss day outside its cover or in the future, an amount above what it still insures."""
    clean = check_key(key)
    existing = session.scalar(select(Claim).where(Claim.member_id == member.id, Claim.file_key == clean))
    if existing is not None:
        return existing
    policy = own_policy(session, member, policy_id)
    why = may_claim(policy)
    if why:
        raise BadInput(why, code="not_covered")
    errors: dict[str, str] = {}
    text = normalize_text(str(description or "")).strip()
    if not DESCRIPTION_MIN <= len(text) <= DESCRIPTION_MAX:
        errors["description"] = _(
            "Describe the loss in %(low)s to %(high)s characters.",
            low=Digits(str(DESCRIPTION_MIN)),
            high=Digits(str(DESCRIPTION_MAX)),
        )
    if not isinstance(loss_on, date):
        errors["loss_on"] = _("Give the day of the loss.")
    elif loss_on > today():
        errors["loss_on"] = _("The day of the loss cannot be in the future.")
    elif not policy.covers_day(loss_on):
        errors["loss_on"] = _("The policy did not cover that day: the loss must fall within its cover.")
    covered = insured_sum(session, policy)
    left = covered if policy.product == "loan_life" else covered - paid_on_policy(session, policy.id)
    if policy.product == "loan_life":
        # The claim is the loan's remaining debt, whatever was typed.
        asked = left
        if asked <= 0:
            errors["amount"] = _("This loan has nothing left to repay.")
    else:
        asked = amount if isinstance(amount, int) and not isinstance(amount, bool) else 0
        if asked <= 0:
            errors["amount"] = _("Give the amount you claim.")
        elif asked > left:
            errors["amount"] = _(
                "The amount is above what the policy still insures (%(left)s).", left=Money(max(0, left))
            )
    chosen = [] if files is None or callable(files) else list(files)
    most = int(setting("max_photos"))
    if len(chosen) > most:
        errors["photos"] = _("Attach at most %(n)s photos or documents.", n=Digits(str(most)))
    if errors:
        raise BadInput(next(iter(errors.values())), fields=errors)
    if callable(files):
        # A page's uploads are stored only once the claim itself passed: a refused claim keeps
        # no photo.
        chosen = list(files())
    try:
        with session.begin_nested():
            claim = Claim(
                policy_id=policy.id,
                member_id=member.id,
                region_id=policy.region_id,
                file_key=clean,
                description=text,
                loss_on=loss_on,
                amount=asked,
                status=WAITING,
            )
            session.add(claim)
            session.flush()
            for stored in chosen:
                session.add(ClaimFile(claim_id=claim.id, file_id=stored.id))
            session.flush()
    except IntegrityError:
        found = session.scalar(select(Claim).where(Claim.member_id == member.id, Claim.file_key == clean))
        if found is None:
            raise
        return found
    return claim


def own_claim(session: Session, member: Member, claim_id: int) -> Claim:
    claim = session.get(Claim, claim_id)
    if claim is None or claim.member_id != member.id:
        raise NotFound(_("No such claim of yours."), code="unknown_claim")
    return claim


def assess_area(session: Session, insurer: Member) -> list[int] | None:
    """Where the insurer assesses (None: nationwide; [] nowhere)."""
    return area_of(session, insurer, ASSESS)


def may_assess(session: Session, insurer: Member, claim: Claim) -> bool:
    area = assess_area(session, insurer)
    return area is None or claim.region_id in area


def claim_for(session: Session, viewer: Member, claim_id: int) -> Claim:
    """The claim, for its member or an insurer of its region; NotFound for anyone else."""
    claim = session.get(Claim, claim_id)
    if claim is None or (claim.member_id != viewer.id and not may_assess(session, viewer, claim)):
        raise NotFound(_("No such claim."), code="unknown_claim")
    return claim


def claim_file(session: Session, viewer: Member, claim_id: int, file_id: int) -> Any:
    """A stored photo of the claim, for the claimant or an insurer of its region."""
    claim = claim_for(session, viewer, claim_id)
    link = session.scalar(
        select(ClaimFile).where(ClaimFile.claim_id == claim.id, ClaimFile.file_id == file_id)
    )
    if link is None:
        raise NotFound(_("No such photo."), code="unknown_file")
    return link


def queue_query(session: Session, insurer: Member, status: str = WAITING) -> Select[Any]:
    """The claims of the insurer's area with ``status``, the oldest first."""
    area = assess_area(session, insurer)
    stmt = select(Claim).options(selectinload(Claim.member)).where(Claim.status == status).order_by(Claim.id)
    if area is not None:
        stmt = stmt.where(Claim.region_id.in_(area))
    return stmt


def queue_count(session: Session, insurer: Member) -> int:
    area = assess_area(session, insurer)
    stmt = select(func.count(Claim.id)).where(Claim.status == WAITING)
    if area is not None:
        stmt = stmt.where(Claim.region_id.in_(area))
    return int(session.scalar(stmt) or 0)


def claims_of_policies(session: Session, policy_ids: list[int]) -> dict[int, list[Claim]]:
    out: dict[int, list[Claim]] = {i: [] for i in policy_ids}
    if policy_ids:
        for claim in session.scalars(
            select(Claim).where(Claim.policy_id.in_(policy_ids)).order_by(Claim.id.desc())
        ):
            out[claim.policy_id].append(claim)
    return out


def policy_claims_query(policy_id: int) -> Select[Any]:
    """A policy's claims, newest first (its page shows them a page at a time)."""
    return select(Claim).where(Claim.policy_id == policy_id).order_by(Claim.id.desc())


def claims_query(member: Member) -> Select[Any]:
    return select(Claim).where(Claim.member_id == member.id).order_by(Claim.id.desc())


def decide(
    session: Session,
    insurer: Member,
    claim_id: int,
    *,
    decision: Any,
    amount: Any = None,
    reason: Any = "",
) -> Claim:
    """The insurer's decision. Approve pays what was asked (a loan policy: the loan's remaining
    debt, which repays it); part-approve pays less; reject keeps the reason for the member.
    Once: a claim decided already is a Conflict. A pool that cannot pay refuses, nothing changes."""
    claim = session.get(Claim, claim_id)
    if claim is None or not may_assess(session, insurer, claim):
        raise NotFound(_("No such claim in your area."), code="unknown_claim")
    if claim.status != WAITING:
        raise Conflict(_("This claim is decided already."), code="already_decided")
    if decision not in DECISIONS:
        message = _("Choose to approve, part-approve or reject the claim.")
        raise BadInput(message, fields={"decision": message})
    policy = claim.policy
    is_loan = policy.product == "loan_life"
    text = normalize_text(str(reason or "")).strip()
    pay = 0
    if decision == "reject":
        if not 5 <= len(text) <= REASON_MAX:
            message = _("Write the reason the member will read, in 5 to 500 characters.")
            raise BadInput(message, fields={"reason": message})
    elif decision == "part":
        if is_loan:
            message = _("A loan's claim repays the whole loan or nothing: approve or reject it.")
            raise BadInput(message, fields={"decision": message})
        if not isinstance(amount, int) or isinstance(amount, bool) or not 0 < amount < claim.amount:
            message = _(
                "Give an amount above zero and below the %(amount)s asked.", amount=Money(claim.amount)
            )
            raise BadInput(message, fields={"amount": message})
        if len(text) > REASON_MAX:
            text = text[:REASON_MAX]
        pay = amount
    else:
        pay = insured_sum(session, policy) if is_loan else claim.amount
        if pay <= 0:
            raise Conflict(_("This loan has nothing left to repay."), code="nothing_to_pay")
    pool = system_account(session, POOL)
    if pay and pool.available < pay:
        raise BadInput(
            _(
                "The insurance pool holds %(balance)s and cannot pay %(amount)s now. Nothing was paid; "
                "an administrator must fill the pool first.",
                balance=Money(pool.available),
                amount=Money(pay),
            ),
            code="pool_short",
        )
    status = {"approve": APPROVED, "part": PART_APPROVED, "reject": REJECTED}[decision]
    with session.begin_nested():
        done: Any = session.execute(
            update(Claim)
            .where(Claim.id == claim.id, Claim.status == WAITING)
            .values(status=status, paid=pay, reason=text, decided_by_id=insurer.id, decided_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        if done.rowcount != 1:
            raise Conflict(_("This claim is decided already."), code="already_decided")
        session.refresh(claim)
        member = claim.member
        if pay:
            transfer(
                session,
                f"bimeh:claim:{claim.id}",
                pool,
                main_account(session, member),
                pay,
                PAYOUT,
                f"bimeh_claim:{claim.id}",
                params={"claim": Digits(str(claim.id)), "policy": Digits(str(policy.id))},
                actor=insurer,
            )
        if is_loan and pay and policy.loan_id:
            # The payout lands in the borrower's main account and repays every instalment left,
            # in the same transaction: the loan is repaid or nothing happened.
            loans.pay(session, member, policy.loan_id, key=f"bimeh:claim:{claim.id}:loan", everything=True)
        audit(
            session,
            {"approve": "bimeh.claim_approved", "part": "bimeh.claim_part_approved"}.get(
                decision, "bimeh.claim_rejected"
            ),
            subject=f"bimeh_claim:{claim.id}",
            region=claim.region_id,
            actor=insurer,
            before={"status": WAITING},
            after={"status": status, "paid": pay},
        )
    url = claim_url(claim.id)
    if decision == "reject":
        notify(claim.member, messages.CLAIM_REJECTED(claim=Digits(str(claim.id)), reason=text, url=url))
    elif is_loan:
        notify(
            claim.member,
            messages.CLAIM_LOAN_PAID(
                claim=Digits(str(claim.id)), amount=Money(pay), loan=Digits(str(policy.loan_id)), url=url
            ),
        )
    else:
        notify(claim.member, messages.CLAIM_PAID(claim=Digits(str(claim.id)), amount=Money(pay), url=url))
    return claim

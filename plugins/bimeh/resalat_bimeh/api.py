"""M-Bimeh's JSON API: products, quotes, buying, my policies and claims; the insurer's queue and decisions."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request

from resalat_core.sdk import (
    api_doc,
    db_session,
    dump,
    idempotent,
    load,
    login_required,
    me,
    paginate,
    permission_required,
    render,
)

from . import ASSESS, plugin, services
from .models import Claim, Policy
from .schemas import (
    ClaimRequestSchema,
    ClaimSchema,
    DecisionSchema,
    OfferSchema,
    PayPremiumSchema,
    PolicyDetailSchema,
    PolicySchema,
    PremiumSchema,
    ProductSchema,
    QueueClaimSchema,
    QuoteRequestSchema,
    QuoteSchema,
)

bp = Blueprint(f"{plugin.name}_api", __name__, url_prefix=f"/api/v1/{plugin.name}")


# A policy's newest claims its detail shows; the member's claims, a page at a time, are /claims.
CLAIMS_SHOWN = 20


def _key() -> str:
    return request.headers["Idempotency-Key"].strip()


def _product(p: services.Product) -> dict[str, Any]:
    rule = p.rule
    return {
        "code": p.code,
        "name": render(p.words.name),
        "description": render(p.words.description),
        "terms": [render(t) for t in p.words.terms],
        "exclusions": [render(t) for t in p.words.exclusions],
        "rule": rule["rule"],
        "bps": int(rule["bps"]),
        "term_months": p.term_months,
        "min_premium": int(rule.get("min_premium", 0)),
        "sums": [int(s) for s in rule.get("sums", [])],
        "head_value": int(rule["head_value"]) if "head_value" in rule else None,
        "family": bool(rule.get("family", False)),
    }


def _policy(policy: Policy, sums: dict[int, int]) -> dict[str, Any]:
    return {
        "id": policy.id,
        "product": policy.product,
        "status": services.status_now(policy),
        "insured_sum_rials": sums.get(policy.id, policy.insured_sum),
        "premium": policy.premium,
        "instalments": policy.instalments,
        "starts_on": policy.starts_on,
        "ends_on": policy.ends_on,
        "loan_id": policy.loan_id,
        "order_id": policy.order_id,
        "core_id": policy.core_id,
        "heads": policy.heads,
        "renews_id": policy.renews_id,
        "created_at": policy.created_at,
    }


def _claim(claim: Claim, photos: int) -> dict[str, Any]:
    return {
        "id": claim.id,
        "policy_id": claim.policy_id,
        "policy": claim.policy,
        "status": claim.status,
        "description": claim.description,
        "loss_on": claim.loss_on,
        "amount": claim.amount,
        "paid": claim.paid,
        "reason": claim.reason,
        "photos": photos,
        "created_at": claim.created_at,
        "decided_at": claim.decided_at,
        "member_id": claim.member_id,
        "member": claim.member,
        "region_id": claim.region_id,
    }


@bp.get("/products")
@api_doc(
    summary="The insurance products, their price rules, terms and exclusions",
    response=ProductSchema,
    many=True,
)
@login_required
def products() -> Any:
    return dump(ProductSchema, [_product(p) for p in services.products()], many=True)


@bp.post("/quote")
@api_doc(
    summary="A quote: the insured sum, premium, instalments and term; nothing is kept",
    body=QuoteRequestSchema,
    response=QuoteSchema,
)
@login_required
def quote() -> Any:
    data = load(QuoteRequestSchema)
    q = services.quote(db_session(), me(), data.pop("product"), **data)
    return dump(QuoteSchema, _quote(q))


def _quote(q: services.Quote) -> dict[str, Any]:
    return {
        "product": q.product,
        "insured_sum_rials": q.insured_sum,
        "premium_rials": q.premium,
        "term_months": q.term_months,
        "starts_on": q.starts_on,
        "ends_on": q.ends_on,
        "instalments": [{"seq": s, "due_on": d, "amount_rials": a} for s, d, a in q.plan],
        "people": [{"member_id": m, "name": n, "relation": r} for m, n, r in q.people],
        "offer_id": q.offer_id,
        "loan_id": q.loan_id,
        "order_id": q.order_id,
        "core_id": q.core_id,
        "heads": q.heads,
    }


@bp.post("/policies")
@api_doc(
    summary="Buy the quoted policy; its first payment leaves my main account",
    body=QuoteRequestSchema,
    response=PolicySchema,
    status=201,
)
@login_required
@idempotent
def buy() -> Any:
    """Once per Idempotency-Key. Too little in the main account is a 400 (insufficient_funds)."""
    data = load(QuoteRequestSchema)
    session = db_session()
    policy = services.buy(session, me(), key=_key(), product=data.pop("product"), **data)
    session.commit()
    return dump(PolicySchema, _policy(policy, services.insured_sums(session, [policy]))), 201


@bp.get("/policies")
@api_doc(
    summary="My policies, newest first (a loan policy's sum read live)", response=PolicySchema, paginated=True
)
@login_required
def policies() -> Any:
    session = db_session()
    page = paginate(session, services.policies_query(me()))
    sums = services.insured_sums(session, list(page.items))
    return {
        "items": dump(PolicySchema, [_policy(p, sums) for p in page.items], many=True),
        "meta": page.meta(),
    }


@bp.get("/policies/<int:policy_id>")
@api_doc(
    summary="One of my policies, with its people, instalments and newest claims (all of them: /claims)",
    response=PolicyDetailSchema,
)
@login_required
def policy(policy_id: int) -> Any:
    session = db_session()
    found = services.own_policy(session, me(), policy_id)
    data = _policy(found, services.insured_sums(session, [found]))
    data["people"] = [
        {"member_id": p.member_id, "name": p.name, "relation": p.relation} for p in found.people
    ]
    data["premiums"] = services.premiums_of(session, [found.id])[found.id]
    newest = session.scalars(services.policy_claims_query(found.id).limit(CLAIMS_SHOWN))
    data["claims"] = [_claim(c, 0) for c in newest]
    return dump(PolicyDetailSchema, data)


@bp.post("/policies/<int:policy_id>/pay")
@api_doc(
    summary="Pay my policy's next instalment from my main account",
    body=PayPremiumSchema,
    response=PremiumSchema,
)
@login_required
@idempotent
def pay(policy_id: int) -> Any:
    data = load(PayPremiumSchema)
    session = db_session()
    item = services.pay_premium(session, me(), policy_id, data.get("seq"))
    session.commit()
    return dump(PremiumSchema, item)


@bp.post("/policies/<int:policy_id>/claims")
@api_doc(
    summary="File a claim on my active policy, with photo tokens",
    body=ClaimRequestSchema,
    response=ClaimSchema,
    status=201,
)
@login_required
@idempotent
def file_claim(policy_id: int) -> Any:
    """Refused with nothing kept: a lapsed, expired or not yet started policy, a loss day outside
    its cover, an amount above what it still insures, a photo token that is not mine."""
    data = load(ClaimRequestSchema)
    session = db_session()
    member = me()
    files = services.owned_uploads(session, member, data["photos"])
    claim = services.file_claim(
        session,
        member,
        policy_id,
        key=_key(),
        description=data["description"],
        loss_on=data["loss_on"],
        amount=data.get("amount"),
        files=files,
    )
    session.commit()
    return dump(ClaimSchema, _claim(claim, len(files))), 201


@bp.get("/claims")
@api_doc(summary="My claims, newest first", response=ClaimSchema, paginated=True)
@login_required
def claims() -> Any:
    session = db_session()
    page = paginate(session, services.claims_query(me()))
    counts = services.photo_counts(session, [c.id for c in page.items])
    return {
        "items": dump(ClaimSchema, [_claim(c, counts.get(c.id, 0)) for c in page.items], many=True),
        "meta": page.meta(),
    }


@bp.get("/claims/<int:claim_id>")
@api_doc(summary="A claim: mine, or one of my area's as its insurer", response=ClaimSchema)
@login_required
def claim(claim_id: int) -> Any:
    session = db_session()
    found = services.claim_for(session, me(), claim_id)
    return dump(ClaimSchema, _claim(found, services.photo_counts(session, [found.id]).get(found.id, 0)))


@bp.get("/queue")
@api_doc(
    summary="The claims of my area, the oldest first (insurers)",
    response=QueueClaimSchema,
    paginated=True,
    query={"status": "waiting (default), approved, part_approved or rejected"},
)
@permission_required(ASSESS)
def queue() -> Any:
    session = db_session()
    status = request.args.get("status", "waiting")
    if status not in services.CLAIM_STATUS_LABELS:
        status = "waiting"
    page = paginate(session, services.queue_query(session, me(), status))
    counts = services.photo_counts(session, [c.id for c in page.items])
    return {
        "items": dump(QueueClaimSchema, [_claim(c, counts.get(c.id, 0)) for c in page.items], many=True),
        "meta": page.meta(),
    }


@bp.post("/claims/<int:claim_id>/decision")
@api_doc(
    summary="Decide a claim of my area: approve, part-approve or reject",
    body=DecisionSchema,
    response=ClaimSchema,
)
@permission_required(ASSESS)
@idempotent
def decision(claim_id: int) -> Any:
    """Approving pays from the pool into the member's main account (a loan policy's claim repays
    the loan). A claim decided already is a 409; a pool that cannot pay is a 400 (pool_short)."""
    data = load(DecisionSchema)
    session = db_session()
    found = services.decide(
        session, me(), claim_id, decision=data["decision"], amount=data.get("amount"), reason=data["reason"]
    )
    session.commit()
    return dump(ClaimSchema, _claim(found, services.photo_counts(session, [found.id]).get(found.id, 0)))


@bp.get("/offers")
@api_doc(summary="Insurance offered to me and still open", response=OfferSchema, many=True)
@login_required
def offers() -> Any:
    return dump(OfferSchema, services.open_offers(db_session(), me()), many=True)


@bp.post("/offers/<int:offer_id>/decline")
@api_doc(summary="Decline an offer made to me", response=OfferSchema)
@login_required
def decline(offer_id: int) -> Any:
    session = db_session()
    offer = services.decline_offer(session, me(), offer_id)
    session.commit()
    return dump(OfferSchema, offer)

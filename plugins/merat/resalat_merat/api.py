"""The Merat JSON API: my score and its history, recomputing it, my profile; staff look-ups."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from resalat_core.sdk import (
    Member,
    NotFound,
    _,
    api_doc,
    db_session,
    dump,
    load,
    login_required,
    me,
    page_args,
    permission_required,
    utcnow,
)
from resalat_merat import services
from resalat_merat.models import FinancialProfile, FinancialProfileChange, Score, ScoringRequest
from resalat_merat.schemas import (
    LookupBodySchema,
    ProfileBodySchema,
    ProfileSchema,
    RequestSchema,
    ScoreSchema,
)

bp = Blueprint("merat_api", __name__, url_prefix="/api/v1/merat")


def _person(m: Member | None) -> dict[str, Any] | None:
    return None if m is None else {"id": m.id, "name": m.name}


def _score(s: Score) -> dict[str, Any]:
    return {
        "id": s.id,
        "member": _person(s.member),
        "value": s.value,
        "rating": s.rating,
        "max_monthly_repayment_rials": s.max_monthly_repayment,
        "base": s.base,
        "reason": s.reason,
        "valid": s.is_valid_at(utcnow()),
        "computed_at": s.computed_at,
        "valid_until": s.valid_until,
        "lines": [
            {
                "source": line.source,
                "kind": line.kind,
                "value": line.value,
                "weight": line.weight,
                "points": line.points,
                "description": line.description,
            }
            for line in s.lines
        ],
    }


def _request(r: ScoringRequest) -> dict[str, Any]:
    return {
        "id": r.id,
        "reason": r.reason,
        "reference": r.reference,
        "requested_by": _person(r.requested_by),
        "score_id": r.score_id,
        "created_at": r.created_at,
    }


def _profile(p: FinancialProfile | None) -> dict[str, Any]:
    if p is None:
        return {"monthly_income_rials": 0, "monthly_expenses_rials": 0, "note": "", "updated_at": None}
    return {
        "monthly_income_rials": p.monthly_income,
        "monthly_expenses_rials": p.monthly_expenses,
        "note": p.note,
        "updated_at": p.updated_at,
    }


def _change(c: FinancialProfileChange) -> dict[str, Any]:
    return {
        "monthly_income_rials": c.monthly_income,
        "monthly_expenses_rials": c.monthly_expenses,
        "note": c.note,
        "updated_at": c.created_at,
    }


def _listed(page: Any, shape: Any, schema: Any) -> dict[str, Any]:
    return {"items": dump(schema, [shape(x) for x in page.items], many=True), "meta": page.meta()}


# --- mine --------------------------------------------------------------------------------------


@bp.get("/me/score")
@api_doc(summary="My newest credit score with every signal (404 before the first)", response=ScoreSchema)
@login_required
def my_score() -> Any:
    """The newest score, valid or not (see `valid`); recompute it with POST."""
    score = services.newest_score(db_session(), me())
    if score is None:
        raise NotFound(_("No credit score has been computed yet."), code="not_scored")
    return dump(ScoreSchema, _score(score))


@bp.post("/me/score")
@api_doc(summary="Compute my credit score now", response=ScoreSchema, status=201)
@login_required
def recompute() -> Any:
    """Collects every signal active in my region and keeps the result in my history."""
    session = db_session()
    score = services.score_member(session, me(), requested_by=me(), reason=services.ON_DEMAND)
    session.commit()
    return dump(ScoreSchema, _score(score)), 201


@bp.get("/me/scores")
@api_doc(summary="My score history, newest first", response=ScoreSchema, paginated=True)
@login_required
def my_scores() -> Any:
    page, per_page = page_args()
    return _listed(services.scores_of(db_session(), me(), page, per_page), _score, ScoreSchema)


@bp.get("/me/requests")
@api_doc(summary="Who asked for my score, and why, newest first", response=RequestSchema, paginated=True)
@login_required
def my_requests() -> Any:
    page, per_page = page_args()
    return _listed(services.requests_of(db_session(), me(), page, per_page), _request, RequestSchema)


@bp.get("/me/profile")
@api_doc(summary="My declared monthly income and expenses", response=ProfileSchema)
@login_required
def my_profile() -> Any:
    return dump(ProfileSchema, _profile(services.profile_of(db_session(), me())))


@bp.put("/me/profile")
@api_doc(summary="Declare my monthly income and expenses", body=ProfileBodySchema, response=ProfileSchema)
@login_required
def put_profile() -> Any:
    """Amounts in rials, 0 or more; the old version is kept in the profile's history."""
    data = load(ProfileBodySchema)
    session = db_session()
    profile = services.save_profile(session, me(), **data)
    session.commit()
    return dump(ProfileSchema, _profile(profile))


@bp.get("/me/profile/changes")
@api_doc(summary="Every version of my declared profile, newest first", response=ProfileSchema, paginated=True)
@login_required
def my_profile_changes() -> Any:
    page, per_page = page_args()
    result = services.profile_changes(db_session(), me(), page, per_page)
    return _listed(result, _change, ProfileSchema)


# --- staff -------------------------------------------------------------------------------------


@bp.post("/lookups")
@api_doc(
    summary="A credit officer looks a member up (recorded as a scoring request)",
    body=LookupBodySchema,
    response=ScoreSchema,
)
@permission_required(services.VIEW_REPORTS)
def lookup() -> Any:
    """The member's current score, or a new one when none is valid (or `recompute` is true); only
    for members in a region where the caller may see credit reports (403 elsewhere)."""
    data = load(LookupBodySchema)
    session = db_session()
    score = services.staff_lookup(session, me(), data["member"], recompute=data["recompute"])
    session.commit()
    return dump(ScoreSchema, _score(score))

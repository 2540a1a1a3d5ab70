"""The leaders JSON API: introductions, social guarantees (sign, revoke, list) and the community's cores."""

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
    page_args,
    paginate,
    permission_required,
)
from resalat_leaders import services
from resalat_leaders.schemas import (
    CoreQuerySchema,
    CoreSchema,
    GuaranteeInSchema,
    GuaranteeQuerySchema,
    GuaranteeSchema,
    IntroductionQuerySchema,
    RevokeInSchema,
    StatusInSchema,
    TalentInSchema,
    TalentSchema,
    TradeInSchema,
    TradeSchema,
)
from resalat_leaders.signing import sign_as_typed

bp = Blueprint("leaders_api", __name__, url_prefix="/api/v1/leaders")
TAGS = ["leaders"]


def _listing(schema: Any, session: Any, stmt: Any) -> dict[str, Any]:
    page, per_page = page_args()
    result = paginate(session, stmt, page, per_page)
    return {"items": dump(schema, result.items, many=True), "meta": result.meta()}


# --- introductions -----------------------------------------------------------------------------


@bp.get("/talents")
@api_doc(
    summary="Talented members introduced in my community",
    tags=TAGS,
    response=TalentSchema,
    paginated=True,
    query={"status": "new, followed_up or closed"},
)
@permission_required(services.INTRODUCE)
def list_talents() -> Any:
    args = load(IntroductionQuerySchema, request.args.to_dict())
    session = db_session()
    area = services.community_of(session, me())
    return _listing(TalentSchema, session, services.talents_query(area, status=args["status"]))


@bp.post("/talents")
@api_doc(
    summary="Introduce a talented member of my community",
    tags=TAGS,
    body=TalentInSchema,
    response=TalentSchema,
    status=201,
)
@permission_required(services.INTRODUCE)
def create_talent() -> Any:
    """The member must live in the leader's community; every bad field is named at once."""
    data = load(TalentInSchema)
    session = db_session()
    intro = services.introduce_talent(session, me(), **data)
    session.commit()
    return dump(TalentSchema, intro), 201


@bp.post("/talents/<int:talent_id>/status")
@api_doc(
    summary="Follow up or close a talent introduction", tags=TAGS, body=StatusInSchema, response=TalentSchema
)
@permission_required(services.INTRODUCE)
def talent_status(talent_id: int) -> Any:
    """Status moves forward only: new, followed_up, closed."""
    data = load(StatusInSchema)
    session = db_session()
    intro = services.set_talent_status(session, me(), talent_id, data["status"])
    session.commit()
    return dump(TalentSchema, intro)


@bp.get("/trades")
@api_doc(
    summary="Rooted local trades introduced in my community",
    tags=TAGS,
    response=TradeSchema,
    paginated=True,
    query={"status": "new, followed_up or closed", "q": "part of the name, in any spelling"},
)
@permission_required(services.INTRODUCE)
def list_trades() -> Any:
    args = load(IntroductionQuerySchema, request.args.to_dict())
    session = db_session()
    area = services.community_of(session, me())
    return _listing(TradeSchema, session, services.trades_query(area, status=args["status"], q=args["q"]))


@bp.post("/trades")
@api_doc(
    summary="Introduce a rooted local trade", tags=TAGS, body=TradeInSchema, response=TradeSchema, status=201
)
@permission_required(services.INTRODUCE)
def create_trade() -> Any:
    """The place (a region code) must be in the leader's community."""
    data = load(TradeInSchema)
    session = db_session()
    trade = services.introduce_trade(session, me(), **data)
    session.commit()
    return dump(TradeSchema, trade), 201


@bp.post("/trades/<int:trade_id>/status")
@api_doc(
    summary="Follow up or close a trade introduction", tags=TAGS, body=StatusInSchema, response=TradeSchema
)
@permission_required(services.INTRODUCE)
def trade_status(trade_id: int) -> Any:
    data = load(StatusInSchema)
    session = db_session()
    trade = services.set_trade_status(session, me(), trade_id, data["status"])
    session.commit()
    return dump(TradeSchema, trade)


# --- social guarantees -------------------------------------------------------------------------


@bp.get("/guarantees")
@api_doc(
    summary="Social guarantees I signed (and, for an admin, those of my region)",
    tags=TAGS,
    response=GuaranteeSchema,
    paginated=True,
    query={"status": "active, expired or revoked"},
)
@permission_required(services.GUARANTEE)
def list_guarantees() -> Any:
    args = load(GuaranteeQuerySchema, request.args.to_dict())
    session = db_session()
    return _listing(GuaranteeSchema, session, services.signed_query(session, me(), state=args["status"]))


@bp.post("/guarantees")
@api_doc(
    summary="Sign a social guarantee for a member of my community",
    tags=TAGS,
    body=GuaranteeInSchema,
    response=GuaranteeSchema,
    status=201,
)
@permission_required(services.GUARANTEE)
@idempotent
def sign() -> Any:
    """Signed with the leader's own password (field ``password``), throttled like sign-in.

    Refused with 400 and nothing stored when: the member is outside the leader's community or is
    the leader; the cap (tomans) is not a positive number; the last day has passed; the sum of the
    leader's active guarantees would pass their limit (code ``over_leader_cap``); or the password is
    wrong (code ``bad_signature``). Send an ``Idempotency-Key``: a repeat never signs twice.
    """
    data = load(GuaranteeInSchema)
    session = db_session()
    # A wrong password is refused with keep_changes: the host's error handling commits it, so it
    # counts towards the throttle.
    guarantee = sign_as_typed(session, me(), data)
    session.commit()
    return dump(GuaranteeSchema, guarantee), 201


@bp.get("/guarantees/mine")
@api_doc(
    summary="Social guarantees leaders signed for me", tags=TAGS, response=GuaranteeSchema, paginated=True
)
@login_required
def my_guarantees() -> Any:
    """Read only: a member sees what leaders vouch for them, and the state of each."""
    args = load(GuaranteeQuerySchema, request.args.to_dict())
    return _listing(GuaranteeSchema, db_session(), services.about_query(me(), state=args["status"]))


@bp.get("/guarantees/<int:guarantee_id>")
@api_doc(summary="One social guarantee", tags=TAGS, response=GuaranteeSchema)
@login_required
def show_guarantee(guarantee_id: int) -> Any:
    """Its leader, the member it is about and admins of the member's region see it; 404 for others."""
    return dump(GuaranteeSchema, services.get_guarantee(db_session(), me(), guarantee_id))


@bp.post("/guarantees/<int:guarantee_id>/revoke")
@api_doc(
    summary="Revoke a social guarantee I signed", tags=TAGS, body=RevokeInSchema, response=GuaranteeSchema
)
@permission_required(services.GUARANTEE)
def revoke_guarantee(guarantee_id: int) -> Any:
    """Only its leader (or an admin of the member's region); the reason is required, the member reads it."""
    data = load(RevokeInSchema)
    session = db_session()
    guarantee = services.revoke_guarantee(session, me(), guarantee_id, reason=data["reason"])
    session.commit()
    return dump(GuaranteeSchema, guarantee)


# --- the community's cores ---------------------------------------------------------------------


@bp.get("/community/cores")
@api_doc(
    summary="The cores of my community, with their core IDs and leaders",
    tags=TAGS,
    response=CoreSchema,
    paginated=True,
    query={"field": "a field code", "status": "candidate, active or suspended", "q": "part of the name"},
)
@permission_required(services.INTRODUCE)
def community_cores() -> Any:
    args = load(CoreQuerySchema, request.args.to_dict())
    session = db_session()
    return _listing(CoreSchema, session, services.community_cores(session, me(), **args))

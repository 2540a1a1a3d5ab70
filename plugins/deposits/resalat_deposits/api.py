"""The deposits JSON API: my deposit and points, deposit, withdraw, give points, the term for an amount."""

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
)
from resalat_deposits import services
from resalat_deposits.models import PointsMovement
from resalat_deposits.schemas import (
    AmountInSchema,
    GiveInSchema,
    MovementSchema,
    MoveSchema,
    MyDepositSchema,
    TermQuerySchema,
    TermSchema,
)

bp = Blueprint("deposits_api", __name__, url_prefix="/api/v1/deposits")
TAGS = ["deposits"]


def _key() -> str:
    return (request.headers.get("Idempotency-Key") or "").strip()


@bp.get("/mine")
@api_doc(summary="My Qard al-Hasan deposit: balance, average and points", tags=TAGS, response=MyDepositSchema)
@login_required
def mine() -> Any:
    session = db_session()
    member = me()
    return dump(
        MyDepositSchema,
        {
            "balance": services.balance_of(session, member),
            "main_balance": services.main_balance(session, member),
            "points": services.points_of(session, member),
        },
    )


def _move(act: Any) -> Any:
    data = load(AmountInSchema)
    session = db_session()
    member = me()
    transfer = act(session, member, data["amount"], key=_key())
    session.commit()
    return dump(
        MoveSchema,
        {
            "transfer_id": transfer.id,
            "amount": transfer.amount,
            "balance": services.balance_of(session, member),
        },
    ), 201


@bp.post("/deposit")
@api_doc(
    summary="Deposit from my main account",
    tags=TAGS,
    body=AmountInSchema,
    response=MoveSchema,
    status=201,
    idempotent=True,
)
@login_required
@idempotent
def deposit() -> Any:
    """Refused with 400 (code ``insufficient_funds``) and nothing moved when the main account holds less."""
    return _move(services.deposit)


@bp.post("/withdraw")
@api_doc(
    summary="Withdraw to my main account",
    tags=TAGS,
    body=AmountInSchema,
    response=MoveSchema,
    status=201,
    idempotent=True,
)
@login_required
@idempotent
def withdraw() -> Any:
    """Refused with 400 (code ``insufficient_funds``) and nothing moved when the deposit holds less."""
    return _move(services.withdraw)


@bp.get("/points/history")
@api_doc(summary="My points movements, newest first", tags=TAGS, response=MovementSchema, paginated=True)
@login_required
def history() -> Any:
    session = db_session()
    page, per_page = page_args()
    result = paginate(session, services.history_query(me()), page, per_page)
    return {"items": dump(MovementSchema, result.items, many=True), "meta": result.meta()}


@bp.post("/points/give")
@api_doc(
    summary="Give points to a first-degree relative",
    tags=TAGS,
    body=GiveInSchema,
    response=MovementSchema,
    status=201,
    idempotent=True,
)
@login_required
@idempotent
def give() -> Any:
    """Spouse, father, mother or child, named by mobile AND national code; signed with ``password``.

    Refused with 400 and nothing stored when a field is wrong, the relative is oneself, more points
    than available are asked (code ``not_enough_points``) or the password is wrong (code
    ``bad_signature``, throttled like sign-in).
    """
    data = load(GiveInSchema)
    session = db_session()
    # A wrong signature is refused and still counted: the host commits what the refusal keeps.
    movement = services.give_points(session, me(), key=_key(), **data)
    session.commit()
    movement = session.scalars(services.history_query(me()).where(PointsMovement.id == movement.id)).one()
    return dump(MovementSchema, movement), 201


@bp.get("/term")
@api_doc(
    summary="The longest term for a loan of an amount",
    tags=TAGS,
    response=TermSchema,
    query={"amount": "the loan, rials"},
)
@login_required
def term() -> Any:
    args = load(TermQuerySchema, request.args.to_dict())
    session = db_session()
    available = services.points_of(session, me()).available
    return dump(
        TermSchema,
        {
            "amount": args["amount"],
            "available": available,
            "max_term_months": services.term_for_points(available, args["amount"]),
        },
    )

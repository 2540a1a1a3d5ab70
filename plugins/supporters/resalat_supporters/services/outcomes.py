"""What came of an introduction: it follows the loan the member asked for, step by step.

The loans plugin tells, through its events, what happens to a loan; this plugin moves its own
introduction to match (scored, requested, approved and disbursed, or rejected). A request the
member cancels gives the introduction back: it is open for a new request, never used up. Where the loans
plugin is not installed, an operator records the bank's answer by hand (``mark_introduction``).
Each step is kept in the introduction's history and told to the member and the supporter.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from resalat_core.sdk import (
    Member,
    MessageKind,
    NavItem,
    Words,
    _,
    _l,
    lazy_pgettext,
    notify,
    region_hook,
    utcnow,
)
from resalat_supporters import messages
from resalat_supporters.models import (
    APPROVED,
    DISBURSED,
    INTRODUCED,
    NOTE_MAX,
    REJECTED,
    REQUESTED,
    SCORED,
    Introduction,
)
from resalat_supporters.services.checks import read_text, refusal
from resalat_supporters.services.introductions import (
    LOAN_STATUSES,
    get_introduction,
    may_move,
    move,
    record,
    url_of,
)

TOLD = {
    SCORED: messages.SCORED,
    REQUESTED: messages.REQUESTED,
    APPROVED: messages.APPROVED,
    REJECTED: messages.REJECTED,
    DISBURSED: messages.DISBURSED,
}
# The statuses of the loans plugin's loans that this plugin reads (it does not import that plugin).
LOAN_DISBURSED = "disbursed"
LOAN_REJECTED = "rejected"


def _tell(introduction: Introduction, status: str, note: str, params: dict[str, Any]) -> None:
    """Tell the member and the supporter of the step (a rejection with its reason)."""
    kind: MessageKind = TOLD[status]
    extra: dict[str, Any] = {}
    if params.get("cancelled"):
        # Never "loan rejected": the member withdrew the request, and the introduction is open again.
        kind = messages.CANCELLED
    elif status == REJECTED:
        extra["reason"] = note or Words(_l("No reason was given."))
    for person in (introduction.member, introduction.supporter):
        notify(
            person,
            kind(
                url=url_of(introduction),
                member=introduction.member.name,
                core=introduction.core.name,
                **extra,
            ),
        )


def _advance(
    session: Session,
    introduction: Introduction,
    status: str,
    *,
    note: str = "",
    params: dict[str, Any] | None = None,
    actor: Member | None = None,
) -> Introduction:
    move(session, introduction, status, note=note, params=params, actor=actor)
    _tell(introduction, status, note, params or {})
    return introduction


def mark_introduction(
    session: Session,
    introduction: Introduction,
    status: str,
    *,
    note: str = "",
    actor: Member | None = None,
) -> Introduction:
    """Record by hand a step of the introduction's loan: scored, requested, approved, rejected or disbursed.

    For an operator recording the bank's answer where the loans plugin does not tell it. Only the
    loan statuses may be set here (the member answers and the supporter withdraws through their
    own functions); BadInput for any other status or a note that is too long; Conflict when the
    introduction cannot go there from where it is (see ``TRANSITIONS``).
    """
    errors: dict[str, Any] = {}
    if status not in LOAN_STATUSES:
        errors["status"] = _("Choose one of: %(statuses)s.", statuses=", ".join(LOAN_STATUSES))
    text = read_text(note, "note", NOTE_MAX, errors, required=False)
    if errors:
        raise refusal(errors)
    return _advance(session, introduction, status, note=text, actor=actor)


# --- the loan's events -------------------------------------------------------------------------


def _introduction_of(session: Session, loan: Any) -> Introduction | None:
    """The introduction the loan came from, if any (the loan names it by ``introduction_id``)."""
    introduction_id = getattr(loan, "introduction_id", None)
    if introduction_id is None:
        return None
    return get_introduction(session, int(introduction_id))


def _follow(
    session: Session,
    introduction: Introduction,
    status: str,
    *,
    note: str = "",
    params: dict[str, Any],
    actor: Member | None = None,
) -> None:
    # A step the introduction cannot take (it was already moved by hand) is left out: the
    # introduction is the supporter's record, never a reason to refuse the loan.
    if may_move(introduction, status):
        _advance(session, introduction, status, note=note[:NOTE_MAX], params=params, actor=actor)


def loan_requested(session: Session, loan: Any) -> Introduction | None:
    """The member asked for a loan from their introduction: it is credit-scored, then requested.

    ``loan`` has ``id``, ``introduction_id`` and the Merat score it was asked with
    (``score_value``, ``score_rating``). Scoring is recorded only for an introduction not yet
    scored (a Merat result lasts 12 months).
    """
    introduction = _introduction_of(session, loan)
    if introduction is None:
        return None
    if introduction.status == INTRODUCED and getattr(loan, "score_value", None) is not None:
        score = {"score": int(loan.score_value), "rating": str(loan.score_rating or "")}
        _follow(session, introduction, SCORED, params=score)
    _follow(session, introduction, REQUESTED, params={"loan": int(loan.id)})
    return introduction


def loan_decided(session: Session, loan: Any) -> Introduction | None:
    """The credit officer decided: approved (and so at once paid out) or rejected with a reason.

    ``loan.status`` is ``"disbursed"`` or ``"rejected"``; ``loan.reason`` the officer's words;
    ``loan.decided_by`` the officer.
    """
    introduction = _introduction_of(session, loan)
    if introduction is None:
        return None
    officer = getattr(loan, "decided_by", None)
    params = {"loan": int(loan.id)}
    if loan.status == LOAN_DISBURSED:
        _follow(session, introduction, APPROVED, params=params, actor=officer)
        _follow(session, introduction, DISBURSED, params=params, actor=officer)
    elif loan.status == LOAN_REJECTED:
        _follow(session, introduction, REJECTED, note=str(loan.reason or ""), params=params, actor=officer)
    return introduction


def loan_cancelled(session: Session, loan: Any) -> Introduction | None:
    """The member cancelled their request before the decision: the introduction is open again.

    A requested introduction goes back to credit-scored (it was scored when the loan was asked
    for), so the member may ask again from it; the step is kept in its history as a cancellation
    and told to both as one, never as a rejection. This move is the loan's alone: an operator
    cannot mark an introduction back by hand (``TRANSITIONS`` does not list it).
    """
    introduction = _introduction_of(session, loan)
    if introduction is None or introduction.status != REQUESTED:
        return introduction
    params = {"loan": int(loan.id), "cancelled": True}
    actor = getattr(loan, "member", None)
    introduction.status = SCORED
    introduction.status_note = ""
    introduction.status_changed_at = utcnow()
    record(session, introduction, SCORED, params=params, actor=actor)
    _tell(introduction, SCORED, "", params)
    return introduction


def next_steps(introduction: Introduction, viewer: Member) -> list[NavItem]:
    """What ``viewer`` may do next with the introduction, as other plugins offer it (buttons)."""
    answers = region_hook("resalat_introduction_next_steps", introduction.member)(
        introduction=introduction, viewer=viewer
    )
    return [item for answer in answers for item in (answer or [])]


# Merat's ratings as the loans plugin reports them, in the reader's letters (الف to ه in Persian).
# Worded as Merat words them; kept here too because this plugin does not require Merat.
RATING_LETTERS = {
    "A": lazy_pgettext("credit rating", "A"),
    "B": lazy_pgettext("credit rating", "B"),
    "C": lazy_pgettext("credit rating", "C"),
    "D": lazy_pgettext("credit rating", "D"),
    "E": lazy_pgettext("credit rating", "E"),
}


def step_detail(params: dict[str, Any] | None) -> str:
    """What a step of the history says beyond its status, in the reader's language ('' if nothing)."""
    if not params:
        return ""
    if params.get("cancelled"):
        return _("The member cancelled the request for loan no. %(loan)s.", loan=params.get("loan", 0))
    if "score" in params:
        return _(
            "Merat score %(score)s, rating %(rating)s.",
            score=params["score"],
            rating=Words(RATING_LETTERS.get(params.get("rating", ""), params.get("rating", ""))),
        )
    if "loan" in params:
        return _("Loan no. %(loan)s.", loan=params["loan"])
    return ""

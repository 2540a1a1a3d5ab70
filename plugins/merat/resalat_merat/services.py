"""Merat's rules: collect the credit signals, weigh them, keep the score; profiles; staff look-ups.

Public services the loans plugin codes against (CONTRACT.md): ``Score``, ``score_member``,
``current_score``, ``record_request``, ``save_profile``, ``RATINGS`` and ``rating_at_least``.
No Flask request code; nothing here commits except ``refresh``'s ``commit`` callback between
batches.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import has_request_context
from sqlalchemy import event, func, insert, select
from sqlalchemy.orm import Session

from resalat_core.sdk import (
    BadInput,
    CreditSignal,
    Member,
    Money,
    NotAllowed,
    NotFound,
    Page,
    _,
    _l,
    can,
    encode_params,
    find_member,
    module_active,
    normalize_text,
    paginate,
    split_ids,
    utcnow,
)
from resalat_merat import TOMAN, plugin, weighing
from resalat_merat.models import (
    KIND_MAX,
    LOAN_REQUEST,
    NOTE_MAX,
    ON_DEMAND,
    PERIODIC,
    REASONS,
    REFERENCE_MAX,
    SOURCE_MAX,
    FinancialProfile,
    FinancialProfileChange,
    Score,
    ScoreLine,
    ScoringRequest,
)
from resalat_merat.signals import Declared, declared_kinds, own_signals, plugin_signals, plugin_signals_many
from resalat_merat.weighing import (
    MAX_SCORE,
    MIN_SCORE,
    RATINGS,
    Weight,
    add_months,
    base_score,
    capacity_for,
    capacity_percent,
    rating_at_least,
    rating_for,
    rating_name,
    stale_before,
    thresholds,
    validity_months,
)

__all__ = [
    "LOAN_REQUEST",
    "ON_DEMAND",
    "PERIODIC",
    "RATINGS",
    "REASONS",
    "Score",
    "ScoreLine",
    "ScoringRequest",
    "add_months",
    "base_score",
    "capacity_percent",
    "current_score",
    "rating_at_least",
    "rating_name",
    "record_request",
    "save_profile",
    "score_member",
    "thresholds",
    "validity_months",
]

VIEW_REPORTS = "merat.view_reports"
# A declared monthly income or expense above this (10 billion tomans) is a typing mistake.
MAX_MONTHLY = 10_000_000_000 * TOMAN

REASON_LABELS = {
    ON_DEMAND: _l("On demand"),
    PERIODIC: _l("Periodic refresh"),
    LOAN_REQUEST: _l("Loan request"),
}


def weights() -> dict[str, Weight]:
    """The weight in force of every kind declared by a plugin switched on somewhere."""
    return weighing.weights(declared_kinds())


def money_kinds() -> frozenset[str]:
    """The signal kinds whose value is rials, for the report's wording."""
    return frozenset(kind for kind, weight in weights().items() if weight.money)


# --- signals -----------------------------------------------------------------------------------


def collect_signals(
    session: Session, member: Member, *, profile: Any = ..., now: datetime | None = None
) -> list[CreditSignal]:
    """Merat's own signals and the plugins', in a stable order (Merat's first, then by source, kind)."""
    now = now or utcnow()
    if profile is ...:
        profile = profile_of(session, member)
    days = max(0, (now - member.created_at).days)
    return _ordered(own_signals(member, profile, days) + plugin_signals(member))


def _ordered(signals: list[CreditSignal]) -> list[CreditSignal]:
    return sorted(signals, key=lambda s: (s.source != plugin.name, s.source, s.kind))


def compute_many(
    session: Session, members: Sequence[Member], profiles: dict[int, Any], now: datetime
) -> dict[int, Computed]:
    """Every member's score now, each plugin asked once for the whole list (its batched hook)
    and the declared kinds read once per region, not once per member."""
    others = plugin_signals_many(session, members)
    kinds: dict[Any, dict[str, Declared]] = {}
    found = {}
    for member in members:
        if member.region_id not in kinds:
            kinds[member.region_id] = declared_kinds(member)
        profile = profiles.get(member.id)
        days = max(0, (now - member.created_at).days)
        signals = _ordered(own_signals(member, profile, days) + others[member.id])
        found[member.id] = compute(signals, kinds[member.region_id])
    return found


@dataclass(frozen=True)
class Computed:
    value: int
    rating: str
    base: int
    lines: list[ScoreLine]


def compute(signals: Iterable[CreditSignal], declared: dict[str, Declared]) -> Computed:
    """Weigh ``signals``: base + each line's points, within 0..1000.

    A signal counts only when its plugin declared its kind (``declared``); any other is kept as
    a line that counts nothing, so the report shows it as such.
    """
    table = weighing.weights(declared)
    base = base_score()
    lines = []
    total = base
    for signal in signals:
        found = declared.get(signal.kind)
        weight = table.get(signal.kind) if found is not None and found.source == signal.source else None
        value = int(signal.value)
        points = weight.apply(value) if weight is not None else 0
        total += points
        lines.append(
            ScoreLine(
                source=str(signal.source)[:SOURCE_MAX],
                kind=str(signal.kind)[:KIND_MAX],
                value=value,
                weight_points=None if weight is None else weight.points,
                weight_per=None if weight is None else weight.per,
                weight_max=None if weight is None else weight.max,
                points=points,
                params=encode_params(signal.params),
                reference=(signal.reference or None) and str(signal.reference)[:REFERENCE_MAX],
            )
        )
    value = max(MIN_SCORE, min(MAX_SCORE, total))
    return Computed(value=value, rating=rating_for(value), base=base, lines=lines)


def compute_for(session: Session, member: Member, profile: Any, now: datetime) -> Computed:
    """The member's score now: the signals and the kinds of the plugins active in their region."""
    signals = collect_signals(session, member, profile=profile, now=now)
    return compute(signals, declared_kinds(member))


# --- scoring -----------------------------------------------------------------------------------


def _check_reason(reason: str) -> None:
    if reason not in REASONS:
        raise BadInput(
            _("Unknown reason for scoring: %(reason)s.", reason=reason),
            fields={"reason": _("Must be one of: %(choices)s.", choices=", ".join(REASONS))},
        )


def score_member(
    session: Session,
    member: Member,
    *,
    requested_by: Member | None,
    reason: str,
    reference: str | None = None,
) -> Score:
    """Compute ``member``'s score now from every active signal, keep it, and record who asked why.

    ``reason`` is "on_demand", "periodic" or "loan_request". The caller commits.
    """
    _check_reason(reason)
    now = utcnow()
    profile = profile_of(session, member)
    computed = compute_for(session, member, profile, now)
    score = Score(
        member=member,
        member_id=member.id,
        value=computed.value,
        rating=computed.rating,
        max_monthly_repayment=capacity_for(computed.rating, profile),
        base=computed.base,
        reason=reason,
        computed_at=now,
        valid_until=add_months(now, validity_months()),
        lines=computed.lines,
    )
    session.add(score)
    session.flush()
    record_request(
        session, member, requested_by=requested_by, reason=reason, reference=reference, score=score
    )
    return score


def record_request(
    session: Session,
    member: Member,
    *,
    requested_by: Member | None,
    reason: str,
    reference: str | None,
    score: Score | None,
) -> None:
    """Write down that someone asked for ``member``'s score (and which score they got)."""
    _check_reason(reason)
    session.add(
        ScoringRequest(
            member_id=member.id,
            requested_by_id=None if requested_by is None else requested_by.id,
            reason=reason,
            reference=None if reference is None else str(reference)[:REFERENCE_MAX],
            score_id=None if score is None else score.id,
            created_at=utcnow(),
        )
    )
    session.flush()


def newest_score(session: Session, member: Member) -> Score | None:
    """The member's newest score, valid or not."""
    return session.scalars(
        select(Score).where(Score.member_id == member.id).order_by(Score.id.desc()).limit(1)
    ).first()


# A request's pages ask for the same member's score from several plugins (pay later's and
# instalments' credit lines on one page): read once a request, forgotten at the session's next
# flush, commit or rollback, whatever was written.
_ASKED = "resalat_merat_current_scores"


@event.listens_for(Session, "after_flush")
def _forget_after_flush(session: Session, _context: Any) -> None:
    session.info.pop(_ASKED, None)


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_ASKED, None)


def current_score(session: Session, member: Member) -> Score | None:
    """The newest score still valid (computed within the validity months), or None."""
    asked = session.info.setdefault(_ASKED, {}) if has_request_context() else None
    if asked is not None and member.id in asked:
        return asked[member.id]
    found = session.scalars(
        select(Score)
        .where(Score.member_id == member.id, Score.valid_until > utcnow())
        .order_by(Score.id.desc())
        .limit(1)
    ).first()
    if asked is not None:
        asked[member.id] = found
    return found


def scores_of(session: Session, member: Member, page: int = 1, per_page: int = 20) -> Page:
    """The member's score history, newest first (lines load in one more query per page)."""
    stmt = select(Score).where(Score.member_id == member.id).order_by(Score.id.desc())
    return paginate(session, stmt, page, per_page)


def requests_of(session: Session, member: Member, page: int = 1, per_page: int = 20) -> Page:
    """Who asked for the member's score, and why, newest first."""
    stmt = (
        select(ScoringRequest).where(ScoringRequest.member_id == member.id).order_by(ScoringRequest.id.desc())
    )
    return paginate(session, stmt, page, per_page)


# --- the financial profile ---------------------------------------------------------------------


def profile_of(session: Session, member: Member) -> FinancialProfile | None:
    return session.scalars(select(FinancialProfile).where(FinancialProfile.member_id == member.id)).first()


def check_monthly(rials: Any, field: str, errors: dict[str, Any]) -> int | None:
    """A monthly amount in whole rials, from 0 to ``MAX_MONTHLY``; else None and the field's error."""
    if isinstance(rials, bool) or not isinstance(rials, int):
        errors[field] = _("Enter the amount in digits.")
        return None
    if rials < 0:
        errors[field] = _("Amounts cannot be negative.")
        return None
    if rials > MAX_MONTHLY:
        errors[field] = _("At most %(amount)s a month.", amount=Money(MAX_MONTHLY))
        return None
    return rials


def save_profile(
    session: Session,
    member: Member,
    *,
    monthly_income: int,
    monthly_expenses: int,
    note: str = "",
    changed_by: Member | None = None,
) -> FinancialProfile:
    """Record the member's declared monthly income and expenses, in rials (and keep the old version).

    Every problem is reported together and nothing is stored unless all are right.
    """
    errors: dict[str, Any] = {}
    income = check_monthly(monthly_income, "monthly_income", errors)
    expenses = check_monthly(monthly_expenses, "monthly_expenses", errors)
    note = normalize_text(note or "")
    if len(note) > NOTE_MAX:
        errors["note"] = _("At most %(n)d characters.", n=NOTE_MAX)
    if errors or income is None or expenses is None:
        raise BadInput(_("Please correct the marked fields."), fields=errors)
    now = utcnow()
    profile = profile_of(session, member)
    if profile is None:
        profile = FinancialProfile(member_id=member.id)
        session.add(profile)
    profile.monthly_income = income
    profile.monthly_expenses = expenses
    profile.note = note
    profile.updated_at = now
    session.add(
        FinancialProfileChange(
            member_id=member.id,
            monthly_income=income,
            monthly_expenses=expenses,
            note=note,
            changed_by_id=(changed_by or member).id,
            created_at=now,
        )
    )
    session.flush()
    return profile


def profile_changes(session: Session, member: Member, page: int = 1, per_page: int = 20) -> Page:
    stmt = (
        select(FinancialProfileChange)
        .where(FinancialProfileChange.member_id == member.id)
        .order_by(FinancialProfileChange.id.desc())
    )
    return paginate(session, stmt, page, per_page)


# --- staff -------------------------------------------------------------------------------------


def member_for_staff(session: Session, viewer: Member, identifier: str | int) -> Member:
    """The member a credit officer (or admin) asks about, if they may see them: 404 or 403."""
    if isinstance(identifier, int):
        member = session.get(Member, identifier)
    else:
        text = normalize_text(str(identifier or ""))
        if not text:
            message = _("Enter the member's mobile or national code.")
            raise BadInput(message, fields={"member": message})
        member = find_member(session, text)
    if member is None:
        message = _("No member has this mobile or national code.")
        raise NotFound(message, fields={"member": message})
    if not can(VIEW_REPORTS, member.region, viewer):
        message = _("This member is outside the region where you may see credit reports.")
        raise NotAllowed(message, fields={"member": message})
    return member


def staff_lookup(
    session: Session, viewer: Member, identifier: str | int, *, recompute: bool = False
) -> Score:
    """An officer looks a member up: the current score (a new one if none is valid, or if asked),
    and the request is recorded with the officer's name."""
    member = member_for_staff(session, viewer, identifier)
    score = None if recompute else current_score(session, member)
    if score is None:
        return score_member(session, member, requested_by=viewer, reason=ON_DEMAND)
    record_request(session, member, requested_by=viewer, reason=ON_DEMAND, reference=None, score=score)
    return score


# --- the periodic refresh ----------------------------------------------------------------------


def members_to_refresh(session: Session, *, stale_only: bool) -> list[int]:
    """Active members' ids, in order; with ``stale_only``, only those with no score newer than the
    stale limit (one query)."""
    stmt = select(Member.id).where(Member.is_active.is_(True)).order_by(Member.id)
    if stale_only:
        fresh = select(Score.member_id).where(Score.computed_at >= stale_before())
        stmt = stmt.where(Member.id.not_in(fresh))
    return list(session.scalars(stmt))


@dataclass
class RefreshResult:
    scored: int
    by_rating: dict[str, int]


def refresh(
    session: Session,
    member_ids: Sequence[int],
    *,
    batch_size: int | None = None,
    progress: Callable[[int], None] | None = None,
    commit: Callable[[], None] | None = None,
) -> RefreshResult:
    """Score every member of ``member_ids`` (reason "periodic"), batch by batch, calling
    ``commit`` after each batch (the command commits, so a long run keeps what it did).

    Merat's own reads and writes are a fixed handful of statements per batch (members, profiles,
    the scores, their lines and the requests written together); each plugin answers its batched
    signal hook once per batch.
    """
    size = batch_size or weighing.batch_size()
    by_rating = dict.fromkeys(RATINGS, 0)
    scored = 0
    for start in range(0, len(member_ids), size):
        ids = list(member_ids[start : start + size])
        members = [
            m
            for m in session.scalars(select(Member).where(Member.id.in_(ids)).order_by(Member.id))
            # Where Merat is switched off nobody is scored periodically (the snapshot is cached).
            if module_active(plugin.name, m)
        ]
        profiles = {
            p.member_id: p
            for p in session.scalars(select(FinancialProfile).where(FinancialProfile.member_id.in_(ids)))
        }
        now = utcnow()
        valid_until = add_months(now, validity_months())
        computed = {
            member_id: (result, capacity_for(result.rating, profiles.get(member_id)))
            for member_id, result in compute_many(session, members, profiles, now).items()
        }
        if computed:
            _write_batch(session, computed, now, valid_until)
        if commit is not None:
            commit()
        for result, _capacity in computed.values():
            by_rating[result.rating] += 1
        scored += len(computed)
        if progress is not None:
            progress(len(ids))
    return RefreshResult(scored=scored, by_rating=by_rating)


def _write_batch(
    session: Session, computed: dict[int, tuple[Computed, int]], now: datetime, valid_until: datetime
) -> None:
    """Scores, their lines and the requests of a whole batch in three statements."""
    rows = [
        {
            "member_id": member_id,
            "value": result.value,
            "rating": result.rating,
            "max_monthly_repayment": capacity,
            "base": result.base,
            "reason": PERIODIC,
            "computed_at": now,
            "valid_until": valid_until,
        }
        for member_id, (result, capacity) in computed.items()
    ]
    # Returning the member with each id, so the order the database answers in does not matter.
    made = session.execute(insert(Score).returning(Score.id, Score.member_id), rows).all()
    score_of = {member_id: score_id for score_id, member_id in made}
    lines = [
        {
            "score_id": score_of[member_id],
            "source": line.source,
            "kind": line.kind,
            "value": line.value,
            "weight_points": line.weight_points,
            "weight_per": line.weight_per,
            "weight_max": line.weight_max,
            "points": line.points,
            "params": line.params,
            "reference": line.reference,
        }
        for member_id, (result, _capacity) in computed.items()
        for line in result.lines
    ]
    if lines:
        session.execute(insert(ScoreLine), lines)
    session.execute(
        insert(ScoringRequest),
        [
            {
                "member_id": member_id,
                "requested_by_id": None,
                "reason": PERIODIC,
                "reference": None,
                "score_id": score_id,
                "created_at": now,
            }
            for member_id, score_id in score_of.items()
        ],
    )


# --- figures -----------------------------------------------------------------------------------


def figures(session: Session, area: list[int] | None = None) -> tuple[int, int]:
    """How many members hold a valid score, and their average (of each one's newest valid score),
    among the members of ``area`` (region ids; None: nationwide). One query."""
    newest = select(func.max(Score.id).label("id")).where(Score.valid_until > utcnow())
    if area is not None:
        newest = newest.join(Member, Member.id == Score.member_id).where(Member.region_id.in_(area))
    newest_ids = newest.group_by(Score.member_id).subquery()
    count, average = session.execute(
        select(func.count(Score.id), func.avg(Score.value)).where(Score.id.in_(select(newest_ids.c.id)))
    ).one()
    return int(count or 0), int(round(float(average or 0)))


# --- the periodic job, in chunks of members ----------------------------------------------------

REFRESH = "merat.refresh"


def plan_refresh(
    session: Session, now: datetime, *, stale_only: bool = False, chunk_size: int | None = None
) -> list[dict[str, Any]]:
    """The chunks of a refresh: the ids of the members to score cut into ranges of ``chunk_size``
    (the batch_size setting), each saying whether only stale scores are renewed."""
    ids = members_to_refresh(session, stale_only=stale_only)
    return [
        {**chunk, "stale_only": stale_only} for chunk in split_ids(ids, chunk_size or weighing.batch_size())
    ]


def refresh_chunk(session: Session, chunk: dict[str, Any], now: datetime) -> dict[str, int]:
    """Score the active members of the chunk's id range (the stale ones with ``stale_only``) who
    have no periodic score computed since ``now``, the run's moment: a chunk run again, or taken
    by a second worker, scores nobody twice. Moves no money."""
    done = select(Score.member_id).where(Score.reason == PERIODIC, Score.computed_at >= now)
    stmt = (
        select(Member.id)
        .where(
            Member.is_active.is_(True),
            Member.id.between(int(chunk["first"]), int(chunk["last"])),
            Member.id.not_in(done),
        )
        .order_by(Member.id)
    )
    if chunk.get("stale_only"):
        stmt = stmt.where(
            Member.id.not_in(select(Score.member_id).where(Score.computed_at >= stale_before()))
        )
    ids = list(session.scalars(stmt))
    result = refresh(session, ids, batch_size=max(1, len(ids)))
    return {"scored": result.scored, **{f"rating_{r}": n for r, n in result.by_rating.items()}}

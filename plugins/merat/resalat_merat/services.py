"""Merat's rules: collect the credit signals, weigh them by the configured weights, keep the score.

Public services the loans plugin codes against (CONTRACT.md): ``Score``, ``score_member``,
``current_score``, ``record_request``, ``RATINGS`` and ``rating_at_least``. No Flask request code.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from resalat_core.sdk import (
    BadInput,
    CreditSignal,
    Member,
    NotAllowed,
    NotFound,
    Page,
    _,
    _l,
    can,
    find_member,
    format_money,
    is_active,
    normalize_text,
    paginate,
    parse_money,
    region_hook,
    to_persian_digits,
    utcnow,
)
from resalat_merat import TOMAN, plugin, setting
from resalat_merat.models import (
    LOAN_REQUEST,
    NOTE_MAX,
    ON_DEMAND,
    PERIODIC,
    REASONS,
    FinancialProfile,
    FinancialProfileChange,
    Score,
    ScoreLine,
    ScoringRequest,
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
    "current_score",
    "rating_at_least",
    "record_request",
    "score_member",
]

# Ordered best first (CONTRACT.md).
RATINGS: tuple[str, ...] = ("A", "B", "C", "D", "E")
MIN_SCORE = 0
MAX_SCORE = 1000
VIEW_REPORTS = "merat.view_reports"
STAFF_ROLES = ("credit_officer", "admin")
# A declared monthly income or expense above this (10 billion tomans) is a typing mistake.
MAX_MONTHLY = 10_000_000_000 * TOMAN

REASON_LABELS = {
    ON_DEMAND: _l("On demand"),
    PERIODIC: _l("Periodic refresh"),
    LOAN_REQUEST: _l("Loan request"),
}


def rating_at_least(rating: str, minimum: str) -> bool:
    """Is ``rating`` as good as ``minimum`` or better? Unknown ratings are never good enough."""
    if rating not in RATINGS or minimum not in RATINGS:
        return False
    return RATINGS.index(rating) <= RATINGS.index(minimum)


# --- the configured weights ----------------------------------------------------------------------


@dataclass(frozen=True)
class Weight:
    """``points`` for every ``per`` of a signal's value, never beyond ``max`` (either sign)."""

    kind: str
    points: int
    per: int
    max: int | None
    # The signal's value is rials: the report shows ``per`` as money (tomans), not a bare count.
    money: bool = False

    def apply(self, value: int) -> int:
        # Whole units only, rounded toward zero, so half a unit earns nothing either way.
        units = abs(value) // self.per
        points = units * self.points * (1 if value >= 0 else -1)
        if self.max is not None:
            cap = abs(self.max)
            points = max(-cap, min(cap, points))
        return points


def _int_setting(raw: Any, name: str) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        raise ValueError(f"merat setting {name} must be a whole number, not {raw!r}")
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"merat setting {name} must be a whole number, not {raw!r}") from None


def weights() -> dict[str, Weight]:
    """The weights in force: the defaults, each kind replaced by ``[plugins.merat.weights]``.

    A deployment may name only the kinds it changes, or add kinds a new plugin contributes.
    """
    defaults = plugin.settings["weights"]
    configured = setting("weights") or {}
    merged = {**defaults, **configured}
    result = {}
    for kind, raw in merged.items():
        if not isinstance(raw, dict):
            raise ValueError(f"merat setting weights.{kind} must be a table with points, per and max")
        per = _int_setting(raw.get("per", 1), f"weights.{kind}.per")
        if per < 1:
            raise ValueError(f"merat setting weights.{kind}.per must be 1 or more")
        cap = raw.get("max")
        result[kind] = Weight(
            kind=kind,
            points=_int_setting(raw.get("points", 0), f"weights.{kind}.points"),
            per=per,
            max=None if cap is None else _int_setting(cap, f"weights.{kind}.max"),
            money=_bool_setting(raw.get("money", False), f"weights.{kind}.money"),
        )
    return result


def _bool_setting(raw: Any, name: str) -> bool:
    if not isinstance(raw, bool):
        raise ValueError(f"merat setting {name} must be true or false, not {raw!r}")
    return raw


def money_kinds() -> frozenset[str]:
    """The signal kinds whose value is rials, for the report's wording."""
    return frozenset(kind for kind, weight in weights().items() if weight.money)


def base_score() -> int:
    return max(MIN_SCORE, min(MAX_SCORE, _int_setting(setting("base_score"), "base_score")))


def thresholds() -> list[tuple[str, int]]:
    """(rating, lowest score) best first, from ``[plugins.merat.ratings]``; E takes the rest."""
    table = {**plugin.settings["ratings"], **(setting("ratings") or {})}
    result = [(r, _int_setting(table[r], f"ratings.{r}")) for r in RATINGS[:-1] if r in table]
    floors = [floor for _r, floor in result]
    if floors != sorted(floors, reverse=True):
        raise ValueError("merat setting ratings must fall from A to D")
    return result


def rating_for(value: int) -> str:
    for rating, floor in thresholds():
        if value >= floor:
            return rating
    return RATINGS[-1]


def capacity_percent(rating: str) -> int:
    table = {**plugin.settings["capacity_percent"], **(setting("capacity_percent") or {})}
    percent = _int_setting(table.get(rating, 0), f"capacity_percent.{rating}")
    return max(0, min(100, percent))


def capacity_for(rating: str, profile: FinancialProfile | None) -> int:
    """Rials a month: the declared surplus × the rating's share; never negative, 0 with no profile."""
    if profile is None:
        return 0
    return max(0, profile.surplus * capacity_percent(rating) // 100)


def validity_months() -> int:
    return max(1, _int_setting(setting("validity_months"), "validity_months"))


def add_months(moment: datetime, months: int) -> datetime:
    """The same day ``months`` later (the month's last day when it is shorter)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


# --- signals -----------------------------------------------------------------------------------


def _own_signals(member: Member, profile: FinancialProfile | None, now: datetime) -> list[CreditSignal]:
    """What Merat itself knows: how long the member has been with us, and their declared month."""
    days = max(0, (now - member.created_at).days)
    signals = [
        CreditSignal(
            source=plugin.name,
            kind="membership_days",
            value=days,
            description_fa=f"{to_persian_digits(str(days))} روز عضویت در رسالت",
            description_en=f"Member of Resalat for {days} days",
        )
    ]
    if profile is not None:
        signals.append(
            CreditSignal(
                source=plugin.name,
                kind="monthly_surplus",
                value=profile.surplus,
                description_fa=(
                    f"درآمد ماهانه‌ی اعلام‌شده {format_money(profile.monthly_income)} و هزینه‌ی ماهانه "
                    f"{format_money(profile.monthly_expenses)}"
                ),
                description_en=(
                    f"Declared monthly income {format_money(profile.monthly_income, lang='en')}, "
                    f"expenses {format_money(profile.monthly_expenses, lang='en')}"
                ),
            )
        )
    return signals


def plugin_signals(member: Member) -> list[CreditSignal]:
    """The signals of every plugin active in the member's region (one hook call)."""
    answers = region_hook("resalat_credit_signals", member)(member=member)
    found: list[CreditSignal] = []
    for answer in answers or ():
        for signal in answer or ():
            found.append(signal)
    return found


def collect_signals(
    session: Session, member: Member, *, profile: Any = ..., now: datetime | None = None
) -> list[CreditSignal]:
    """Merat's own signals and the plugins', in a stable order (source, kind)."""
    now = now or utcnow()
    if profile is ...:
        profile = profile_of(session, member)
    signals = _own_signals(member, profile, now) + plugin_signals(member)
    return sorted(signals, key=lambda s: (s.source != plugin.name, s.source, s.kind))


@dataclass(frozen=True)
class Computed:
    value: int
    rating: str
    base: int
    lines: list[ScoreLine]


def compute(signals: Iterable[CreditSignal]) -> Computed:
    """Apply the configured weights to ``signals``: base + each line's points, within 0..1000."""
    table = weights()
    base = base_score()
    lines = []
    total = base
    for signal in signals:
        weight = table.get(signal.kind)
        value = int(signal.value)
        points = weight.apply(value) if weight is not None else 0
        total += points
        lines.append(
            ScoreLine(
                source=str(signal.source)[:40],
                kind=str(signal.kind)[:60],
                value=value,
                weight_points=None if weight is None else weight.points,
                weight_per=None if weight is None else weight.per,
                weight_max=None if weight is None else weight.max,
                points=points,
                description_fa=(signal.description_fa or "")[:500],
                description_en=(signal.description_en or "")[:500],
                reference=(signal.reference or None) and str(signal.reference)[:120],
            )
        )
    value = max(MIN_SCORE, min(MAX_SCORE, total))
    return Computed(value=value, rating=rating_for(value), base=base, lines=lines)


# --- scoring -----------------------------------------------------------------------------------


def _check_reason(reason: str) -> None:
    if reason not in REASONS:
        raise BadInput(
            _("Unknown reason for scoring: %(reason)s.", reason=reason),
            fields={"reason": _("Must be one of: %(choices)s.", choices=", ".join(REASONS))},
        )


def _new_score(
    member: Member, profile: FinancialProfile | None, signals: list[CreditSignal], reason: str, now: datetime
) -> Score:
    computed = compute(signals)
    return Score(
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
    score = _new_score(
        member, profile, collect_signals(session, member, profile=profile, now=now), reason, now
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
            reference=None if reference is None else str(reference)[:120],
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


def current_score(session: Session, member: Member) -> Score | None:
    """The newest score still valid (computed within the validity months), or None."""
    return session.scalars(
        select(Score)
        .where(Score.member_id == member.id, Score.valid_until > utcnow())
        .order_by(Score.id.desc())
        .limit(1)
    ).first()


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


def _amount(raw: Any, field: str, unit: str) -> int:
    """A monthly amount: typed text in ``unit`` (forms) or an int of rials (API), checked."""
    if isinstance(raw, bool):
        raise BadInput(_("Enter an amount."), fields={field: _("Enter an amount.")})
    if isinstance(raw, int):
        rials = raw if unit == "rial" else raw * TOMAN
    else:
        text = str(raw if raw is not None else "").strip()
        # parse_money reads "-5" as a bad amount; say plainly that it must not be negative.
        if text.startswith(("-", "−")):
            raise BadInput(_("Amounts cannot be negative."), fields={field: _("Cannot be negative.")})
        rials = parse_money(text, unit=unit, field=field)
    if rials < 0:
        raise BadInput(_("Amounts cannot be negative."), fields={field: _("Cannot be negative.")})
    if rials > MAX_MONTHLY:
        message = _("At most %(amount)s a month.", amount=format_money(MAX_MONTHLY))
        raise BadInput(message, fields={field: message})
    return rials


def save_profile(
    session: Session,
    member: Member,
    *,
    monthly_income: Any,
    monthly_expenses: Any,
    note: str = "",
    unit: str = "toman",
    changed_by: Member | None = None,
) -> FinancialProfile:
    """Record the member's declared monthly income and expenses (and keep the old version).

    Every problem is reported together and nothing is stored unless all are right.
    """
    errors: dict[str, Any] = {}
    values: dict[str, int] = {}
    for field, raw in (("monthly_income", monthly_income), ("monthly_expenses", monthly_expenses)):
        try:
            values[field] = _amount(raw, field, unit)
        except BadInput as exc:
            errors.update(exc.fields or {field: exc.message})
    note = normalize_text(note or "")
    if len(note) > NOTE_MAX:
        errors["note"] = _("At most %(n)d characters.", n=NOTE_MAX)
    if errors:
        raise BadInput(_("Please correct the marked fields."), fields=errors)
    now = utcnow()
    profile = profile_of(session, member)
    if profile is None:
        profile = FinancialProfile(member_id=member.id)
        session.add(profile)
    profile.monthly_income = values["monthly_income"]
    profile.monthly_expenses = values["monthly_expenses"]
    profile.note = note
    profile.updated_at = now
    session.add(
        FinancialProfileChange(
            member_id=member.id,
            monthly_income=values["monthly_income"],
            monthly_expenses=values["monthly_expenses"],
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
            raise BadInput(
                _("Enter the member's mobile or national code."),
                fields={"member": _("Enter the member's mobile or national code.")},
            )
        member = find_member(session, text)
    if member is None:
        raise NotFound(_("No member has this mobile or national code."))
    if not can(VIEW_REPORTS, member.region, viewer):
        raise NotAllowed(_("This member is outside the region where you may see credit reports."))
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


def stale_before(now: datetime | None = None) -> datetime:
    from datetime import timedelta

    days = max(0, _int_setting(setting("stale_days"), "stale_days"))
    return (now or utcnow()) - timedelta(days=days)


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
) -> RefreshResult:
    """Score every member of ``member_ids`` (reason "periodic"), committing batch by batch.

    Merat's own reads and writes are a fixed handful of statements per batch (members, profiles,
    the scores, their lines and the requests written together); each plugin answers its signal
    hook once per member.
    """
    size = max(1, batch_size or _int_setting(setting("batch_size"), "batch_size"))
    by_rating = dict.fromkeys(RATINGS, 0)
    scored = 0
    for start in range(0, len(member_ids), size):
        ids = list(member_ids[start : start + size])
        members = [
            m
            for m in session.scalars(select(Member).where(Member.id.in_(ids)).order_by(Member.id))
            # Where Merat is switched off nobody is scored periodically (the snapshot is cached).
            if is_active(plugin.name, m)
        ]
        profiles = {
            p.member_id: p
            for p in session.scalars(select(FinancialProfile).where(FinancialProfile.member_id.in_(ids)))
        }
        now = utcnow()
        valid_until = add_months(now, validity_months())
        computed: dict[int, tuple[Computed, int]] = {}
        for member in members:
            profile = profiles.get(member.id)
            result = compute(collect_signals(session, member, profile=profile, now=now))
            computed[member.id] = (result, capacity_for(result.rating, profiles.get(member.id)))
        if computed:
            _write_batch(session, computed, now, valid_until)
        session.commit()
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
            "description_fa": line.description_fa,
            "description_en": line.description_en,
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


def figures(session: Session) -> tuple[int, int]:
    """How many members hold a valid score, and their average (of each one's newest valid score)."""
    newest = (
        select(func.max(Score.id).label("id"))
        .where(Score.valid_until > utcnow())
        .group_by(Score.member_id)
        .subquery()
    )
    count, average = session.execute(
        select(func.count(Score.id), func.avg(Score.value)).where(Score.id.in_(select(newest.c.id)))
    ).one()
    return int(count or 0), int(round(float(average or 0)))
